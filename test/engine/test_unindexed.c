/* SPDX-License-Identifier: MIT */
/*
 * Tables without an index: many entries on one key, each dropped by its
 * number and only while it holds the value it was added with; dropped
 * entries come back lowest first, and no index is ever made.
 */
#include "engine.h"

#include "unindexed.h"

struct holder {
    struct gcw_table table;
};

START_TEST(entries_of_one_key_are_dropped_by_number_and_value)
{
    enum { N = 3000 };
    struct holder *h = GC_MALLOC(sizeof *h);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(gcw_table_init_unindexed(&h->table, h, GCW_KIND_WEAK_KEYS), GCWEAK_OK);
    struct gcw_table *t = &h->table;
    void *key = GC_MALLOC(16);
    void **values = GC_MALLOC(N * sizeof *values);
    size_t *ids = GC_MALLOC_ATOMIC(N * sizeof *ids);
    ck_assert(key != NULL && values != NULL && ids != NULL);
    for (size_t i = 0; i < N; i++) {
        values[i] = GC_MALLOC(16);
        ck_assert_ptr_nonnull(values[i]);
        /* An interior pointer names the same key. */
        ck_assert_int_eq(gcw_table_append(t, (char *)key + (i & 1), key, values[i], &ids[i]),
                         GCWEAK_OK);
        ck_assert_uint_eq(ids[i], i);
    }
    ck_assert_uint_eq(gcw_table_size(t), N);
    ck_assert_ptr_null(atomic_load(&t->indexes.published));
    /* Another entry's value, or a number past the top: nothing dropped. */
    ck_assert(!gcw_table_drop(t, ids[1], values[2]));
    ck_assert(!gcw_table_drop(t, N + 5, values[2]));
    ck_assert_uint_eq(gcw_table_size(t), N);
    for (size_t i = 0; i < N; i += 2)
        ck_assert(gcw_table_drop(t, ids[i], values[i]));
    ck_assert(!gcw_table_drop(t, ids[0], values[0])); /* once */
    ck_assert_uint_eq(gcw_table_size(t), N / 2);
    /* The freed numbers are taken again, lowest first, before the top. */
    for (size_t i = 0; i < N; i += 2) {
        size_t id = SIZE_MAX;
        ck_assert_int_eq(gcw_table_append(t, key, key, values[i], &id), GCWEAK_OK);
        ck_assert_uint_eq(id, i);
    }
    ck_assert_uint_eq(gcw_table_size(t), N);
    ck_assert_uint_eq(atomic_load(&t->entries.top), N);
    ck_assert_ptr_null(atomic_load(&t->indexes.published));
}
END_TEST

Suite *unindexed_suite(void)
{
    Suite *s = suite_create("unindexed");
    TCase *tc = tcase_create("unindexed");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, entries_of_one_key_are_dropped_by_number_and_value);
    suite_add_tcase(s, tc);
    return s;
}
