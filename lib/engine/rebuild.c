/* SPDX-License-Identifier: MIT */
/*
 * Rebuilds: how a table grows, shrinks, and drops dead entries.
 *
 * WHY ONLY THE INDEX. Each entry's key word is a disappearing link, and
 * bdwgc's cost for a link depends on where its slot sits: registered once at
 * ascending addresses, it is several times cheaper to register and to clear
 * than at scattered hash positions, and moving it costs a walk of the
 * collector's link table. So entries stay where they were put, and only the
 * index, which holds entry numbers, is rebuilt: to grow, to shrink, and to
 * drop entries the collector cleared or a delete removed. A rebuild copies
 * the published index's slots when their copies are exact, and walks the
 * entries only when they are not, or to free the dead.
 *
 * WHILE READERS READ. A rebuild fills its new index while readers go on
 * probing the old one, which stays valid: the entries it names stay in use
 * until the new one is published, in one write section. Entries the
 * collector cleared are freed by the rebuild that leaves them out; an older
 * index may still name them, but its readers fail validation before an
 * entry is reused, which only a set after the new index is published does.
 * A byte-keyed entry lets go of its stored key when freed, and readers
 * follow the key's address from the index, not the entry: the rebuild
 * withdraws a dead entry from the published index before freeing it.
 * Out of memory for a new index, the old one is rebuilt where it is, inside
 * one write section: readers retry, then wait on the mutex.
 *
 * WHILE A COLLECTION DECIDES. The new index holds copies of key words
 * (index.c), which the pass drops when their keys die: the index being
 * filled is on the containers list (indexes.building) for that. What the
 * pass cannot catch is a key word copied after MARK_END from an entry whose
 * key this collection kills, before GC_finalize clears it. A fill that a
 * deciding window overlapped therefore waits for the window to close (the
 * collector's lock) and refreshes its copies against the entries before
 * anyone reads them. The index records the collection count settled before
 * the fill: a collection without the pass after it makes lookups disbelieve
 * the copies (gcw_index_exact).
 *
 * WHEN. A set that would fill the index past four fifths rebuilds it for
 * twice the live entries; a set that needs a new chunk of storage first
 * rebuilds if most entries in use are dead, freeing them for reuse; a
 * delete that leaves fewer live entries than an eighth of the index
 * rebuilds it smaller. Dead entries thus cost nothing until the sets that
 * fill the index pay for dropping them.
 */
#include "rebuild.h"

#include <string.h>

#include "consistency.h"

/* Entries whose index lines are asked for ahead of their adds, in indexes
 * too large for the caches (below, prefetching only costs instructions). */
enum { AHEAD = 8, AHEAD_MIN_SLOTS = 1 << 15 };

struct pending_add {
    struct gcw_key k;
    size_t id;
    gcw_word value;
};

/* The add-th live entry, next: added now, or with a ring, queued behind
 * the AHEAD before it, whose oldest is added and whose lines are asked for. */
static void queue_add(struct gcw_index *ix, struct pending_add *ring, size_t add,
                     const struct pending_add *next)
{
    if (ring == NULL) {
        (void)gcw_index_add_unpublished(ix, &next->k, next->id, next->value);
        return;
    }
    struct pending_add *p = &ring[add % AHEAD];
    if (add >= AHEAD)
        (void)gcw_index_add_unpublished(ix, &p->k, p->id, p->value);
    *p = *next;
    gcw_index_prefetch(ix, p->k.hash);
}

/* Mutex held. Frees dead entry i of span s: the collector dropped the link
 * of what died; in a doubly-weak map the other side may live on, on a link
 * that must go if it may be freed explicitly (keys.c). A byte-keyed entry
 * lets go of its stored key, which readers of `named`, the published index
 * when a fresh one is being filled, may be about to follow: it is withdrawn
 * from there first (index.c). */
static void free_dead(struct gcw_table *t, struct gcw_index *named, const struct gcw_span *s,
                      size_t i)
{
    if (named != NULL) {
        struct gcw_key k = gcw_stored_key(
            &t->entries, atomic_load_explicit(gcw_span_key(s, i), memory_order_relaxed));
        gcw_index_withdraw(named, &k, s->first_id + i);
    }
    if (gcw_entries_delete(&t->entries, s->first_id + i) &&
        t->entries.kind == GCW_KIND_WEAK_VALUES)
        gcw_link_unregister_entry(gcw_span_key(s, i), true);
}

