/* SPDX-License-Identifier: MIT */
/*
 * The index: linear probing over slots that say where each entry is, and,
 * for word-keyed tables, what it holds.
 *
 * Entries never move (entries.c), so growing, shrinking and dropping dead
 * entries rebuild the index alone and never touch a disappearing link.
 *
 * COPIES. A word-keyed table's slot holds a copy of its entry's key word
 * and value, so that a lookup reads one slot, in one cache line, and
 * nothing else. The collector clears the entry's key word when the key
 * dies, never the copy, and may then put a new object at the dead key's
 * address: a copy is only worth having if no lookup ever believes a stale
 * one. The collector-side pass (ephemeron.c) sees at MARK_END, with the
 * world stopped, exactly the keys whose links this collection clears, and
 * drops their copies (gcw_index_drop_copy) from the published index and
 * from the one a rebuild is filling, before any thread runs again. A copy
 * written during a collection's deciding window, from a key word the
 * collector has yet to clear, is caught by the rebuild that wrote it
 * (gcw_index_refresh). When a collection did not run the pass, copies are
 * not believed (gcw_index_exact) until a refresh: lookups check the entry,
 * as writers always do.
 *
 * A byte-keyed table's keys are compared byte by byte anyway; its slot
 * packs a fingerprint, which spares a look at most keys of other slots,
 * with the entry number, and beside it the address of the key the entry
 * stores. Those addresses are followed without a lock, and a key whose
 * entry lets go of it may be freed by the next collection: so a
 * reader follows one only if no writer began since its sample (then the
 * entry held the key throughout, and from then on the reader holds it),
 * and a rebuild, which frees the dead entries it leaves out outside any
 * write section, first withdraws them from the published index
 * (gcw_index_withdraw).
 *
 * SLOT STATES:
 *   EMPTY    never used since the index was built; ends a probe.
 *   DELETED  its entry was deleted, or its key died; does not end a probe.
 *   entry    names an entry, live or dead. A slot never names an entry that
 *            holds another key, in this index or in an older one a reader
 *            may still be probing: an entry stays in use until the index is
 *            rebuilt without it.
 *
 * INVARIANTS (gcw_index_check):
 *   - at most four fifths of the slots are not EMPTY, so every probe
 *     ends, and `used` counts them;
 *   - a slot naming an entry names one in use (entries.c), and in a
 *     byte-keyed index keeps the address of the key that entry holds;
 *   - a slot naming a live entry carries its key's copy (its fingerprint)
 *     and its value, and the probe from the key's home reaches it through no
 *     EMPTY slot;
 *   - a key has at most one slot naming a live entry: the probe finds it;
 *   - while the copies are exact, no slot holds a copy of a dead entry.
 */
#include "index.h"

#include <string.h>

/* Also the rounding of capacities: 8 slots, one cache line. */
enum { MIN_CAPACITY = 8 };

size_t gcw_index_capacity_for(size_t n)
{
    if (n > GCW_MAX_ENTRIES)
        return 0;
    /* Twice n, rounded up to whole cache lines of slots. */
    size_t cap = (2 * n + MIN_CAPACITY - 1) / MIN_CAPACITY * MIN_CAPACITY;
    return cap > MIN_CAPACITY ? cap : MIN_CAPACITY;
}

struct gcw_index *gcw_index_new(const struct gcw_entries *e, size_t capacity)
{
    GCW_ASSERT(capacity >= MIN_CAPACITY);
    bool copies = !e->byte_keys;
    bool second = copies ? e->stride == 2 : GCW_PACKED_SECOND;
    size_t slots = copies ? capacity : 2 * capacity; /* words of slot[] */
    size_t words = slots + (second ? capacity : 0);
    size_t bytes = sizeof(struct gcw_index) + words * sizeof(gcw_word) +
                   (copies ? capacity * sizeof(uint32_t) : 0);
    /* Pointer-free: key copies are disguised, value copies are held by the
     * entries (whose values the pass marks), stored keys' addresses by the
     * entries too, entry numbers are numbers. */
    struct gcw_index *ix = gcw_alloc_pointer_free(bytes);
    if (ix == NULL)
        return NULL;
    /* Only slot[] needs clearing (all EMPTY): the rest of a slot is written
     * before anyone reads it. */
    memset(ix, 0, sizeof(struct gcw_index) + slots * sizeof(gcw_word));
    ix->capacity = capacity;
    ix->used = 0;
    ix->copies = copies;
    ix->values = copies && second;
    atomic_init(&ix->built_gc_no, 0);
    ix->second = second ? &ix->slot[slots] : NULL;
    ix->ids = copies ? (uint32_t *)(void *)&ix->slot[words] : NULL;
    return ix;
}

