/* SPDX-License-Identifier: MIT */
/*
 * The table under every gcweak container (table.c): entries (entries.h)
 * found through an index (index.h), with the writer mutex and the reader
 * sequence counter (lock.h). map.c and set.c are thin public wrappers.
 */
#ifndef GCWEAK_TABLE_H
#define GCWEAK_TABLE_H

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
bool gcw_table_get(struct gcw_table *t, const void *key, void **value_out);
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

#ifdef GCWEAK_ASSERTS
/* Checks every invariant of entries.c and index.c; aborts on a breach.
 * Mutex held. The test build runs it after every rebuild. */
void gcw_table_check(struct gcw_table *t);
#endif

#endif /* GCWEAK_TABLE_H */
