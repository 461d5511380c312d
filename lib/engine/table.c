/* SPDX-License-Identifier: MIT */
/*
 * The table's writers: creating a table, and set, delete, clear, size and
 * stats, each entered once per operation with what it needs of the key
 * computed once (struct gcw_key).
 *
 * WHAT A COLLECTION LEAVES. The collector zeroes the key words of entries
 * whose keys died, at any moment once the world restarts. A dead entry is
 * harmless (its key word matches no key) and is left where it is:
 *   - its index slot and the entry itself are reclaimed by the next rebuild
 *     (rebuild.c), paid for with the sets that fill the index;
 *   - the live count is a bound until size() or stats() counts it again,
 *     once per collection;
 *   - a weak-key map's value of a dead entry is no longer marked by the
 *     pass (ephemeron.c); an ephemeron map's value is never marked once its
 *     key is dead;
 *   - with a removal callback, the pass queues dying entries and keeps
 *     their values; the next operation on the table delivers them
 *     (removal.c).
 * No operation other than size, stats, foreach and the rare fallbacks
 * pays for the collector in proportion to the table.
 *
 * LOCK ORDER: the table mutex, then the collector's allocation lock (taken
 * inside link registration). Nothing that allocates or calls user code runs
 * with the mutex held: writers drop it to allocate index and chunk memory
 * (rebuild.c), and re-check what they decided once they have it back.
 */
#include "table.h"

#include "consistency.h"
#include "fork.h"
#include "read.h"
#include "rebuild.h"

int gcw_table_init(struct gcw_table *t, void *container, enum gcw_kind kind,
                   size_t capacity_hint)
{
    static const gcw_mutex unlocked = GCW_MUTEX_INIT;
    gcw_entries_init(&t->entries, kind);
    atomic_init(&t->indexes.published, NULL);
    atomic_init(&t->indexes.building, NULL);
    atomic_init(&t->seq, 0u);
    t->lock = unlocked;
    t->live = 0;
    t->removal_fn = NULL;
    t->removal_arg = NULL;
    t->removal_cursor = 0;
    t->warned = false;
    t->unindexed = false;
    t->writes_unchecked = 0;
    gcw_keys_learn_kinds();
    gcw_fork_handle_once();
    if (gcw_pass_install() != GCWEAK_OK ||
        gcw_containers_add(container, &t->entries, &t->indexes, t) != GCWEAK_OK)
        return GCWEAK_ENOMEM;
    t->created_gc_no = gcw_collections_settled();
    t->live_gc_no = t->created_gc_no;
    t->dropped_at_gc_no = t->created_gc_no;
    atomic_init(&t->reads_ok_at, (GC_word)-1);
    if (capacity_hint > 0) {
        size_t cap = gcw_index_capacity_for(capacity_hint);
        struct gcw_index *ix = cap != 0 ? gcw_index_new(&t->entries, cap) : NULL;
        if (ix == NULL)
            return GCWEAK_ENOMEM;
        /* Empty: exact as of now. */
        atomic_store_explicit(&ix->built_gc_no, t->created_gc_no, memory_order_relaxed);
        atomic_store_explicit(&t->indexes.published, ix, memory_order_release);
        gcw_note_store(&t->indexes.published, ix);
    }
    return GCWEAK_OK;
}

/* ------------------------------------------------------------------ set */

/* Mutex held. Key present in entry id, named from slot `at` of ix:
 * replaces its value if `replace`, else reports it in *existing. */
static void update_present(struct gcw_table *t, struct gcw_index *ix, size_t at, size_t id,
                           void *value, bool replace, void **existing)
{
    GCW_ASSERT_HELD(&t->lock);
    if (t->entries.kind == GCW_KIND_SET)
        return;
    _Atomic(void *) *slot = gcw_entry_value(gcw_entry_key(&t->entries, id));
    bool weak = t->entries.kind == GCW_KIND_WEAK_VALUES;
    if (!replace) {
        if (existing != NULL)
            *existing = weak ? gcw_reveal_locked((_Atomic gcw_word *)slot)
                             : atomic_load_explicit(slot, memory_order_relaxed);
        return;
    }
    /* A doubly-weak value's link moves to the new value first: the slot is
     * registered on whatever object it holds. */
    if (weak) {
        void *value_obj = gcw_key_object(value);
        if (gcw_link_register((_Atomic gcw_word *)slot, value_obj) != GCWEAK_OK)
            return; /* out of memory: the old value stays, its link too */
        if (gcw_key_object_needs_unlink(value_obj)) {
            struct gcw_span s;
            size_t i = gcw_entries_span_of(&t->entries, id, &s);
            gcw_flag_set(&s, i, GCW_UNLINK, true);
        }
    }
    /* Pointer-free memory: no write barrier. The old value may die now;
     * the new one is in the caller's frame until the store is visible. */
    gcw_seq_write_begin(&t->seq);
    atomic_store_explicit(slot, weak ? (void *)gcw_key_word(value) : value, memory_order_relaxed);
    gcw_index_set_value(ix, at, (gcw_word)value);
    gcw_seq_write_end(&t->seq);
    GCW_CHECK_WRITE(t, id, at);
}

