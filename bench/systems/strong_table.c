/* SPDX-License-Identifier: MIT */
/*
 * The ceiling: a strong open-addressing table on the collector, hashed like
 * gcweak (Fibonacci hashing of the key address, linear probing, power-of-two
 * capacity, at most 3/4 full, keys and values in separate arrays). It holds
 * its keys alive, so a program using it must delete entries by hand; it pays
 * nothing for weakness, which is why a weak table cannot beat it.
 *
 * Deletion shifts later entries of the probe run back (no tombstones), so
 * lookups never walk over deleted slots.
 */
#include "systems.h"

#include <stdlib.h>

#include <gc/gc.h>

typedef struct strong_table {
  void **keys;      /* NULL marks an empty slot */
  void **vals;
  size_t mask;      /* capacity - 1 */
  unsigned shift;   /* 64 - log2(capacity) */
  size_t count;
} strong_table;

#define STRONG_MIN_LOG2 3

static inline size_t home_slot(const strong_table *t, const void *key)
{
  return (size_t)(((uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15u) >> t->shift);
}

static void **new_slot_array(size_t capacity)
{
  void **a = GC_MALLOC_IGNORE_OFF_PAGE(capacity * sizeof *a);
  if (a == NULL)
    abort();
  return a;
}

static void strong_init_arrays(strong_table *t, unsigned log2cap)
{
  size_t cap = (size_t)1 << log2cap;
  t->keys = new_slot_array(cap);
  t->vals = new_slot_array(cap);
  t->mask = cap - 1;
  t->shift = 64 - log2cap;
}

static void *strong_create(void)
{
  strong_table *t = GC_MALLOC(sizeof *t);
  if (t == NULL)
    abort();
  strong_init_arrays(t, STRONG_MIN_LOG2);
  return t;
}

/* Slot holding key, or the empty slot where it would go. */
static inline size_t strong_probe(const strong_table *t, const void *key)
{
  size_t i = home_slot(t, key);
  while (t->keys[i] != NULL && t->keys[i] != key)
    i = (i + 1) & t->mask;
  return i;
}

static bool strong_needs_grow(const strong_table *t)
{
  return (t->count + 1) * 4 > (t->mask + 1) * 3;
}

static void strong_grow(strong_table *t)
{
  void **old_keys = t->keys, **old_vals = t->vals;
  size_t old_cap = t->mask + 1;
  strong_init_arrays(t, 64 - t->shift + 1);
  for (size_t i = 0; i < old_cap; i++) {
    if (old_keys[i] != NULL) {
      size_t j = strong_probe(t, old_keys[i]);
      t->keys[j] = old_keys[i];
      t->vals[j] = old_vals[i];
    }
  }
  /* Nothing else points at the old arrays: give them back now rather than
   * leave them to a conservative scan that might find a stale pointer. */
  GC_FREE(old_keys);
  GC_FREE(old_vals);
}

static void strong_set(strong_table *t, void *key, void *value)
{
  size_t i = strong_probe(t, key);
  if (t->keys[i] == NULL) {
    if (strong_needs_grow(t)) {
      strong_grow(t);
      i = strong_probe(t, key);
    }
    t->keys[i] = key;
    t->count++;
  }
  t->vals[i] = value;
}

static inline bool strong_get(const strong_table *t, const void *key,
                              void **value_out)
{
  size_t i = strong_probe(t, key);
  if (t->keys[i] == NULL)
    return false;
  *value_out = t->vals[i];
  return true;
}

/* Entry at slot j may move back to the hole at i unless its home slot lies
 * cyclically in (i, j]. */
static inline bool may_fill_hole(size_t home, size_t i, size_t j)
{
  return i <= j ? (home <= i || home > j) : (home <= i && home > j);
}

static bool strong_delete(strong_table *t, const void *key)
{
  size_t i = strong_probe(t, key);
  if (t->keys[i] == NULL)
    return false;
  for (size_t j = (i + 1) & t->mask; t->keys[j] != NULL; j = (j + 1) & t->mask) {
    if (may_fill_hole(home_slot(t, t->keys[j]), i, j)) {
      t->keys[i] = t->keys[j];
      t->vals[i] = t->vals[j];
      i = j;
    }
  }
  t->keys[i] = NULL;
  t->vals[i] = NULL;
  t->count--;
  return true;
}

/* ---------------------------------------------------------- batch adapters */

static void strong_set_all(void *t, void *const *keys, void *const *vals, size_t n)
{
  for (size_t i = 0; i < n; i++)
    strong_set(t, keys[i], vals[i]);
}

static size_t strong_get_all(void *t, void *const *keys, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    void *v;
    if (strong_get(t, keys[i], &v)) {
      found++;
      s += (uintptr_t)v;
    }
  }
  *sum += s;
  return found;
}

static size_t strong_has_all(void *t, void *const *keys, size_t n)
{
  size_t found = 0;
  for (size_t i = 0; i < n; i++) {
    void *v;
    found += strong_get(t, keys[i], &v);
  }
  return found;
}

static size_t strong_del_all(void *t, void *const *keys, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++)
    deleted += strong_delete(t, keys[i]);
  return deleted;
}

static void strong_bump_all(void *t, void *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    void *v = NULL;
    strong_get(t, keys[i], &v);
    strong_set(t, keys[i], (void *)((uintptr_t)v + 1));
  }
}

static size_t strong_size(void *t)
{
  return ((strong_table *)t)->count;
}

const bench_system bench_sys_strong = {
  .name = "strong",
  .label = "strong table (ceiling)",
  .weak = false,
  .create = strong_create,
  .set_all = strong_set_all,
  .get_all = strong_get_all,
  .has_all = strong_has_all,
  .del_all = strong_del_all,
  .bump_all = strong_bump_all,
  .size = strong_size,
  .concurrent_reads = true,
};
