/* SPDX-License-Identifier: MIT */
/*
 * The link floor: the least a weak table built on bdwgc's disappearing links
 * can cost, one link per key and nothing else. It is not a usable table; it
 * is the lower bound the others are measured against.
 *
 * Entries are two words, the link slot (the key disguised with
 * GC_HIDE_POINTER; the collector writes a raw 0 there when the key dies) and
 * the value beside it, in pointer-free chunks that never move. New entries
 * take the next entry at ascending addresses, so that bdwgc's link table,
 * its records and the slots all follow one order (see the "where slots sit"
 * measurements in the project's notes on bdwgc). Deleted or cleared entries
 * are never reused.
 *
 * There is no lookup structure: the key object itself carries its entry
 * number (word 0 of the 16-byte key, number + 1, 0 for none), and a lookup
 * reads that entry and checks that its slot holds the key. The number is
 * one per key, so a key held by two floor tables must be inserted in the same
 * position of both (the workloads insert the same keys in the same order); a
 * key that carries no number is simply absent, which is why the floor has no
 * "get miss" figure: a miss here costs nothing a real table could match.
 *
 * Delete unregisters the link (GC_unregister_disappearing_link, which finds
 * the record in bdwgc's link table: a random access per key) and zeroes the
 * entry. A table that leaves the registration on a slot it no longer uses
 * (harmless for small keys) can delete faster than this floor.
 *
 * Values sit in pointer-free memory: the floor keeps no value alive, only
 * the caller does (gc_cost keeps them in an array for it; see
 * bench_system.values_untraced).
 *
 * The same storage is the floor of weak references and of finalization
 * registries: a reference is an entry's slot, made without writing the
 * entry number into the target since nothing looks a reference up; a
 * registration is an entry whose value is the held word, with the entry
 * number, so that unregistering by the target (the token the workloads
 * pass) finds it. The floor runs no callbacks: it has no delivery figure.
 */
#include "systems.h"

#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

#include "core/emit.h"

typedef struct floor_entry {
  GC_hidden_pointer slot;   /* raw 0: never set, deleted, or key collected */
  void *value;
} floor_entry;

#define FLOOR_CHUNK_LOG2 12   /* 4096 entries, 64 KiB per chunk */
#define FLOOR_CHUNK ((size_t)1 << FLOOR_CHUNK_LOG2)

typedef struct floor_table {
  floor_entry **chunks;     /* scanned: keeps the chunks alive */
  size_t n_chunks, cap_chunks;
  size_t used;              /* entries handed out, in order */
} floor_table;

static const char *floor_setup(void)
{
  emit_note("info", "floor", "delete unregisters each link from bdwgc's link "
            "table; a table that leaves a deleted entry's link registered can "
            "delete faster than the floor");
  return NULL;
}

static void *floor_create(void)
{
  floor_table *t = GC_MALLOC(sizeof *t);
  if (t == NULL)
    abort();
  return t;
}

static inline floor_entry *entry_at(const floor_table *t, size_t i)
{
  return &t->chunks[i >> FLOOR_CHUNK_LOG2][i & (FLOOR_CHUNK - 1)];
}

/* key's entry in t, or NULL when key carries no number of t's or the entry
 * no longer holds it. */
static inline floor_entry *floor_find(const floor_table *t, const void *key)
{
  size_t number = *(const size_t *)key;
  if (number == 0 || number > t->used)
    return NULL;
  floor_entry *e = entry_at(t, number - 1);
  return e->slot == GC_HIDE_POINTER(key) ? e : NULL;
}

static void floor_add_chunk(floor_table *t)
{
  if (t->n_chunks == t->cap_chunks) {
    size_t cap = t->cap_chunks ? 2 * t->cap_chunks : 16;
    floor_entry **chunks = GC_MALLOC(cap * sizeof *chunks);
    if (chunks == NULL)
      abort();
    if (t->n_chunks)
      memcpy(chunks, t->chunks, t->n_chunks * sizeof *chunks);
    t->chunks = chunks;   /* the old array holds no link: the collector frees it */
    t->cap_chunks = cap;
  }
  floor_entry *chunk = GC_MALLOC_ATOMIC(FLOOR_CHUNK * sizeof *chunk);
  if (chunk == NULL)
    abort();
  memset(chunk, 0, FLOOR_CHUNK * sizeof *chunk);
  t->chunks[t->n_chunks++] = chunk;
}

