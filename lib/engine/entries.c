/* SPDX-License-Identifier: MIT */
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
 * block: the entries, each its key word and, in a map, its value beside it
 * (one cache line answers a lookup), then the entries' flags (entries.h).
 * The marker never looks inside: the pass marks what values must live
 * (ephemeron.c). Chunks are never freed explicitly while they may hold
 * registrations: the collector reclaims a chunk the table no longer points
 * to, and drops its registrations in the same collection.
 *
 * ENTRY STATES (in-use flag, key word):
 *   free        flag clear; key word NONE, or 0 when the collector cleared a
 *               link left registered on a deleted key. Value NULL, no flag.
 *   live        flag set (or about to be: set sets it last); key word the
 *               disguised key, registered on the key's object.
 *   dead        flag set; key word 0, written by the collector when the key
 *               died, or by the pass when it queues the entry's removal for
 *               the callback (then the pending-removal flag is set and the
 *               value awaits delivery). The index may still name it: it
 *               stays in use until the index is rebuilt without it, so that
 *               its number cannot name another key in an index a reader
 *               still holds.
 *
 * INVARIANTS (gcw_entries_check): every entry is in one of these states;
 * every entry below top is in use or counted in free_count, and none below
 * free_hint is free; every chunk up to the one holding top exists; each
 * chunk's free summary (below) says which of its in-use words have a clear
 * bit.
 *
 * REUSE. A new entry takes the lowest free number, so entries stay packed
 * toward the low, oldest addresses, and top (the high-water mark) grows only
 * when no entry below it is free. A slot reused while still registered on an
 * old key is retargeted by the registration itself (GC_DUPLICATE).
 */
#include "entries.h"

#include <string.h>

/* Words of chunk c per flag: one per GCW_WORD_BITS entries. */
static size_t chunk_words_per_flag(unsigned c)
{
    return (gcw_chunk_length(c) + GCW_WORD_BITS - 1) / GCW_WORD_BITS;
}

/* Flag words of chunk c: GCW_FLAGS of them per GCW_WORD_BITS entries. */
static size_t chunk_flag_words(unsigned c)
{
    return GCW_FLAGS * chunk_words_per_flag(c);
}

/*
 * THE FREE SUMMARY. After its flags, chunk c keeps one bit per in-use
 * word: bit k is set while in-use word k has a clear bit for one of the
 * chunk's entries, free or not yet handed out. An insert looks for the
 * lowest free entry from the hint up; word by word through the in-use
 * flags that is a read per 64 entries, and with 10^6 entries a delete
 * low and a free entry high made every insert read 15,000 words. The
 * summary skips 64 words in use with one read. Only writers read or
 * write it, under the mutex.
 */
static size_t chunk_summary_words(unsigned c)
{
    return (chunk_words_per_flag(c) + GCW_WORD_BITS - 1) / GCW_WORD_BITS;
}

static gcw_word *chunk_summary(const struct gcw_span *s, unsigned c)
{
    return (gcw_word *)(s->flags + chunk_flag_words(c));
}

/* In-use word k of chunk c, its bits past the chunk's end counted as set. */
static gcw_word taken_word(const struct gcw_span *s, unsigned c, size_t k)
{
    gcw_word taken = atomic_load_explicit(gcw_flag_word(s, k * GCW_WORD_BITS, GCW_IN_USE),
                                          memory_order_relaxed);
    size_t valid = gcw_chunk_length(c) - k * GCW_WORD_BITS;
    if (valid < GCW_WORD_BITS)
        taken |= ~(gcw_word)0 << valid;
    return taken;
}

/* Entry i's in-use word has a clear bit now: it was just freed. */
static void summary_mark_free(const struct gcw_span *s, unsigned c, size_t i)
{
    size_t k = i / GCW_WORD_BITS;
    chunk_summary(s, c)[k / GCW_WORD_BITS] |= (gcw_word)1 << (k % GCW_WORD_BITS);
}

/* Brings the summary bit of entry i's in-use word up to date. */
static void summary_update(const struct gcw_span *s, unsigned c, size_t i)
{
    size_t k = i / GCW_WORD_BITS;
    gcw_word *sum = chunk_summary(s, c) + k / GCW_WORD_BITS;
    gcw_word bit = (gcw_word)1 << (k % GCW_WORD_BITS);
    *sum = ~taken_word(s, c, k) == 0 ? *sum & ~bit : *sum | bit;
}

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

