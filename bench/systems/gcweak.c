/* SPDX-License-Identifier: MIT */
/*
 * gcweak itself, driven through the public header only: the default map
 * (ephemeron semantics) and the plain weak-key mode, whose difference in
 * collection time is the cost of the ephemeron pass.
 */
#include "systems.h"

#include <stdio.h>
#include <stdlib.h>

#include "gcweak.h"
#include "gcweak_map.h"

static void *gcweak_create(void)
{
  gcweak_map *m = gcweak_map_new();
  if (m == NULL)
    abort();
  return m;
}

static void *gcweak_create_weak_keys(void)
{
  gcweak_map_options options = { 0 };
  options.flags = GCWEAK_MAP_WEAK_KEYS;
  gcweak_map *m = gcweak_map_new_with(&options);
  if (m == NULL)
    abort();
  return m;
}

void bench_gcweak_set_all(void *m, void *const *keys, void *const *vals, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    int rc = gcweak_map_set(m, keys[i], vals[i]);
    if (rc != GCWEAK_OK) {
      fprintf(stderr, "gcweak-bench: gcweak_map_set: %s\n", gcweak_strerror(rc));
      abort();
    }
  }
}

size_t bench_gcweak_get_all(void *m, void *const *keys, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    void *v;
    if (gcweak_map_lookup(m, keys[i], &v)) {
      found++;
      s += (uintptr_t)v;
    }
  }
  *sum += s;
  return found;
}

size_t bench_gcweak_has_all(void *m, void *const *keys, size_t n)
{
  size_t found = 0;
  for (size_t i = 0; i < n; i++)
    found += gcweak_map_has(m, keys[i]);
  return found;
}

size_t bench_gcweak_del_all(void *m, void *const *keys, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++)
    deleted += gcweak_map_delete(m, keys[i]);
  return deleted;
}

static void gcweak_bump_all(void *m, void *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uintptr_t v = (uintptr_t)gcweak_map_get(m, keys[i]);
    if (gcweak_map_set(m, keys[i], (void *)(v + 1)) != GCWEAK_OK)
      abort();
  }
}

size_t bench_gcweak_size(void *m)
{
  return gcweak_map_size(m);
}

const bench_system bench_sys_gcweak = {
  .name = "gcweak",
  .label = "gcweak",
  .weak = true,
  .create = gcweak_create,
  .set_all = bench_gcweak_set_all,
  .get_all = bench_gcweak_get_all,
  .has_all = bench_gcweak_has_all,
  .del_all = bench_gcweak_del_all,
  .bump_all = gcweak_bump_all,
  .size = bench_gcweak_size,
  .concurrent_reads = true,
};

const bench_system bench_sys_gcweak_weak_keys = {
  .name = "gcweak-wk",
  .label = "gcweak, weak-key mode",
  .weak = true,
  .create = gcweak_create_weak_keys,
  .set_all = bench_gcweak_set_all,
  .get_all = bench_gcweak_get_all,
  .has_all = bench_gcweak_has_all,
  .del_all = bench_gcweak_del_all,
  .bump_all = gcweak_bump_all,
  .size = bench_gcweak_size,
  .concurrent_reads = true,
};
