/* SPDX-License-Identifier: MIT */
/*
 * gcweak's finalization registries, through the public header only.
 * Delivery is what a program that runs finalizers on demand does after a
 * collection: GC_invoke_finalizers() (which runs the registry's notifier,
 * and so its callbacks), then gcweak_registry_cleanup() for any callback
 * still due.
 */
#include "systems.h"

#include <stdio.h>
#include <stdlib.h>

#include <gc/gc.h>

#include "gcweak.h"

static void note_cleanup(void *held, void *delivery)
{
  bench_delivery_note(delivery, held);
}

static void *gcweak_registry_create(bench_delivery *d)
{
  gcweak_registry *r = gcweak_registry_new(note_cleanup, d);
  if (r == NULL)
    abort();
  return r;
}

static void gcweak_register_all(void *r, void *const *targets, void *const *tokens,
                                size_t first, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    int rc = gcweak_registry_register(r, targets[i], bench_held(first + i),
                                      tokens != NULL ? tokens[i] : NULL);
    if (rc != GCWEAK_OK) {
      fprintf(stderr, "gcweak-bench: gcweak_registry_register: %s\n",
              gcweak_strerror(rc));
      abort();
    }
  }
}

static size_t gcweak_unregister_all(void *r, void *const *tokens, size_t n)
{
  size_t dropped = 0;
  for (size_t i = 0; i < n; i++)
    dropped += gcweak_registry_unregister(r, tokens[i]);
  return dropped;
}

static void gcweak_deliver(void *r)
{
  GC_invoke_finalizers();
  (void)gcweak_registry_cleanup(r);
}

static const bench_registry_ops gcweak_registry_ops = {
  .create = gcweak_registry_create,
  .register_all = gcweak_register_all,
  .unregister_all = gcweak_unregister_all,
  .deliver = gcweak_deliver,
  /* A registry that became unreachable runs no callback: dropping it is
   * enough. */
  .drop = NULL,
};

const bench_system bench_sys_gcweak_registry = {
  .name = "gcweak-reg",
  .label = "gcweak_registry",
  .weak = true,
  .registry = &gcweak_registry_ops,
};