/* Mutex held. The index whose readers may follow the stored keys of the
 * entries a fill of ix frees: the published one, unless ix is it (a
 * rebuild in place, inside a write section) or the keys are words. */
static struct gcw_index *withdraw_from(const struct gcw_table *t, const struct gcw_index *ix)
{
    struct gcw_index *published = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    return t->entries.byte_keys && published != ix ? published : NULL;
}

/* Mutex held. Adds every live entry to ix, which no reader sees, and frees
 * the entries the collector cleared (not those pending removal). Returns
 * how many it added. Entries are walked in order and land at random in the
 * index: each add's lines are prefetched AHEAD adds before it is made. */
static size_t index_live_entries(struct gcw_table *t, struct gcw_index *ix)
{
    GCW_ASSERT_HELD(&t->lock);
    struct pending_add ring[AHEAD];
    memset(ring, 0, sizeof ring);
    bool ahead = ix->capacity >= AHEAD_MIN_SLOTS;
    struct gcw_index *named = withdraw_from(t, ix);
    size_t added = 0;
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(&t->entries, s)
        for (size_t i = 0; i < s.n; i++) {
            if (!gcw_flag_get(&s, i, GCW_IN_USE))
                continue;
            gcw_word w = atomic_load_explicit(gcw_span_key(&s, i), memory_order_relaxed);
            if (gcw_entry_is_live(t->entries.kind, gcw_span_key(&s, i))) {
                struct pending_add next = {
                    gcw_stored_key(&t->entries, w), s.first_id + i,
                    s.stride == 2 ? gcw_value_copy(t->entries.kind,
                                                   (gcw_word)atomic_load_explicit(
                                                       gcw_span_value(&s, i), memory_order_relaxed))
                                  : 0};
                queue_add(ix, ahead ? ring : NULL, added++, &next);
            } else if (!gcw_flag_get(&s, i, GCW_PENDING_REMOVAL)) {
                free_dead(t, named, &s, i);
            }
        }
    if (ahead)
        for (size_t j = added > AHEAD ? added - AHEAD : 0; j < added; j++) {
            struct pending_add *p = &ring[j % AHEAD];
            (void)gcw_index_add_unpublished(ix, &p->k, p->id, p->value);
        }
    return added;
}

/* Mutex held. Frees the dead entries, but those pending removal: after a
 * fill from copies, which name only live ones, and for tables with no
 * index (rebuild.h). */
void gcw_rebuild_free_dead(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    /* Only word-keyed indexes are copied: no stored key to withdraw. */
    GCW_ASSERT(!t->entries.byte_keys);
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(&t->entries, s)
        for (size_t i = 0; i < s.n; i++)
            if (gcw_flag_get(&s, i, GCW_IN_USE) &&
                !gcw_entry_is_live(t->entries.kind, gcw_span_key(&s, i)) &&
                !gcw_flag_get(&s, i, GCW_PENDING_REMOVAL))
                free_dead(t, NULL, &s, i);
}

/* Mutex held. The index a fill of ix may copy from instead of walking the
 * entries: the published one, when its copies are exact (gcw_index_exact),
 * so that its slots name every live entry, with key and value, and no dead
 * one. Copying reads it in order and writes ix nearly in order (index.h);
 * the walk writes ix at random, a cache miss per entry once it outgrows
 * the caches. */
static const struct gcw_index *copy_source(const struct gcw_table *t,
                                           const struct gcw_index *ix)
{
    const struct gcw_index *old =
        atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    return old != NULL && old != ix && old->copies && gcw_index_exact(old, &t->entries)
               ? old
               : NULL;
}

/* Mutex held. Adds the live entries to ix, empty and unpublished, and
 * frees the dead ones; returns how many it added. */
static size_t add_live(struct gcw_table *t, struct gcw_index *ix)
{
    const struct gcw_index *from = copy_source(t, ix);
    if (from == NULL)
        return index_live_entries(t, ix);
    size_t n = gcw_index_add_slots_of(ix, from);
    size_t top = atomic_load_explicit(&t->entries.top, memory_order_relaxed);
    if (top - t->entries.free_count > n)
        gcw_rebuild_free_dead(t);
    return n;
}

