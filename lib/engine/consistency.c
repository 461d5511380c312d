/* SPDX-License-Identifier: MIT */
/*
 * The table's consistency check, in the test build.
 *
 * What it holds the table to, beyond entries.c's and index.c's own
 * invariants (gcw_entries_check, gcw_index_check):
 *   - every live entry is named by exactly one index slot;
 *   - the live count is an upper bound: collections only kill entries, and
 *     the count is made exact once per collection.
 *
 * WHEN. After every write, the entry and the index slot it changed are
 * checked. The whole table is checked after every rebuild and clear, and
 * after any write once a quarter as many writes as the table has entries
 * went by since the last full check (a growing table rebuilds every half
 * table's worth of sets, which would otherwise hide what a rebuild
 * recounts): each write pays a constant share of full checks, and a breach
 * a local check cannot see is found within a quarter table of writes.
 *
 * The check holds the collector's lock, so that no collection clears key
 * words while it counts them; it allocates nothing and takes no other lock.
 */
#include "consistency.h"

#ifdef GCWEAK_ASSERTS
/* Fewer writes than this between full checks whatever the table's size,
 * so that small tables are checked whole all the time. */
enum { FULL_CHECK_MIN_WRITES = 64 };

static void *check_locked(void *arg)
{
    struct gcw_table *t = arg;
    const struct gcw_entries *e = &t->entries;
    gcw_entries_check(e);
    size_t live = gcw_entries_count_live(e);
    GCW_ASSERT(live <= t->live);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    /* Only a rebuild, which holds the mutex throughout, fills another. */
    GCW_ASSERT(atomic_load_explicit(&t->indexes.building, memory_order_relaxed) == NULL);
    if (ix != NULL)
        GCW_ASSERT(gcw_index_check(ix, e, ix->copies && gcw_index_exact(ix, &t->entries)) == live);
    else
        GCW_ASSERT(live == 0 || t->unindexed);
    GCW_ASSERT(!t->unindexed || ix == NULL);
    return NULL;
}

void gcw_table_check(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    (void)GC_call_with_alloc_lock(check_locked, t);
    t->writes_unchecked = 0;
}

struct write_check {
    struct gcw_table *t;
    size_t id, at;
};

static void *check_write_locked(void *arg)
{
    const struct write_check *w = arg;
    if (w->id != SIZE_MAX)
        gcw_entries_check_entry(&w->t->entries, w->id);
    struct gcw_index *ix = atomic_load_explicit(&w->t->indexes.published, memory_order_relaxed);
    if (w->at != SIZE_MAX && ix != NULL)
        gcw_index_check_slot(ix, &w->t->entries, w->at);
    return NULL;
}

void gcw_table_check_write(struct gcw_table *t, size_t id, size_t at)
{
    GCW_ASSERT_HELD(&t->lock);
    if (++t->writes_unchecked > t->live / 4 + FULL_CHECK_MIN_WRITES) {
        gcw_table_check(t);
        return;
    }
    struct write_check w = {t, id, at};
    (void)GC_call_with_alloc_lock(check_write_locked, &w);
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int gcw_check_c_is_empty_without_asserts;
#endif
