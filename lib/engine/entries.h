/* SPDX-License-Identifier: MIT */
/*
 * Stable entry storage: where every entry of a table lives, and where its
 * key's disappearing link sits, from its set to its delete. See entries.c
 * for the entry states and the invariants.
 */
#ifndef GCWEAK_ENTRIES_H
#define GCWEAK_ENTRIES_H

#include <stdatomic.h>

#include "bytes.h"

/* The container kinds, named as the public API names them. Map values sit
 * beside their keys in pointer-free memory, where the marker never looks;
 * the pass (ephemeron.c) marks those that must live. */
enum gcw_kind {
    GCW_KIND_SET,                /* no values */
    GCW_KIND_EPHEMERON,          /* a value is marked while its key lives */
    GCW_KIND_WEAK_KEYS,          /* a value is marked while its entry lives */
    GCW_KIND_POINTER_FREE_VALUES, /* values are no pointers: never marked */
    GCW_KIND_WEAK_VALUES          /* doubly weak: values are disguised, each on a
                                   * link of its own, and never marked */
};

/* Whether the pass marks this kind's values. */
static inline bool gcw_kind_traces_values(enum gcw_kind kind)
{
    return kind == GCW_KIND_EPHEMERON || kind == GCW_KIND_WEAK_KEYS;
}

/* Chunks come in pairs of one size, each pair twice the size of the one
 * before: chunk c holds GCW_FIRST_CHUNK << (c / 2) entries. Storage then
 * grows by a half or a third of what it holds, where doubling chunks
 * would double it: a table's chunks hold at most half again as many
 * entries as it has used (a fifth more on average), not twice as many.
 * On 64-bit platforms 54 chunks hold 2^32 - 32 entries, as many as the
 * index's 32-bit entry numbers name; 32-bit platforms run out of address
 * space long before 2^28. */
#if UINTPTR_MAX > 0xFFFFFFFFu
#  define GCW_CHUNKS 54
#else
#  define GCW_CHUNKS 46
#endif
enum { GCW_FIRST_CHUNK_LOG = 4, GCW_FIRST_CHUNK = 1 << GCW_FIRST_CHUNK_LOG };
/* Entries before chunk 2m: the m pairs before it, 2 * 16 * (2^m - 1). */
#define GCW_MAX_ENTRIES (((((size_t)1 << (GCW_CHUNKS / 2)) - 1) * GCW_FIRST_CHUNK) * 2)

struct gcw_entries {
    /* Pointer-free blocks: the entries, then their flags (gcw_flag), then
     * the free summary (entries.c). */
    _Atomic(gcw_word *) chunk[GCW_CHUNKS];
    _Atomic size_t top;    /* entry numbers handed out so far */
    size_t free_count;     /* free entries below top; writers only */
    size_t free_hint;      /* no free entry below it; writers only */
    enum gcw_kind kind;
    unsigned stride;       /* words per entry: 2 with a value, 1 without */
    /* Keys are byte strings (bytes.h): a key word is an ordinary pointer to
     * the stored copy, in chunks the collector scans, and no link. Set once,
     * before the first chunk. */
    bool byte_keys;
    /* Shared with the collector-side pass (ephemeron.c). */
    atomic_bool removals_wanted;  /* a removal callback wants dead entries' values */
    atomic_bool removals_pending; /* the pass queued removals not yet delivered */
    /* The last collection whose pass found the container unreachable and
     * so marked none of its values (0: none); written by the pass only. */
    _Atomic GC_word unreached_gc_no;
    GC_word seen_in_pass;  /* the pass's own bookkeeping; nobody else's */
    /* Containers that deliver removals from a finalizer of their own: the
     * notifier object, disguised (0: none or spent), which the pass keeps
     * alive unless removals wait (ephemeron.c). */
    _Atomic GC_word notifier;
};

/* Per-entry flags, a word of each per 64 entries, the three words of a
 * group side by side so that one cache line holds all of an entry's. */
enum gcw_flag {
    GCW_IN_USE,          /* the entry is allocated (live, or dead until a rebuild) */
    GCW_PENDING_REMOVAL, /* its value awaits the removal callback */
    GCW_UNLINK,          /* its link must be dropped when it is deleted (keys.c) */
    GCW_KEY_BASE,        /* its key is its object's base: the pass reads the
                          * key's mark bit with no lookup of the base */
    GCW_FLAGS
};

/* Where entry number id lives. */
struct gcw_place {
    unsigned chunk;
    size_t at;
};

