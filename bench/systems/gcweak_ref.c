/* SPDX-License-Identifier: MIT */
/* gcweak's weak references, through the public header only. */
#include "systems.h"

#include <stdio.h>
#include <stdlib.h>

#include "gcweak.h"

static void gcweak_ref_new_all(void *state, void **refs, void *const *targets,
                               size_t n)
{
  (void)state;
  for (size_t i = 0; i < n; i++) {
    int rc = gcweak_ref_new(targets[i], (gcweak_ref **)&refs[i]);
    if (rc != GCWEAK_OK) {
      fprintf(stderr, "gcweak-bench: gcweak_ref_new: %s\n", gcweak_strerror(rc));
      abort();
    }
  }
}

static size_t gcweak_ref_get_all(void *const *refs, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    void *target = gcweak_ref_get(refs[i]);
    if (target != NULL) {
      found++;
      s += (uintptr_t)target;
    }
  }
  *sum += s;
  return found;
}

static const bench_ref_ops gcweak_ref_ops = {
  .new_all = gcweak_ref_new_all,
  .get_all = gcweak_ref_get_all,
  .knows_death = true,
};

const bench_system bench_sys_gcweak_ref = {
  .name = "gcweak-ref",
  .label = "gcweak_ref",
  .weak = true,
  .ref = &gcweak_ref_ops,
};
