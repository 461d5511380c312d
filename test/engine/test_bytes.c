/* SPDX-License-Identifier: MIT */
/*
 * Byte-string keys: the hash is SipHash-1-3 at every length and alignment,
 * equal bytes hash alike within a process, a process's seed is its own,
 * and keys that share long prefixes or differ in their last byte spread
 * over the index as random ones do.
 */
#define _POSIX_C_SOURCE 200809L
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SipHash with c compression and d finalisation rounds, written from the
 * paper byte by byte, as slowly and plainly as it can be: what the
 * library's word loads must agree with. */
static uint64_t ref_rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64u - b));
}

static void ref_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = ref_rotl(v[1], 13) ^ v[0];
    v[0] = ref_rotl(v[0], 32);
    v[2] += v[3];
    v[3] = ref_rotl(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = ref_rotl(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = ref_rotl(v[1], 17) ^ v[2];
    v[2] = ref_rotl(v[2], 32);
}

static uint64_t ref_siphash(int c, int d, uint64_t k0, uint64_t k1, const unsigned char *p,
                            size_t len)
{
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575u, k1 ^ 0x646f72616e646f6du,
                     k0 ^ 0x6c7967656e657261u, k1 ^ 0x7465646279746573u};
    for (size_t block = 0; block <= len / 8; block++) {
        uint64_t m = 0;
        for (size_t i = 0; i < 8; i++) {
            size_t at = block * 8 + i;
            if (at < len)
                m |= (uint64_t)p[at] << (8 * i);
        }
        if (block == len / 8)
            m |= (uint64_t)(len & 0xff) << 56;
        v[3] ^= m;
        for (int r = 0; r < c; r++)
            ref_round(v);
        v[0] ^= m;
    }
    v[2] ^= 0xff;
    for (int r = 0; r < d; r++)
        ref_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* The key 00 01 .. 0f, as the published vectors use it. */
static const uint64_t VK0 = 0x0706050403020100u, VK1 = 0x0f0e0d0c0b0a0908u;

START_TEST(the_hash_is_siphash13_at_every_length_and_alignment)
{
    /* The reference is right: SipHash-2-4's published results for the
     * empty message and for 00 01 .. 0e (the paper's example). */
    unsigned char msg[15];
    for (unsigned i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)i;
    ck_assert_uint_eq(ref_siphash(2, 4, VK0, VK1, msg, 0), 0x726fdb47dd0e0e31u);
    ck_assert_uint_eq(ref_siphash(2, 4, VK0, VK1, msg, 15), 0xa129ca6149be45e5u);
    /* The library's SipHash-1-3 agrees with it on every length up to a
     * few words, at every offset from an aligned address (the loads of
     * whole words and of the last few bytes), under two keys. */
    enum { MAX_LEN = 70, OFFSETS = 8 };
    static unsigned char buf[MAX_LEN + OFFSETS];
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    const uint64_t keys[2][2] = {{VK0, VK1}, {0xdeadbeefcafef00du, 0x0123456789abcdefu}};
    for (int k = 0; k < 2; k++)
        for (size_t off = 0; off < OFFSETS; off++)
            for (size_t len = 0; len <= MAX_LEN; len++)
                ck_assert_msg(gcw_siphash13(keys[k][0], keys[k][1], buf + off, len) ==
                                  ref_siphash(1, 3, keys[k][0], keys[k][1], buf + off, len),
                              "key %d, offset %zu, length %zu", k, off, len);
}
END_TEST

/* Keys of every short length compare equal to their copies and unequal
 * to a key that differs in any one byte: the comparison of 4 to 16 bytes
 * reads overlapping words, and a wrong overlap misses a byte. */
START_TEST(one_differing_byte_at_any_place_makes_keys_unequal)
{
    enum { MAX_LEN = 40 };
    unsigned char a[MAX_LEN], b[MAX_LEN];
    for (size_t len = 0; len <= MAX_LEN; len++) {
        for (size_t i = 0; i < len; i++)
            a[i] = (unsigned char)('a' + i * 7 % 26);
        struct gcw_key ka = gcw_key_of_bytes(a, len);
        struct gcw_bytes *copy = gcw_bytes_copy(&ka);
        ck_assert_ptr_nonnull(copy);
        ck_assert_msg(gcw_bytes_equal(copy, &ka), "length %zu", len);
        for (size_t at = 0; at < len; at++) {
            memcpy(b, a, len);
            b[at] ^= 0x20;
            /* The comparison itself, then through a key of its own hash. */
            ck_assert_msg(!gcw_same_bytes(copy->data, b, len), "length %zu, byte %zu", len, at);
            struct gcw_key kb = gcw_key_of_bytes(b, len);
            ck_assert(!gcw_bytes_equal(copy, &kb));
        }
    }
}
END_TEST

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
    tcase_add_test(tc, the_hash_is_siphash13_at_every_length_and_alignment);
    tcase_add_test(tc, one_differing_byte_at_any_place_makes_keys_unequal);
    tcase_add_test(tc, equal_bytes_hash_alike_and_copies_compare_equal);
    tcase_add_test(tc, shared_prefixes_spread_like_random_keys);
#if defined(__linux__)
    tcase_add_test(tc, two_processes_hash_one_key_differently);
#endif
    suite_add_tcase(s, tc);
    return s;
}