/* A writer's change of flag bits: words the pass never writes. */
static void flag_or(_Atomic gcw_word *w, gcw_word bits)
{
    if (bits != 0)
        atomic_store_explicit(w, atomic_load_explicit(w, memory_order_relaxed) | bits,
                              memory_order_relaxed);
}

static void flag_clear(_Atomic gcw_word *w, gcw_word bits)
{
    atomic_store_explicit(w, atomic_load_explicit(w, memory_order_relaxed) & ~bits,
                          memory_order_relaxed);
}

#ifdef GCWEAK_ASSERTS
/* Whether any flag of the entry whose bit is mask in group is set. */
static bool flags_any(_Atomic gcw_word *group, gcw_word mask)
{
    for (int f = 0; f < GCW_FLAGS; f++)
        if ((atomic_load_explicit(&group[f], memory_order_relaxed) & mask) != 0)
            return true;
    return false;
}
#endif

/* The pass sets pending-removal flags with the world stopped, possibly in
 * a word a writer is changing another entry's flag of: a writer stopped
 * between a load and a store would put the old word back and lose the
 * pass's flag, so pending-removal words change by one read-modify-write
 * instruction. The other flags only writers change, under the mutex. */
void gcw_flag_set(const struct gcw_span *s, size_t i, enum gcw_flag f, bool on)
{
    _Atomic gcw_word *w = gcw_flag_word(s, i, f);
    gcw_word mask = (gcw_word)1 << (i % GCW_WORD_BITS);
    if (f == GCW_PENDING_REMOVAL) {
        if (on)
            (void)atomic_fetch_or_explicit(w, mask, memory_order_relaxed);
        else
            (void)atomic_fetch_and_explicit(w, ~mask, memory_order_relaxed);
        return;
    }
    if (on)
        flag_or(w, mask);
    else
        flag_clear(w, mask);
}

void gcw_entries_init(struct gcw_entries *e, enum gcw_kind kind)
{
    for (unsigned c = 0; c < GCW_CHUNKS; c++)
        atomic_init(&e->chunk[c], NULL);
    atomic_init(&e->top, 0);
    e->free_count = 0;
    e->free_hint = 0;
    e->kind = kind;
    e->stride = kind == GCW_KIND_SET ? 1 : 2;
    e->byte_keys = false;
    atomic_init(&e->removals_wanted, false);
    atomic_init(&e->removals_pending, false);
    atomic_init(&e->unreached_gc_no, 0);
    e->seen_in_pass = 0;
    atomic_init(&e->notifier, 0);
}

void gcw_entries_clear(struct gcw_entries *e)
{
    /* top first: the pass and walks stop at it before meeting a chunk
     * already gone. */
    atomic_store_explicit(&e->top, 0, memory_order_release);
    for (unsigned c = 0; c < GCW_CHUNKS; c++)
        atomic_store_explicit(&e->chunk[c], NULL, memory_order_release);
    e->free_count = 0;
    e->free_hint = 0;
    atomic_store_explicit(&e->removals_pending, false, memory_order_relaxed);
}

size_t gcw_span_next_flagged(const struct gcw_span *s, size_t i, enum gcw_flag f)
{
    while (i < s->n) {
        gcw_word w = atomic_load_explicit(gcw_flag_word(s, i, f), memory_order_relaxed) >>
                     (i % GCW_WORD_BITS);
        if (w != 0) {
            size_t at = i + count_trailing_zeros(w);
            return at < s->n ? at : s->n;
        }
        i = (i / GCW_WORD_BITS + 1) * GCW_WORD_BITS;
    }
    return s->n;
}

bool gcw_entries_in_use(const struct gcw_entries *e, size_t id)
{
    struct gcw_span s;
    size_t i = gcw_entries_span_of(e, id, &s);
    return gcw_flag_get(&s, i, GCW_IN_USE);
}

static void span_of_block(const struct gcw_entries *e, unsigned c, gcw_word *block,
                          struct gcw_span *out)
{
    out->first_id = gcw_chunk_first_id(c);
    out->keys = (_Atomic gcw_word *)block;
    out->stride = e->stride;
    out->flags = (_Atomic gcw_word *)block + gcw_chunk_length(c) * e->stride;
}

bool gcw_entries_span(const struct gcw_entries *e, unsigned c, struct gcw_span *out)
{
    size_t top = atomic_load_explicit(&e->top, memory_order_relaxed);
    size_t first = gcw_chunk_first_id(c);
    gcw_word *block = atomic_load_explicit(&e->chunk[c], memory_order_acquire);
    if (first >= top || block == NULL)
        return false;
    span_of_block(e, c, block, out);
    out->n = top - first < gcw_chunk_length(c) ? top - first : gcw_chunk_length(c);
    return true;
}

