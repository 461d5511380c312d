/* SPDX-License-Identifier: MIT */
/*
 * The index: an open-addressing hash from keys to entry numbers. See
 * index.c for the slot states and the invariants.
 */
#ifndef GCWEAK_INDEX_H
#define GCWEAK_INDEX_H

#include "entries.h"

/* A slot: the key's fingerprint in the high half, entry number + 1 in the
 * low half. */
typedef uint64_t gcw_islot;
#define GCW_ISLOT_EMPTY ((gcw_islot)0)
#define GCW_ISLOT_DELETED ((gcw_islot)0xFFFFFFFFu)

struct gcw_index {
    size_t capacity;  /* slots; any number, not only powers of two */
    size_t used;      /* slots not EMPTY; writers only */
    _Atomic gcw_islot slot[];
};

static inline gcw_islot gcw_islot_make(uint32_t fingerprint, size_t id)
{
    return ((gcw_islot)fingerprint << 32) | (gcw_islot)(uint32_t)(id + 1);
}

/* The entry number a slot naming an entry holds. */
static inline size_t gcw_islot_entry(gcw_islot s)
{
    return (size_t)(uint32_t)s - 1;
}

static inline size_t gcw_index_capacity(const struct gcw_index *ix)
{
    return ix->capacity;
}

/* The slot a key's probe starts at: the hash scaled to the capacity by a
 * multiplication (Lemire's "fastrange"), so that capacities need not be
 * powers of two and the index can keep its load between one half and three
 * quarters at every size. */
static inline size_t gcw_index_home(const struct gcw_index *ix, gcw_word hash)
{
#if UINTPTR_MAX > 0xFFFFFFFFu && defined(__SIZEOF_INT128__)
    return (size_t)(((unsigned __int128)hash * ix->capacity) >> 64);
#elif UINTPTR_MAX > 0xFFFFFFFFu
    /* No 128-bit product: the top 32 bits of the hash, scaled. */
    return (size_t)(((hash >> 32) * (uint64_t)ix->capacity) >> 32);
#else
    return (size_t)(((uint64_t)hash * ix->capacity) >> 32);
#endif
}

static inline size_t gcw_index_next(const struct gcw_index *ix, size_t i)
{
    return i + 1 < ix->capacity ? i + 1 : 0;
}

/*
 * Finds the entry holding key k: returns its key word's address (the
 * entry's place: its value is beside it, see gcw_entry_value) and sets *id,
 * or returns NULL. Readers call it without a lock, so every load is atomic
 * and what it finds must be validated by the caller (the table's sequence
 * counter). A fingerprint match is never trusted: the entry's key word is.
 */
static GCW_ALWAYS_INLINE _Atomic gcw_word *
gcw_index_find_keyed(const struct gcw_index *ix, const struct gcw_entries *e,
                     const struct gcw_key *k, size_t *id, bool byte_keys)
{
    if (ix == NULL)
        return NULL;
    for (size_t i = gcw_index_home(ix, k->hash);; i = gcw_index_next(ix, i)) {
        gcw_islot s = atomic_load_explicit(&ix->slot[i], memory_order_relaxed);
        if (s == GCW_ISLOT_EMPTY)
            return NULL;
        if ((uint32_t)(s >> 32) != k->fingerprint || s == GCW_ISLOT_DELETED)
            continue;
        size_t n = gcw_islot_entry(s);
        _Atomic gcw_word *key = gcw_entry_key(e, n);
        if (key != NULL && gcw_entry_matches_keyed(e, key, k, byte_keys)) {
            *id = n;
            return key;
        }
    }
}

/* The same for a table whose kind of key the caller does not know. */
static inline _Atomic gcw_word *gcw_index_find(const struct gcw_index *ix,
                                               const struct gcw_entries *e,
                                               const struct gcw_key *k, size_t *id)
{
    return e->byte_keys ? gcw_index_find_keyed(ix, e, k, id, true)
                        : gcw_index_find_keyed(ix, e, k, id, false);
}

/* Room for n entries at a load of one half, so that a rebuild is followed by
 * at least a quarter of the capacity in inserts (the index is rebuilt at
 * three quarters); 0 when n is more than an index can hold. */
size_t gcw_index_capacity_for(size_t n);

/* A new index of `capacity` EMPTY slots, or NULL when out of memory. May
 * collect and run finalizers: never call with a table mutex held. */
struct gcw_index *gcw_index_new(size_t capacity);

/* ---------------------------------------------------------- writers
 * Serialised by the caller (the table holds its mutex and asserts it). */

/* The writer's probe for k: true with *at = its slot and *id = its entry
 * when present; otherwise false with *at = where a set puts it (the first
 * DELETED slot on the probe path, else the EMPTY one that ended it). */
bool gcw_index_probe(const struct gcw_index *ix, const struct gcw_entries *e,
                     const struct gcw_key *k, size_t *at, size_t *id);

/* Whether putting a new key at slot `at` would fill more than three
 * quarters of the slots, the most linear probing is kept at. */
bool gcw_index_too_full_for(const struct gcw_index *ix, size_t at);

/* Names entry id from slot `at`, which gcw_index_probe chose for k. */
void gcw_index_set(struct gcw_index *ix, size_t at, const struct gcw_key *k, size_t id);
void gcw_index_delete(struct gcw_index *ix, size_t at);

/* Adds k (known absent) to an index no reader sees yet. */
void gcw_index_add_unpublished(struct gcw_index *ix, const struct gcw_key *k, size_t id);

#ifdef GCWEAK_ASSERTS
/* The invariants of index.c, for index ix over entries e; aborts on a
 * breach. Returns how many slots name live entries. Mutex held. */
size_t gcw_index_check(const struct gcw_index *ix, const struct gcw_entries *e);

/* Slot `at` after a write: it names entry id, whose key is k, found from
 * k's home by an unbroken run; or it is DELETED. */
void gcw_index_check_slot(const struct gcw_index *ix, const struct gcw_entries *e, size_t at);
#endif

#endif /* GCWEAK_INDEX_H */
