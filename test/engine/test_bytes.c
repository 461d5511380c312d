/* SPDX-License-Identifier: MIT */
/*
 * Byte-string keys: equal bytes hash alike within a process, a process's
 * seed is its own, and keys that share long prefixes or differ in their
 * last byte spread over the index as random ones do.
 */
#define _POSIX_C_SOURCE 200809L
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(equal_bytes_hash_alike_and_copies_compare_equal)
{
    struct gcw_key a = gcw_key_of_bytes("symbol", 6);
    struct gcw_key b = gcw_key_of_bytes("symbol", 6);
    struct gcw_key c = gcw_key_of_bytes("symbol\0", 7);
    struct gcw_key e1 = gcw_key_of_bytes(NULL, 0), e2 = gcw_key_of_bytes("", 0);
    ck_assert_uint_eq(a.hash, b.hash);
    ck_assert_uint_ne(a.hash, c.hash);
    ck_assert_uint_eq(e1.hash, e2.hash);
    struct gcw_bytes *copy = gcw_bytes_copy(&a);
    ck_assert_ptr_nonnull(copy);
    ck_assert(gcw_bytes_equal(copy, &b));
    ck_assert(!gcw_bytes_equal(copy, &c));
    struct gcw_key stored = gcw_key_of_stored_bytes(copy);
    ck_assert_uint_eq(stored.hash, a.hash);
    ck_assert_uint_eq(stored.fingerprint, a.fingerprint);
}
END_TEST

/* Keys made to collide under a fixed hash spread under the seeded one:
 * the longest run of consecutive occupied home slots stays short. */
static size_t longest_run(const char *prefix, size_t n, size_t capacity)
{
    struct gcw_index ix_shape;
    memset(&ix_shape, 0, sizeof ix_shape);
    ix_shape.capacity = capacity;
    unsigned char *taken = calloc(capacity, 1);
    ck_assert_ptr_nonnull(taken);
    char key[200];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(key, sizeof key, "%s%08zu", prefix, i);
        struct gcw_key k = gcw_key_of_bytes(key, (size_t)len);
        size_t at = gcw_index_home(&ix_shape, k.hash);
        while (taken[at])
            at = at + 1 < capacity ? at + 1 : 0;
        taken[at] = 1;
    }
    size_t longest = 0, run = 0;
    for (size_t i = 0; i < 2 * capacity; i++) {
        run = taken[i % capacity] ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    free(taken);
    return longest;
}

START_TEST(shared_prefixes_spread_like_random_keys)
{
    enum { N = 20000, CAPACITY = 40000 };
    char prefix[150];
    memset(prefix, 'p', sizeof prefix - 1);
    prefix[sizeof prefix - 1] = '\0';
    size_t shared = longest_run(prefix, N, CAPACITY);
    size_t short_keys = longest_run("", N, CAPACITY);
    /* At a load of one half, linear probing's longest run over 40,000
     * slots is a few dozen; a hash the prefix fooled would make it N. */
    ck_assert_uint_lt(shared, 200);
    ck_assert_uint_lt(short_keys, 200);
}
END_TEST

#if defined(__linux__)
/* The hash of "abc" in a fresh process of this program. */
static unsigned long long hash_in_child(void)
{
    char self[4096], command[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert(n > 0);
    self[n] = '\0';
    (void)snprintf(command, sizeof command, "'%s' --hash abc", self);
    FILE *p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    unsigned long long h = 0;
    ck_assert_int_eq(fscanf(p, "%llx", &h), 1);
    ck_assert_int_eq(pclose(p), 0);
    return h;
}

START_TEST(two_processes_hash_one_key_differently)
{
    unsigned long long a = hash_in_child(), b = hash_in_child();
    unsigned long long here = gcw_key_of_bytes("abc", 3).hash;
    /* Three independent 64-bit seeds: equal hashes would mean a fixed one. */
    ck_assert(a != b || b != here);
    ck_assert_uint_ne(a, b);
}
END_TEST
#endif

Suite *bytes_suite(void)
{
    Suite *s = suite_create("bytes");
    TCase *tc = tcase_create("byte-string keys");
    tcase_add_test(tc, equal_bytes_hash_alike_and_copies_compare_equal);
    tcase_add_test(tc, shared_prefixes_spread_like_random_keys);
#if defined(__linux__)
    tcase_add_test(tc, two_processes_hash_one_key_differently);
#endif
    suite_add_tcase(s, tc);
    return s;
}
