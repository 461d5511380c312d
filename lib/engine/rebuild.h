/* SPDX-License-Identifier: MIT */
/*
 * New indexes and new chunks (rebuild.c): how a table makes room.
 */
#ifndef GCWEAK_REBUILD_H
#define GCWEAK_REBUILD_H

#include "table.h"

/* All with the mutex held. Each may drop it to allocate, so other writers
 * may change the table meanwhile: the caller probes again afterwards. */

/* Builds an index for the live entries and `extra` more, and publishes it.
 * GCWEAK_OK also when another writer rebuilt meanwhile, or GCWEAK_ENOMEM. */
int gcw_rebuild(struct gcw_table *t, size_t extra);

/* Makes sure entry id's chunk exists. GCWEAK_OK or GCWEAK_ENOMEM. */
int gcw_rebuild_add_chunk(struct gcw_table *t, size_t id);

/* Frees the dead entries but those pending removal, as a rebuild does,
 * for a table with no index to rebuild (word keys). */
void gcw_rebuild_free_dead(struct gcw_table *t);

/* Makes t->live exact, counting once per collection. */
void gcw_rebuild_count_live(struct gcw_table *t);

/* Whether fewer than half the entries in use are live: a rebuild would
 * free the rest for reuse, instead of growing the storage. */
bool gcw_rebuild_mostly_dead(struct gcw_table *t);

/* Whether too few entries are live for the index's size: rebuild smaller. */
bool gcw_rebuild_too_sparse(const struct gcw_table *t, const struct gcw_index *ix);

#endif /* GCWEAK_REBUILD_H */
