/*
 * Stable entry storage: where every entry of a table lives, and where its
 * key's disappearing link sits, from insert to removal. See entries.c for
 * the invariants.
 */
#ifndef GCWEAK_ENTRIES_H
#define GCWEAK_ENTRIES_H

#include <stdatomic.h>

#include "links.h"

/* How a table holds values. */
enum gcw_values {
    GCW_NO_VALUES,        /* sets */
    GCW_STRONG_VALUES,    /* scanned memory: a value lives while its entry does */
    GCW_EPHEMERON_VALUES, /* beside the key, pointer-free, traced by the pass */
    GCW_OPAQUE_VALUES     /* beside the key, pointer-free, never traced */
};

/* Chunk c holds GCW_FIRST_CHUNK << c entries. On 64-bit platforms 28 chunks
 * hold 2^32 - 16 entries, as many as the index's 32-bit entry numbers name;
 * 32-bit platforms run out of address space long before 2^28. */
#if UINTPTR_MAX > 0xFFFFFFFFu
#  define GCW_CHUNKS 28
#else
#  define GCW_CHUNKS 24
#endif
enum { GCW_FIRST_CHUNK_LOG = 4, GCW_FIRST_CHUNK = 1 << GCW_FIRST_CHUNK_LOG };
#define GCW_MAX_ENTRIES ((((size_t)1 << GCW_CHUNKS) - 1) * GCW_FIRST_CHUNK)

struct gcw_entries {
    /* Pointer-free blocks: [allocated bits][retired bits][entries]. */
    _Atomic(gcw_word *) chunk[GCW_CHUNKS];
    /* Weak-key maps only: each chunk's values, in scanned memory. */
    _Atomic(void **) strong[GCW_CHUNKS];
    _Atomic size_t top;    /* entry numbers handed out so far */
    size_t free_count;     /* free entries below top; writers only */
    size_t free_hint;      /* no free entry below it; writers only */
    enum gcw_values values;
    unsigned stride;       /* words per entry in a chunk: 1, or 2 with the value */
    /* Shared with the collector-side pass (pass.c). */
    atomic_bool retire;    /* a removal callback wants dead entries' values */
    atomic_bool retired;   /* the pass retired entries not yet delivered */
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

static inline struct gcw_place gcw_entry_place(size_t id)
{
    size_t x = id + GCW_FIRST_CHUNK;
    unsigned log = gcw_floor_log2(x);
    struct gcw_place p = {log - GCW_FIRST_CHUNK_LOG, x - ((size_t)1 << log)};
    return p;
}

static inline size_t gcw_chunk_length(unsigned c)
{
    return (size_t)GCW_FIRST_CHUNK << c;
}

static inline size_t gcw_chunk_first_id(unsigned c)
{
    return gcw_chunk_length(c) - GCW_FIRST_CHUNK;
}

static inline size_t gcw_chunk_bitmap_words(unsigned c)
{
    return (gcw_chunk_length(c) + GCW_WORD_BITS - 1) / GCW_WORD_BITS;
}

/* The key word of entry id, the registered link slot; NULL when its chunk
 * is not there (a reader holding an out-of-date entry number). */
static inline _Atomic gcw_word *gcw_entry_key(const struct gcw_entries *e, size_t id)
{
    struct gcw_place p = gcw_entry_place(id);
    gcw_word *block = atomic_load_explicit(&e->chunk[p.chunk], memory_order_acquire);
    if (block == NULL)
        return NULL;
    return (_Atomic gcw_word *)(block + 2 * gcw_chunk_bitmap_words(p.chunk) + p.at * e->stride);
}

/* The value word of entry id, whose key word is `key` (from gcw_entry_key);
 * NULL for sets. */
static inline _Atomic(void *) *gcw_entry_value(const struct gcw_entries *e, size_t id,
                                                _Atomic gcw_word *key)
{
    if (e->stride == 2)
        return (_Atomic(void *) *)(key + 1);
    if (e->values != GCW_STRONG_VALUES)
        return NULL;
    struct gcw_place p = gcw_entry_place(id);
    void **vals = atomic_load_explicit(&e->strong[p.chunk], memory_order_acquire);
    return (_Atomic(void *) *)&vals[p.at];
}

/*
 * A chunk seen as arrays, for walks in memory order (the pass, rebuilds,
 * counts): entry i of the span is number first_id + i, its key word
 * keys[i * stride], its value vals[i * vstride] (vals NULL for sets).
 */
struct gcw_span {
    size_t first_id, n;
    _Atomic gcw_word *keys;
    _Atomic(void *) *vals;
    unsigned stride, vstride;
    _Atomic gcw_word *allocated; /* bit i: entry i is in use */
    _Atomic gcw_word *retired;   /* bit i: its value awaits the removal callback */
};

/* The span of chunk c up to the top entry; false when c holds none. */
bool gcw_entries_span(const struct gcw_entries *e, unsigned c, struct gcw_span *out);

static inline bool gcw_bit_get(_Atomic gcw_word *bits, size_t i)
{
    gcw_word w = atomic_load_explicit(&bits[i / GCW_WORD_BITS], memory_order_relaxed);
    return (w >> (i % GCW_WORD_BITS)) & 1u;
}

void gcw_bit_set(_Atomic gcw_word *bits, size_t i, bool on);

/* ------------------------------------------------------------ writers
 * All with the table mutex held, except gcw_entries_alloc_chunk. */

void gcw_entries_init(struct gcw_entries *e, enum gcw_values values);

/* Forgets every entry, live or not, and every chunk, while readers and the
 * pass may look (each store is atomic; a missing chunk reads as no entry).
 * The collector reclaims the chunks with the links they still hold. */
void gcw_entries_drop_all(struct gcw_entries *e);

/* The number the next new entry takes: the lowest free one, else top.
 * GCW_MAX_ENTRIES when the table is full. */
size_t gcw_entries_next_free(struct gcw_entries *e);

/* A chunk's memory, allocated without the mutex (it may collect and run
 * finalizers), then installed with it. */
struct gcw_chunk_memory {
    gcw_word *block;
    void **strong;
};
bool gcw_entries_alloc_chunk(enum gcw_values values, unsigned c, struct gcw_chunk_memory *out);
void gcw_entries_install_chunk(struct gcw_entries *e, unsigned c, struct gcw_chunk_memory mem);
bool gcw_entries_have_chunk(const struct gcw_entries *e, size_t id);

/* Fills free entry id (its link already registered on w's object) and marks
 * it in use. The value is stored before the key word, so that whoever sees
 * the key sees its value. */
void gcw_entries_fill(struct gcw_entries *e, size_t id, gcw_word w, void *value);

/* Frees entry id: no key, no value, not in use. Its link may stay
 * registered on the old key: the next fill retargets it. */
void gcw_entries_free(struct gcw_entries *e, size_t id);

/* Stores value into entry id's value word, with the write barrier. */
void gcw_entries_set_value(struct gcw_entries *e, _Atomic(void *) *slot, void *value);

/* Entries in use whose key word is a key, walked in memory order. */
size_t gcw_entries_count_live(const struct gcw_entries *e);

/* Bytes of storage. */
size_t gcw_entries_bytes(const struct gcw_entries *e);

#endif /* GCWEAK_ENTRIES_H */
