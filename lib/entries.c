/*
 * Stable entry storage.
 *
 * Every entry of a table lives, from its insert to its removal, at one
 * address: the entry's key word is the disappearing link slot registered on
 * the key's object, and a link is registered once and never moved. bdwgc
 * hashes a link by its slot's address and walks its links in that hash's
 * order; slots handed out at ascending addresses keep those walks in memory
 * order, which makes registering and clearing links several times cheaper
 * than at scattered addresses. Lookups go through a separate index
 * (index.c) that holds entry numbers and can be rebuilt at will.
 *
 * CHUNKS. Entry number id lives in chunk c = log2(id + 16) - 4, which holds
 * 16 << c entries: chunk sizes double, so a table of n entries has about
 * log2(n) chunks and wastes at most half of the last one, and an entry
 * number maps to its place with one bit scan. A chunk is one pointer-free
 * block: a bitmap of the entries in use, a bitmap of entries retired for the
 * removal callback, then the entries: the key word, and beside it the value
 * for maps whose values the marker must not see (ephemeron and pointer-free
 * values). Weak-key maps keep values in a scanned array per chunk, where the
 * marker finds them. Chunks are never freed explicitly while they may hold
 * registrations: the collector reclaims a chunk the table no longer points
 * to, and drops its registrations in the same collection.
 *
 * ENTRY STATES (allocated bit, key word):
 *   free        bit clear; key word NONE, or 0 when the collector cleared a
 *               link left registered on a deleted key. Value NULL.
 *   live        bit set (or about to be: fill sets it last); key word the
 *               disguised key, registered on the key's object.
 *   dead        bit set; key word 0, written by the collector when the key
 *               died, or by the pass retiring it for the removal callback
 *               (then the retired bit is set and the value awaits delivery).
 *               The index may still name it: it stays in use until the index
 *               is rebuilt without it (table.c), so that its number cannot
 *               name another key in an index a reader still holds.
 *
 * REUSE. A new entry takes the lowest free number, so entries stay packed
 * toward the low, oldest addresses, and top (the high-water mark) grows only
 * when no entry below it is free. A slot reused while still registered on an
 * old key is retargeted by the registration itself (GC_DUPLICATE).
 */
#include "entries.h"

#include <string.h>

static inline unsigned count_trailing_zeros(gcw_word w)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll((unsigned long long)w);
#else
    unsigned r = 0;
    while (!(w & 1u)) {
        w >>= 1;
        r++;
    }
    return r;
#endif
}

void gcw_bit_set(_Atomic gcw_word *bits, size_t i, bool on)
{
    _Atomic gcw_word *w = &bits[i / GCW_WORD_BITS];
    gcw_word mask = (gcw_word)1 << (i % GCW_WORD_BITS);
    gcw_word old = atomic_load_explicit(w, memory_order_relaxed);
    atomic_store_explicit(w, on ? old | mask : old & ~mask, memory_order_relaxed);
}

void gcw_entries_init(struct gcw_entries *e, enum gcw_values values)
{
    for (unsigned c = 0; c < GCW_CHUNKS; c++) {
        atomic_init(&e->chunk[c], NULL);
        atomic_init(&e->strong[c], NULL);
    }
    atomic_init(&e->top, 0);
    e->free_count = 0;
    e->free_hint = 0;
    e->values = values;
    e->stride = (values == GCW_EPHEMERON_VALUES || values == GCW_OPAQUE_VALUES) ? 2 : 1;
    atomic_init(&e->retire, false);
    atomic_init(&e->retired, false);
}

void gcw_entries_drop_all(struct gcw_entries *e)
{
    /* top first: the pass and walks stop at it before meeting a chunk
     * already gone. */
    atomic_store_explicit(&e->top, 0, memory_order_release);
    for (unsigned c = 0; c < GCW_CHUNKS; c++) {
        atomic_store_explicit(&e->chunk[c], NULL, memory_order_release);
        atomic_store_explicit(&e->strong[c], NULL, memory_order_release);
    }
    e->free_count = 0;
    e->free_hint = 0;
    atomic_store_explicit(&e->retired, false, memory_order_relaxed);
}

