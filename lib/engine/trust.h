/* SPDX-License-Identifier: MIT */
/*
 * Whether the values a read found may be handed out (trust.c).
 */
#ifndef GCWEAK_TRUST_H
#define GCWEAK_TRUST_H

#include "table.h"

/* The check behind gcw_values_suspect, once per collection and map. */
bool gcw_values_recheck(struct gcw_table *t, GC_word now);

/* Stamps t's reads_ok_at with the collection count if a lock-free read
 * needs no check but the sequence's and the deciding window's: values not
 * suspect, the published index's copies exact, no removal waiting. */
void gcw_reads_restamp(struct gcw_table *t);

/* Whether a lock-free read of t that began with sequence s and window
 * count `deciding` may stand on the stamp alone; otherwise the slow path
 * checks everything. The window is checked for every kind, so that one
 * test serves them all: a doubly-weak value copy read outside it is of an
 * object that was marked (ephemeron.h). */
static GCW_ALWAYS_INLINE bool gcw_reads_ok(struct gcw_table *t, unsigned s, unsigned deciding)
{
    return gcw_seq_read_valid(&t->seq, s) && (deciding & 1u) == 0 &&
           atomic_load_explicit(&gcw_pass_deciding, memory_order_relaxed) == deciding &&
           gcw_gc_no() == atomic_load_explicit(&t->reads_ok_at, memory_order_relaxed);
}

/* Whether a collection may have failed to mark this map's values since it
 * last looked: what it reads can then no longer be trusted. Called after
 * the values it vouches for were read. Every lookup asks, so the answer is
 * cached per collection: one load of the collection count in the common
 * case, and none for kinds whose values the pass does not mark. */
static inline bool gcw_values_suspect(struct gcw_table *t)
{
    if (!gcw_kind_traces_values(t->entries.kind))
        return false;
    GC_word now = gcw_gc_no();
    if (now == atomic_load_explicit(&t->reads_ok_at, memory_order_relaxed))
        return false;
    return gcw_values_recheck(t, now);
}

/* Mutex held. Drops every value of a map whose values are suspect, and the
 * removals waiting for its callback. Returns whether the warning is due;
 * the caller gives it (gcw_values_warn_dropped) once it let go of the
 * mutex, since the warn proc may use this map. */
bool gcw_values_drop_suspect(struct gcw_table *t);
void gcw_values_warn_dropped(void);

/* Mutex held. Makes the published index's copies exact again if a
 * collection ran without the pass, or found the container unreachable,
 * since they were made, once the pass runs again; until then lookups check
 * the entries. Inline the common case, nothing to do; the refresh apart. */
void gcw_copies_refresh(struct gcw_table *t, struct gcw_index *ix);

static inline void gcw_copies_restore(struct gcw_table *t)
{
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    if (ix != NULL && ix->copies && !gcw_index_exact(ix, &t->entries))
        gcw_copies_refresh(t, ix);
}

#endif /* GCWEAK_TRUST_H */
