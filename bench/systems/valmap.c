/* SPDX-License-Identifier: MIT */
/*
 * gcweak's weak-value maps (gcweak_valmap_*), through the public header
 * only: keys are byte strings the map copies, values collector objects it
 * holds weakly.
 */
#include "systems.h"

#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"
#include "gcweak.h"

static void *vm_create(void)
{
  gcweak_valmap *m = gcweak_valmap_new();
  if (m == NULL)
    abort();
  return m;
}

static void vm_set_all(void *m, const unsigned char *keys, size_t len, size_t n,
                       void *const *vals)
{
  for (size_t i = 0; i < n; i++) {
    int rc = gcweak_valmap_set(m, keys + i * len, len, vals[i]);
    if (rc != GCWEAK_OK) {
      fprintf(stderr, "gcweak-bench: gcweak_valmap_set: %s\n", gcweak_strerror(rc));
      abort();
    }
  }
}

/* Counts its calls so that intern_all can report how many values it made. */
static void *vm_make(const void *key, size_t len, void *made)
{
  (void)key;
  (void)len;
  ++*(size_t *)made;
  return bench_new_value();
}

static size_t vm_intern_all(void *m, const unsigned char *keys, size_t len, size_t n,
                            void **out)
{
  size_t made = 0;
  for (size_t i = 0; i < n; i++) {
    int rc = gcweak_valmap_intern(m, keys + i * len, len, vm_make, &made, &out[i]);
    if (rc != GCWEAK_OK) {
      fprintf(stderr, "gcweak-bench: gcweak_valmap_intern: %s\n", gcweak_strerror(rc));
      abort();
    }
  }
  return made;
}

static size_t vm_get_all(void *m, const unsigned char *keys, size_t len, size_t n,
                         uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    void *v = gcweak_valmap_get(m, keys + i * len, len);
    if (v != NULL) {
      found++;
      s += (uintptr_t)v;
    }
  }
  *sum += s;
  return found;
}

static size_t vm_del_all(void *m, const unsigned char *keys, size_t len, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++)
    deleted += gcweak_valmap_delete(m, keys + i * len, len);
  return deleted;
}

static size_t vm_size(void *m)
{
  return gcweak_valmap_size(m);
}

static const bench_bytes_ops vm_ops = {
  .create = vm_create,
  .set_all = vm_set_all,
  .intern_all = vm_intern_all,
  .get_all = vm_get_all,
  .del_all = vm_del_all,
  .size = vm_size,
  .weak = true,
  .shapes = true,
};

const bench_system bench_sys_valmap = {
  .name = "valmap",
  .label = "gcweak weak-value map",
  .weak = true,
  .bytes = &vm_ops,
};
