/* SPDX-License-Identifier: MIT */
/* gcweak_map: every operation's contract, with keys kept alive throughout. */
#include "harness.h"

#include <gc/gc_typed.h>
#include <stdint.h>

enum { N = 20000 };

static void *value_for(size_t i)
{
    return (void *)(uintptr_t)(i * 2 + 1);
}

START_TEST(set_then_get_every_key)
{
    gcweak_map *m = gcweak_map_new();
    ck_assert_ptr_nonnull(m);
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_key(16);
        ck_assert_int_eq(gcweak_map_set(m, keys[i], value_for(i)), GCWEAK_OK);
    }
    ck_assert_uint_eq(gcweak_map_size(m), N);
    for (size_t i = 0; i < N; i++) {
        ck_assert_ptr_eq(gcweak_map_get(m, keys[i]), value_for(i));
        ck_assert(gcweak_map_has(m, keys[i]));
        void *v = NULL;
        ck_assert(gcweak_map_lookup(m, keys[i], &v));
        ck_assert_ptr_eq(v, value_for(i));
    }
    void *stranger = new_key(16);
    ck_assert_ptr_null(gcweak_map_get(m, stranger));
    ck_assert(!gcweak_map_has(m, stranger));
}
END_TEST

START_TEST(lookup_tells_stored_null_from_absent)
{
    gcweak_map *m = gcweak_map_new();
    void *k = new_key(16), *absent = new_key(16);
    ck_assert_int_eq(gcweak_map_set(m, k, NULL), GCWEAK_OK);
    void *v = (void *)0x1;
    ck_assert(gcweak_map_lookup(m, k, &v));
    ck_assert_ptr_null(v);
    v = (void *)0x1;
    ck_assert(!gcweak_map_lookup(m, absent, &v));
    ck_assert_ptr_eq(v, (void *)0x1); /* untouched when absent */
    ck_assert(gcweak_map_lookup(m, k, NULL));
    ck_assert(gcweak_map_has(m, k));
    ck_assert_uint_eq(gcweak_map_size(m), 1);
}
END_TEST

START_TEST(set_replaces_without_growing)
{
    gcweak_map *m = gcweak_map_new();
    void *k = new_key(16);
    ck_assert_int_eq(gcweak_map_set(m, k, (void *)1), GCWEAK_OK);
    ck_assert_int_eq(gcweak_map_set(m, k, (void *)2), GCWEAK_OK);
    ck_assert_ptr_eq(gcweak_map_get(m, k), (void *)2);
    ck_assert_uint_eq(gcweak_map_size(m), 1);
}
END_TEST

START_TEST(delete_removes_only_its_key)
{
    gcweak_map *m = gcweak_map_new();
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_key(16);
        gcweak_map_set(m, keys[i], value_for(i));
    }
    for (size_t i = 0; i < N; i += 2)
        ck_assert(gcweak_map_delete(m, keys[i]));
    for (size_t i = 0; i < N; i += 2)
        ck_assert(!gcweak_map_delete(m, keys[i])); /* already gone */
    ck_assert_uint_eq(gcweak_map_size(m), N / 2);
    for (size_t i = 0; i < N; i++) {
        void *v = NULL;
        bool present = gcweak_map_lookup(m, keys[i], &v);
        ck_assert_int_eq(present, i % 2 == 1);
        if (present)
            ck_assert_ptr_eq(v, value_for(i));
    }
    /* Refill the deleted half: every key lands again, once. */
    for (size_t i = 0; i < N; i += 2)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], value_for(i + 7)), GCWEAK_OK);
    ck_assert_uint_eq(gcweak_map_size(m), N);
    for (size_t i = 0; i < N; i++)
        ck_assert_ptr_eq(gcweak_map_get(m, keys[i]), value_for(i % 2 ? i : i + 7));
}
END_TEST