bool gcw_entries_span(const struct gcw_entries *e, unsigned c, struct gcw_span *out)
{
    size_t top = atomic_load_explicit(&e->top, memory_order_relaxed);
    size_t first = gcw_chunk_first_id(c);
    gcw_word *block = atomic_load_explicit(&e->chunk[c], memory_order_acquire);
    if (first >= top || block == NULL)
        return false;
    size_t bw = gcw_chunk_bitmap_words(c);
    out->first_id = first;
    out->n = top - first < gcw_chunk_length(c) ? top - first : gcw_chunk_length(c);
    out->allocated = (_Atomic gcw_word *)block;
    out->retired = (_Atomic gcw_word *)block + bw;
    out->keys = (_Atomic gcw_word *)block + 2 * bw;
    out->stride = e->stride;
    if (e->stride == 2) {
        out->vals = (_Atomic(void *) *)(out->keys + 1);
        out->vstride = 2;
    } else {
        out->vals = (_Atomic(void *) *)atomic_load_explicit(&e->strong[c], memory_order_acquire);
        out->vstride = 1;
    }
    return true;
}

size_t gcw_entries_next_free(struct gcw_entries *e)
{
    size_t top = atomic_load_explicit(&e->top, memory_order_relaxed);
    if (e->free_count == 0)
        return top < GCW_MAX_ENTRIES ? top : GCW_MAX_ENTRIES;
    /* A free entry exists at or above free_hint: scan the bitmaps word by
     * word from there. */
    for (;;) {
        GCW_ASSERT(e->free_hint < top);
        struct gcw_place p = gcw_entry_place(e->free_hint);
        gcw_word *block = atomic_load_explicit(&e->chunk[p.chunk], memory_order_relaxed);
        _Atomic gcw_word *bits = (_Atomic gcw_word *)block;
        size_t len = gcw_chunk_length(p.chunk);
        for (size_t wi = p.at / GCW_WORD_BITS; wi < gcw_chunk_bitmap_words(p.chunk); wi++) {
            gcw_word taken = atomic_load_explicit(&bits[wi], memory_order_relaxed);
            if (wi == p.at / GCW_WORD_BITS) /* bits below the hint count as taken */
                taken |= ((gcw_word)1 << (p.at % GCW_WORD_BITS)) - 1u;
            if (~taken != 0) {
                size_t at = wi * GCW_WORD_BITS + count_trailing_zeros(~taken);
                if (at < len) {
                    e->free_hint = gcw_chunk_first_id(p.chunk) + at;
                    GCW_ASSERT(e->free_hint < top);
                    return e->free_hint;
                }
            }
        }
        e->free_hint = gcw_chunk_first_id(p.chunk) + len; /* next chunk */
    }
}

bool gcw_entries_alloc_chunk(enum gcw_values values, unsigned c, struct gcw_chunk_memory *out)
{
    size_t stride = (values == GCW_EPHEMERON_VALUES || values == GCW_OPAQUE_VALUES) ? 2 : 1;
    size_t bw = gcw_chunk_bitmap_words(c), len = gcw_chunk_length(c);
    out->strong = NULL;
    out->block = gcw_alloc_pointer_free((2 * bw + len * stride) * sizeof(gcw_word));
    if (out->block == NULL)
        return false;
    memset(out->block, 0, 2 * bw * sizeof(gcw_word));
    for (size_t i = 0; i < len; i++) {
        out->block[2 * bw + i * stride] = GCW_KEY_NONE;
        if (stride == 2)
            out->block[2 * bw + i * stride + 1] = 0;
    }
    if (values == GCW_STRONG_VALUES) {
        out->strong = gcw_alloc_scanned(len * sizeof(void *));
        if (out->strong == NULL)
            return false;
    }
    GC_reachable_here(out->block);
    return true;
}

