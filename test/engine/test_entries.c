/* SPDX-License-Identifier: MIT */
/*
 * The entry storage on its own: where entry numbers live, the entry
 * states, reuse of the lowest free entry, the flags' layout, and walks.
 */
#include "engine.h"

#include <stdint.h>

static void *new_object(void)
{
    void *p = GC_MALLOC(16);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Chunks come in pairs of one size, 16 << (c / 2) entries each, numbered
 * on from the chunks before them. */
START_TEST(entry_numbers_map_to_pairs_of_doubling_chunks)
{
    static const struct {
        size_t id;
        unsigned chunk;
        size_t at;
    } places[] = {{0, 0, 0},  {15, 0, 15}, {16, 1, 0}, {31, 1, 15},
                  {32, 2, 0}, {63, 2, 31}, {64, 3, 0}, {96, 4, 0}};
    struct gcw_place p;
    for (size_t j = 0; j < sizeof places / sizeof places[0]; j++) {
        p = gcw_entry_place(places[j].id);
        ck_assert_msg(p.chunk == places[j].chunk && p.at == places[j].at,
                      "entry %zu: chunk %u at %zu", places[j].id, p.chunk, p.at);
    }
    ck_assert_uint_eq(gcw_chunk_length(4), 64);
    /* Each chunk begins where the one before it ends. */
    for (unsigned c = 1; c < GCW_CHUNKS; c++)
        ck_assert_uint_eq(gcw_chunk_first_id(c),
                          gcw_chunk_first_id(c - 1) + gcw_chunk_length(c - 1));
    for (size_t id = 0; id < 200000; id++) {
        p = gcw_entry_place(id);
        ck_assert_uint_eq(gcw_chunk_first_id(p.chunk) + p.at, id);
        ck_assert_uint_lt(p.at, gcw_chunk_length(p.chunk));
    }
    /* The last entry number an index can name lies in the last chunk. */
    p = gcw_entry_place(GCW_MAX_ENTRIES - 1);
    ck_assert_uint_eq(p.chunk, GCW_CHUNKS - 1);
    ck_assert_uint_eq(p.at, gcw_chunk_length(GCW_CHUNKS - 1) - 1);
}
END_TEST

/* Set, delete, reuse: the lowest free entry is taken first, top grows only
 * when none is free, and the states hold after every step. */
START_TEST(the_lowest_free_entry_is_reused_first)
{
    enum { N = 300 };
    struct gcw_entries *e = new_entries(GCW_KIND_EPHEMERON, N);
    void **keys = GC_MALLOC(N * sizeof *keys);
    ck_assert_ptr_nonnull(keys);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_object();
        ck_assert_uint_eq(add_entry(e, keys[i], (void *)(uintptr_t)(i + 1)), i);
    }
    ck_assert_uint_eq(atomic_load(&e->top), N);
    ck_assert_uint_eq(gcw_entries_count_live(e), N);
    check_entries(e);
    /* Delete three across two chunks: they come back lowest first. */
    size_t gone[] = {200, 17, 40};
    for (size_t i = 0; i < 3; i++) {
        ck_assert(!gcw_entries_delete(e, gone[i]));
        ck_assert(!gcw_entries_in_use(e, gone[i]));
        ck_assert_uint_eq(atomic_load(gcw_entry_key(e, gone[i])), GCW_KEY_NONE);
        ck_assert_ptr_null(atomic_load(gcw_entry_value(gcw_entry_key(e, gone[i]))));
        check_entries(e);
    }
    ck_assert_uint_eq(e->free_count, 3);
    ck_assert_uint_eq(gcw_entries_count_live(e), N - 3);
    ck_assert_uint_eq(add_entry(e, keys[17], NULL), 17);
    ck_assert_uint_eq(add_entry(e, keys[40], NULL), 40);
    ck_assert_uint_eq(add_entry(e, keys[200], NULL), 200);
    ck_assert_uint_eq(add_entry(e, new_object(), NULL), N); /* none free: top */
    ck_assert_uint_eq(e->free_count, 0);
    check_entries(e);
    /* An entry whose key the collector cleared is dead: in use, no key. */
    atomic_store(gcw_entry_key(e, 5), GCW_KEY_CLEARED);
    ck_assert(gcw_entries_in_use(e, 5));
    ck_assert_uint_eq(gcw_entries_count_live(e), N);
    check_entries(e);
}
END_TEST