static inline unsigned gcw_floor_log2(size_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)(sizeof(unsigned long long) * 8u - 1u) -
           (unsigned)__builtin_clzll((unsigned long long)x);
#else
    unsigned r = 0;
    while (x >>= 1)
        r++;
    return r;
#endif
}

/*
 * Entry id + 32 lies in [32, 48) << m for the first chunk of pair m and in
 * [48, 64) << m for the second: its top bit says the pair, the bit below
 * it which of the two. A shift, a test and a subtraction, no table: this is
 * on the path of every lookup that reads an entry.
 */
static inline struct gcw_place gcw_entry_place(size_t id)
{
    size_t y = id + 2 * GCW_FIRST_CHUNK;
    unsigned log = gcw_floor_log2(y);
    size_t second = (y >> (log - 1)) & 1u;
    struct gcw_place p = {2 * (log - GCW_FIRST_CHUNK_LOG - 1) + (unsigned)second,
                          y - ((2 + second) << (log - 1))};
    return p;
}

static inline size_t gcw_chunk_length(unsigned c)
{
    return (size_t)GCW_FIRST_CHUNK << (c >> 1);
}

static inline size_t gcw_chunk_first_id(unsigned c)
{
    /* The pairs before c's, and c's first chunk if c is the second. */
    size_t pairs = ((size_t)GCW_FIRST_CHUNK << (c >> 1)) - GCW_FIRST_CHUNK;
    return 2 * pairs + ((c & 1u) != 0 ? gcw_chunk_length(c) : 0);
}

/* The key word of entry id, the registered link slot; NULL when its chunk
 * is not there (a reader holding an out-of-date entry number). A map's
 * value is the next word. */
static inline _Atomic gcw_word *gcw_entry_key(const struct gcw_entries *e, size_t id)
{
    struct gcw_place p = gcw_entry_place(id);
    gcw_word *block = atomic_load_explicit(&e->chunk[p.chunk], memory_order_acquire);
    if (block == NULL)
        return NULL;
    /* A shift, not a multiply: stride is 1 or 2, and this is on every
     * lookup's critical path. */
    return (_Atomic gcw_word *)(block + (p.at << (e->stride - 1)));
}

static inline _Atomic(void *) *gcw_entry_value(_Atomic gcw_word *key)
{
    return (_Atomic(void *) *)(key + 1);
}

/* Whether the entry whose key word is at `key` holds word key k and is
 * live. Byte-string keys are compared through the index instead, which
 * keeps each stored key's address (gcw_index_bytes_match). */
static GCW_ALWAYS_INLINE bool gcw_entry_matches(const struct gcw_entries *e,
                                                _Atomic gcw_word *key, const struct gcw_key *k)
{
    if (atomic_load_explicit(key, memory_order_relaxed) != k->word)
        return false;
    /* In a doubly-weak map an entry whose value died is no match: a set of
     * its key makes another. */
    return e->kind != GCW_KIND_WEAK_VALUES ||
           atomic_load_explicit((_Atomic gcw_word *)(key + 1), memory_order_relaxed) != 0;
}

/* The key, with its hash, that a stored key word stands for. */
static inline struct gcw_key gcw_stored_key(const struct gcw_entries *e, gcw_word w)
{
    return e->byte_keys ? gcw_key_of_stored_bytes((const struct gcw_bytes *)w)
                        : gcw_key_of_word(w);
}

/*
 * A chunk seen as arrays, for walks in memory order (the pass, rebuilds,
 * counts): entry i of the span is number first_id + i. Only the accessors
 * below read its layout.
 */
struct gcw_span {
    size_t first_id, n;
    _Atomic gcw_word *keys;
    unsigned stride;
    _Atomic gcw_word *flags;
};

/* The span of chunk c up to the top entry; false when c holds none. */
bool gcw_entries_span(const struct gcw_entries *e, unsigned c, struct gcw_span *out);

/* Every span of e holding entries, lowest first:
 *     struct gcw_span s;
 *     GCW_FOR_EACH_SPAN(e, s) for (size_t i = 0; i < s.n; i++) ...        */
#define GCW_FOR_EACH_SPAN(e, s)                                                \
    for (unsigned gcw_chunk_ = 0;                                              \
         gcw_chunk_ < GCW_CHUNKS && gcw_entries_span((e), gcw_chunk_, &(s));   \
         gcw_chunk_++)

