/* SPDX-License-Identifier: MIT */
/* gcweak_map_stats and gcweak_set_stats: what they report about the table. */
#include "harness.h"

enum { N = 5000 };

START_TEST(stats_describe_the_table)
{
    gcweak_map *m = gcweak_map_new();
    gcweak_stats st;
    ck_assert_int_eq(gcweak_map_stats(m, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.entries, 0);
    ck_assert_uint_eq(st.capacity, 0);
    size_t empty_bytes = st.bytes;
    ck_assert_uint_gt(empty_bytes, 0);
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_tagged_key(i);
        gcweak_map_set(m, keys[i], (void *)1);
    }
    for (size_t i = 0; i < N; i += 4)
        gcweak_map_delete(m, keys[i]);
    ck_assert_int_eq(gcweak_map_stats(m, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.entries, N - N / 4);
    ck_assert_uint_ge(st.capacity, st.entries + st.dead_slots);
    ck_assert_uint_ge(st.dead_slots, N / 4);
    ck_assert_uint_ge(st.bytes, empty_bytes + st.capacity * 2 * sizeof(void *));
    size_t seen = st.collections;
    GC_gcollect();
    GC_gcollect();
    ck_assert_int_eq(gcweak_map_stats(m, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.collections, seen + 2);
    ck_assert_int_eq(gcweak_map_stats(NULL, &st), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_stats(m, NULL), GCWEAK_EINVAL);

    gcweak_set *s = gcweak_set_new();
    for (size_t i = 0; i < 100; i++)
        gcweak_set_add(s, keys[i + 1]);
    ck_assert_int_eq(gcweak_set_stats(s, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.entries, 100);
    ck_assert_int_eq(gcweak_set_stats(NULL, &st), GCWEAK_EINVAL);
}
END_TEST

Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("table figures");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, stats_describe_the_table);
    suite_add_tcase(s, tc);
    return s;
}