/* Whether slot i, naming entry n, holds live key k: checked in the entry
 * (word keys), or through the stored key's address (byte keys). Mutex
 * held. */
static bool slot_holds(const struct gcw_index *ix, const struct gcw_entries *e, size_t i,
                       size_t n, const struct gcw_key *k)
{
    _Atomic gcw_word *key = gcw_entry_key(e, n);
    return ix->copies ? gcw_entry_matches(e, key, k)
                      : gcw_index_bytes_match(ix, e, i, key, k, NULL, 0);
}

bool gcw_index_probe(struct gcw_index *ix, const struct gcw_entries *e,
                     const struct gcw_key *k, bool exact, size_t *at, size_t *id)
{
    size_t reusable = SIZE_MAX;
    /* The writer will read the slot's entry number and write its value, or
     * take a slot near home: ask for those lines while the keys' comes. */
    gcw_index_prefetch(ix, k->hash);
    for (size_t i = gcw_index_home(ix, k->hash);; i = gcw_index_next(ix, i)) {
        _Atomic gcw_word *slot = gcw_islot(ix, i);
        gcw_word s = atomic_load_explicit(slot, memory_order_relaxed);
        if (s == GCW_SLOT_EMPTY) {
            *at = reusable != SIZE_MAX ? reusable : i;
            return false;
        }
        if (s == GCW_SLOT_DELETED) {
            if (reusable == SIZE_MAX)
                reusable = i;
            continue;
        }
        if (ix->copies ? s != k->word : !gcw_packed_has(s, k->fingerprint))
            continue;
        size_t n = gcw_islot_entry(ix, i, s);
        if (exact && ix->copies) {
            /* The reader's reasoning: the key is live, so a copy of its word
             * is of it. The entry's line is then only written, which does
             * not wait for it. */
            *at = i;
            *id = n;
            return true;
        }
        if (slot_holds(ix, e, i, n, k)) {
            *at = i;
            *id = n;
            return true;
        }
        if (ix->copies) {
            /* A stale copy: its key died in a collection that did not run
             * the pass, and k is a new object at its address. */
            atomic_store_explicit(slot, GCW_SLOT_DELETED, memory_order_relaxed);
            if (reusable == SIZE_MAX)
                reusable = i;
        }
    }
}

bool gcw_index_too_full_for(const struct gcw_index *ix, size_t at)
{
    bool fills_empty =
        atomic_load_explicit(gcw_islot(ix, at), memory_order_relaxed) == GCW_SLOT_EMPTY;
    return fills_empty && !gcw_index_load_ok(ix->used + 1, gcw_index_capacity(ix));
}

/* Writes slot i: value copy and entry number first, then the key copy or
 * packed word, so that a reader that matches the key reads the rest. */
static void put(struct gcw_index *ix, size_t i, const struct gcw_key *k, size_t id,
                gcw_word value)
{
    _Atomic gcw_word *slot = gcw_islot(ix, i);
    if (ix->copies) {
        ix->ids[i] = (uint32_t)id;
        if (ix->values)
            atomic_store_explicit(&ix->second[i], value, memory_order_relaxed);
        atomic_store_explicit(slot, k->word, memory_order_release);
        return;
    }
    if (GCW_PACKED_SECOND)
        atomic_store_explicit(&ix->second[i], (gcw_word)id + 1, memory_order_relaxed);
    atomic_store_explicit(gcw_islot_stored(ix, i), k->word, memory_order_relaxed);
    atomic_store_explicit(slot, gcw_packed_tag(k->fingerprint, id), memory_order_release);
}

void gcw_index_set(struct gcw_index *ix, size_t at, const struct gcw_key *k, size_t id,
                   gcw_word value)
{
    gcw_word old = atomic_load_explicit(gcw_islot(ix, at), memory_order_relaxed);
    GCW_ASSERT(old == GCW_SLOT_EMPTY || old == GCW_SLOT_DELETED);
    ix->used += old == GCW_SLOT_EMPTY;
    put(ix, at, k, id, value);
}

void gcw_index_delete(struct gcw_index *ix, size_t at)
{
    atomic_store_explicit(gcw_islot(ix, at), GCW_SLOT_DELETED, memory_order_relaxed);
}

