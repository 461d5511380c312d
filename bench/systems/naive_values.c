/* SPDX-License-Identifier: MIT */
/*
 * The obvious weak-value table a bdwgc user writes first: chained buckets,
 * one collector node per entry holding a copy of the key and the value
 * disguised, with a disappearing link on the node's value slot. The
 * collector zeroes the slot when the value dies; the dead node stays in its
 * chain until an operation walks past it. Chains are walked, and values
 * revealed, under the allocation lock (GC_call_with_alloc_lock), which is
 * how the obvious weak reference is read safely: outside it the collector
 * could decide the value is dead between the load and its use. Keys are
 * hashed with the same seeded SipHash-1-3 as gcweak's weak-value maps.
 *
 * One writer at a time, like the code it stands for.
 */
#include "systems.h"

#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

#include "bytes.h"

typedef struct wv_node {
  GC_hidden_pointer hidden_value;   /* 0 once the collector cleared it */
  struct wv_node *next;
  uint64_t hash;
  size_t len;
  unsigned char key[];
} wv_node;

typedef struct wv_table {
  wv_node **buckets;
  size_t mask;
  size_t count;      /* nodes in the chains, dead or alive */
} wv_table;

static void wv_init_buckets(wv_table *t, size_t n)
{
  t->buckets = GC_MALLOC_IGNORE_OFF_PAGE(n * sizeof *t->buckets);
  if (t->buckets == NULL)
    abort();
  t->mask = n - 1;
}

static void *wv_create(void)
{
  wv_table *t = GC_MALLOC(sizeof *t);
  if (t == NULL)
    abort();
  wv_init_buckets(t, 8);
  return t;
}

struct find_args {
  wv_table *t;
  const unsigned char *key;
  size_t len;
  uint64_t hash;
  bool unlink;      /* take the node found out of its chain */
  wv_node *node;    /* out: the live node, or NULL */
  void *value;      /* out: its value, revealed under the lock */
};

/* Under the lock: finds the key's live node, dropping dead nodes met. */
static void *find_locked(void *data)
{
  struct find_args *a = data;
  wv_node **link = &a->t->buckets[a->hash & a->t->mask];
  for (wv_node *n = *link; n != NULL; n = *link) {
    if (n->hidden_value == 0) {
      *link = n->next;
      a->t->count--;
      continue;
    }
    if (n->hash == a->hash && n->len == a->len && memcmp(n->key, a->key, a->len) == 0) {
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

static struct find_args wv_find(wv_table *t, const unsigned char *key, size_t len,
                                uint64_t hash, bool unlink)
{
  struct find_args a = { t, key, len, hash, unlink, NULL, NULL };
  GC_call_with_alloc_lock(find_locked, &a);
  return a;
}

struct rehash_args {
  wv_table *t;
  wv_node **fresh;
  size_t n;
};

/* Under the lock: live nodes into the new bucket array. */
static void *rehash_locked(void *data)
{
  struct rehash_args *a = data;
  wv_table *t = a->t;
  wv_node **old = t->buckets;
  size_t old_n = t->mask + 1;
  t->buckets = a->fresh;
  t->mask = a->n - 1;
  t->count = 0;
  for (size_t b = 0; b < old_n; b++) {
    for (wv_node *n = old[b], *next; n != NULL; n = next) {
      next = n->next;
      if (n->hidden_value != 0) {
        wv_node **head = &t->buckets[n->hash & t->mask];
        n->next = *head;
        *head = n;
        t->count++;
      }
    }
  }
  return NULL;
}

static void wv_grow(wv_table *t)
{
  struct rehash_args a = { t, NULL, (t->mask + 1) * 2 };
  wv_node **old = t->buckets;
  a.fresh = GC_MALLOC_IGNORE_OFF_PAGE(a.n * sizeof *a.fresh);
  if (a.fresh == NULL)
    abort();
  GC_call_with_alloc_lock(rehash_locked, &a);
  GC_FREE(old);
}

static void wv_set(wv_table *t, const unsigned char *key, size_t len, uint64_t h,
                   void *value)
{
  struct find_args a = wv_find(t, key, len, h, false);
  if (a.node != NULL) {
    /* Re-point the link at the new value: move is not enough, the target
     * changes. */
    GC_unregister_disappearing_link((void **)&a.node->hidden_value);
    a.node->hidden_value = GC_HIDE_POINTER(value);
    if (GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&a.node->hidden_value, value)
        != GC_SUCCESS)
      abort();
    return;
  }
  if (t->count + 1 > t->mask + 1)
    wv_grow(t);
  wv_node *n = GC_MALLOC(sizeof *n + len);
  if (n == NULL)
    abort();
  n->hash = h;
  n->len = len;
  memcpy(n->key, key, len);
  n->hidden_value = GC_HIDE_POINTER(value);
  if (GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&n->hidden_value, value) != GC_SUCCESS)
    abort();
  wv_node **head = &t->buckets[h & t->mask];
  n->next = *head;
  *head = n;
  t->count++;
}

static void wv_set_all(void *t, const unsigned char *keys, size_t len, size_t n,
                       void *const *vals)
{
  for (size_t i = 0; i < n; i++) {
    const unsigned char *k = keys + i * len;
    wv_set(t, k, len, bench_bytes_hash(k, len), vals[i]);
  }
}

/* The obvious get-or-create: a get, and on a miss a new value and a set. */
static size_t wv_intern_all(void *t, const unsigned char *keys, size_t len, size_t n,
                            void **out)
{
  size_t made = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *k = keys + i * len;
    uint64_t h = bench_bytes_hash(k, len);
    struct find_args a = wv_find(t, k, len, h, false);
    if (a.node != NULL) {
      out[i] = a.value;
      continue;
    }
    out[i] = bench_new_value();
    wv_set(t, k, len, h, out[i]);
    made++;
  }
  return made;
}

static size_t wv_get_all(void *t, const unsigned char *keys, size_t len, size_t n,
                         uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *k = keys + i * len;
    struct find_args a = wv_find(t, k, len, bench_bytes_hash(k, len), false);
    if (a.node != NULL) {
      found++;
      s += (uintptr_t)a.value;
    }
  }
  *sum += s;
  return found;
}

static size_t wv_del_all(void *t, const unsigned char *keys, size_t len, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *k = keys + i * len;
    struct find_args a = wv_find(t, k, len, bench_bytes_hash(k, len), true);
    if (a.node != NULL) {
      GC_unregister_disappearing_link((void **)&a.node->hidden_value);
      deleted++;
    }
  }
  return deleted;
}

/* Under the lock: unlinks every dead node, counts the live ones. */
static void *purge_locked(void *data)
{
  wv_table *t = data;
  size_t live = 0;
  for (size_t b = 0; b <= t->mask; b++) {
    wv_node **link = &t->buckets[b];
    for (wv_node *n = *link; n != NULL; n = *link) {
      if (n->hidden_value == 0) {
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

static size_t wv_size(void *t)
{
  GC_call_with_alloc_lock(purge_locked, t);
  return ((wv_table *)t)->count;
}

static const bench_bytes_ops wv_ops = {
  .create = wv_create,
  .set_all = wv_set_all,
  .intern_all = wv_intern_all,
  .get_all = wv_get_all,
  .del_all = wv_del_all,
  .size = wv_size,
  .weak = true,
};

const bench_system bench_sys_naive_values = {
  .name = "naive-val",
  .label = "obvious weak-value table (node + link)",
  .weak = true,
  .bytes = &wv_ops,
};
