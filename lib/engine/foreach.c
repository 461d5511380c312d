/* SPDX-License-Identifier: MIT */
/*
 * The snapshot walk.
 *
 * foreach copies every live entry into a scanned array, then visits the
 * copy with no lock held: the visitor may use the map, allocate and
 * collect, and what it sees is the map as it was when the walk began. The
 * copy is filled under the collector's lock, so that every key it reveals
 * belongs to an object no collection has reclaimed, and the copy then
 * holds it alive. The array is allocated with no lock held, as large as
 * the live count (a bound: collections only lower it), and filled again
 * if a collection came between the check of the values and the fill.
 */
#include "foreach.h"

#include "removal.h"
#include "trust.h"

/* Snapshot for foreach: filled under the allocation lock, so that every key
 * revealed belongs to an object no collection has reclaimed, and the scanned
 * snapshot then holds it alive. */
struct snapshot {
    struct gcw_table *t;
    void **out;
    size_t room;
    size_t stride; /* 2 with values, 1 without */
    size_t n;
    bool overflow;
    GC_word gc_no;  /* the collection count the values were checked at */
    bool stale;     /* a collection completed since: check and fill again */
};

static void *snapshot_fill(void *arg)
{
    struct snapshot *sn = arg;
    sn->n = 0;
    sn->overflow = false;
    /* A collection between the check of the values and this lock hold may
     * have run without the pass. */
    sn->stale = gcw_gc_no() != sn->gc_no;
    if (sn->stale)
        return NULL;
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(&sn->t->entries, s) {
        for (size_t i = 0; i < s.n; i++) {
            if (!gcw_entry_is_live(sn->t->entries.kind, gcw_span_key(&s, i)))
                continue;
            gcw_word k = atomic_load_explicit(gcw_span_key(&s, i), memory_order_relaxed);
            if (sn->n == sn->room) {
                sn->overflow = true;
                return NULL;
            }
            void **entry = &sn->out[sn->n++ * sn->stride];
            /* A stored byte-string key is an ordinary pointer already. */
            entry[0] = sn->t->entries.byte_keys ? (void *)k : GC_REVEAL_POINTER(k);
            /* Barriers need no lock: GC_end_stubborn_change only sets a bit. */
            GC_end_stubborn_change(&entry[0]);
            if (sn->stride == 2) {
                entry[1] = atomic_load_explicit(gcw_span_value(&s, i), memory_order_relaxed);
                /* A doubly-weak value is revealed here, under the lock, as
                 * the key is. */
                if (sn->t->entries.kind == GCW_KIND_WEAK_VALUES)
                    entry[1] = GC_REVEAL_POINTER((GC_word)entry[1]);
                if (entry[1] != NULL)
                    GC_end_stubborn_change(&entry[1]);
            }
        }
    }
    return NULL;
}

/* Mutex held. Fills the snapshot if its room holds every live entry;
 * otherwise says how much room it needs. */
static bool try_snapshot(struct gcw_table *t, struct snapshot *sn, size_t *need)
{
    GCW_ASSERT_HELD(&t->lock);
    *need = t->live; /* a bound: collections only lower it */
    if (sn->out == NULL || *need > sn->room)
        return false;
    (void)GC_call_with_alloc_lock(snapshot_fill, sn);
    GCW_ASSERT(!sn->overflow);
    return !sn->stale;
}

int gcw_table_foreach(struct gcw_table *t, gcw_visit_fn visit, void *arg)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    struct snapshot sn = {.t = t, .stride = t->entries.stride};
    for (;;) {
        size_t need = 0;
        gcw_mutex_lock(&t->lock);
        bool warn = gcw_values_drop_suspect(t);
        sn.gc_no = gcw_gc_no();
        bool filled = try_snapshot(t, &sn, &need);
        gcw_mutex_unlock(&t->lock);
        if (warn)
            gcw_values_warn_dropped();
        if (filled)
            break;
        if (sn.stale) { /* room enough: check the values again and refill */
            sn.stale = false;
            continue;
        }
        /* Allocate unlocked (it may run finalizers that use this table). */
        sn.room = need;
        sn.out = gcw_alloc_scanned((need > 0 ? need : 1) * sn.stride * sizeof *sn.out);
        if (sn.out == NULL)
            return GCWEAK_ENOMEM;
    }
    gcw_removals_deliver_due(t);
    for (size_t i = 0; i < sn.n; i++) {
        void **entry = &sn.out[i * sn.stride];
        int r = visit(entry[0], sn.stride == 2 ? entry[1] : NULL, arg);
        if (r != 0)
            return r;
    }
    GC_reachable_here(sn.out);
    return GCWEAK_OK;
}