size_t gcw_index_add_unpublished(struct gcw_index *ix, const struct gcw_key *k, size_t id,
                                 gcw_word value)
{
    size_t i = gcw_index_home(ix, k->hash);
    while (atomic_load_explicit(gcw_islot(ix, i), memory_order_relaxed) != GCW_SLOT_EMPTY)
        i = gcw_index_next(ix, i);
    put(ix, i, k, id, value);
    ix->used++;
    return i;
}

size_t gcw_index_add_slots_of(struct gcw_index *ix, const struct gcw_index *from)
{
    GCW_ASSERT(ix->copies && from->copies && ix->values == from->values);
    size_t added = 0;
    for (size_t j = 0; j < from->capacity; j++) {
        gcw_word w = atomic_load_explicit(&from->slot[j], memory_order_relaxed);
        if (w == GCW_SLOT_EMPTY || w == GCW_SLOT_DELETED)
            continue;
        size_t i = gcw_index_home(ix, gcw_word_hash(w));
        while (atomic_load_explicit(&ix->slot[i], memory_order_relaxed) != GCW_SLOT_EMPTY)
            i = gcw_index_next(ix, i);
        ix->ids[i] = from->ids[j];
        if (ix->values)
            atomic_store_explicit(&ix->second[i],
                                  atomic_load_explicit(&from->second[j], memory_order_relaxed),
                                  memory_order_relaxed);
        atomic_store_explicit(&ix->slot[i], w, memory_order_release);
        added++;
    }
    ix->used += added;
    return added;
}

void gcw_index_drop_copy(struct gcw_index *ix, gcw_word w, gcw_word hash)
{
    GCW_ASSERT(ix->copies && gcw_word_is_key(w));
    /* A writer stopped inside a rebuild in place may have emptied slots of
     * the run: the probe then ends early, and that rebuild refreshes the
     * index before anyone believes it. */
    for (size_t i = gcw_index_home(ix, hash);; i = gcw_index_next(ix, i)) {
        _Atomic gcw_word *slot = gcw_islot(ix, i);
        gcw_word s = atomic_load_explicit(slot, memory_order_relaxed);
        if (s == GCW_SLOT_EMPTY)
            return;
        if (s == w) {
            atomic_store_explicit(slot, GCW_SLOT_DELETED, memory_order_relaxed);
            return;
        }
    }
}

void gcw_index_withdraw(struct gcw_index *ix, const struct gcw_key *k, size_t id)
{
    GCW_ASSERT(!ix->copies);
    for (size_t i = gcw_index_home(ix, k->hash);; i = gcw_index_next(ix, i)) {
        _Atomic gcw_word *slot = gcw_islot(ix, i);
        gcw_word s = atomic_load_explicit(slot, memory_order_relaxed);
        if (s == GCW_SLOT_EMPTY)
            return;
        if (gcw_packed_has(s, k->fingerprint) && gcw_packed_id(ix, i, s) == id) {
            /* Relaxed: the key can only be freed by a collection, which
             * stops every reader first, and after which each sees the 0. */
            atomic_store_explicit(gcw_islot_stored(ix, i), 0, memory_order_relaxed);
            atomic_store_explicit(slot, GCW_SLOT_DELETED, memory_order_relaxed);
            return;
        }
    }
}

void gcw_index_refresh(struct gcw_index *ix, const struct gcw_entries *e)
{
    if (!ix->copies)
        return;
    for (size_t i = 0; i < ix->capacity; i++) {
        _Atomic gcw_word *slot = gcw_islot(ix, i);
        gcw_word s = atomic_load_explicit(slot, memory_order_relaxed);
        if (s == GCW_SLOT_EMPTY || s == GCW_SLOT_DELETED)
            continue;
        _Atomic gcw_word *key = gcw_entry_key(e, ix->ids[i]);
        if (key == NULL || atomic_load_explicit(key, memory_order_relaxed) != s ||
            !gcw_entry_is_live(e->kind, key)) {
            atomic_store_explicit(slot, GCW_SLOT_DELETED, memory_order_relaxed);
            continue;
        }
        if (ix->values)
            atomic_store_explicit(
                gcw_islot_value(ix, i),
                gcw_value_copy(e->kind, atomic_load_explicit((_Atomic gcw_word *)(key + 1),
                                                             memory_order_relaxed)),
                memory_order_relaxed);
    }
}

