/* SPDX-License-Identifier: MIT */
/*
 * The card's table: the weak table a bdwgc user writes first from the
 * collector's documentation. Open addressing (Fibonacci hashing, linear
 * probing, power-of-two capacity, at most 3/4 of the buckets used); each
 * bucket's key disguised with GC_HIDE_POINTER in a pointer-free array
 * (GC_MALLOC_ATOMIC: the collector does not see the keys), its value in a
 * parallel scanned array (weak key, strong value, as in the obvious table),
 * and one disappearing link per occupied bucket on its key word, so that the
 * collector zeroes the word when the key dies. A resize moves each live
 * bucket's link to the bucket's new place with GC_move_disappearing_link.
 *
 * A key word is in one of three states:
 *   - CARD_EMPTY (GC_HIDE_POINTER(NULL), all ones, no key's disguise):
 *     never used; it ends a probe run;
 *   - 0: a tombstone, left by a delete (which unregistered the link) or by
 *     the collector (which dropped the link when it zeroed the word); its
 *     value is released by the next size() or resize, and the bucket is
 *     reused by an insert that probes past it or dropped at the next resize;
 *   - anything else: a key's disguise, its link registered on that word.
 * So a bucket that is 0 or CARD_EMPTY never has a link, and a resize leaves
 * none behind: the old arrays can go back to the collector at once.
 *
 * Nothing is ever revealed: buckets are compared and hashed by their
 * disguised words (a key the caller holds cannot die, so its bucket keeps
 * its word). Lookups still probe under the allocation lock, as bdwgc's
 * documentation asks for every access to a disguised pointer, like the
 * obvious table's; so do size() and the probe before a set or delete.
 *
 * Like the code it stands for, it supports one writer at a time; readers
 * may run concurrently with each other (the lock serialises them).
 */
#include "systems.h"

#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

#define CARD_EMPTY GC_HIDE_POINTER(NULL)
#define CARD_MIN_LOG2 3

typedef struct card_table {
  GC_hidden_pointer *keys;   /* pointer-free: CARD_EMPTY, 0 or a disguise */
  void **vals;               /* scanned: keeps each bucket's value alive */
  size_t mask;               /* capacity - 1 */
  unsigned shift;            /* 64 - log2(capacity) */
  size_t used;               /* buckets not CARD_EMPTY: live or tombstones */
} card_table;

static inline bool slot_is_live(GC_hidden_pointer w)
{
  return w != 0 && w != CARD_EMPTY;
}

static inline size_t home_slot(const card_table *t, GC_hidden_pointer w)
{
  return (size_t)(((uint64_t)w * 0x9E3779B97F4A7C15u) >> t->shift);
}

static void card_init_arrays(card_table *t, unsigned log2cap)
{
  size_t cap = (size_t)1 << log2cap;
  t->keys = GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(cap * sizeof *t->keys);
  t->vals = GC_MALLOC_IGNORE_OFF_PAGE(cap * sizeof *t->vals);
  if (t->keys == NULL || t->vals == NULL)
    abort();
  memset(t->keys, 0xff, cap * sizeof *t->keys);   /* all CARD_EMPTY */
  t->mask = cap - 1;
  t->shift = 64 - log2cap;
  t->used = 0;
}

static void *card_create(void)
{
  card_table *t = GC_MALLOC(sizeof *t);
  if (t == NULL)
    abort();
  card_init_arrays(t, CARD_MIN_LOG2);
  return t;
}

typedef struct card_find {
  const card_table *t;
  GC_hidden_pointer want;   /* the key's disguise */
  bool found;
  size_t at;                /* found: the key's bucket; else where it would go */
  void *value;              /* found: its value */
} card_find;

/* Under the lock: the probe run of f->want, up to its bucket or the first
 * empty one; a miss remembers the first tombstone met, for an insert. */
static void *find_locked(void *data)
{
  card_find *f = data;
  const card_table *t = f->t;
  bool have_tombstone = false;
  for (size_t i = home_slot(t, f->want);; i = (i + 1) & t->mask) {
    GC_hidden_pointer w = t->keys[i];
    if (w == f->want) {
      f->found = true;
      f->at = i;
      f->value = t->vals[i];
      return NULL;
    }
    if (w == CARD_EMPTY) {
      f->found = false;
      if (!have_tombstone)
        f->at = i;
      return NULL;
    }
    if (w == 0 && !have_tombstone) {
      have_tombstone = true;
      f->at = i;
    }
  }
}

static card_find card_lookup(const card_table *t, const void *key)
{
  card_find f = { t, GC_HIDE_POINTER(key), false, 0, NULL };
  GC_call_with_alloc_lock(find_locked, &f);
  return f;
}

static bool card_needs_grow(const card_table *t)
{
  return (t->used + 1) * 4 > (t->mask + 1) * 3;
}

