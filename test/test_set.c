/* SPDX-License-Identifier: MIT */
/* gcweak_set: every operation's contract, with keys kept alive throughout. */
#include "harness.h"

enum { N = 20000 };

START_TEST(add_has_delete_size)
{
    gcweak_set *s = gcweak_set_new();
    ck_assert_ptr_nonnull(s);
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_key(16);
        ck_assert_int_eq(gcweak_set_add(s, keys[i]), GCWEAK_OK);
    }
    for (size_t i = 0; i < N; i += 3) /* adding again changes nothing */
        ck_assert_int_eq(gcweak_set_add(s, keys[i]), GCWEAK_OK);
    ck_assert_uint_eq(gcweak_set_size(s), N);
    for (size_t i = 0; i < N; i++)
        ck_assert(gcweak_set_has(s, keys[i]));
    ck_assert(!gcweak_set_has(s, new_key(16)));
    size_t deleted = 0;
    for (size_t i = 0; i < N; i += 3, deleted++)
        ck_assert(gcweak_set_delete(s, keys[i]));
    ck_assert(!gcweak_set_delete(s, keys[0]));
    ck_assert_uint_eq(gcweak_set_size(s), N - deleted);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(gcweak_set_has(s, keys[i]), i % 3 != 0);
    collect(2);
    ck_assert_uint_eq(gcweak_set_size(s), N - deleted);
    gcweak_set_clear(s);
    ck_assert_uint_eq(gcweak_set_size(s), 0);
    for (size_t i = 0; i < N; i++)
        ck_assert(!gcweak_set_has(s, keys[i]));
    ck_assert_int_eq(gcweak_set_add(s, keys[1]), GCWEAK_OK);
    collect(2);
    ck_assert(gcweak_set_has(s, keys[1]));
    ck_assert_uint_eq(gcweak_set_size(s), 1);
}
END_TEST

Suite *set_suite(void)
{
    Suite *s = suite_create("set");
    TCase *tc = tcase_create("contract");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, add_has_delete_size);
    suite_add_tcase(s, tc);
    return s;
}
