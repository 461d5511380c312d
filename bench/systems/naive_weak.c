/* SPDX-License-Identifier: MIT */
/*
 * The obvious weak table a bdwgc user writes first: one collector-allocated
 * node per entry, the key stored disguised in the node with a disappearing
 * link on it, chained buckets (Fibonacci hashing, at most one node per
 * bucket on average). The collector zeroes the link when the key dies; the
 * dead node stays in its chain, holding its value, until an operation walks
 * past it. Chains are walked under the allocation lock because revealing a
 * key the caller does not hold is only safe there.
 *
 * Like the code it stands for, it supports one writer at a time; readers may
 * run concurrently with each other.
 */
#include "systems.h"

#include <stdlib.h>

#include <gc/gc.h>

typedef struct weak_node {
  GC_hidden_pointer hidden_key;   /* 0 once the collector cleared it */
  void *value;
  struct weak_node *next;
} weak_node;

typedef struct naive_table {
  weak_node **buckets;
  size_t mask;
  unsigned shift;
  size_t count;      /* nodes in the chains, dead or alive */
} naive_table;

#define NAIVE_MIN_LOG2 3

static inline size_t bucket_of(const naive_table *t, const void *key)
{
  return (size_t)(((uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15u) >> t->shift);
}

static void naive_init_buckets(naive_table *t, unsigned log2n)
{
  size_t n = (size_t)1 << log2n;
  t->buckets = GC_MALLOC_IGNORE_OFF_PAGE(n * sizeof *t->buckets);
  if (t->buckets == NULL)
    abort();
  t->mask = n - 1;
  t->shift = 64 - log2n;
}

static void *naive_create(void)
{
  naive_table *t = GC_MALLOC(sizeof *t);
  if (t == NULL)
    abort();
  naive_init_buckets(t, NAIVE_MIN_LOG2);
  return t;
}

struct find_args {
  naive_table *t;
  const void *key;
  bool unlink;        /* remove the node found from its chain */
};

/* Under the lock: finds key's node, dropping dead nodes met on the way. */
static void *find_locked(void *data)
{
  struct find_args *a = data;
  weak_node **link = &a->t->buckets[bucket_of(a->t, a->key)];
  for (weak_node *n = *link; n != NULL; n = *link) {
    if (n->hidden_key == 0) {
      *link = n->next;
      a->t->count--;
      continue;
    }
    if (GC_REVEAL_POINTER(n->hidden_key) == a->key) {
      if (a->unlink) {
        *link = n->next;
        a->t->count--;
      }
      return n;
    }
    link = &n->next;
  }
  return NULL;
}

static weak_node *naive_find(naive_table *t, const void *key, bool unlink)
{
  struct find_args a = { t, key, unlink };
  return GC_call_with_alloc_lock(find_locked, &a);
}

struct rehash_args {
  naive_table *t;
  weak_node **fresh;
  unsigned log2n;
};

/* Under the lock: moves live nodes into the new bucket array. */
static void *rehash_locked(void *data)
{
  struct rehash_args *a = data;
  naive_table *t = a->t;
  weak_node **old = t->buckets;
  size_t old_n = t->mask + 1;
  t->buckets = a->fresh;
  t->mask = ((size_t)1 << a->log2n) - 1;
  t->shift = 64 - a->log2n;
  t->count = 0;
  for (size_t b = 0; b < old_n; b++) {
    weak_node *n = old[b];
    while (n != NULL) {
      weak_node *next = n->next;
      if (n->hidden_key != 0) {
        weak_node **head = &t->buckets[bucket_of(t, GC_REVEAL_POINTER(n->hidden_key))];
        n->next = *head;
        *head = n;
        t->count++;
      }
      n = next;
    }
  }
  return NULL;
}

static void naive_grow(naive_table *t)
{
  struct rehash_args a = { t, NULL, 64 - t->shift + 1 };
  weak_node **old = t->buckets;
  a.fresh = GC_MALLOC_IGNORE_OFF_PAGE(((size_t)1 << a.log2n) * sizeof *a.fresh);
  if (a.fresh == NULL)
    abort();
  GC_call_with_alloc_lock(rehash_locked, &a);
  GC_FREE(old);   /* holds no link; nothing else points at it */
}

static void naive_set(naive_table *t, void *key, void *value)
{
  weak_node *n = naive_find(t, key, false);
  if (n != NULL) {
    n->value = value;
    return;
  }
  if (t->count + 1 > t->mask + 1)
    naive_grow(t);
  n = GC_MALLOC(sizeof *n);
  if (n == NULL)
    abort();
  n->hidden_key = GC_HIDE_POINTER(key);
  n->value = value;
  if (GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&n->hidden_key, key) != GC_SUCCESS)
    abort();
  weak_node **head = &t->buckets[bucket_of(t, key)];
  n->next = *head;
  *head = n;
  t->count++;
}

static bool naive_delete(naive_table *t, const void *key)
{
  weak_node *n = naive_find(t, key, true);
  if (n == NULL)
    return false;
  GC_unregister_disappearing_link((void **)&n->hidden_key);
  return true;
}

/* Under the lock: unlinks every dead node, counts the live ones. */
static void *purge_locked(void *data)
{
  naive_table *t = data;
  size_t live = 0;
  for (size_t b = 0; b <= t->mask; b++) {
    weak_node **link = &t->buckets[b];
    for (weak_node *n = *link; n != NULL; n = *link) {
      if (n->hidden_key == 0) {
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

/* ---------------------------------------------------------- batch adapters */

static void naive_set_all(void *t, void *const *keys, void *const *vals, size_t n)
{
  for (size_t i = 0; i < n; i++)
    naive_set(t, keys[i], vals[i]);
}

static size_t naive_get_all(void *t, void *const *keys, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    weak_node *node = naive_find(t, keys[i], false);
    if (node != NULL) {
      found++;
      s += (uintptr_t)node->value;
    }
  }
  *sum += s;
  return found;
}

static size_t naive_has_all(void *t, void *const *keys, size_t n)
{
  size_t found = 0;
  for (size_t i = 0; i < n; i++)
    found += naive_find(t, keys[i], false) != NULL;
  return found;
}

static size_t naive_del_all(void *t, void *const *keys, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++)
    deleted += naive_delete(t, keys[i]);
  return deleted;
}

static void naive_bump_all(void *t, void *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    weak_node *node = naive_find(t, keys[i], false);
    uintptr_t v = node != NULL ? (uintptr_t)node->value : 0;
    naive_set(t, keys[i], (void *)(v + 1));
  }
}

static size_t naive_size(void *t)
{
  GC_call_with_alloc_lock(purge_locked, t);
  return ((naive_table *)t)->count;
}

const bench_system bench_sys_naive = {
  .name = "naive",
  .label = "obvious weak table (node + link)",
  .weak = true,
  .create = naive_create,
  .set_all = naive_set_all,
  .get_all = naive_get_all,
  .has_all = naive_has_all,
  .del_all = naive_del_all,
  .bump_all = naive_bump_all,
  .size = naive_size,
  .concurrent_reads = true,
};
