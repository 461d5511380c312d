/* SPDX-License-Identifier: MIT */
/*
 * The index: an open-addressing hash from keys to entry numbers. See
 * index.c for the slot states and the invariants.
 */
#ifndef GCWEAK_INDEX_H
#define GCWEAK_INDEX_H

#include "entries.h"

/*
 * Slot i is a word in slot[] and, in some indexes, a second word in
 * second[]. In a word-keyed table the slot holds copies of what a lookup
 * needs, so that a lookup reads the index and nothing else: the key's
 * disguised word in slot[], the entry's value word in second[] (maps), and
 * the entry number apart in ids[], which only writers and the fallback
 * read. Keys and values in arrays of their own, as the strong table has
 * them: a miss reads eight key copies per cache line, and a hit's value
 * load can start as soon as the probe's position is known, in parallel with
 * the key's. In a byte-keyed table (bytes.h), whose keys must be compared
 * byte by byte, a slot is the key's fingerprint and the entry number,
 * packed, with the address of the stored key that entry holds beside it
 * in slot[] (two words a slot): a hit then reads one index line, then the
 * key's bytes and the entry's value at once, where reaching the key
 * through the entry would make them one miss after the other. Either way
 * 0 is EMPTY and all ones DELETED: never a key word (keys.h), nor a packed
 * slot.
 */
#define GCW_SLOT_EMPTY ((gcw_word)0)
#define GCW_SLOT_DELETED (~(gcw_word)0)

struct gcw_index {
    size_t capacity;  /* slots; any number, not only powers of two */
    size_t used;      /* slots not EMPTY; writers only */
    bool copies;      /* slots hold key copies (word-keyed tables) */
    bool values;      /* copies of values in second[] (word-keyed maps) */
    /* Copies: the collection count when filling began. The copies are
     * exact, every one the key word of a live entry with its value, while
     * each collection since ran the pass (gcw_index_exact, ephemeron.h). */
    _Atomic GC_word built_gc_no;
    _Atomic gcw_word *second; /* after slot[], or NULL */
    uint32_t *ids;    /* copies: entry number of each slot, after the rest */
    _Atomic gcw_word slot[];
};

/* Slot i's word: the key copy, or the packed slot, whose slot[] holds two
 * words a slot (gcw_islot_stored). */
static inline _Atomic gcw_word *gcw_islot(const struct gcw_index *ix, size_t i)
{
    return (_Atomic gcw_word *)&ix->slot[ix->copies ? i : i << 1];
}

/* Byte keys: the address of the key that the entry slot i names stores
 * (that entry's key word), or 0 once withdrawn (gcw_index_withdraw). In
 * the slot's own line, so that a hit's probe reads one line. */
static inline _Atomic gcw_word *gcw_islot_stored(const struct gcw_index *ix, size_t i)
{
    return (_Atomic gcw_word *)&ix->slot[(i << 1) + 1];
}

/* The value copy of an entry's value word: the word itself, or revealed for
 * a doubly-weak map, whose entries hold values disguised on links. The
 * index is pointer-free memory, so a revealed copy keeps nothing alive. */
static inline gcw_word gcw_value_copy(enum gcw_kind kind, gcw_word entry_value)
{
    return kind == GCW_KIND_WEAK_VALUES && entry_value != 0
               ? (gcw_word)GC_REVEAL_POINTER(entry_value)
               : entry_value;
}

/* Slot i's value copy (word-keyed maps). */
static inline _Atomic gcw_word *gcw_islot_value(const struct gcw_index *ix, size_t i)
{
    return &ix->second[i];
}

/* A byte-keyed table's packed slot: the fingerprint and entry number + 1,
 * in one word on 64-bit platforms. 32-bit platforms have no room for both
 * and keep the fingerprint alone in slot[] (made neither EMPTY nor DELETED)
 * and the entry number + 1 in second[]. */
#if UINTPTR_MAX > 0xFFFFFFFFu
#  define GCW_PACKED_SECOND false
static inline gcw_word gcw_packed_tag(uint32_t fingerprint, size_t id)
{
    return ((gcw_word)fingerprint << 32) | (gcw_word)(uint32_t)(id + 1);
}
static inline size_t gcw_packed_id(const struct gcw_index *ix, size_t i, gcw_word tag)
{
    (void)ix;
    (void)i;
    return (size_t)(uint32_t)tag - 1;
}
/* Whether packed slot s (not EMPTY) names an entry with this fingerprint. */
static inline bool gcw_packed_has(gcw_word s, uint32_t fingerprint)
{
    return (uint32_t)(s >> 32) == fingerprint && s != GCW_SLOT_DELETED;
}
#else
#  define GCW_PACKED_SECOND true
static inline gcw_word gcw_packed_tag(uint32_t fingerprint, size_t id)
{
    (void)id;
    return (gcw_word)((fingerprint | 1u) & 0x7FFFFFFFu);
}
static inline size_t gcw_packed_id(const struct gcw_index *ix, size_t i, gcw_word tag)
{
    (void)tag;
    return (size_t)atomic_load_explicit(&ix->second[i], memory_order_relaxed) - 1;
}
static inline bool gcw_packed_has(gcw_word s, uint32_t fingerprint)
{
    return s == gcw_packed_tag(fingerprint, 0);
}
#endif