/* Entry i's key word, its registered link slot. */
static inline _Atomic gcw_word *gcw_span_key(const struct gcw_span *s, size_t i)
{
    return &s->keys[i * s->stride];
}

/* Entry i's value word (maps only). */
static inline _Atomic(void *) *gcw_span_value(const struct gcw_span *s, size_t i)
{
    return (_Atomic(void *) *)&s->keys[i * s->stride + 1];
}

/* Whether the entry whose key word is at `key` is live: its key word holds
 * a key and, in a doubly-weak map (and a weak-value map), its value word a
 * value (the collector zeroes either when its object dies). */
static inline bool gcw_entry_is_live(enum gcw_kind kind, _Atomic gcw_word *key)
{
    return gcw_word_is_key(atomic_load_explicit(key, memory_order_relaxed)) &&
           (kind != GCW_KIND_WEAK_VALUES ||
            atomic_load_explicit((_Atomic gcw_word *)(key + 1), memory_order_relaxed) != 0);
}

static inline _Atomic gcw_word *gcw_flag_word(const struct gcw_span *s, size_t i,
                                               enum gcw_flag f)
{
    return &s->flags[GCW_FLAGS * (i / GCW_WORD_BITS) + f];
}

static inline bool gcw_flag_get(const struct gcw_span *s, size_t i, enum gcw_flag f)
{
    gcw_word w = atomic_load_explicit(gcw_flag_word(s, i, f), memory_order_relaxed);
    return (w >> (i % GCW_WORD_BITS)) & 1u;
}

void gcw_flag_set(const struct gcw_span *s, size_t i, enum gcw_flag f, bool on);

/* The first entry at or after i in s with flag f set, or s->n: whole words
 * of clear flags cost one load, for flags few entries have. */
size_t gcw_span_next_flagged(const struct gcw_span *s, size_t i, enum gcw_flag f);

/* The span holding entry id (whose chunk exists) and id's index in it. */
size_t gcw_entries_span_of(const struct gcw_entries *e, size_t id, struct gcw_span *out);

/* Whether entry id (below top) is in use. */
bool gcw_entries_in_use(const struct gcw_entries *e, size_t id);

/* ------------------------------------------------------------ writers
 * Serialised by the caller (the table holds its mutex and asserts it),
 * except gcw_entries_alloc_chunk, which is called with no lock. */

void gcw_entries_init(struct gcw_entries *e, enum gcw_kind kind);

/* Forgets every entry, live or not, and every chunk, while readers and the
 * pass may look (each store is atomic; a missing chunk reads as no entry).
 * The collector reclaims the chunks with the links they still hold. */
void gcw_entries_clear(struct gcw_entries *e);

/* The number the next new entry takes: the lowest free one, else top.
 * GCW_MAX_ENTRIES when the table is full. */
size_t gcw_entries_next_free(struct gcw_entries *e);

/* A chunk's memory, allocated without the mutex (it may collect and run
 * finalizers), then installed with it. */
gcw_word *gcw_entries_alloc_chunk(const struct gcw_entries *e, unsigned c);
void gcw_entries_install_chunk(struct gcw_entries *e, unsigned c, gcw_word *block);
bool gcw_entries_have_chunk(const struct gcw_entries *e, size_t id);

/* Sets free entry id to key word w (its link already registered on w's
 * object) with value, and marks it in use, to unlink on delete if
 * `unlink`, and as keyed by its object's base if `key_base`. The value is
 * stored before the key word, so that whoever sees the key sees its value,
 * and the flags after it. */
void gcw_entries_set(struct gcw_entries *e, size_t id, gcw_word w, void *value, bool unlink,
                     bool key_base);

/* Frees entry id: no key, no value, no flags. Its link may stay registered
 * on the old key (the next set retargets it): returns whether the entry
 * was marked to unlink, which the caller then must do first. */
bool gcw_entries_delete(struct gcw_entries *e, size_t id);

/* Entries in use whose key word is a key, walked in memory order. */
size_t gcw_entries_count_live(const struct gcw_entries *e);

/* Bytes of storage. */
size_t gcw_entries_bytes(const struct gcw_entries *e);

#ifdef GCWEAK_ASSERTS
/* The invariants of entries.c; aborts on a breach. Mutex held, and the
 * collector's lock, so that no collection clears key words meanwhile. */
void gcw_entries_check(const struct gcw_entries *e);
/* One entry's state, after a write to it. */
void gcw_entries_check_entry(const struct gcw_entries *e, size_t id);
#endif

#endif /* GCWEAK_ENTRIES_H */