/* Reuse far from the hint: frees thousands of entries apart, across
 * chunks, in-use words and the summary words that skip 64 of them at a
 * time, come back lowest first; the hint is exact after appends, so the
 * first free entry found after them is the one just freed. */
START_TEST(free_entries_far_apart_come_back_lowest_first)
{
    enum { N = 300000 };
    struct gcw_entries *e = new_entries(GCW_KIND_SET, N + 1);
    void **keys = GC_MALLOC(N * sizeof *keys);
    ck_assert_ptr_nonnull(keys);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_object();
        ck_assert_uint_eq(add_entry(e, keys[i], NULL), i);
    }
    /* Chunk starts and ends, word edges, and entries 4096 and more apart
     * inside the largest chunk (one summary word covers 4096). */
    size_t gone[] = {N - 1, 3, 96, 159, 160, 1000, 4095, 4096, 70000, 70063, 70064,
                     131039, 131040, 200000, 262111, 262112, 266208, 299999 - 64};
    enum { GONE = sizeof gone / sizeof gone[0] };
    ck_assert(!gcw_entries_delete(e, N - 1));
    ck_assert_uint_eq(add_entry(e, keys[N - 1], NULL), N - 1);
    for (size_t j = 0; j < GONE; j++)
        ck_assert(!gcw_entries_delete(e, gone[j]));
    check_entries(e);
    size_t last = 0;
    for (size_t j = 0; j < GONE; j++) {
        size_t id = add_entry(e, new_object(), NULL);
        ck_assert_msg(j == 0 || id > last, "reuse %zu took %zu after %zu", j, id, last);
        bool freed = false;
        for (size_t k = 0; k < GONE; k++)
            freed |= gone[k] == id;
        ck_assert_msg(freed, "reuse %zu took %zu, which was not free", j, id);
        last = id;
    }
    ck_assert_uint_eq(e->free_count, 0);
    ck_assert_uint_eq(add_entry(e, new_object(), NULL), N); /* none free: top */
    check_entries(e);
    /* Freed again and reused again: the summary follows both ways. */
    ck_assert(!gcw_entries_delete(e, 200000));
    ck_assert(!gcw_entries_delete(e, 4096));
    ck_assert_uint_eq(add_entry(e, keys[4096], NULL), 4096);
    ck_assert_uint_eq(add_entry(e, keys[200000], NULL), 200000);
    check_entries(e);
}
END_TEST

/* Value words sit beside key words in maps; sets have key words only. */
START_TEST(maps_keep_values_beside_keys_and_sets_none)
{
    struct gcw_entries *m = new_entries(GCW_KIND_WEAK_KEYS, 64);
    struct gcw_entries *s = new_entries(GCW_KIND_SET, 64);
    ck_assert_uint_eq(m->stride, 2);
    ck_assert_uint_eq(s->stride, 1);
    void *k = new_object();
    size_t a = add_entry(m, k, k);
    size_t b = add_entry(m, new_object(), NULL);
    ck_assert_ptr_eq((char *)gcw_entry_key(m, b), (char *)gcw_entry_key(m, a) + 2 * sizeof(gcw_word));
    ck_assert_ptr_eq(atomic_load(gcw_entry_value(gcw_entry_key(m, a))), k);
    size_t c = add_entry(s, k, NULL);
    size_t d = add_entry(s, new_object(), NULL);
    ck_assert_ptr_eq((char *)gcw_entry_key(s, d), (char *)gcw_entry_key(s, c) + sizeof(gcw_word));
    check_entries(m);
    check_entries(s);
}
END_TEST

/* An entry's three flags are three adjacent words, one per 64 entries, so
 * that one cache line holds them; each flag is its own bit. */
START_TEST(an_entrys_flags_share_one_line)
{
    struct gcw_entries *e = new_entries(GCW_KIND_EPHEMERON, 600);
    struct gcw_span s;
    size_t i = gcw_entries_span_of(e, 300, &s);
    ck_assert_uint_eq(s.first_id + i, 300);
    ck_assert_ptr_eq(gcw_flag_word(&s, i, GCW_PENDING_REMOVAL), gcw_flag_word(&s, i, GCW_IN_USE) + 1);
    ck_assert_ptr_eq(gcw_flag_word(&s, i, GCW_UNLINK), gcw_flag_word(&s, i, GCW_IN_USE) + 2);
    ck_assert_ptr_eq(gcw_flag_word(&s, i + 64, GCW_IN_USE), gcw_flag_word(&s, i, GCW_IN_USE) + GCW_FLAGS);
    ck_assert_ptr_eq(gcw_flag_word(&s, i + 1, GCW_IN_USE), gcw_flag_word(&s, i, GCW_IN_USE));
    gcw_flag_set(&s, i, GCW_UNLINK, true);
    ck_assert(gcw_flag_get(&s, i, GCW_UNLINK));
    ck_assert(!gcw_flag_get(&s, i, GCW_IN_USE) && !gcw_flag_get(&s, i, GCW_PENDING_REMOVAL));
    ck_assert(!gcw_flag_get(&s, i + 1, GCW_UNLINK));
    gcw_flag_set(&s, i, GCW_UNLINK, false);
    ck_assert_uint_eq(atomic_load(gcw_flag_word(&s, i, GCW_UNLINK)), 0);
}
END_TEST

