/* SPDX-License-Identifier: MIT */
/* gcweak_strerror: a distinct, non-empty message for every code. */
#include "harness.h"

#include <string.h>

START_TEST(every_code_has_its_own_message)
{
    int codes[] = {GCWEAK_OK, GCWEAK_EINVAL, GCWEAK_ENOMEM, 12345, -999};
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *msg = gcweak_strerror(codes[i]);
        ck_assert_ptr_nonnull(msg);
        ck_assert_int_gt((int)strlen(msg), 0);
        for (size_t j = 0; j < i && j < 3; j++)
            ck_assert_str_ne(msg, gcweak_strerror(codes[j]));
    }
    ck_assert_str_eq(gcweak_strerror(12345), gcweak_strerror(-999));
    ck_assert_int_lt(GCWEAK_EINVAL, 0);
    ck_assert_int_lt(GCWEAK_ENOMEM, 0);
    ck_assert_int_ne(GCWEAK_EINVAL, GCWEAK_ENOMEM);
}
END_TEST

Suite *errors_suite(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("strerror");
    tcase_add_test(tc, every_code_has_its_own_message);
    suite_add_tcase(s, tc);
    return s;
}
