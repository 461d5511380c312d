/* SPDX-License-Identifier: MIT */
/* Bad keys and containers: refused with an error, never a crash, and
 * nothing stored is lost. */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>

static int a_static;
enum { KEPT = 1000 };

/* Every pointer here is outside the collector's heap or reserved. */
static void bad_keys(const void **out, size_t *n, void *stack_local, void *malloced)
{
    size_t i = 0;
    out[i++] = NULL;
    out[i++] = &a_static;
    out[i++] = stack_local;
    out[i++] = malloced;
    out[i++] = (const void *)(uintptr_t)1;
    out[i++] = (const void *)UINTPTR_MAX; /* disguises to 0, the dead word */
    out[i++] = (const void *)(uintptr_t)(UINTPTR_MAX - 15);
    out[i++] = (const void *)gcweak_strerror; /* code */
    *n = i;
}

START_TEST(map_refuses_bad_keys_and_keeps_its_entries)
{
    gcweak_map *m = gcweak_map_new();
    void **kept = key_array(KEPT);
    for (size_t i = 0; i < KEPT; i++) {
        kept[i] = new_key(24);
        gcweak_map_set(m, kept[i], (void *)(uintptr_t)(i + 1));
    }
    int local;
    void *heap = malloc(32);
    const void *bad[16];
    size_t n;
    bad_keys(bad, &n, &local, heap);
    for (size_t b = 0; b < n; b++) {
        ck_assert_int_eq(gcweak_map_set(m, bad[b], (void *)7), GCWEAK_EINVAL);
        ck_assert_ptr_null(gcweak_map_get(m, bad[b]));
        ck_assert(!gcweak_map_has(m, bad[b]));
        void *v = (void *)3;
        ck_assert(!gcweak_map_lookup(m, bad[b], &v));
        ck_assert_ptr_eq(v, (void *)3);
        ck_assert(!gcweak_map_delete(m, bad[b]));
    }
    collect(2); /* a bad registration would crash here */
    ck_assert_uint_eq(gcweak_map_size(m), KEPT);
    for (size_t i = 0; i < KEPT; i++)
        ck_assert_ptr_eq(gcweak_map_get(m, kept[i]), (void *)(uintptr_t)(i + 1));
    free(heap);
}
END_TEST

START_TEST(set_refuses_bad_keys_and_keeps_its_entries)
{
    gcweak_set *s = gcweak_set_new();
    void **kept = key_array(KEPT);
    for (size_t i = 0; i < KEPT; i++) {
        kept[i] = new_key(24);
        gcweak_set_add(s, kept[i]);
    }
    int local;
    void *heap = malloc(32);
    const void *bad[16];
    size_t n;
    bad_keys(bad, &n, &local, heap);
    for (size_t b = 0; b < n; b++) {
        ck_assert_int_eq(gcweak_set_add(s, bad[b]), GCWEAK_EINVAL);
        ck_assert(!gcweak_set_has(s, bad[b]));
        ck_assert(!gcweak_set_delete(s, bad[b]));
    }
    collect(2);
    ck_assert_uint_eq(gcweak_set_size(s), KEPT);
    for (size_t i = 0; i < KEPT; i++)
        ck_assert(gcweak_set_has(s, kept[i]));
    free(heap);
}
END_TEST

START_TEST(null_containers_are_refused)
{
    void *k = new_key(16);
    void *v = (void *)5;
    ck_assert_int_eq(gcweak_map_set(NULL, k, v), GCWEAK_EINVAL);
    ck_assert_ptr_null(gcweak_map_get(NULL, k));
    ck_assert(!gcweak_map_lookup(NULL, k, &v));
    ck_assert_ptr_eq(v, (void *)5);
    ck_assert(!gcweak_map_has(NULL, k));
    ck_assert(!gcweak_map_delete(NULL, k));
    ck_assert_uint_eq(gcweak_map_size(NULL), 0);
    gcweak_map_clear(NULL);
    ck_assert_int_eq(gcweak_set_add(NULL, k), GCWEAK_EINVAL);
    ck_assert(!gcweak_set_has(NULL, k));
    ck_assert(!gcweak_set_delete(NULL, k));
    ck_assert_uint_eq(gcweak_set_size(NULL), 0);
    gcweak_set_clear(NULL);
}
END_TEST

Suite *keys_suite(void)
{
    Suite *s = suite_create("keys");
    TCase *tc = tcase_create("bad input");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, map_refuses_bad_keys_and_keeps_its_entries);
    tcase_add_test(tc, set_refuses_bad_keys_and_keeps_its_entries);
    tcase_add_test(tc, null_containers_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