/* A set's answer when it dropped the mutex or rebuilt: probe again. */
enum { SET_AGAIN = 1 };

/* Mutex held. Makes room for a new key whose probe ended at index slot
 * `at`: GCWEAK_OK with *id the free entry to fill, SET_AGAIN when the
 * table changed meanwhile, or an error. */
static int make_room(struct gcw_table *t, struct gcw_index *ix, size_t at, size_t *id,
                     bool *compacted)
{
    GCW_ASSERT_HELD(&t->lock);
    int rc = GCWEAK_OK;
    if (ix == NULL || gcw_index_too_full_for(ix, at)) {
        rc = gcw_rebuild(t, 1);
        return rc != GCWEAK_OK ? rc : SET_AGAIN;
    }
    *id = gcw_entries_next_free(&t->entries);
    if (*id >= GCW_MAX_ENTRIES)
        return GCWEAK_ENOMEM;
    if (gcw_entries_have_chunk(&t->entries, *id))
        return GCWEAK_OK;
    /* Before the storage doubles: if most entries are dead, a rebuild frees
     * them for reuse instead. Once per set, since entries pending removal
     * stay until delivered. */
    if (!*compacted && gcw_rebuild_mostly_dead(t)) {
        *compacted = true;
        rc = gcw_rebuild(t, 1);
    } else {
        rc = gcw_rebuild_add_chunk(t, *id);
    }
    return rc != GCWEAK_OK ? rc : SET_AGAIN;
}

/* Mutex held. Puts key k (of object obj) with value into free entry id and
 * names it from index slot `at`. */
static int add_entry(struct gcw_table *t, struct gcw_index *ix, size_t at, size_t id,
                     const struct gcw_key *k, void *obj, void *value)
{
    GCW_ASSERT_HELD(&t->lock);
    /* Registered before the key word is visible: an entry holds a key word
     * only while its slot is registered on that key's object. */
    _Atomic gcw_word *slot = gcw_entry_key(&t->entries, id);
    bool byte_keys = t->entries.byte_keys;
    bool unlink = false;
    /* A byte-string key is held by the chunk, not by a link. */
    if (!byte_keys) {
        int rc = gcw_link_register(slot, obj);
        if (rc != GCWEAK_OK)
            return rc;
        unlink = gcw_key_object_needs_unlink(obj);
    }
    void *stored = value;
    if (t->entries.kind == GCW_KIND_WEAK_VALUES) {
        /* The value, disguised, on a link of its own. */
        void *value_obj = gcw_key_object(value);
        int rc = gcw_link_register(slot + 1, value_obj);
        if (rc != GCWEAK_OK) {
            if (!byte_keys)
                gcw_link_unregister(slot);
            return rc;
        }
        unlink |= gcw_key_object_needs_unlink(value_obj);
        stored = (void *)gcw_key_word(value);
    }
    gcw_seq_write_begin(&t->seq);
    gcw_entries_set(&t->entries, id, k->word, stored, unlink,
                    !byte_keys && obj == GC_REVEAL_POINTER(k->word));
    gcw_index_set(ix, at, k, id, (gcw_word)value);
    gcw_seq_write_end(&t->seq);
    t->live++;
    GCW_CHECK_WRITE(t, id, at);
    return GCWEAK_OK;
}

/* Where a caller holding the mutex found a key absent: the index it
 * probed and the slot a set puts the key in (gcw_index_probe's answer). */
struct absent_at {
    const struct gcw_index *ix;
    size_t at;
};

/* set_key's body, entered with the mutex held; lets go of it. `absent`:
 * k's probe of the published index already made under this hold, or NULL. */
