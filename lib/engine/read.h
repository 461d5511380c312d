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
 * like the rest. Without the mutex, s is the reader's sample of the
 * sequence, which gcw_index_find_keyed checks before following a stored
 * key; with it, `locked`. */
static GCW_ALWAYS_INLINE _Atomic gcw_word *
gcw_table_read_keyed(struct gcw_table *t, struct gcw_index *ix, const struct gcw_key *k, void **v,
                     bool byte_keys, bool locked, unsigned s)
{
    size_t id = 0;
    _Atomic gcw_word *key =
        gcw_index_find_keyed(ix, &t->entries, k, &id, byte_keys, locked ? NULL : &t->seq, s);
    if (key != NULL && t->entries.stride == 2) {
        *v = atomic_load_explicit(gcw_entry_value(key), memory_order_relaxed);
        if (t->entries.kind == GCW_KIND_WEAK_VALUES)
            *v = GC_REVEAL_POINTER((GC_word)*v);
    }
    return key;
}

/* The same for either kind of key (the slow paths, which believe no copy). */
static inline _Atomic gcw_word *gcw_table_read(struct gcw_table *t, struct gcw_index *ix,
                                               const struct gcw_key *k, void **v, bool locked,
                                               unsigned s)
{
    return t->entries.byte_keys ? gcw_table_read_keyed(t, ix, k, v, true, locked, s)
                                : gcw_table_read_keyed(t, ix, k, v, false, locked, s);
}

/* What a read found: whether the key is there, and its value. Returned in
 * registers, so that the fast path keeps nothing in memory. */
struct gcw_found {
    bool found;
    void *value;
};

/* The read under the mutex, when the optimistic one failed or the values
 * are suspect. Mutex NOT held. */
bool gcw_table_get_locked(struct gcw_table *t, const struct gcw_key *k, void **v);

/* A word-keyed read when the stamp did not vouch for the fast one: every
 * check, the guarded read of a doubly-weak map, removal delivery, and a new
 * stamp (read.c). Mutex NOT held. */
struct gcw_found gcw_table_get_word_slow(struct gcw_table *t, gcw_word w);

/*
 * Whether the key of disguised word w is in word-keyed table t, and its
 * value. It answers from the index alone: the copies of the key word and
 * value there are believed when every collection since the index was begun
 * ran the pass, which drops the copies of dying keys (index.c). That, the
 * values' trust and the absence of removals to deliver are stamped once per
 * collection (trust.c), so that the common read checks the sequence and
 * one collection count: short and free of stores and calls, so that the
 * processor overlaps the misses of independent lookups.
 */
static GCW_ALWAYS_INLINE struct gcw_found gcw_table_get_word(struct gcw_table *t, gcw_word w)
{
    unsigned deciding = gcw_read_guarded_begin();
    unsigned s = gcw_seq_read_begin(&t->seq);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_acquire);
    struct gcw_found r = {false, NULL};
    size_t at = 0;
    if (ix != NULL && gcw_index_find_copy(ix, w, gcw_word_hash(w), &at)) {
        r.found = true;
        if (ix->values)
            r.value = (void *)atomic_load_explicit(gcw_islot_value(ix, at), memory_order_relaxed);
    }
    if (gcw_reads_ok(t, s, deciding))
        return r;
    return gcw_table_get_word_slow(t, w);
}

/* Whether key is present, and its value in *value_out (when not NULL). */
static GCW_ALWAYS_INLINE bool gcw_table_get(struct gcw_table *t, const void *key,
                                            void **value_out)
{
    gcw_word w = gcw_key_word(key);
    if (!gcw_word_is_key(w))
        return false;
    struct gcw_found r = gcw_table_get_word(t, w);
    if (r.found && value_out != NULL)
        *value_out = r.value;
    return r.found;
}

/* The same for a byte-string key (weak-value maps), checked in the entry. */
static GCW_ALWAYS_INLINE bool gcw_table_get_key(struct gcw_table *t, const struct gcw_key *k,
                                                void **value_out)
{
    void *v = NULL;
    bool guarded = t->entries.kind == GCW_KIND_WEAK_VALUES;
    unsigned deciding = guarded ? gcw_read_guarded_begin() : 0;
    unsigned s = gcw_seq_read_begin(&t->seq);
    struct gcw_index *ix = atomic_load_explicit(&t->indexes.published, memory_order_acquire);
    bool found = gcw_table_read_keyed(t, ix, k, &v, true, false, s) != NULL;
    if (!gcw_seq_read_valid(&t->seq, s) || gcw_values_suspect(t) ||
        (guarded && !gcw_read_guarded_valid(deciding)))
        found = gcw_table_get_locked(t, k, &v);
    /* Written only now: a read that failed validation may have set v. */
    if (found && value_out != NULL)
        *value_out = v;
    gcw_removals_deliver_due(t);
    return found;
}

#endif /* GCWEAK_READ_H */
