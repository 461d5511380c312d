/* SPDX-License-Identifier: MIT */
/*
 * Which values a map may hand out.
 *
 * A map's values live in pointer-free memory, where the marker never
 * looks; a value stays alive only because the pass (ephemeron.c) marks it
 * in every collection. A collection that did not mark a map's values may
 * have reclaimed any of them, and it happens two ways:
 *   - the collection ran without the pass: another component replaced the
 *     collection-event callback without chaining to it (gcw_pass_kept_up);
 *   - the map was unreachable when the pass ran, so its values were left
 *     for the collector, and a finalizer revived the map afterwards
 *     (the pass records that collection in the storage's unreached_gc_no).
 * Every read checks, after reading, that no such collection happened since
 * the map last dropped its values; if one did, the read is done again under
 * the mutex, which first drops them all. Dropped values read as NULL; the
 * keys stay. A missed pass is worth a warning (something replaced our
 * callback); a revival is documented behaviour and is not.
 *
 * The copies an index keeps of keys and values (index.c) depend on the pass
 * the same way: a collection without it leaves copies of keys it killed.
 * Lookups then check entries, and the first reader or writer to take the
 * mutex once the pass runs again refreshes the copies against the entries
 * (gcw_copies_restore); dropped values are dropped from the copies too.
 */
#include "trust.h"

/* Whether a collection may have failed to mark t's values since they were
 * last dropped (false for kinds whose values the pass does not mark). */
static bool values_suspect_now(struct gcw_table *t)
{
    return gcw_kind_traces_values(t->entries.kind) &&
           (!gcw_pass_kept_up(t->dropped_at_gc_no) ||
            atomic_load_explicit(&t->entries.unreached_gc_no, memory_order_acquire) >
                t->dropped_at_gc_no);
}

/* Stamps t with `now` if, values aside, a read needs no other check. */
static void stamp(struct gcw_table *t, GC_word now)
{
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_acquire);
    if (!atomic_load_explicit(&t->entries.removals_pending, memory_order_acquire) &&
        (ix == NULL || !ix->copies || gcw_index_exact(ix, &t->entries)) && gcw_gc_no() == now)
        atomic_store_explicit(&t->reads_ok_at, now, memory_order_relaxed);
}

bool gcw_values_recheck(struct gcw_table *t, GC_word now)
{
    if (values_suspect_now(t))
        return true;
    stamp(t, now);
    return false;
}

void gcw_reads_restamp(struct gcw_table *t)
{
    GC_word now = gcw_gc_no();
    if (now != atomic_load_explicit(&t->reads_ok_at, memory_order_relaxed) &&
        !values_suspect_now(t))
        stamp(t, now);
}

bool gcw_values_drop_suspect(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    if (!gcw_values_suspect(t))
        return false;
    GC_word gc_no = gcw_collections_settled();
    if (gc_no == t->dropped_at_gc_no)
        return false; /* dropped already, and no collection since */
    bool missed = !gcw_pass_kept_up(t->dropped_at_gc_no);
    gcw_seq_write_begin(&t->seq);
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(&t->entries, s)
        for (size_t i = 0; i < s.n; i++) {
            atomic_store_explicit(gcw_span_value(&s, i), NULL, memory_order_relaxed);
            if (gcw_flag_get(&s, i, GCW_PENDING_REMOVAL)) {
                /* As a delivery would: the program may free the key now. */
                gcw_flag_set(&s, i, GCW_PENDING_REMOVAL, false);
                gcw_link_unregister(gcw_span_key(&s, i));
            }
        }
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    if (ix != NULL)
        gcw_index_refresh(ix, &t->entries);
    gcw_seq_write_end(&t->seq);
    t->dropped_at_gc_no = gc_no;
    bool warn = missed && !t->warned;
    t->warned |= missed;
    return warn;
}

void gcw_copies_refresh(struct gcw_table *t, struct gcw_index *ix)
{
    GCW_ASSERT_HELD(&t->lock);
    if (gcw_gc_no() != atomic_load_explicit(&gcw_pass_gc_no, memory_order_acquire))
        return;
    /* Every collection counted by then has cleared the key words of what
     * it killed, so the refresh drops each copy left of them; the pass
     * drops those of later ones, or, if one runs without it, the count
     * says so again. A refresh never adds a copy, so a collection deciding
     * meanwhile cannot leave one behind. */
    GC_word settled = gcw_collections_settled();
    gcw_seq_write_begin(&t->seq);
    gcw_index_refresh(ix, &t->entries);
    gcw_seq_write_end(&t->seq);
    atomic_store_explicit(&ix->built_gc_no, settled, memory_order_release);
}

void gcw_values_warn_dropped(void)
{
    GC_get_warn_proc()("GC Warning: gcweak: collections ran without gcweak's pass "
                       "(collection-event callback replaced?); a map's values were "
                       "dropped\n", (GC_word)0);
}
