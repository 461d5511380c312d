/* SPDX-License-Identifier: MIT */
/*
 * The read protocol: get and has, without a lock (read.c holds the slow
 * path and says why it is safe).
 *
 * Inline here so that each public query (gcweak_map_get, lookup and has,
 * gcweak_set_has) compiles into one short function: the key's word, hash
 * and fingerprint computed once, one probe of the index, one sequence
 * check, and the trust check of the values read.
 */
#ifndef GCWEAK_READ_H
#define GCWEAK_READ_H

#include "removal.h"
#include "trust.h"

/* One probe of index ix checked in the entry, with or without the mutex:
 * the entry's key word address or NULL, its value in *v (untouched for
 * sets). A doubly-weak value comes out revealed: the caller validates it
 * like the rest. */
static GCW_ALWAYS_INLINE _Atomic gcw_word *
gcw_table_read_keyed(struct gcw_table *t, struct gcw_index *ix, const struct gcw_key *k, void **v,
                     bool byte_keys)
{
    size_t id = 0;
    _Atomic gcw_word *key = gcw_index_find_keyed(ix, &t->entries, k, &id, byte_keys);
    if (key != NULL && t->entries.stride == 2) {
        *v = atomic_load_explicit(gcw_entry_value(key), memory_order_relaxed);
        if (t->entries.kind == GCW_KIND_WEAK_VALUES)
            *v = GC_REVEAL_POINTER((GC_word)*v);
    }
    return key;
}

/* The same for either kind of key (the slow paths, which believe no copy). */
static inline _Atomic gcw_word *gcw_table_read(struct gcw_table *t, struct gcw_index *ix,
                                               const struct gcw_key *k, void **v)
{
    return t->entries.byte_keys ? gcw_table_read_keyed(t, ix, k, v, true)
                                : gcw_table_read_keyed(t, ix, k, v, false);
}

/* The read under the mutex, when the optimistic one failed or the values
 * are suspect. Mutex NOT held. */
bool gcw_table_get_locked(struct gcw_table *t, const struct gcw_key *k, void **v);

/* Whether key k is present, and its value in *value_out (when not NULL);
 * byte_keys names the table's kind of key, a constant at each caller.
 *
 * A word-keyed table answers from its index slot alone: the copies of the
 * key word and value there are believed when every collection since the
 * index was begun ran the pass, which drops the copies of dying keys
 * (index.c), asked after the read like the sequence check. */
static GCW_ALWAYS_INLINE bool gcw_table_get_keyed(struct gcw_table *t, const struct gcw_key *k,
                                                  void **value_out, bool byte_keys)
{
    void *v = NULL;
    /* A doubly-weak value is a disguised pointer on a link: the read must
     * not overlap a collection's deciding window (ephemeron.h). */
    bool guarded = t->entries.kind == GCW_KIND_WEAK_VALUES;
    unsigned deciding = guarded ? gcw_read_guarded_begin() : 0;
    unsigned s = gcw_seq_read_begin(&t->seq);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_acquire);
    bool found;
    bool believed = true;
    if (byte_keys) {
        found = gcw_table_read_keyed(t, ix, k, &v, true) != NULL;
    } else {
        size_t at = 0;
        found = ix != NULL && gcw_index_find_copy(ix, k->word, k->hash, &at);
        if (found && ix->stride == 2) {
            v = (void *)atomic_load_explicit(gcw_islot_value(ix, at), memory_order_relaxed);
            if (guarded)
                v = GC_REVEAL_POINTER((GC_word)v);
        }
        believed = ix == NULL || gcw_index_exact(ix);
    }
    /* Validated after the read: a collection that did not mark the values
     * meanwhile may have reclaimed the value just read. */
    if (!gcw_seq_read_valid(&t->seq, s) || !believed || gcw_values_suspect(t) ||
        (guarded && !gcw_read_guarded_valid(deciding)))
        found = gcw_table_get_locked(t, k, &v);
    /* Written only now: a read that failed validation may have set v. */
    if (found && value_out != NULL)
        *value_out = v;
    gcw_removals_deliver_due(t);
    return found;
}

/* Whether key is present, and its value in *value_out (when not NULL). */
static inline bool gcw_table_get(struct gcw_table *t, const void *key, void **value_out)
{
    struct gcw_key k = gcw_key_of(key);
    if (!gcw_word_is_key(k.word))
        return false;
    return gcw_table_get_keyed(t, &k, value_out, false);
}

/* The same for a byte-string key (weak-value maps). */
static inline bool gcw_table_get_key(struct gcw_table *t, const struct gcw_key *k,
                                     void **value_out)
{
    return gcw_table_get_keyed(t, k, value_out, true);
}

#endif /* GCWEAK_READ_H */