static int set_key_locked(struct gcw_table *t, const void *key, const struct gcw_key *k,
                          void *obj, void *value, bool replace, void **existing,
                          const struct absent_at *absent)
{
    GCW_ASSERT_HELD(&t->lock);
    int rc = GCWEAK_OK;
    bool compacted = false;
    bool warn = gcw_values_drop_suspect(t);
    gcw_copies_restore(t);
    for (;;) {
        struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
        size_t at = 0;
        size_t id = 0;
        bool probed = absent != NULL && absent->ix == ix;
        if (probed)
            at = absent->at; /* nothing changed it: the mutex was held */
        absent = NULL;
        if (!probed && ix != NULL &&
            gcw_index_probe(ix, &t->entries, k, gcw_index_exact(ix, &t->entries), &at, &id)) {
            /* Perhaps put there by another writer while we made room. */
            update_present(t, ix, at, id, value, replace, existing);
            rc = GCWEAK_OK;
            break;
        }
        if (obj == NULL && (obj = gcw_key_object(key)) == NULL) {
            rc = GCWEAK_EINVAL;
            break;
        }
        rc = make_room(t, ix, at, &id, &compacted);
        if (rc == SET_AGAIN)
            continue;
        if (rc == GCWEAK_OK)
            rc = add_entry(t, ix, at, id, k, obj, value);
        if (rc == GCWEAK_OK && existing != NULL)
            *existing = value;
        break;
    }
    gcw_mutex_unlock(&t->lock);
    /* Until the key word is stored and registered, only this frame may hold
     * the key: it must not die before then. Nor the value: an ephemeron
     * map's value is invisible to the marker until its key word is. */
    GC_reachable_here(key);
    GC_reachable_here(value);
    if (warn)
        gcw_values_warn_dropped();
    gcw_removals_deliver_due(t);
    return rc;
}

/* Stores value for key k. When k is present: replaces its value if
 * `replace`, else leaves it and reports it in *existing (when not NULL).
 * obj is the key's object if the caller knows it, else NULL: it is then
 * looked up only if the key is absent, since a key found in the table was
 * validated when it went in, and the lookup of its object is a cache miss
 * that an update need not pay. GCWEAK_EINVAL for a key that is absent and
 * not in the collector's heap. */
static int set_key(struct gcw_table *t, const void *key, const struct gcw_key *k, void *obj,
                   void *value, bool replace, void **existing)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    gcw_mutex_lock(&t->lock);
    return set_key_locked(t, key, k, obj, value, replace, existing, NULL);
}

int gcw_table_set_key(struct gcw_table *t, const struct gcw_key *k, struct gcw_bytes *stored,
                      void *value, bool replace, void **existing)
{
    GCW_ASSERT(t->entries.byte_keys && k->word == (gcw_word)stored);
    return set_key(t, stored, k, stored, value, replace, existing);
}

/* Mutex held. The common set: the key found from its copy alone, as a
 * lookup finds it, and its value replaced; or, absent, where it goes in
 * *absent. false with absent->ix NULL when anything is out of the ordinary
 * (copies not exact, values suspect, a doubly-weak value's link to move):
 * set_key_locked then does it all. */
static GCW_ALWAYS_INLINE bool replace_present(struct gcw_table *t, const struct gcw_key *k,
                                              void *value, struct absent_at *absent)
{
    GCW_ASSERT_HELD(&t->lock);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    absent->ix = NULL;
    size_t at = 0;
    if (ix == NULL || !ix->copies || t->entries.kind == GCW_KIND_WEAK_VALUES ||
        !gcw_index_exact(ix, &t->entries) || gcw_values_suspect(t))
        return false;
    if (!gcw_index_find_copy_or_room(ix, k->word, k->hash, &at)) {
        absent->ix = ix;
        absent->at = at;
        return false;
    }
    update_present(t, ix, at, ix->ids[at], value, true, NULL);
    return true;
}

int gcw_table_set(struct gcw_table *t, const void *key, void *value)
{
    struct gcw_key k = gcw_key_of(key);
    if (!gcw_word_is_key(k.word))
        return GCWEAK_EINVAL;
    if (t->entries.kind == GCW_KIND_WEAK_VALUES && gcw_key_object(value) == NULL)
        return GCWEAK_EINVAL;
    GCW_ASSERT_NOT_HELD(&t->lock);
    gcw_mutex_lock(&t->lock);
    struct absent_at absent;
    if (!replace_present(t, &k, value, &absent))
        return set_key_locked(t, key, &k, NULL, value, true, NULL,
                              absent.ix != NULL ? &absent : NULL);
    gcw_mutex_unlock(&t->lock);
    GC_reachable_here(value); /* as set_key_locked keeps it */
    gcw_removals_deliver_due(t);
    return GCWEAK_OK;
}

int gcw_table_get_or_create(struct gcw_table *t, const void *key,
                            void *(*create)(const void *key, void *arg), void *arg,
                            void **value_out)
{
    void *v = NULL;
    if (gcw_table_get(t, key, &v)) {
        *value_out = v;
        return GCWEAK_OK;
    }
    struct gcw_key k = gcw_key_of(key);
    void *obj = gcw_key_object(key);
    if (obj == NULL || !gcw_word_is_key(k.word))
        return GCWEAK_EINVAL;
    /* No lock held: create may allocate, collect and use this table. */
    void *created = create(key, arg);
    if (t->entries.kind == GCW_KIND_WEAK_VALUES && gcw_key_object(created) == NULL)
        return GCWEAK_EINVAL;
    int rc = set_key(t, key, &k, obj, created, false, &v);
    if (rc == GCWEAK_OK)
        *value_out = v;
    return rc;
}