/* The span of the chunk of place p (which exists) and p's index in it. */
static size_t span_at(const struct gcw_entries *e, struct gcw_place p, struct gcw_span *out)
{
    span_of_block(e, p.chunk, atomic_load_explicit(&e->chunk[p.chunk], memory_order_relaxed),
                  out);
    out->n = gcw_chunk_length(p.chunk);
    return p.at;
}

size_t gcw_entries_span_of(const struct gcw_entries *e, size_t id, struct gcw_span *out)
{
    return span_at(e, gcw_entry_place(id), out);
}

/* The first entry not in use in chunk c (span s) from entry `start` on, or
 * SIZE_MAX: start's own in-use word, then the summary for the next word
 * with a clear bit. */
static size_t first_free_in(const struct gcw_span *s, unsigned c, size_t start)
{
    size_t k = start / GCW_WORD_BITS;
    size_t words = chunk_words_per_flag(c);
    /* Entries below start count as taken. */
    gcw_word taken = taken_word(s, c, k) | (((gcw_word)1 << (start % GCW_WORD_BITS)) - 1u);
    const gcw_word *sum = chunk_summary(s, c);
    for (k++; ~taken == 0 && k < words;) {
        gcw_word w = sum[k / GCW_WORD_BITS] >> (k % GCW_WORD_BITS);
        if (w == 0) {
            k = (k / GCW_WORD_BITS + 1) * GCW_WORD_BITS;
            continue;
        }
        k += count_trailing_zeros(w);
        if (k >= words)
            break;
        taken = taken_word(s, c, k);
        GCW_ASSERT(~taken != 0);
        k++;
    }
    if (~taken == 0)
        return SIZE_MAX;
    return (k - 1) * GCW_WORD_BITS + count_trailing_zeros(~taken);
}

size_t gcw_entries_next_free(struct gcw_entries *e)
{
    size_t top = atomic_load_explicit(&e->top, memory_order_relaxed);
    if (e->free_count == 0)
        return top < GCW_MAX_ENTRIES ? top : GCW_MAX_ENTRIES;
    /* A free entry exists at or above free_hint: scan the in-use flags word
     * by word from there, chunk by chunk. */
    for (;;) {
        GCW_ASSERT(e->free_hint < top);
        struct gcw_span s;
        unsigned c = gcw_entry_place(e->free_hint).chunk;
        size_t at = first_free_in(&s, c, gcw_entries_span_of(e, e->free_hint, &s));
        if (at != SIZE_MAX) {
            e->free_hint = s.first_id + at;
            GCW_ASSERT(e->free_hint < top);
            return e->free_hint;
        }
        e->free_hint = s.first_id + gcw_chunk_length(c); /* the next chunk */
    }
}

gcw_word *gcw_entries_alloc_chunk(const struct gcw_entries *e, unsigned c)
{
    size_t stride = e->stride;
    size_t len = gcw_chunk_length(c);
    size_t words = len * stride + chunk_flag_words(c) + chunk_summary_words(c);
    /* Stored byte-string keys are held by the chunk itself, which the
     * collector then scans (values stay disguised). */
    gcw_word *block = e->byte_keys ? gcw_alloc_scanned(words * sizeof(gcw_word))
                                   : gcw_alloc_pointer_free(words * sizeof(gcw_word));
    if (block == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        block[i * stride] = GCW_KEY_NONE;
        if (stride == 2)
            block[i * stride + 1] = 0;
    }
    memset(block + len * stride, 0, chunk_flag_words(c) * sizeof(gcw_word));
    /* Every entry not handed out yet: every summary bit set. */
    gcw_word *sum = block + len * stride + chunk_flag_words(c);
    size_t words_per_flag = chunk_words_per_flag(c);
    for (size_t j = 0; j < chunk_summary_words(c); j++) {
        size_t bits = words_per_flag - j * GCW_WORD_BITS;
        sum[j] = bits >= GCW_WORD_BITS ? ~(gcw_word)0 : ((gcw_word)1 << bits) - 1u;
    }
    return block;
}

void gcw_entries_install_chunk(struct gcw_entries *e, unsigned c, gcw_word *block)
{
    GCW_ASSERT(atomic_load_explicit(&e->chunk[c], memory_order_relaxed) == NULL);
    atomic_store_explicit(&e->chunk[c], block, memory_order_release);
    gcw_note_store(&e->chunk[c], block);
}