/* The flag scan crosses flag words and stops at the span's end. */
START_TEST(the_flag_scan_crosses_words)
{
    struct gcw_entries *e = new_entries(GCW_KIND_EPHEMERON, 2000);
    for (size_t i = 0; i < 2000; i++)
        (void)add_entry(e, new_object(), NULL);
    struct gcw_span s;
    ck_assert(gcw_entries_span(e, 10, &s)); /* entries 992..1503, all below top */
    ck_assert_uint_eq(s.first_id, 992);
    ck_assert_uint_eq(s.n, 512);
    size_t marked[] = {3, 63, 64, 130, 500};
    for (size_t j = 0; j < 5; j++)
        gcw_flag_set(&s, marked[j], GCW_PENDING_REMOVAL, true);
    size_t seen[5] = {0};
    size_t n = 0;
    for (size_t i = gcw_span_next_flagged(&s, 0, GCW_PENDING_REMOVAL); i < s.n;
         i = gcw_span_next_flagged(&s, i + 1, GCW_PENDING_REMOVAL)) {
        ck_assert_uint_lt(n, 5);
        seen[n++] = i;
    }
    ck_assert_uint_eq(n, 5);
    for (size_t j = 0; j < 5; j++)
        ck_assert_uint_eq(seen[j], marked[j]);
    ck_assert_uint_eq(gcw_span_next_flagged(&s, 501, GCW_PENDING_REMOVAL), s.n);
    /* Chunk 11 holds the rest, up to top; chunk 12 starts at 2016, past
     * top: no span. */
    ck_assert(gcw_entries_span(e, 11, &s));
    ck_assert_uint_eq(s.n, 2000 - 1504);
    ck_assert(!gcw_entries_span(e, 12, &s));
}
END_TEST

/* Walks see every entry below top, chunk by chunk, in number order; clear
 * forgets them all. */
START_TEST(walks_see_every_entry_in_order)
{
    enum { N = 5000 };
    struct gcw_entries *e = new_entries(GCW_KIND_EPHEMERON, N);
    for (size_t i = 0; i < N; i++)
        (void)add_entry(e, new_object(), (void *)(uintptr_t)i);
    size_t next = 0;
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(e, s)
        for (size_t i = 0; i < s.n; i++) {
            ck_assert_uint_eq(s.first_id + i, next);
            ck_assert_ptr_eq(atomic_load(gcw_span_value(&s, i)), (void *)(uintptr_t)next);
            ck_assert_ptr_eq(gcw_span_key(&s, i), gcw_entry_key(e, next));
            next++;
        }
    ck_assert_uint_eq(next, N);
    ck_assert_uint_gt(gcw_entries_bytes(e), N * 2 * sizeof(gcw_word));
    gcw_entries_clear(e);
    ck_assert_uint_eq(atomic_load(&e->top), 0);
    ck_assert_uint_eq(gcw_entries_count_live(e), 0);
    ck_assert_ptr_null(gcw_entry_key(e, 0));
    check_entries(e);
}
END_TEST

Suite *entries_suite(void)
{
    Suite *s = suite_create("entries");
    TCase *tc = tcase_create("storage");
    tcase_add_test(tc, entry_numbers_map_to_pairs_of_doubling_chunks);
    tcase_add_test(tc, the_lowest_free_entry_is_reused_first);
    tcase_add_test(tc, free_entries_far_apart_come_back_lowest_first);
    tcase_add_test(tc, maps_keep_values_beside_keys_and_sets_none);
    tcase_add_test(tc, an_entrys_flags_share_one_line);
    tcase_add_test(tc, the_flag_scan_crosses_words);
    tcase_add_test(tc, walks_see_every_entry_in_order);
    suite_add_tcase(s, tc);
    return s;
}