/* ---------------------------------------------------- delete and clear */

/* The delete of both entry points, inlined into each: a delete that went
 * through one more call, with the key copied on the way, measured a third
 * slower at 10^6 entries. */
static GCW_ALWAYS_INLINE bool delete_key(struct gcw_table *t, const struct gcw_key *k)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    gcw_mutex_lock(&t->lock);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    size_t at = 0;
    size_t id = 0;
    bool found = ix != NULL && gcw_index_probe(ix, &t->entries, k,
                                               gcw_index_exact(ix, &t->entries), &at, &id);
    if (found) {
        _Atomic gcw_word *slot = gcw_entry_key(&t->entries, id);
        gcw_seq_write_begin(&t->seq);
        gcw_index_delete(ix, at);
        bool unlink = gcw_entries_delete(&t->entries, id);
        gcw_seq_write_end(&t->seq);
        GCW_ASSERT(t->live > 0);
        t->live--;
        /* A registration left on an ordinary key is harmless: the collector
         * clears a slot we no longer read, and the next set retargets it,
         * so the common delete pays no walk of the collector's link table.
         * Keys the program could free explicitly under a live link (keys.c)
         * were marked at set and are unlinked. */
        if (unlink)
            gcw_link_unregister_entry(slot, t->entries.kind == GCW_KIND_WEAK_VALUES);
        GCW_CHECK_WRITE(t, id, at);
        if (gcw_rebuild_too_sparse(t, ix))
            (void)gcw_rebuild(t, 0); /* out of memory: stay large */
    }
    gcw_mutex_unlock(&t->lock);
    gcw_removals_deliver_due(t);
    return found;
}

bool gcw_table_delete(struct gcw_table *t, const void *key)
{
    struct gcw_key k = gcw_key_of(key);
    if (!gcw_word_is_key(k.word))
        return false;
    return delete_key(t, &k);
}

bool gcw_table_delete_key(struct gcw_table *t, const struct gcw_key *k)
{
    return delete_key(t, k);
}

/* Mutex held. Drops the links of entries in use marked to unlink. */
static void unlink_flagged(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(&t->entries, s)
        for (size_t i = gcw_span_next_flagged(&s, 0, GCW_UNLINK); i < s.n;
             i = gcw_span_next_flagged(&s, i + 1, GCW_UNLINK))
            if (gcw_flag_get(&s, i, GCW_IN_USE))
                gcw_link_unregister_entry(gcw_span_key(&s, i),
                                          t->entries.kind == GCW_KIND_WEAK_VALUES);
}

void gcw_table_clear(struct gcw_table *t)
{
    /* Keys that died before the clear get their callback, as they would
     * from any other operation: deliver first, and again if a collection
     * queued more before the mutex was taken. */
    for (;;) {
        gcw_removals_deliver_due(t);
        gcw_mutex_lock(&t->lock);
        if (!atomic_load_explicit(&t->entries.removals_pending, memory_order_relaxed) &&
            t->removal_cursor == 0)
            break;
        gcw_mutex_unlock(&t->lock);
    }
    /* The entries are dropped whole: the collector reclaims the chunks and,
     * with them, whatever links they still hold registered. Not before the
     * next collection, though, and the program may free a key explicitly as
     * soon as clear returns: links on keys that must not outlive their
     * entries (keys.c) are dropped now. */
    unlink_flagged(t);
    gcw_seq_write_begin(&t->seq);
    atomic_store_explicit(&t->indexes.published, NULL, memory_order_release);
    gcw_entries_clear(&t->entries);
    gcw_seq_write_end(&t->seq);
    t->live = 0;
    t->live_gc_no = gcw_collections_settled();
#ifdef GCWEAK_ASSERTS
    gcw_table_check(t);
#endif
    gcw_mutex_unlock(&t->lock);
}

/* -------------------------------------------------------- size and stats */

size_t gcw_table_size(struct gcw_table *t)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    gcw_mutex_lock(&t->lock);
    gcw_rebuild_count_live(t);
    size_t n = t->live;
    gcw_mutex_unlock(&t->lock);
    gcw_removals_deliver_due(t);
    return n;
}

void gcw_table_stats(struct gcw_table *t, gcweak_stats *out)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    gcw_mutex_lock(&t->lock);
    gcw_rebuild_count_live(t);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_relaxed);
    out->entries = t->live;
    out->capacity = ix != NULL ? gcw_index_capacity(ix) : 0;
    out->dead_slots = ix != NULL && ix->used > t->live ? ix->used - t->live : 0;
    out->collections = (size_t)(gcw_collections_settled() - t->created_gc_no);
    out->bytes = gcw_entries_bytes(&t->entries) + (ix != NULL ? GC_size(ix) : 0);
    gcw_mutex_unlock(&t->lock);
    gcw_removals_deliver_due(t);
}