/* The entry number slot i names; s is the slot's first word, not EMPTY
 * nor DELETED. */
static inline size_t gcw_islot_entry(const struct gcw_index *ix, size_t i, gcw_word s)
{
    return ix->copies ? (size_t)ix->ids[i] : gcw_packed_id(ix, i, s);
}

static inline size_t gcw_index_capacity(const struct gcw_index *ix)
{
    return ix->capacity;
}

/* The slot a key's probe starts at: the hash scaled to the capacity by a
 * multiplication (Lemire's "fastrange"), so that capacities need not be
 * powers of two and the index can keep its load between one half and three
 * quarters at every size. */
static inline size_t gcw_index_home(const struct gcw_index *ix, gcw_word hash)
{
#if UINTPTR_MAX > 0xFFFFFFFFu && defined(__SIZEOF_INT128__)
    return (size_t)(((unsigned __int128)hash * ix->capacity) >> 64);
#elif UINTPTR_MAX > 0xFFFFFFFFu
    /* No 128-bit product: the top 32 bits of the hash, scaled. */
    return (size_t)(((hash >> 32) * (uint64_t)ix->capacity) >> 32);
#else
    return (size_t)(((uint64_t)hash * ix->capacity) >> 32);
#endif
}

static inline size_t gcw_index_next(const struct gcw_index *ix, size_t i)
{
    return i + 1 < ix->capacity ? i + 1 : 0;
}

/*
 * The lookup of a word-keyed table: the slot holding a copy of key word w,
 * in *at, or false. Nothing but slots is read: whether the copies may be
 * believed is the caller's question (gcw_index_exact), asked after the
 * read. Readers call it without a lock, so every load is atomic.
 */
static GCW_ALWAYS_INLINE bool gcw_index_find_copy(const struct gcw_index *ix, gcw_word w,
                                                  gcw_word hash, size_t *at)
{
    /* The capacity in a register: the loop is the whole of a miss. */
    size_t capacity = ix->capacity;
    for (size_t i = gcw_index_home(ix, hash);;) {
        gcw_word s = atomic_load_explicit(&ix->slot[i], memory_order_relaxed);
        if (s == w) {
            *at = i;
            return true;
        }
        if (s == GCW_SLOT_EMPTY)
            return false;
        if (++i == capacity)
            i = 0;
    }
}

/* The same walk for a writer that believes the copies (gcw_index_exact):
 * true with *at = the slot of w's copy; otherwise false with *at = where a
 * set of w goes, the first DELETED slot of the walk or else the EMPTY one
 * that ended it, as gcw_index_probe answers. */
static GCW_ALWAYS_INLINE bool gcw_index_find_copy_or_room(const struct gcw_index *ix,
                                                          gcw_word w, gcw_word hash,
                                                          size_t *at)
{
    size_t capacity = ix->capacity;
    size_t room = SIZE_MAX;
    for (size_t i = gcw_index_home(ix, hash);;) {
        gcw_word s = atomic_load_explicit(&ix->slot[i], memory_order_relaxed);
        if (s == w) {
            *at = i;
            return true;
        }
        if (s == GCW_SLOT_EMPTY) {
            *at = room != SIZE_MAX ? room : i;
            return false;
        }
        if (s == GCW_SLOT_DELETED && room == SIZE_MAX)
            room = i;
        if (++i == capacity)
            i = 0;
    }
}

/*
 * Whether byte-keyed slot i, whose fingerprint is k's, names entry `key`
 * as a live holder of k: its value word is read before the stored key's
 * bytes are compared, so that both misses are waited for at once. The
 * stored key is reached through the address the slot keeps, not through
 * the entry, and so is only followed while something holds it. The entry
 * does while the slot names it; a reader without the mutex knows that
 * only if no writer began since its sample of `seq`, and gives up (false,
 * as for a torn read, which its validation then rejects) otherwise. Once
 * loaded, the address is the reader's own, in a register or on its stack,
 * where the collector finds it: the key cannot be freed under it. `seq` is
 * NULL with the mutex held.
 * In a weak-value map an entry whose value died is no match: a set of its
 * key makes another (gcw_entry_matches).
 */
