/* SPDX-License-Identifier: MIT */
/*
 * The table under every gcweak container (table.c): entries (entries.h)
 * found through an index (index.h), with the writer mutex and the reader
 * sequence counter (lock.h). map.c and set.c are thin public wrappers.
 */
#ifndef GCWEAK_TABLE_H
#define GCWEAK_TABLE_H

#include "ephemeron.h"
#include "index.h"

struct gcw_table {
    struct gcw_entries entries;          /* registered with the pass by maps */
    _Atomic(struct gcw_index *) index;   /* NULL until the first insert */
    atomic_uint seq;                     /* seqlock sequence, see lock.h */
    /* Maps with traced values: a collection count at which every earlier
     * collection was seen to have run the pass (a cache of the check, in
     * the cache line lookups read anyway). */
    _Atomic GC_word kept_up_at;
    gcw_mutex lock;                      /* serialises writers */
    size_t live;            /* entries in use; exact as of collection live_gc_no */
    GC_word live_gc_no;
    GC_word created_gc_no;
    /* Removal callback: set and read under the mutex. */
    void (*removal_fn)(void *value, void *arg);
    void *removal_arg;
    size_t delivery_cursor;  /* next entry a delivery round looks at */
    /* Ephemeron maps: the collection count when this map's values were last
     * dropped because the pass missed collections (or when it was made):
     * values stored since are trusted while no later collection missed it. */
    GC_word dropped_at_gc_no;
    bool warned;             /* the lost-values warning was given */
};

/* GCWEAK_OK, GCWEAK_ENOMEM (also for a capacity hint no index can hold);
 * t must lie inside a collector object. */
int gcw_table_init(struct gcw_table *t, enum gcw_values values, size_t capacity_hint);
int gcw_table_put(struct gcw_table *t, const void *key, void *value);
bool gcw_table_remove(struct gcw_table *t, const void *key);
size_t gcw_table_count(struct gcw_table *t);
void gcw_table_clear(struct gcw_table *t);

/* Get-or-create (see gcweak_map_get_or_create); create runs unlocked. */
int gcw_table_get_or_create(struct gcw_table *t, const void *key,
                            void *(*create)(const void *key, void *arg), void *arg,
                            void **value_out);

/* Snapshot walk (see gcweak_map_foreach); value is NULL for sets. */
typedef int (*gcw_visit_fn)(const void *key, void *value, void *arg);
int gcw_table_foreach(struct gcw_table *t, gcw_visit_fn visit, void *arg);

/* The removal callback (see gcweak_map_on_removal); fn NULL turns it off. */
void gcw_table_on_removal(struct gcw_table *t, void (*fn)(void *value, void *arg), void *arg);

/* Statistics; bytes covers the table's storage, not its container. */
void gcw_table_stats(struct gcw_table *t, gcweak_stats *out);


/* ------------------------------------------------------------- lookups
 * The lookup fast path is here, inline, so that the public wrappers
 * (map.c, set.c) compile into one short function each; its slow paths and
 * everything else are in table.c. */

/* One lookup, with or without the mutex: the entry's key word address or
 * NULL, its value in *v (untouched for sets). */
static inline _Atomic gcw_word *gcw_table_find(struct gcw_table *t, struct gcw_index *ix,
                                               gcw_word w, void **v)
{
    size_t id = 0;
    _Atomic gcw_word *key = gcw_index_lookup(ix, &t->entries, w, &id);
    if (key != NULL && t->entries.stride == 2)
        *v = atomic_load_explicit(gcw_entry_value(key), memory_order_relaxed);
    return key;
}

/* The check behind gcw_table_values_suspect, once per collection and map. */
bool gcw_table_values_check(struct gcw_table *t, GC_word now);

/* Whether the pass may have missed a collection since this map last looked:
 * values it marks can then no longer be trusted. Called after the values it
 * vouches for were read. Every lookup asks, so the answer is cached per
 * collection: one load of the collection count in the common case. */
static inline bool gcw_table_values_suspect(struct gcw_table *t)
{
    if (t->entries.values != GCW_EPHEMERON_VALUES && t->entries.values != GCW_STRONG_VALUES)
        return false;
    GC_word now = gcw_gc_no();
    if (now == atomic_load_explicit(&t->kept_up_at, memory_order_relaxed))
        return false;
    return gcw_table_values_check(t, now);
}

/* Hands removals the pass retired to the callback; see table.c. */
void gcw_table_deliver_removals(struct gcw_table *t);

/* Every public operation ends here. Mutex NOT held. A round under way
 * (the flag already taken) is finished by the thread that started it. */
static inline void gcw_table_finish_op(struct gcw_table *t)
{
    if (atomic_load_explicit(&t->entries.retired, memory_order_relaxed))
        gcw_table_deliver_removals(t);
}

/* The lookup under the mutex, when the optimistic one failed or the values
 * are suspect. */
bool gcw_table_get_locked(struct gcw_table *t, gcw_word w, void **v);

/* Whether key is present, and its value in *value_out (when not NULL). */
static inline bool gcw_table_get(struct gcw_table *t, const void *key, void **value_out)
{
    gcw_word w = gcw_key_word(key);
    if (!gcw_word_is_key(w))
        return false;
    void *v = NULL;
    unsigned s = gcw_seq_read_begin(&t->seq);
    bool found =
        gcw_table_find(t, atomic_load_explicit(&t->index, memory_order_acquire), w, &v) != NULL;
    /* Validated after the read: a collection that ran without the pass
     * meanwhile may have reclaimed the value just read. */
    if (!gcw_seq_read_valid(&t->seq, s) || gcw_table_values_suspect(t))
        found = gcw_table_get_locked(t, w, &v);
    /* Written only now: a read that failed validation may have set v. */
    if (found && value_out != NULL)
        *value_out = v;
    gcw_table_finish_op(t);
    return found;
}

#ifdef GCWEAK_ASSERTS
/* Checks every invariant of entries.c and index.c; aborts on a breach.
 * Mutex held. The test build runs it after every rebuild. */
void gcw_table_check(struct gcw_table *t);
#endif

#endif /* GCWEAK_TABLE_H */
