/* SPDX-License-Identifier: MIT */
/* Maps made with GCWEAK_MAP_POINTER_FREE_VALUES: their values are words the
 * collector never follows, so a value that happens to be an address keeps
 * nothing alive. */
#include "harness.h"

enum { N = 5000 };

/* Each value is the address of an object nothing else references. */
static NOINLINE void store_addresses(gcweak_map *m, void **keys, size_t n,
                                     atomic_long *finalized)
{
    for (size_t i = 0; i < n; i++)
        gcweak_map_set(m, keys[i], new_counted_value(32, finalized));
}

START_TEST(pointer_free_values_keep_nothing_alive)
{
    atomic_long finalized = 0;
    gcweak_map_options opt = {.flags = GCWEAK_MAP_POINTER_FREE_VALUES};
    gcweak_map *m = gcweak_map_new_with(&opt);
    ck_assert_ptr_nonnull(m);
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++)
        keys[i] = new_tagged_key(i);
    store_addresses(m, keys, N, &finalized);
    collect(3);
    /* The keys live, their entries too, but the addresses kept nothing. */
    ck_assert_uint_eq(gcweak_map_size(m), N);
    ck_assert_int_ge(atomic_load(&finalized), N - TOLERATED(N));
    for (size_t i = 0; i < N; i++)
        ck_assert_ptr_nonnull(gcweak_map_get(m, keys[i]));

    /* The default map, same values: all kept. */
    atomic_long kept_finalized = 0;
    gcweak_map *d = gcweak_map_new();
    store_addresses(d, keys, N, &kept_finalized);
    collect(3);
    ck_assert_int_eq(atomic_load(&kept_finalized), 0);
    ck_assert_uint_eq(gcweak_map_size(d), N); /* d itself must live that long */

    gcweak_map_options both = {.flags = GCWEAK_MAP_POINTER_FREE_VALUES | GCWEAK_MAP_WEAK_KEYS};
    ck_assert_ptr_null(gcweak_map_new_with(&both));
}
END_TEST

Suite *pointer_free_suite(void)
{
    Suite *s = suite_create("pointer_free");
    TCase *tc = tcase_create("values hold nothing");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, pointer_free_values_keep_nothing_alive);
    suite_add_tcase(s, tc);
    return s;
}