START_TEST(clear_empties_and_map_stays_usable)
{
    gcweak_map *m = gcweak_map_new();
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_key(16);
        gcweak_map_set(m, keys[i], value_for(i));
    }
    gcweak_map_clear(m);
    ck_assert_uint_eq(gcweak_map_size(m), 0);
    for (size_t i = 0; i < N; i++)
        ck_assert(!gcweak_map_has(m, keys[i]));
    gcweak_map_clear(m); /* clearing an empty map is fine */
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], value_for(i + 1)), GCWEAK_OK);
    /* Cleared registrations must not come back to zero the new entries. */
    collect(2);
    ck_assert_uint_eq(gcweak_map_size(m), N);
    for (size_t i = 0; i < N; i++)
        ck_assert_ptr_eq(gcweak_map_get(m, keys[i]), value_for(i + 1));
}
END_TEST

START_TEST(any_collector_object_is_a_key)
{
    gcweak_map *m = gcweak_map_new();
    char *normal = GC_MALLOC(64);
    char *atomic_obj = GC_MALLOC_ATOMIC(64);
    char *uncollectable = GC_MALLOC_UNCOLLECTABLE(64);
    GC_word bitmap[GC_BITMAP_SIZE(void *[4])] = {0};
    GC_set_bit(bitmap, 0);
    GC_descr d = GC_make_descriptor(bitmap, 4);
    char *typed = GC_MALLOC_EXPLICITLY_TYPED(4 * sizeof(void *), d);
    char *large = GC_MALLOC(4 << 20);
    ck_assert_ptr_nonnull(typed);
    ck_assert_ptr_nonnull(large);
    const void *keys[] = {normal, atomic_obj, uncollectable, typed, large,
                          normal + 8, normal + 40, large + (3 << 20),
                          atomic_obj + 63};
    size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], value_for(i)), GCWEAK_OK);
    /* A pointer to an object and one into its middle are different keys. */
    ck_assert_uint_eq(gcweak_map_size(m), n);
    collect(2);
    ck_assert_uint_eq(gcweak_map_size(m), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_ptr_eq(gcweak_map_get(m, keys[i]), value_for(i));
    GC_reachable_here(normal);
    GC_reachable_here(atomic_obj);
    GC_reachable_here(typed);
    GC_reachable_here(large);
    /* uncollectable stays: freeing a key explicitly is undefined. */
}
END_TEST

START_TEST(values_of_live_keys_survive_collections)
{
    /* The map is the only holder of its values: they must stay intact. */
    enum { M = 5000 };
    atomic_long finalized = 0;
    gcweak_map *m = gcweak_map_new();
    void **keys = key_array(M);
    for (size_t i = 0; i < M; i++) {
        keys[i] = new_key(16);
        size_t *v = new_counted_value(sizeof(size_t) * 4, &finalized);
        v[0] = i;
        v[3] = ~i;
        gcweak_map_set(m, keys[i], v);
    }
    collect(4);
    ck_assert_int_eq(atomic_load(&finalized), 0);
    for (size_t i = 0; i < M; i++) {
        size_t *v = gcweak_map_get(m, keys[i]);
        ck_assert_ptr_nonnull(v);
        ck_assert_uint_eq(v[0], i);
        ck_assert_uint_eq(v[3], ~i);
    }
}
END_TEST

Suite *map_suite(void)
{
    Suite *s = suite_create("map");
    TCase *tc = tcase_create("contract");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, set_then_get_every_key);
    tcase_add_test(tc, lookup_tells_stored_null_from_absent);
    tcase_add_test(tc, set_replaces_without_growing);
    tcase_add_test(tc, delete_removes_only_its_key);
    tcase_add_test(tc, clear_empties_and_map_stays_usable);
    tcase_add_test(tc, any_collector_object_is_a_key);
    tcase_add_test(tc, values_of_live_keys_survive_collections);
    suite_add_tcase(s, tc);
    return s;
}
