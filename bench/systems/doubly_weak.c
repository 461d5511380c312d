/* SPDX-License-Identifier: MIT */
/*
 * Doubly-weak maps, keyed by objects like the other map systems: gcweak's
 * GCWEAK_MAP_WEAK_VALUES mode, and the obvious doubly-weak table (a node per
 * entry with two disappearing links, one on the key slot and one on the
 * value slot; an entry is dead when either is cleared). Values must be
 * collector objects and neither map keeps them alive: the workloads store
 * small objects they hold themselves (bench_system.object_values).
 *
 * The visit counter (bump_all) keeps its count in a small object that the
 * key itself points to, the way a program's object carries its own record:
 * the key keeps the count alive, and a visit increments it in place.
 */
#include "systems.h"

#include <stdio.h>
#include <stdlib.h>

#include <gc/gc.h>

#include "gcweak.h"
#include "gcweak_map.h"

/* A fresh count of 1 for key, held by the key's first word. */
static void *new_count(void *key)
{
  uintptr_t *c = GC_MALLOC_ATOMIC(sizeof *c);
  if (c == NULL)
    abort();
  *c = 1;
  *(void **)key = c;
  return c;
}

/* ------------------------------------------------------------ gcweak-dw */

static void *dw_create(void)
{
  gcweak_map_options options = { 0 };
  options.flags = GCWEAK_MAP_WEAK_VALUES;
  gcweak_map *m = gcweak_map_new_with(&options);
  if (m == NULL)
    abort();
  return m;
}

static void dw_bump_all(void *m, void *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uintptr_t *c = gcweak_map_get(m, keys[i]);
    if (c != NULL)
      ++*c;
    else if (gcweak_map_set(m, keys[i], new_count(keys[i])) != GCWEAK_OK)
      abort();
  }
}

const bench_system bench_sys_gcweak_dw = {
  .name = "gcweak-dw",
  .label = "gcweak, doubly-weak",
  .weak = true,
  .values_untraced = true,
  .object_values = true,
  .create = dw_create,
  .set_all = bench_gcweak_set_all,
  .get_all = bench_gcweak_get_all,
  .has_all = bench_gcweak_has_all,
  .del_all = bench_gcweak_del_all,
  .bump_all = dw_bump_all,
  .size = bench_gcweak_size,
  .concurrent_reads = true,
};

/* ------------------------------------------------------------- naive-dw */

typedef struct dw_node {
  GC_hidden_pointer hidden_key;     /* 0 once the collector cleared it */
  GC_hidden_pointer hidden_value;   /* likewise */
  struct dw_node *next;
} dw_node;

typedef struct ndw_table {
  dw_node **buckets;
  size_t mask;
  unsigned shift;
  size_t count;      /* nodes in the chains, dead or alive */
} ndw_table;

