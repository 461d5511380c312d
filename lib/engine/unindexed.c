/* SPDX-License-Identifier: MIT */
/*
 * Tables without an index.
 *
 * The entries are those of any table (entries.c), at ascending addresses
 * as new ones are taken, each key word a link on its key: so the pass, the
 * removals and the counts treat them as they treat a map's. What is left
 * out is everything a lookup needs, and with it a lookup's cost: a key may
 * have many entries, each found again only by the number its add returned.
 *
 * Dead entries are freed when the storage would otherwise grow and most
 * entries in use are dead, as a set's rebuild frees them in a map.
 *
 * Neither verb delivers removals, as every map operation does: the owner
 * decides where its removal callback runs (gcw_removals_deliver), so that
 * a registry's run only where the program runs finalizers.
 */
#include "unindexed.h"

#include "consistency.h"
#include "rebuild.h"
#include "trust.h"

int gcw_table_init_unindexed(struct gcw_table *t, void *container, enum gcw_kind kind)
{
    GCW_ASSERT(kind == GCW_KIND_WEAK_KEYS || kind == GCW_KIND_EPHEMERON);
    int rc = gcw_table_init(t, container, kind, 0);
    t->unindexed = true;
    return rc;
}

/* Mutex held. A free entry with its chunk, in *id: GCWEAK_OK, or
 * GCWEAK_ENOMEM. May drop the mutex to allocate a chunk. */
static int take_entry(struct gcw_table *t, size_t *id)
{
    GCW_ASSERT_HELD(&t->lock);
    bool compacted = false;
    for (;;) {
        *id = gcw_entries_next_free(&t->entries);
        if (*id >= GCW_MAX_ENTRIES)
            return GCWEAK_ENOMEM;
        if (gcw_entries_have_chunk(&t->entries, *id))
            return GCWEAK_OK;
        /* Before the storage doubles: reuse the dead, if most are. */
        if (!compacted && gcw_rebuild_mostly_dead(t)) {
            compacted = true;
            gcw_rebuild_free_dead(t);
            continue;
        }
        int rc = gcw_rebuild_add_chunk(t, *id);
        if (rc != GCWEAK_OK)
            return rc;
    }
}

int gcw_table_append(struct gcw_table *t, const void *key, void *obj, void *value, size_t *id)
{
    GCW_ASSERT(t->unindexed && obj != NULL && obj == gcw_key_object(key));
    struct gcw_key k = gcw_key_of(key);
    GCW_ASSERT(gcw_word_is_key(k.word));
    GCW_ASSERT_NOT_HELD(&t->lock);
    gcw_mutex_lock(&t->lock);
    bool warn = gcw_values_drop_suspect(t);
    int rc = take_entry(t, id);
    if (rc == GCWEAK_OK) {
        /* Registered before the key word is visible, as a set does. */
        _Atomic gcw_word *slot = gcw_entry_key(&t->entries, *id);
        rc = gcw_link_register(slot, obj);
        if (rc == GCWEAK_OK) {
            gcw_seq_write_begin(&t->seq);
            gcw_entries_set(&t->entries, *id, k.word, value, gcw_key_object_needs_unlink(obj),
                            obj == GC_REVEAL_POINTER(k.word));
            gcw_seq_write_end(&t->seq);
            t->live++;
            GCW_CHECK_WRITE(t, *id, SIZE_MAX);
        }
    }
    gcw_mutex_unlock(&t->lock);
    /* As set_key_locked keeps them, until the key word is stored. */
    GC_reachable_here(key);
    GC_reachable_here(value);
    if (warn)
        gcw_values_warn_dropped();
    return rc;
}

bool gcw_table_drop(struct gcw_table *t, size_t id, const void *value)
{
    GCW_ASSERT(t->unindexed);
    GCW_ASSERT_NOT_HELD(&t->lock);
    gcw_mutex_lock(&t->lock);
    bool dropped = false;
    /* The number may have been freed and taken again since: the value,
     * which the caller holds, tells whose the entry is. */
    if (id < atomic_load_explicit(&t->entries.top, memory_order_relaxed)) {
        struct gcw_span s;
        size_t i = gcw_entries_span_of(&t->entries, id, &s);
        _Atomic gcw_word *slot = gcw_span_key(&s, i);
        if (gcw_flag_get(&s, i, GCW_IN_USE) &&
            atomic_load_explicit(gcw_span_value(&s, i), memory_order_relaxed) == value &&
            gcw_entry_is_live(t->entries.kind, slot) &&
            !gcw_flag_get(&s, i, GCW_PENDING_REMOVAL)) {
            gcw_seq_write_begin(&t->seq);
            bool unlink = gcw_entries_delete(&t->entries, id);
            gcw_seq_write_end(&t->seq);
            GCW_ASSERT(t->live > 0);
            t->live--;
            /* As delete_key leaves it: harmless but on keys the program
             * may free explicitly. */
            if (unlink)
                gcw_link_unregister_entry(slot, false);
            GCW_CHECK_WRITE(t, id, SIZE_MAX);
            dropped = true;
        }
    }
    gcw_mutex_unlock(&t->lock);
    return dropped;
}
