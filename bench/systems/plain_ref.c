/* SPDX-License-Identifier: MIT */
/*
 * The ceiling of weak references: a plain pointer in a one-word object of
 * the same kind of memory as gcweak's references (pointer-free, from
 * GC_MALLOC_ATOMIC), read with one load. It is not weak, nor even a
 * reference the collector sees: the target stays alive only because the
 * workloads hold it, and after the target dies the pointer dangles, so it
 * has no figure for reading a dead target. What a weak reference costs on
 * top of a pointer load is its time against this one.
 */
#include "systems.h"

#include <stdlib.h>

#include <gc/gc.h>

static void plain_new_all(void *state, void **refs, void *const *targets, size_t n)
{
  (void)state;
  for (size_t i = 0; i < n; i++) {
    void **box = GC_MALLOC_ATOMIC(sizeof *box);
    if (box == NULL)
      abort();
    *box = targets[i];
    refs[i] = box;
  }
}

static size_t plain_get_all(void *const *refs, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    void *target = *(void *const *)refs[i];
    if (target != NULL) {
      found++;
      s += (uintptr_t)target;
    }
  }
  *sum += s;
  return found;
}

static const bench_ref_ops plain_ops = {
  .new_all = plain_new_all,
  .get_all = plain_get_all,
  .knows_death = false,
};

const bench_system bench_sys_plain = {
  .name = "plain",
  .label = "plain pointer load (ceiling)",
  .weak = false,
  .ref = &plain_ops,
};