bool gcw_entries_have_chunk(const struct gcw_entries *e, size_t id)
{
    return atomic_load_explicit(&e->chunk[gcw_entry_place(id).chunk], memory_order_relaxed) !=
           NULL;
}

void gcw_entries_set(struct gcw_entries *e, size_t id, gcw_word w, void *value, bool unlink,
                     bool key_base)
{
    size_t top = atomic_load_explicit(&e->top, memory_order_relaxed);
    struct gcw_place p = gcw_entry_place(id);
    struct gcw_span s;
    size_t i = span_at(e, p, &s);
    GCW_ASSERT(!gcw_flag_get(&s, i, GCW_IN_USE));
    if (s.stride == 2)
        atomic_store_explicit(gcw_span_value(&s, i), value, memory_order_relaxed);
    atomic_store_explicit(gcw_span_key(&s, i), w, memory_order_release);
    if (e->byte_keys)
        gcw_note_store(gcw_span_key(&s, i), (const void *)w);
    /* A free entry's flags are all clear (pending removal too: see
     * gcw_entries_delete), and only writers set these three: plain
     * read-modify-writes of the entry's words, side by side in one line. */
    _Atomic gcw_word *group = gcw_flag_word(&s, i, (enum gcw_flag)0);
    gcw_word mask = (gcw_word)1 << (i % GCW_WORD_BITS);
    GCW_ASSERT(!flags_any(group, mask));
    flag_or(&group[GCW_IN_USE], mask);
    flag_or(&group[GCW_UNLINK], unlink ? mask : 0);
    flag_or(&group[GCW_KEY_BASE], key_base ? mask : 0);
    summary_update(&s, p.chunk, i);
    if (id == top) {
        atomic_store_explicit(&e->top, top + 1, memory_order_release);
        /* With none free below top the hint can be exact, so that the next
         * delete sets it to the entry it frees: left behind, it would send
         * the next insert scanning every entry appended since. */
        if (e->free_count == 0)
            e->free_hint = top + 1;
    } else {
        GCW_ASSERT(id < top && e->free_count > 0);
        e->free_count--;
        e->free_hint = id + 1;
    }
}

bool gcw_entries_delete(struct gcw_entries *e, size_t id)
{
    struct gcw_place p = gcw_entry_place(id);
    struct gcw_span s;
    size_t i = span_at(e, p, &s);
    GCW_ASSERT(gcw_flag_get(&s, i, GCW_IN_USE));
    bool unlink = gcw_flag_get(&s, i, GCW_UNLINK);
    atomic_store_explicit(gcw_span_key(&s, i), GCW_KEY_NONE, memory_order_relaxed);
    if (s.stride == 2)
        atomic_store_explicit(gcw_span_value(&s, i), NULL, memory_order_relaxed);
    _Atomic gcw_word *group = gcw_flag_word(&s, i, (enum gcw_flag)0);
    gcw_word mask = (gcw_word)1 << (i % GCW_WORD_BITS);
    flag_clear(&group[GCW_IN_USE], mask);
    flag_clear(&group[GCW_UNLINK], mask);
    flag_clear(&group[GCW_KEY_BASE], mask);
    /* The pass flags pending removal only entries it finds a key in, so
     * once the key word above is gone it flags this one no more: a flag it
     * set before is seen here, in program order after that store, and only
     * then cleared by the locked read-modify-write gcw_flag_set uses,
     * which on a line that missed the cache would hold up the processor
     * for the whole miss. The fence keeps the compiler to that order; a
     * thread the collector stops sees its own stores. */
    atomic_signal_fence(memory_order_seq_cst);
    if ((atomic_load_explicit(&group[GCW_PENDING_REMOVAL], memory_order_relaxed) & mask) != 0)
        (void)atomic_fetch_and_explicit(&group[GCW_PENDING_REMOVAL], ~mask, memory_order_relaxed);
    summary_mark_free(&s, p.chunk, i);
    e->free_count++;
    if (id < e->free_hint)
        e->free_hint = id;
    return unlink;
}

size_t gcw_entries_count_live(const struct gcw_entries *e)
{
    size_t n = 0;
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(e, s)
        for (size_t i = 0; i < s.n; i++)
            n += gcw_entry_is_live(e->kind, gcw_span_key(&s, i));
    return n;
}