/* ------------------------------------------------------------ the check */

#ifdef GCWEAK_ASSERTS
/* Slot i names entry id (in use); when that entry is live, its key's copy
 * (fingerprint) and its value are there, the run from the key's home to i
 * holds no EMPTY slot, and the key's probe finds this entry; when it is
 * dead, the copies are not exact (the pass drops those of dead keys). Returns
 * whether it is live. */
/* Slot i's words for the live entry whose key word is at `key`. */
static void check_slot_words(const struct gcw_index *ix, const struct gcw_entries *e, size_t i,
                             gcw_word sl, _Atomic gcw_word *key, const struct gcw_key *k)
{
    if (!ix->copies) {
        GCW_ASSERT(gcw_packed_has(sl, k->fingerprint));
        return;
    }
    GCW_ASSERT(sl == atomic_load_explicit(key, memory_order_relaxed));
    if (!ix->values)
        return;
    gcw_word v = atomic_load_explicit((_Atomic gcw_word *)(key + 1), memory_order_relaxed);
    GCW_ASSERT(atomic_load_explicit(gcw_islot_value(ix, i), memory_order_relaxed) ==
               gcw_value_copy(e->kind, v));
}

/* Key k of entry id, named from slot i: reached from its home through no
 * EMPTY slot, and found there by both lookups. */
static void check_found(const struct gcw_index *ix, const struct gcw_entries *e, size_t i,
                        size_t id, const struct gcw_key *k, bool exact)
{
    for (size_t j = gcw_index_home(ix, k->hash); j != i; j = gcw_index_next(ix, j))
        GCW_ASSERT(atomic_load_explicit(gcw_islot(ix, j), memory_order_relaxed) != GCW_SLOT_EMPTY);
    size_t again = 0;
    GCW_ASSERT(gcw_index_find(ix, e, k, &again) != NULL && again == id);
    size_t at = 0;
    GCW_ASSERT(!ix->copies || !exact || (gcw_index_find_copy(ix, k->word, k->hash, &at) && at == i));
}

static bool check_naming_slot(const struct gcw_index *ix, const struct gcw_entries *e, size_t i,
                              gcw_word sl, bool exact)
{
    size_t id = gcw_islot_entry(ix, i, sl);
    GCW_ASSERT(id < atomic_load_explicit(&e->top, memory_order_relaxed));
    GCW_ASSERT(gcw_entries_in_use(e, id));
    _Atomic gcw_word *key = gcw_entry_key(e, id);
    gcw_word w = atomic_load_explicit(key, memory_order_relaxed);
    /* Dead or alive, an entry a byte-keyed slot names holds the key whose
     * address the slot keeps: a reader may follow it. */
    GCW_ASSERT(ix->copies ||
               atomic_load_explicit(gcw_islot_stored(ix, i), memory_order_relaxed) == w);
    if (!gcw_entry_is_live(e->kind, key)) {
        GCW_ASSERT(!exact || !ix->copies);
        return false;
    }
    struct gcw_key k = gcw_stored_key(e, w);
    check_slot_words(ix, e, i, sl, key, &k);
    check_found(ix, e, i, id, &k, exact);
    return true;
}

void gcw_index_check_slot(const struct gcw_index *ix, const struct gcw_entries *e, size_t at)
{
    GCW_ASSERT(at < ix->capacity);
    gcw_word sl = atomic_load_explicit(gcw_islot(ix, at), memory_order_relaxed);
    GCW_ASSERT(sl != GCW_SLOT_EMPTY);
    if (sl != GCW_SLOT_DELETED)
        (void)check_naming_slot(ix, e, at, sl, false);
    GCW_ASSERT(gcw_index_load_ok(ix->used, gcw_index_capacity(ix)));
}

size_t gcw_index_check(const struct gcw_index *ix, const struct gcw_entries *e, bool exact)
{
    size_t used = 0;
    size_t named = 0;
    for (size_t i = 0; i < ix->capacity; i++) {
        gcw_word sl = atomic_load_explicit(gcw_islot(ix, i), memory_order_relaxed);
        used += sl != GCW_SLOT_EMPTY;
        if (sl != GCW_SLOT_EMPTY && sl != GCW_SLOT_DELETED)
            named += check_naming_slot(ix, e, i, sl, exact);
    }
    GCW_ASSERT(used == ix->used);
    GCW_ASSERT(gcw_index_load_ok(used, gcw_index_capacity(ix)));
    return named;
}
#endif