void gcw_entries_install_chunk(struct gcw_entries *e, unsigned c, struct gcw_chunk_memory mem)
{
    GCW_ASSERT(atomic_load_explicit(&e->chunk[c], memory_order_relaxed) == NULL);
    /* The value array first: whoever finds the chunk finds its values. */
    atomic_store_explicit(&e->strong[c], mem.strong, memory_order_release);
    gcw_note_store(&e->strong[c], mem.strong);
    atomic_store_explicit(&e->chunk[c], mem.block, memory_order_release);
    gcw_note_store(&e->chunk[c], mem.block);
}

bool gcw_entries_have_chunk(const struct gcw_entries *e, size_t id)
{
    return atomic_load_explicit(&e->chunk[gcw_entry_place(id).chunk], memory_order_relaxed) !=
           NULL;
}

static _Atomic gcw_word *allocated_bits(const struct gcw_entries *e, struct gcw_place p)
{
    return (_Atomic gcw_word *)atomic_load_explicit(&e->chunk[p.chunk], memory_order_relaxed);
}

void gcw_entries_set_value(struct gcw_entries *e, _Atomic(void *) *slot, void *value)
{
    atomic_store_explicit(slot, value, memory_order_relaxed);
    if (e->values == GCW_STRONG_VALUES)
        gcw_note_store(slot, value);
}

void gcw_entries_fill(struct gcw_entries *e, size_t id, gcw_word w, void *value)
{
    size_t top = atomic_load_explicit(&e->top, memory_order_relaxed);
    struct gcw_place p = gcw_entry_place(id);
    _Atomic gcw_word *key = gcw_entry_key(e, id);
    GCW_ASSERT(key != NULL && !gcw_bit_get(allocated_bits(e, p), p.at));
    _Atomic(void *) *slot = gcw_entry_value(e, id, key);
    if (slot != NULL)
        gcw_entries_set_value(e, slot, value);
    atomic_store_explicit(key, w, memory_order_release);
    gcw_bit_set(allocated_bits(e, p), p.at, true);
    if (id == top) {
        atomic_store_explicit(&e->top, top + 1, memory_order_release);
    } else {
        GCW_ASSERT(id < top && e->free_count > 0);
        e->free_count--;
        e->free_hint = id + 1;
    }
}

void gcw_entries_free(struct gcw_entries *e, size_t id)
{
    struct gcw_place p = gcw_entry_place(id);
    _Atomic gcw_word *bits = allocated_bits(e, p);
    _Atomic gcw_word *key = gcw_entry_key(e, id);
    GCW_ASSERT(gcw_bit_get(bits, p.at));
    _Atomic(void *) *slot = gcw_entry_value(e, id, key);
    atomic_store_explicit(key, GCW_KEY_NONE, memory_order_relaxed);
    if (slot != NULL)
        atomic_store_explicit(slot, NULL, memory_order_relaxed);
    gcw_bit_set(bits, p.at, false);
    gcw_bit_set(bits + gcw_chunk_bitmap_words(p.chunk), p.at, false);
    e->free_count++;
    if (id < e->free_hint)
        e->free_hint = id;
}

size_t gcw_entries_count_live(const struct gcw_entries *e)
{
    size_t n = 0;
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(e, c, &s); c++)
        for (size_t i = 0; i < s.n; i++)
            n += gcw_word_is_key(atomic_load_explicit(&s.keys[i * s.stride],
                                                      memory_order_relaxed));
    return n;
}

size_t gcw_entries_bytes(const struct gcw_entries *e)
{
    size_t bytes = 0;
    for (unsigned c = 0; c < GCW_CHUNKS; c++) {
        gcw_word *block = atomic_load_explicit(&e->chunk[c], memory_order_relaxed);
        void **strong = atomic_load_explicit(&e->strong[c], memory_order_relaxed);
        if (block != NULL)
            bytes += GC_size(block);
        if (strong != NULL)
            bytes += GC_size(strong);
    }
    return bytes;
}
