/* SPDX-License-Identifier: MIT */
/*
 * The obvious weak reference a bdwgc user writes first: a pointer-free
 * one-word box (GC_MALLOC_ATOMIC) holding the target disguised with
 * GC_HIDE_POINTER, a disappearing link on the target that the collector
 * zeroes when the target dies, and every read under the allocation lock
 * (GC_call_with_alloc_lock): revealing the pointer outside the lock could
 * hand back an object the collector has just decided to reclaim. The lock
 * is what readers in several threads queue on.
 */
#include "systems.h"

#include <stdlib.h>

#include <gc/gc.h>

static void box_new_all(void *state, void **refs, void *const *targets, size_t n)
{
  (void)state;
  for (size_t i = 0; i < n; i++) {
    GC_hidden_pointer *box = GC_MALLOC_ATOMIC(sizeof *box);
    if (box == NULL)
      abort();
    *box = GC_HIDE_POINTER(targets[i]);
    if (GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)box, targets[i]) != GC_SUCCESS)
      abort();
    refs[i] = box;
  }
}

static void *reveal_locked(void *box)
{
  GC_hidden_pointer h = *(const GC_hidden_pointer *)box;
  return h != 0 ? GC_REVEAL_POINTER(h) : NULL;
}

static size_t box_get_all(void *const *refs, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    void *target = GC_call_with_alloc_lock(reveal_locked, refs[i]);
    if (target != NULL) {
      found++;
      s += (uintptr_t)target;
    }
  }
  *sum += s;
  return found;
}

static const bench_ref_ops box_ops = {
  .new_all = box_new_all,
  .get_all = box_get_all,
  .knows_death = true,
};

const bench_system bench_sys_box = {
  .name = "box",
  .label = "obvious weak ref (box + link)",
  .weak = true,
  .ref = &box_ops,
};