size_t gcw_entries_bytes(const struct gcw_entries *e)
{
    size_t bytes = 0;
    for (unsigned c = 0; c < GCW_CHUNKS; c++) {
        gcw_word *block = atomic_load_explicit(&e->chunk[c], memory_order_relaxed);
        if (block != NULL)
            bytes += GC_size(block);
    }
    return bytes;
}

/* ------------------------------------------------------------ the check */

#ifdef GCWEAK_ASSERTS
/* The base-key flag: only on an entry in use, whose key is its object's
 * base (interior keys and GC_DEBUG ones are not). */
static void check_key_base(const struct gcw_span *s, size_t i, gcw_word k, bool used)
{
    if (!gcw_flag_get(s, i, GCW_KEY_BASE))
        return;
    GCW_ASSERT(used);
    GCW_ASSERT(!gcw_word_is_key(k) || GC_base(GC_REVEAL_POINTER(k)) == GC_REVEAL_POINTER(k));
}

/* Entry i of span s is in one of the states above: a free entry holds no
 * key, no value and no flag; one pending removal is in use and holds no
 * key. Returns whether it is in use. */
static bool check_entry(const struct gcw_span *s, size_t i)
{
    gcw_word k = atomic_load_explicit(gcw_span_key(s, i), memory_order_relaxed);
    bool used = gcw_flag_get(s, i, GCW_IN_USE);
    GCW_ASSERT(used || !gcw_word_is_key(k));
    GCW_ASSERT(used || !gcw_flag_get(s, i, GCW_UNLINK));
    check_key_base(s, i, k, used);
    GCW_ASSERT(used || !gcw_flag_get(s, i, GCW_PENDING_REMOVAL));
    GCW_ASSERT(used || s->stride == 1 ||
               atomic_load_explicit(gcw_span_value(s, i), memory_order_relaxed) == NULL);
    /* Pending removal: dead, by its key word (the pass cleared it) or, for
     * byte-string keys, by its value word. */
    GCW_ASSERT(!gcw_flag_get(s, i, GCW_PENDING_REMOVAL) || !gcw_word_is_key(k) ||
               (s->stride == 2 &&
                atomic_load_explicit(gcw_span_value(s, i), memory_order_relaxed) == NULL));
    return used;
}

void gcw_entries_check_entry(const struct gcw_entries *e, size_t id)
{
    GCW_ASSERT(id < atomic_load_explicit(&e->top, memory_order_relaxed));
    struct gcw_span s;
    size_t i = gcw_entries_span_of(e, id, &s);
    (void)check_entry(&s, i);
}

/* Every entry's state; the free-entry bookkeeping: no free entry below the
 * hint, every entry below top either in use or counted free. */
static void check_states_and_free_entries(const struct gcw_entries *e, size_t top)
{
    size_t in_use = 0;
    size_t free_below_hint = 0;
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(e, s)
        for (size_t i = 0; i < s.n; i++) {
            bool used = check_entry(&s, i);
            in_use += used;
            free_below_hint += !used && s.first_id + i < e->free_hint;
        }
    GCW_ASSERT(free_below_hint == 0);
    GCW_ASSERT(in_use + e->free_count == top);
    GCW_ASSERT(e->free_count == 0 || e->free_hint < top);
}

/* Every chunk's free summary says which of its in-use words have a clear
 * bit. */
static void check_summaries(const struct gcw_entries *e)
{
    for (unsigned c = 0; c < GCW_CHUNKS; c++) {
        gcw_word *block = atomic_load_explicit(&e->chunk[c], memory_order_relaxed);
        if (block == NULL)
            continue;
        struct gcw_span s;
        span_of_block(e, c, block, &s);
        const gcw_word *sum = chunk_summary(&s, c);
        for (size_t k = 0; k < chunk_words_per_flag(c); k++) {
            bool clear = ~taken_word(&s, c, k) != 0;
            GCW_ASSERT(clear == (((sum[k / GCW_WORD_BITS] >> (k % GCW_WORD_BITS)) & 1u) != 0));
        }
    }
}

void gcw_entries_check(const struct gcw_entries *e)
{
    size_t top = atomic_load_explicit(&e->top, memory_order_relaxed);
    check_states_and_free_entries(e, top);
    check_summaries(e);
    /* Chunks exist up to the one holding top. */
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_chunk_first_id(c) < top; c++)
        GCW_ASSERT(atomic_load_explicit(&e->chunk[c], memory_order_relaxed) != NULL);
    GCW_ASSERT(e->stride == (e->kind == GCW_KIND_SET ? 1u : 2u));
}
#endif
