/* SPDX-License-Identifier: MIT */
/*
 * bdwgc's own finalizers as a registry: GC_register_finalizer, one
 * finalizer per object, whose client data is the held word. There is one
 * such "registry" per process, and a finalizer is found by its object, so
 * the target is its own token: unregistering is registering no finalizer
 * on it (which hands back the one it had). Delivery is its finalizers
 * running in GC_invoke_finalizers() after a collection.
 *
 * The finalizer's callback learns nothing but the object and the client
 * data, so the delivery record of the registry in use is a variable of this
 * file: one registry at a time, which is how the workloads use them.
 */
#include "systems.h"

#include <stdlib.h>

#include <gc/gc.h>

static bench_delivery *current;

static void GC_CALLBACK note_finalized(void *obj, void *held)
{
  (void)obj;
  if (current != NULL)
    bench_delivery_note(current, held);
}

static void *finalizer_create(bench_delivery *d)
{
  current = d;
  return d;
}

static void finalizer_register_all(void *reg, void *const *targets,
                                   void *const *tokens, size_t first, size_t n)
{
  (void)reg;
  (void)tokens;   /* the targets themselves */
  for (size_t i = 0; i < n; i++)
    GC_REGISTER_FINALIZER(targets[i], note_finalized, bench_held(first + i),
                          NULL, NULL);
}

static size_t finalizer_unregister_all(void *reg, void *const *tokens, size_t n)
{
  (void)reg;
  size_t dropped = 0;
  for (size_t i = 0; i < n; i++) {
    GC_finalization_proc old = 0;
    void *old_data;
    GC_REGISTER_FINALIZER(tokens[i], 0, 0, &old, &old_data);
    dropped += old != 0;
  }
  return dropped;
}

static void finalizer_deliver(void *reg)
{
  (void)reg;
  GC_invoke_finalizers();
}

/* The finalizers of targets that outlive this "registry" would note into
 * a record the workload has moved on from: they go. */
static void finalizer_drop(void *reg, void *const *targets, size_t n)
{
  (void)reg;
  for (size_t i = 0; i < n; i++)
    if (targets[i] != NULL)
      GC_REGISTER_FINALIZER(targets[i], 0, 0, NULL, NULL);
}

static const bench_registry_ops finalizer_ops = {
  .create = finalizer_create,
  .register_all = finalizer_register_all,
  .unregister_all = finalizer_unregister_all,
  .deliver = finalizer_deliver,
  .drop = finalizer_drop,
};

const bench_system bench_sys_finalizer = {
  .name = "finalizer",
  .label = "GC_register_finalizer",
  .weak = true,
  .registry = &finalizer_ops,
};