static GCW_ALWAYS_INLINE bool gcw_index_bytes_match(const struct gcw_index *ix,
                                                    const struct gcw_entries *e, size_t i,
                                                    _Atomic gcw_word *key,
                                                    const struct gcw_key *k, atomic_uint *seq,
                                                    unsigned sample)
{
    gcw_word stored = atomic_load_explicit(gcw_islot_stored(ix, i), memory_order_relaxed);
    gcw_word value = e->kind == GCW_KIND_WEAK_VALUES
                         ? atomic_load_explicit((_Atomic gcw_word *)(key + 1), memory_order_relaxed)
                         : 1;
    if (stored == 0 || (seq != NULL && !gcw_seq_read_valid(seq, sample)))
        return false;
    return value != 0 && gcw_bytes_equal((const struct gcw_bytes *)stored, k);
}

/*
 * Finds the entry holding key k, checked in the entry itself: returns its
 * key word's address (the entry's place: its value is beside it, see
 * gcw_entry_value) and sets *id, or returns NULL. What copies and
 * fingerprints say is never trusted here: a word key is compared with the
 * entry's key word, which the collector clears when the key dies, and a
 * byte-string key with the bytes the entry holds (gcw_index_bytes_match,
 * whose `seq` and `sample` this passes on: NULL with the mutex held). The
 * lookup of byte-keyed tables, and of every table when copies cannot be
 * believed; readers call it without a lock and validate what it finds (the
 * table's sequence counter).
 */
static GCW_ALWAYS_INLINE _Atomic gcw_word *
gcw_index_find_keyed(const struct gcw_index *ix, const struct gcw_entries *e,
                     const struct gcw_key *k, size_t *id, bool byte_keys, atomic_uint *seq,
                     unsigned sample)
{
    if (ix == NULL)
        return NULL;
    for (size_t i = gcw_index_home(ix, k->hash);; i = gcw_index_next(ix, i)) {
        gcw_word s = atomic_load_explicit(gcw_islot(ix, i), memory_order_relaxed);
        if (s == GCW_SLOT_EMPTY)
            return NULL;
        if (byte_keys ? !gcw_packed_has(s, k->fingerprint) : s != k->word)
            continue;
        size_t n = byte_keys ? gcw_packed_id(ix, i, s) : (size_t)ix->ids[i];
        _Atomic gcw_word *key = gcw_entry_key(e, n);
        if (key == NULL)
            continue;
        if (byte_keys ? gcw_index_bytes_match(ix, e, i, key, k, seq, sample)
                      : gcw_entry_matches(e, key, k)) {
            *id = n;
            return key;
        }
    }
}

/* The same for a table whose kind of key the caller does not know, with
 * the mutex held. */
static inline _Atomic gcw_word *gcw_index_find(const struct gcw_index *ix,
                                               const struct gcw_entries *e,
                                               const struct gcw_key *k, size_t *id)
{
    return e->byte_keys ? gcw_index_find_keyed(ix, e, k, id, true, NULL, 0)
                        : gcw_index_find_keyed(ix, e, k, id, false, NULL, 0);
}

/* The indexes of one table that the pass keeps exact: the published one,
 * and the one a rebuild is filling, which readers will see next. */
struct gcw_indexes {
    _Atomic(struct gcw_index *) published; /* NULL until the first set */
    _Atomic(struct gcw_index *) building;  /* NULL but during a rebuild */
};

/* The pass, world stopped: the key whose disguised word is w (hash its
 * hash) dies in this collection, so no slot of ix may keep a copy of it.
 * Leaves DELETED where the copy was. */
void gcw_index_drop_copy(struct gcw_index *ix, gcw_word w, gcw_word hash);

/* A rebuild is about to free entry id of a byte-keyed table, whose stored
 * key k is: the slot of ix, the published index, that names it becomes
 * DELETED, its stored key's address withdrawn (0) first. Mutex held, and no
 * write section: readers may be probing ix, and one that read the address
 * before it went holds the key itself (gcw_index_bytes_match). */
void gcw_index_withdraw(struct gcw_index *ix, const struct gcw_key *k, size_t id);

/* The most slots a probe may find not EMPTY: four fifths. Keys are copies
 * eight to a cache line, so a miss at that load, about 13 slots on
 * average, reads two lines; less would cost memory the entries need. */
static inline bool gcw_index_load_ok(size_t used, size_t capacity)
{
    return used * 5 <= capacity * 4;
}