static inline size_t ndw_bucket(const ndw_table *t, const void *key)
{
  return (size_t)(((uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15u) >> t->shift);
}

static void ndw_init_buckets(ndw_table *t, unsigned log2n)
{
  size_t n = (size_t)1 << log2n;
  t->buckets = GC_MALLOC_IGNORE_OFF_PAGE(n * sizeof *t->buckets);
  if (t->buckets == NULL)
    abort();
  t->mask = n - 1;
  t->shift = 64 - log2n;
}

static void *ndw_create(void)
{
  ndw_table *t = GC_MALLOC(sizeof *t);
  if (t == NULL)
    abort();
  ndw_init_buckets(t, 3);
  return t;
}

static inline bool ndw_dead(const dw_node *n)
{
  return n->hidden_key == 0 || n->hidden_value == 0;
}

/* A deleted node's links are unregistered (not under the allocation lock:
 * the unregistering takes it). A dead node dropped from its chain under the
 * lock keeps its other link registered until the node is collected, when
 * bdwgc drops links that lie in reclaimed objects. */
static void ndw_forget(dw_node *n)
{
  if (n->hidden_key != 0)
    GC_unregister_disappearing_link((void **)&n->hidden_key);
  if (n->hidden_value != 0)
    GC_unregister_disappearing_link((void **)&n->hidden_value);
}

struct ndw_find {
  ndw_table *t;
  const void *key;
  bool unlink;
  dw_node *node;   /* out */
  void *value;     /* out: revealed under the lock */
};

/* Under the lock: the key's live node, dead nodes met dropped. */
static void *ndw_find_locked(void *data)
{
  struct ndw_find *a = data;
  dw_node **link = &a->t->buckets[ndw_bucket(a->t, a->key)];
  for (dw_node *n = *link; n != NULL; n = *link) {
    if (ndw_dead(n)) {
      *link = n->next;
      a->t->count--;
      continue;
    }
    if (GC_REVEAL_POINTER(n->hidden_key) == a->key) {
      a->node = n;
      a->value = GC_REVEAL_POINTER(n->hidden_value);
      if (a->unlink) {
        *link = n->next;
        a->t->count--;
      }
      return NULL;
    }
    link = &n->next;
  }
  return NULL;
}

static struct ndw_find ndw_find(ndw_table *t, const void *key, bool unlink)
{
  struct ndw_find a = { t, key, unlink, NULL, NULL };
  GC_call_with_alloc_lock(ndw_find_locked, &a);
  return a;
}

struct ndw_rehash {
  ndw_table *t;
  dw_node **fresh;
  unsigned log2n;
};

static void *ndw_rehash_locked(void *data)
{
  struct ndw_rehash *a = data;
  ndw_table *t = a->t;
  dw_node **old = t->buckets;
  size_t old_n = t->mask + 1;
  t->buckets = a->fresh;
  t->mask = ((size_t)1 << a->log2n) - 1;
  t->shift = 64 - a->log2n;
  t->count = 0;
  for (size_t b = 0; b < old_n; b++) {
    for (dw_node *n = old[b], *next; n != NULL; n = next) {
      next = n->next;
      if (ndw_dead(n))
        continue;
      dw_node **head = &t->buckets[ndw_bucket(t, GC_REVEAL_POINTER(n->hidden_key))];
      n->next = *head;
      *head = n;
      t->count++;
    }
  }
  return NULL;
}

static void ndw_grow(ndw_table *t)
{
  struct ndw_rehash a = { t, NULL, 64 - t->shift + 1 };
  dw_node **old = t->buckets;
  a.fresh = GC_MALLOC_IGNORE_OFF_PAGE(((size_t)1 << a.log2n) * sizeof *a.fresh);
  if (a.fresh == NULL)
    abort();
  GC_call_with_alloc_lock(ndw_rehash_locked, &a);
  GC_FREE(old);
}

static void ndw_set(ndw_table *t, void *key, void *value)
{
  struct ndw_find a = ndw_find(t, key, false);
  if (a.node != NULL) {
    GC_unregister_disappearing_link((void **)&a.node->hidden_value);
    a.node->hidden_value = GC_HIDE_POINTER(value);
    if (GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&a.node->hidden_value, value)
        != GC_SUCCESS)
      abort();
    return;
  }
  if (t->count + 1 > t->mask + 1)
    ndw_grow(t);
  dw_node *n = GC_MALLOC(sizeof *n);
  if (n == NULL)
    abort();
  n->hidden_key = GC_HIDE_POINTER(key);
  n->hidden_value = GC_HIDE_POINTER(value);
  n->next = NULL;
  if (GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&n->hidden_key, key) != GC_SUCCESS ||
      GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&n->hidden_value, value) != GC_SUCCESS)
    abort();
  dw_node **head = &t->buckets[ndw_bucket(t, key)];
  n->next = *head;
  *head = n;
  t->count++;
}

static void ndw_set_all(void *t, void *const *keys, void *const *vals, size_t n)
{
  for (size_t i = 0; i < n; i++)
    ndw_set(t, keys[i], vals[i]);
}

static size_t ndw_get_all(void *t, void *const *keys, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    struct ndw_find a = ndw_find(t, keys[i], false);
    if (a.node != NULL) {
      found++;
      s += (uintptr_t)a.value;
    }
  }
  *sum += s;
  return found;
}

static size_t ndw_has_all(void *t, void *const *keys, size_t n)
{
  size_t found = 0;
  for (size_t i = 0; i < n; i++)
    found += ndw_find(t, keys[i], false).node != NULL;
  return found;
}

static size_t ndw_del_all(void *t, void *const *keys, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++) {
    struct ndw_find a = ndw_find(t, keys[i], true);
    if (a.node != NULL) {
      ndw_forget(a.node);
      deleted++;
    }
  }
  return deleted;
}

static void ndw_bump_all(void *t, void *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    struct ndw_find a = ndw_find(t, keys[i], false);
    if (a.node != NULL)
      ++*(uintptr_t *)a.value;
    else
      ndw_set(t, keys[i], new_count(keys[i]));
  }
}

static void *ndw_purge_locked(void *data)
{
  ndw_table *t = data;
  size_t live = 0;
  for (size_t b = 0; b <= t->mask; b++) {
    dw_node **link = &t->buckets[b];
    for (dw_node *n = *link; n != NULL; n = *link) {
      if (ndw_dead(n)) {
        *link = n->next;
      } else {
        live++;
        link = &n->next;
      }
    }
  }
  t->count = live;
  return NULL;
}

static size_t ndw_size(void *t)
{
  GC_call_with_alloc_lock(ndw_purge_locked, t);
  return ((ndw_table *)t)->count;
}

const bench_system bench_sys_naive_dw = {
  .name = "naive-dw",
  .label = "obvious doubly-weak table (node + 2 links)",
  .weak = true,
  .values_untraced = true,
  .object_values = true,
  .create = ndw_create,
  .set_all = ndw_set_all,
  .get_all = ndw_get_all,
  .has_all = ndw_has_all,
  .del_all = ndw_del_all,
  .bump_all = ndw_bump_all,
  .size = ndw_size,
  .concurrent_reads = true,
};