/* The next entry, its slot linked to key. */
static floor_entry *floor_link(floor_table *t, void *key, void *value)
{
  if (t->used == t->n_chunks * FLOOR_CHUNK)
    floor_add_chunk(t);
  floor_entry *e = entry_at(t, t->used++);
  e->slot = GC_HIDE_POINTER(key);
  e->value = value;
  /* Collection off while registering: growing bdwgc's link table would
   * otherwise force a full collection first. */
  GC_disable();
  int rc = GC_general_register_disappearing_link((void **)&e->slot, key);
  GC_enable();
  if (rc != GC_SUCCESS)
    abort();
  return e;
}

static void floor_set(floor_table *t, void *key, void *value)
{
  floor_entry *e = floor_find(t, key);
  if (e != NULL) {
    e->value = value;
    return;
  }
  floor_link(t, key, value);
  *(size_t *)key = t->used;
}

static void floor_set_all(void *t, void *const *keys, void *const *vals, size_t n)
{
  for (size_t i = 0; i < n; i++)
    floor_set(t, keys[i], vals[i]);
}

static size_t floor_get_all(void *t, void *const *keys, size_t n, uintptr_t *sum)
{
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    const floor_entry *e = floor_find(t, keys[i]);
    if (e != NULL) {
      found++;
      s += (uintptr_t)e->value;
    }
  }
  *sum += s;
  return found;
}

static size_t floor_has_all(void *t, void *const *keys, size_t n)
{
  size_t found = 0;
  for (size_t i = 0; i < n; i++)
    found += floor_find(t, keys[i]) != NULL;
  return found;
}

static size_t floor_del_all(void *t, void *const *keys, size_t n)
{
  size_t deleted = 0;
  for (size_t i = 0; i < n; i++) {
    floor_entry *e = floor_find(t, keys[i]);
    if (e == NULL)
      continue;
    GC_unregister_disappearing_link((void **)&e->slot);
    e->slot = 0;
    e->value = NULL;
    deleted++;
  }
  return deleted;
}

static void floor_bump_all(void *t, void *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    floor_entry *e = floor_find(t, keys[i]);
    if (e != NULL)
      e->value = (void *)((uintptr_t)e->value + 1);
    else
      floor_set(t, keys[i], (void *)1);
  }
}

/* Entries whose key is still there: a walk over every entry ever handed out
 * (size is only called to check answers). */
static size_t floor_size(void *table)
{
  const floor_table *t = table;
  size_t live = 0;
  for (size_t i = 0; i < t->used; i++)
    live += entry_at(t, i)->slot != 0;
  return live;
}


/* ------------------------------------------------- references, registries */

static void *floor_ref_create(void)
{
  return floor_create();
}

/* A reference's handle is its entry number as a word, not the slot's
 * address: a pointer into the middle of a 64 KiB chunk costs bdwgc a walk
 * back over the chunk's block headers to mark, a cost no weak reference
 * needs to pay (one object each, pointed to at its start). Nothing reads
 * the floor's references, so the number is never used. */
static void floor_ref_new_all(void *table, void **refs, void *const *targets, size_t n)
{
  floor_table *t = table;
  for (size_t i = 0; i < n; i++) {
    floor_link(t, targets[i], NULL);
    refs[i] = (void *)(((uintptr_t)t->used << 2) | 2);
  }
}

static const bench_ref_ops floor_ref_ops = {
  .create = floor_ref_create,
  .new_all = floor_ref_new_all,
  .knows_death = true,
};

static void *floor_registry_create(bench_delivery *d)
{
  (void)d;   /* no callbacks */
  return floor_create();
}

/* tokens, when given, are the targets (see above): the entry number in the
 * target finds the registration either way. */
static void floor_register_all(void *t, void *const *targets, void *const *tokens,
                               size_t first, size_t n)
{
  (void)tokens;
  for (size_t i = 0; i < n; i++)
    floor_set(t, targets[i], bench_held(first + i));
}

static const bench_registry_ops floor_registry_ops = {
  .create = floor_registry_create,
  .register_all = floor_register_all,
  .unregister_all = floor_del_all,
};

const bench_system bench_sys_floor = {
  .name = "floor",
  .label = "link floor (one link per key, no table)",
  .weak = true,
  .no_miss = true,
  .values_untraced = true,
  .setup = floor_setup,
  .create = floor_create,
  .set_all = floor_set_all,
  .get_all = floor_get_all,
  .has_all = floor_has_all,
  .del_all = floor_del_all,
  .bump_all = floor_bump_all,
  .size = floor_size,
  .concurrent_reads = true,
  .ref = &floor_ref_ops,
  .registry = &floor_registry_ops,
};
