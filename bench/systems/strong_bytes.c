/* SPDX-License-Identifier: MIT */
/*
 * The ceiling for byte-string keys: a strong open-addressing table holding
 * a copy of each key, hashed with the same seeded SipHash-1-3 as gcweak's
 * weak-value maps (linear probing, power-of-two capacity, at most 3/4 full,
 * the hash kept beside each slot so that a probe compares bytes only when
 * the hashes agree). It keeps its values alive and pays nothing for
 * weakness. Deletion shifts later entries of the probe run back, as the
 * pointer-keyed strong table does.
 */
#include "systems.h"

#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

#include "bytes.h"

typedef struct stored_key {
  size_t len;
  unsigned char data[];
} stored_key;

typedef struct sb_table {
  uint64_t *hashes;     /* pointer-free */
  stored_key **keys;    /* NULL marks an empty slot */
  void **vals;
  size_t mask;
  size_t count;
} sb_table;

static void sb_init_arrays(sb_table *t, size_t cap)
{
  t->hashes = GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(cap * sizeof *t->hashes);
  t->keys = GC_MALLOC_IGNORE_OFF_PAGE(cap * sizeof *t->keys);
  t->vals = GC_MALLOC_IGNORE_OFF_PAGE(cap * sizeof *t->vals);
  if (t->hashes == NULL || t->keys == NULL || t->vals == NULL)
    abort();
  t->mask = cap - 1;
}

static void *sb_create(void)
{
  sb_table *t = GC_MALLOC(sizeof *t);
  if (t == NULL)
    abort();
  sb_init_arrays(t, 8);
  return t;
}

/* Slot holding the key, or the empty slot where it would go. */
static inline size_t sb_probe(const sb_table *t, uint64_t h, const unsigned char *key,
                              size_t len)
{
  size_t i = (size_t)h & t->mask;
  for (;;) {
    const stored_key *k = t->keys[i];
    if (k == NULL || (t->hashes[i] == h && k->len == len &&
                      memcmp(k->data, key, len) == 0))
      return i;
    i = (i + 1) & t->mask;
  }
}

static void sb_grow(sb_table *t)
{
  sb_table old = *t;
  sb_init_arrays(t, (old.mask + 1) * 2);
  for (size_t i = 0; i <= old.mask; i++) {
    if (old.keys[i] == NULL)
      continue;
    size_t j = (size_t)old.hashes[i] & t->mask;
    while (t->keys[j] != NULL)
      j = (j + 1) & t->mask;
    t->hashes[j] = old.hashes[i];
    t->keys[j] = old.keys[i];
    t->vals[j] = old.vals[i];
  }
  GC_FREE(old.hashes);
  GC_FREE(old.keys);
  GC_FREE(old.vals);
}

/* Stores value at the key's slot i (found by sb_probe), copying the key
 * when the slot is empty. */
static void sb_put(sb_table *t, size_t i, uint64_t h, const unsigned char *key,
                   size_t len, void *value)
{
  if (t->keys[i] == NULL) {
    if ((t->count + 1) * 4 > (t->mask + 1) * 3) {
      sb_grow(t);
      i = sb_probe(t, h, key, len);
    }
    stored_key *k = GC_MALLOC_ATOMIC(sizeof *k + len);
    if (k == NULL)
      abort();
    k->len = len;
    memcpy(k->data, key, len);
    t->hashes[i] = h;
    t->keys[i] = k;
    t->count++;
  }
  t->vals[i] = value;
}

static void sb_set_all(void *tp, const unsigned char *keys, size_t len, size_t n,
                       void *const *vals)
{
  sb_table *t = tp;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *k = keys + i * len;
    uint64_t h = bench_bytes_hash(k, len);
    sb_put(t, sb_probe(t, h, k, len), h, k, len, vals[i]);
  }
}

static size_t sb_intern_all(void *tp, const unsigned char *keys, size_t len, size_t n,
                            void **out)
{
  sb_table *t = tp;
  size_t made = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *k = keys + i * len;
    uint64_t h = bench_bytes_hash(k, len);
    size_t s = sb_probe(t, h, k, len);
    if (t->keys[s] == NULL) {
      void *v = bench_new_value();
      sb_put(t, s, h, k, len, v);
      made++;
      out[i] = v;
    } else {
      out[i] = t->vals[s];
    }
  }
  return made;
}

static size_t sb_get_all(void *tp, const unsigned char *keys, size_t len, size_t n,
                         uintptr_t *sum)
{
  sb_table *t = tp;
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *k = keys + i * len;
    size_t j = sb_probe(t, bench_bytes_hash(k, len), k, len);
    if (t->keys[j] != NULL) {
      found++;
      s += (uintptr_t)t->vals[j];
    }
  }
  *sum += s;
  return found;
}

/* Entry at slot j may move back to the hole at i unless its home slot lies
 * cyclically in (i, j]. */
static inline bool may_fill_hole(size_t home, size_t i, size_t j)
{
  return i <= j ? (home <= i || home > j) : (home <= i && home > j);
}

static size_t sb_del_all(void *tp, const unsigned char *keys, size_t len, size_t n)
{
  sb_table *t = tp;
  size_t deleted = 0;
  for (size_t k = 0; k < n; k++) {
    const unsigned char *key = keys + k * len;
    size_t i = sb_probe(t, bench_bytes_hash(key, len), key, len);
    if (t->keys[i] == NULL)
      continue;
    for (size_t j = (i + 1) & t->mask; t->keys[j] != NULL; j = (j + 1) & t->mask) {
      if (may_fill_hole((size_t)t->hashes[j] & t->mask, i, j)) {
        t->hashes[i] = t->hashes[j];
        t->keys[i] = t->keys[j];
        t->vals[i] = t->vals[j];
        i = j;
      }
    }
    t->keys[i] = NULL;
    t->vals[i] = NULL;
    t->count--;
    deleted++;
  }
  return deleted;
}

static size_t sb_size(void *t)
{
  return ((sb_table *)t)->count;
}

static const bench_bytes_ops sb_ops = {
  .create = sb_create,
  .set_all = sb_set_all,
  .intern_all = sb_intern_all,
  .get_all = sb_get_all,
  .del_all = sb_del_all,
  .size = sb_size,
  .weak = false,
  .shapes = true,
};

const bench_system bench_sys_strong_bytes = {
  .name = "strong-bytes",
  .label = "strong byte-string table (ceiling)",
  .bytes = &sb_ops,
};