/* Mutex held. Fills ix, empty, from the live entries; returns how many. */
static size_t fill(struct gcw_table *t, struct gcw_index *ix)
{
    GCW_ASSERT_HELD(&t->lock);
    atomic_store_explicit(&ix->built_gc_no, gcw_collections_settled(), memory_order_relaxed);
    /* Seen by the next pass before any key word is read: a store, then a
     * full fence, then the load of the window's count. */
    atomic_store_explicit(&t->indexes.building, ix, memory_order_seq_cst);
    gcw_note_store(&t->indexes.building, ix);
    unsigned deciding = atomic_load_explicit(&gcw_pass_deciding, memory_order_seq_cst);
    size_t n = add_live(t, ix);
    if ((deciding & 1u) != 0 ||
        atomic_load_explicit(&gcw_pass_deciding, memory_order_seq_cst) != deciding) {
        (void)gcw_collections_settled();
        gcw_index_refresh(ix, &t->entries);
    }
    return n;
}

/* Mutex held. Rebuilds ix, the published index, where it is. */
static void rebuild_in_place(struct gcw_table *t, struct gcw_index *ix)
{
    GCW_ASSERT_HELD(&t->lock);
    gcw_seq_write_begin(&t->seq);
    for (size_t i = 0; i < ix->capacity; i++)
        atomic_store_explicit(gcw_islot(ix, i), GCW_SLOT_EMPTY, memory_order_relaxed);
    ix->used = 0;
    t->live = fill(t, ix);
    atomic_store_explicit(&t->indexes.building, NULL, memory_order_relaxed);
    gcw_seq_write_end(&t->seq);
}

int gcw_rebuild(struct gcw_table *t, size_t extra)
{
    GCW_ASSERT_HELD(&t->lock);
    for (;;) {
        struct gcw_index *old = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
        /* The count kept since the last collection, not a walk. */
        gcw_rebuild_count_live(t);
        size_t live = t->live;
        size_t capacity = gcw_index_capacity_for(live + extra);
        if (capacity == 0)
            return GCWEAK_ENOMEM;
        gcw_mutex_unlock(&t->lock);
        struct gcw_index *fresh = gcw_index_new(&t->entries, capacity);
        gcw_mutex_lock(&t->lock);
        if (atomic_load_explicit(&t->indexes.published, memory_order_relaxed) != old)
            return GCWEAK_OK;
        /* Collections only lower the count; sets made while we allocated
         * may have raised it past what fresh holds. */
        gcw_rebuild_count_live(t);
        live = t->live;
        GC_word counted_at = gcw_collections_settled();
        if (fresh == NULL) {
            if (old == NULL || !gcw_index_load_ok(live + extra, gcw_index_capacity(old)))
                return GCWEAK_ENOMEM;
            rebuild_in_place(t, old);
        } else {
            if (!gcw_index_load_ok(live + extra, capacity))
                continue;
            t->live = fill(t, fresh);
            gcw_seq_write_begin(&t->seq);
            atomic_store_explicit(&t->indexes.published, fresh, memory_order_release);
            gcw_note_store(&t->indexes.published, fresh);
            gcw_seq_write_end(&t->seq);
            atomic_store_explicit(&t->indexes.building, NULL, memory_order_relaxed);
        }
        GCW_ASSERT(t->live <= live);
        t->live_gc_no = counted_at;
#ifdef GCWEAK_ASSERTS
        gcw_table_check(t);
#endif
        return GCWEAK_OK;
    }
}

int gcw_rebuild_add_chunk(struct gcw_table *t, size_t id)
{
    GCW_ASSERT_HELD(&t->lock);
    unsigned c = gcw_entry_place(id).chunk;
    gcw_mutex_unlock(&t->lock);
    gcw_word *block = gcw_entries_alloc_chunk(&t->entries, c);
    gcw_mutex_lock(&t->lock);
    if (block == NULL)
        return GCWEAK_ENOMEM;
    if (atomic_load_explicit(&t->entries.chunk[c], memory_order_relaxed) == NULL)
        gcw_entries_install_chunk(&t->entries, c, block);
    return GCWEAK_OK;
}

void gcw_rebuild_count_live(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    GC_word gc_no = gcw_collections_settled();
    if (gc_no == t->live_gc_no)
        return;
    t->live = gcw_entries_count_live(&t->entries);
    t->live_gc_no = gc_no;
}

bool gcw_rebuild_mostly_dead(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    gcw_rebuild_count_live(t);
    size_t top = atomic_load_explicit(&t->entries.top, memory_order_relaxed);
    return t->live < (top - t->entries.free_count) / 2;
}

bool gcw_rebuild_too_sparse(const struct gcw_table *t, const struct gcw_index *ix)
{
    GCW_ASSERT_HELD(&t->lock);
    size_t cap = gcw_index_capacity(ix);
    return cap > gcw_index_capacity_for(0) && t->live * 8 < cap;
}