/*
 * A fresh pair of arrays at least twice the live count (so a table full of
 * dead buckets keeps its size or shrinks), the live buckets copied over and
 * their links moved. Without the lock (moving a link takes it), so a key may
 * die between the read of its word and the move: the move then finds no
 * link (the collector zeroed the old word and dropped it), and the new
 * bucket becomes a tombstone rather than a disguise without a link.
 */
static void card_resize(card_table *t)
{
  GC_hidden_pointer *old_keys = t->keys;
  void **old_vals = t->vals;
  size_t old_cap = t->mask + 1, live = 0;
  for (size_t i = 0; i < old_cap; i++)
    live += slot_is_live(old_keys[i]);
  unsigned log2cap = CARD_MIN_LOG2;
  while (((size_t)1 << log2cap) < 2 * (live + 1))
    log2cap++;
  card_init_arrays(t, log2cap);
  for (size_t i = 0; i < old_cap; i++) {
    GC_hidden_pointer w = old_keys[i];
    if (!slot_is_live(w))
      continue;
    size_t j = home_slot(t, w);
    while (t->keys[j] != CARD_EMPTY)
      j = (j + 1) & t->mask;
    t->keys[j] = w;
    t->vals[j] = old_vals[i];
    int rc = GC_move_disappearing_link((void **)&old_keys[i], (void **)&t->keys[j]);
    if (rc == GC_NOT_FOUND) {
      t->keys[j] = 0;
      t->vals[j] = NULL;
    } else if (rc != GC_SUCCESS) {
      abort();
    }
    t->used++;
  }
  /* No link is left in the old arrays (see the top of the file), and
   * nothing else points at them. */
  GC_FREE(old_keys);
  GC_FREE(old_vals);
}

static void card_set(card_table *t, void *key, void *value)
{
  card_find f = card_lookup(t, key);
  if (f.found) {
    t->vals[f.at] = value;
    return;
  }
  if (t->keys[f.at] == CARD_EMPTY) {
    if (card_needs_grow(t)) {
      card_resize(t);
      f = card_lookup(t, key);
    }
    if (t->keys[f.at] == CARD_EMPTY)
      t->used++;
  }
  t->keys[f.at] = f.want;
  t->vals[f.at] = value;
  if (GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&t->keys[f.at], key)
      != GC_SUCCESS)
    abort();
}

static bool card_delete(card_table *t, const void *key)
{
  card_find f = card_lookup(t, key);
  if (!f.found)
    return false;
  if (!GC_unregister_disappearing_link((void **)&t->keys[f.at]))
    abort();   /* a live key's bucket always has its link */
  t->keys[f.at] = 0;
  t->vals[f.at] = NULL;
  return true;
}

typedef struct card_count {
  card_table *t;
  size_t live;
} card_count;

/* Under the lock: counts the live buckets, and releases the values of the
 * buckets whose keys died. */
static void *count_locked(void *data)
{
  card_count *c = data;
  card_table *t = c->t;
  size_t live = 0;
  for (size_t i = 0; i <= t->mask; i++) {
    if (slot_is_live(t->keys[i]))
      live++;
    else if (t->keys[i] == 0)
      t->vals[i] = NULL;
  }
  c->live = live;
  return NULL;
}

/* ---------------------------------------------------------- batch adapters */

static void card_set_all(void *t, void *const *keys, void *const *vals, size_t n)
{
  for (size_t i = 0; i < n; i++)
    card_set(t, keys[i], vals[i]);
}

static size_t card_get_all(void *t, void *const *keys, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    card_find f = card_lookup(t, keys[i]);
    if (f.found) {
      found++;
      s += (uintptr_t)f.value;
    }
  }
  *sum += s;
  return found;
}

static size_t card_has_all(void *t, void *const *keys, size_t n)
{
  size_t found = 0;
  for (size_t i = 0; i < n; i++)
    found += card_lookup(t, keys[i]).found;
  return found;
}

static size_t card_del_all(void *t, void *const *keys, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++)
    deleted += card_delete(t, keys[i]);
  return deleted;
}

static void card_bump_all(void *t, void *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    card_find f = card_lookup(t, keys[i]);
    uintptr_t v = f.found ? (uintptr_t)f.value : 0;
    card_set(t, keys[i], (void *)(v + 1));
  }
}

static size_t card_size(void *t)
{
  card_count c = { t, 0 };
  GC_call_with_alloc_lock(count_locked, &c);
  return c.live;
}

const bench_system bench_sys_card = {
  .name = "card",
  .label = "the card's table (atomic buckets, a link each, moved at resize)",
  .weak = true,
  .create = card_create,
  .set_all = card_set_all,
  .get_all = card_get_all,
  .has_all = card_has_all,
  .del_all = card_del_all,
  .bump_all = card_bump_all,
  .size = card_size,
  .concurrent_reads = true,
};
