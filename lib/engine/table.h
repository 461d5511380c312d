/* SPDX-License-Identifier: MIT */
/*
 * The table under every gcweak container: entries that never move
 * (entries.h), found through an index that does (index.h), with a writer
 * mutex and a reader sequence counter (lock.h). The files above it each do
 * one part of its work:
 *
 *   trust.c        whether the values a read found may be handed out
 *   consistency.c  its consistency check, after every write in the test build
 *   removal.c      delivery of removals to the callback
 *   rebuild.c      new indexes: to grow, to shrink, to drop dead entries
 *   fork.c         the fork handlers
 *   read.h, read.c the lock-free read (get, has), and its locked fallback
 *   table.c        creating a table; set, delete, clear, size, stats
 *   unindexed.c    tables with no index: entries added and dropped by number
 *   foreach.c      the snapshot walk
 *
 * The front ends (map.c, set.c) check arguments and call these.
 */
#ifndef GCWEAK_TABLE_H
#define GCWEAK_TABLE_H

#include "ephemeron.h"
#include "index.h"

struct gcw_table {
    struct gcw_entries entries;          /* on the containers list */
    struct gcw_indexes indexes;          /* on the containers list too */
    atomic_uint seq;                     /* seqlock sequence, see lock.h */
    /* A collection count as of which a lock-free read needs no check but
     * the sequence's (trust.c): values marked, copies exact, no removal
     * waiting. A cache of the trust checks, in the line lookups read
     * anyway, stale from the next collection on. */
    _Atomic GC_word reads_ok_at;
    gcw_mutex lock;                      /* serialises writers */
    size_t live;            /* entries in use; exact as of collection live_gc_no */
    GC_word live_gc_no;
    GC_word created_gc_no;
    /* Removal callback: set and read under the mutex. */
    void (*removal_fn)(void *value, void *arg);
    void *removal_arg;
    size_t removal_cursor;  /* next entry a delivery round looks at */
    /* Maps with traced values: the collection count when this map's values
     * were last dropped because a collection did not mark them (or when it
     * was made): values stored since are trusted while every later
     * collection marks them. */
    GC_word dropped_at_gc_no;
    bool warned;             /* the lost-values warning was given */
    bool unindexed;          /* never has an index (unindexed.h) */
    size_t writes_unchecked; /* the test build's full-check schedule (consistency.c) */
};

/* GCWEAK_OK, GCWEAK_ENOMEM (also for a capacity hint no index can hold).
 * t must lie inside `container`, the collector object the front end
 * allocated, which the containers list then holds weakly. */
int gcw_table_init(struct gcw_table *t, void *container, enum gcw_kind kind,
                   size_t capacity_hint);

/* The verbs of table.c, as the public API has them; the key is checked
 * here (GCWEAK_EINVAL when it is no collector object). Mutex NOT held. */
int gcw_table_set(struct gcw_table *t, const void *key, void *value);
bool gcw_table_delete(struct gcw_table *t, const void *key);
size_t gcw_table_size(struct gcw_table *t);
void gcw_table_clear(struct gcw_table *t);
void gcw_table_stats(struct gcw_table *t, gcweak_stats *out);

/* The same with a key the front end prepared: byte-string keys (bytes.h).
 * set stores `stored`, the copy k's word names, and reports an existing
 * value as set_key does (replace false: get-or-create). */
int gcw_table_set_key(struct gcw_table *t, const struct gcw_key *k, struct gcw_bytes *stored,
                      void *value, bool replace, void **existing);
bool gcw_table_delete_key(struct gcw_table *t, const struct gcw_key *k);

/* Get-or-create (see gcweak_map_get_or_create); create runs unlocked. */
int gcw_table_get_or_create(struct gcw_table *t, const void *key,
                            void *(*create)(const void *key, void *arg), void *arg,
                            void **value_out);

#endif /* GCWEAK_TABLE_H */
