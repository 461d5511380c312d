/* SPDX-License-Identifier: MIT */
/*
 * Tables without an index (unindexed.c): entries added and dropped by
 * number, never looked up by key. For a container that only needs to know
 * when each key dies, as a registry does of its targets: an add is then an
 * entry and a link, what the link floor pays, with no probe of a hashed
 * index and no index to grow.
 */
#ifndef GCWEAK_UNINDEXED_H
#define GCWEAK_UNINDEXED_H

#include "table.h"

/* gcw_table_init for a table that never has an index (kind: weak keys or
 * ephemeron). Only the verbs below add and drop its entries; size, stats,
 * clear, foreach and removal delivery work as on any table, but removals
 * are delivered only when the owner calls gcw_removals_deliver. */
int gcw_table_init_unindexed(struct gcw_table *t, void *container, enum gcw_kind kind);

/* Adds an entry for key with value, even when key has entries already:
 * GCWEAK_OK with its number in *id, or GCWEAK_ENOMEM. obj is the key's
 * object (gcw_key_object), which the caller has found not NULL: looking it
 * up is most of what a caller checks, and is done once. Mutex NOT held. */
int gcw_table_append(struct gcw_table *t, const void *key, void *obj, void *value, size_t *id);

/* Drops entry id if it still holds value for a live key, as a delete
 * would; true if it did. An entry whose key died is left to the removal
 * its death queued (or made). Mutex NOT held. */
bool gcw_table_drop(struct gcw_table *t, size_t id, const void *value);

#endif /* GCWEAK_UNINDEXED_H */