/* Room for n entries at a load of one half, so that a rebuild is followed by
 * at least three tenths of the capacity in inserts (the index is rebuilt at
 * four fifths); 0 when n is more than an index can hold. */
size_t gcw_index_capacity_for(size_t n);

/* A new index of `capacity` EMPTY slots for the entries e, shaped for
 * their kind (copies for word keys, values copied for maps), or NULL when
 * out of memory. May collect and run finalizers: never call with a table
 * mutex held. */
struct gcw_index *gcw_index_new(const struct gcw_entries *e, size_t capacity);

/* ---------------------------------------------------------- writers
 * Serialised by the caller (the table holds its mutex and asserts it). */

/* The writer's probe for k, a live key: true with *at = its slot and *id =
 * its entry when present; otherwise false with *at = where a set puts it
 * (the first DELETED slot on the probe path, else the EMPTY one that ended
 * it). `exact`: the copies are exact (gcw_index_exact), so that a copy's
 * match is believed. Otherwise every match is checked in the entry, and a
 * copy the entry no longer holds (left by a collection that did not run
 * the pass) is dropped on the way. */
bool gcw_index_probe(struct gcw_index *ix, const struct gcw_entries *e,
                     const struct gcw_key *k, bool exact, size_t *at, size_t *id);

/* Whether putting a new key at slot `at` would fill more than three
 * quarters of the slots, the most linear probing is kept at. */
bool gcw_index_too_full_for(const struct gcw_index *ix, size_t at);

/* Names entry id, holding key k and value word `value`, from slot `at`,
 * which gcw_index_probe chose for k. The key copy is stored last, so that a
 * reader that sees it sees the rest. */
void gcw_index_set(struct gcw_index *ix, size_t at, const struct gcw_key *k, size_t id,
                   gcw_word value);
/* The value word of the entry slot `at` names changed (maps). */
static inline void gcw_index_set_value(struct gcw_index *ix, size_t at, gcw_word value)
{
    if (ix->values)
        atomic_store_explicit(gcw_islot_value(ix, at), value, memory_order_relaxed);
}
void gcw_index_delete(struct gcw_index *ix, size_t at);

/* Adds k (known absent), entry id, value word `value`, to an index no
 * reader sees yet. Returns the slot. */
size_t gcw_index_add_unpublished(struct gcw_index *ix, const struct gcw_key *k, size_t id,
                                 gcw_word value);

/* Adds to ix, which no reader sees, every slot of `from` that names an
 * entry, with its copies: the live entries, when the copies of `from` are
 * exact. Both indexes are word-keyed, of one table. Returns how many.
 * Slots of `from` are read in order, and keys lie near their homes, which
 * grow with their hashes in every index: ix is written nearly in order
 * too, where adds in the order of the entries land at random. */
size_t gcw_index_add_slots_of(struct gcw_index *ix, const struct gcw_index *from);

/* Asks the processor for the lines a writer's probe for a key with this
 * hash reads and writes besides the key copies (values, entry numbers),
 * so that their misses overlap. */
static inline void gcw_index_prefetch(const struct gcw_index *ix, gcw_word hash)
{
#if defined(__GNUC__) || defined(__clang__)
    size_t i = gcw_index_home(ix, hash);
    __builtin_prefetch(gcw_islot(ix, i), 1);
    if (ix->second != NULL)
        __builtin_prefetch(&ix->second[i], 1);
    if (ix->ids != NULL)
        __builtin_prefetch(&ix->ids[i], 1);
#else
    (void)ix;
    (void)hash;
#endif
}

/* Makes every copy of ix agree with the entries again: a slot whose entry
 * no longer holds its key (or, doubly weak, its value) becomes DELETED, and
 * the others take their entry's value word. For copies written while a
 * collection was deciding, and after values were dropped. Call with no
 * collection deciding (the collector's lock taken and let go since the
 * last MARK_END), so that every key word of a dead key is cleared. */
void gcw_index_refresh(struct gcw_index *ix, const struct gcw_entries *e);

#ifdef GCWEAK_ASSERTS
/* The invariants of index.c, for index ix over entries e; aborts on a
 * breach. `exact`: the copies are exact (gcw_index_exact). Returns how many
 * slots name live entries. Mutex held and the collector's lock. */
size_t gcw_index_check(const struct gcw_index *ix, const struct gcw_entries *e, bool exact);

/* Slot `at` after a write: it names entry id, whose key is k, found from
 * k's home by an unbroken run, with k's copy and value; or it is DELETED. */
void gcw_index_check_slot(const struct gcw_index *ix, const struct gcw_entries *e, size_t at);
#endif

#endif /* GCWEAK_INDEX_H */
