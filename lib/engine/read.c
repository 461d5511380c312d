/* SPDX-License-Identifier: MIT */
/*
 * Reading a table without a lock.
 *
 * Readers probe the published index, comparing the key copies in its slots
 * (or key words in the entries), and accept what they read only if the
 * table's sequence counter says no writer changed an entry or the index
 * meanwhile (lock.h). Writers hold the mutex and make the sequence odd
 * around each change a reader could see half-done; a rebuild fills a new
 * index while readers go on probing the old one, which stays valid
 * (rebuild.c). Every load is atomic and every table a reader can reach
 * stays valid memory, so a torn read can only be retried, never crash.
 *
 * What a collection leaves is harmless to a reader: a dead entry's key word
 * is 0 and matches no key, whenever the collector writes it, and its copy
 * in a word-keyed index is gone before the world restarts (index.c), or is
 * not believed if the pass did not run. Values are another matter: one
 * read just before a collection that did not mark the map's values may be
 * gone after it, so the reader asks trust.c after reading, and reads again
 * under the mutex when the answer is no.
 *
 * A reader that keeps failing validation, because writers keep the table
 * busy, waits on the mutex instead: progress is guaranteed, at the price of
 * the lock.
 */
#include "read.h"

/* Failed optimistic reads before a reader waits for the writer. */
enum { OPTIMISTIC_READS = 64 };

/* Out of line so that the fast path (read.h) saves no registers and stays
 * short. */
/* A doubly-weak map's read under both locks: the mutex keeps writers out,
 * the collector's lock any collection between deciding and clearing. */
struct weak_read {
    struct gcw_table *t;
    const struct gcw_key *k;
    void **v;
    bool found;
};

static void *read_weak_values_locked(void *arg)
{
    struct weak_read *r = arg;
    r->found = gcw_table_read(r->t,
                              atomic_load_explicit(&r->t->indexes.published, memory_order_relaxed),
                              r->k, r->v, true, 0) != NULL;
    return NULL;
}

bool gcw_table_get_locked(struct gcw_table *t, const struct gcw_key *k, void **v)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    /* Copies a collection without the pass left unbelieved: once the pass
     * runs again, the first reader here makes them exact for the rest. */
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_acquire);
    if (ix != NULL && ix->copies && !gcw_index_exact(ix, &t->entries) &&
        gcw_gc_no() == atomic_load_explicit(&gcw_pass_gc_no, memory_order_acquire)) {
        gcw_mutex_lock(&t->lock);
        gcw_copies_restore(t);
        gcw_mutex_unlock(&t->lock);
    }
    if (t->entries.kind == GCW_KIND_WEAK_VALUES) {
        struct weak_read r = {t, k, v, false};
        gcw_mutex_lock(&t->lock);
        (void)GC_call_with_alloc_lock(read_weak_values_locked, &r);
        gcw_mutex_unlock(&t->lock);
        return r.found;
    }
    for (int attempt = 0; attempt < OPTIMISTIC_READS && !gcw_values_suspect(t); attempt++) {
        gcw_cpu_relax();
        unsigned s = gcw_seq_read_begin(&t->seq);
        bool found =
            gcw_table_read(t, atomic_load_explicit(&t->indexes.published, memory_order_acquire), k,
                           v, false, s) != NULL;
        if (gcw_seq_read_valid(&t->seq, s) && !gcw_values_suspect(t))
            return found;
    }
    /* Under the mutex no writer interferes, but a collection still can:
     * when the pass is not running, one that completes between the drop
     * and the read may have reclaimed a value stored since. Read again. */
    bool warn = false;
    bool found = false;
    for (;;) {
        gcw_mutex_lock(&t->lock);
        warn |= gcw_values_drop_suspect(t);
        GC_word before = gcw_gc_no();
        found = gcw_table_read(t, atomic_load_explicit(&t->indexes.published, memory_order_relaxed),
                               k, v, true, 0) != NULL;
        atomic_thread_fence(memory_order_acquire);
        bool settled = gcw_gc_no() == before || !gcw_values_suspect(t);
        gcw_mutex_unlock(&t->lock);
        if (settled)
            break;
    }
    if (warn)
        gcw_values_warn_dropped();
    return found;
}

struct gcw_found gcw_table_get_word_slow(struct gcw_table *t, gcw_word w)
{
    struct gcw_key k = gcw_key_of_word(w);
    void *v = NULL;
    /* A doubly-weak value is a disguised pointer on a link: the read must
     * not overlap a collection's deciding window (ephemeron.h). */
    bool guarded = t->entries.kind == GCW_KIND_WEAK_VALUES;
    unsigned deciding = guarded ? gcw_read_guarded_begin() : 0;
    unsigned s = gcw_seq_read_begin(&t->seq);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_acquire);
    bool found = false;
    bool believed = true;
    if (ix != NULL) {
        size_t at = 0;
        found = gcw_index_find_copy(ix, w, k.hash, &at);
        if (found && ix->values)
            v = (void *)atomic_load_explicit(gcw_islot_value(ix, at), memory_order_relaxed);
        believed = gcw_index_exact(ix, &t->entries);
    }
    /* Validated after the read: a collection that did not mark the values
     * meanwhile may have reclaimed the value just read. */
    if (!gcw_seq_read_valid(&t->seq, s) || !believed || gcw_values_suspect(t) ||
        (guarded && !gcw_read_guarded_valid(deciding)))
        found = gcw_table_get_locked(t, &k, &v);
    gcw_removals_deliver_due(t);
    gcw_reads_restamp(t);
    struct gcw_found r = {found, found ? v : NULL};
    return r;
}
