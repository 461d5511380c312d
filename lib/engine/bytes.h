/* SPDX-License-Identifier: MIT */
/*
 * Byte-string keys (bytes.c): what weak-value maps are keyed by. A key is
 * copied into a pointer-free collector object that the map's entry holds
 * with an ordinary pointer, and hashed with a per-process random seed.
 */
#ifndef GCWEAK_BYTES_H
#define GCWEAK_BYTES_H

#include <string.h>

#include "links.h"

/* A stored key: its hash, computed once at insert, and its bytes. */
struct gcw_bytes {
    gcw_word hash;
    size_t len;
    unsigned char data[];
};

/* SipHash-1-3 of the `len` bytes at p under the key (k0, k1), the
 * reference algorithm's result on every platform. */
uint64_t gcw_siphash13(uint64_t k0, uint64_t k1, const unsigned char *p, size_t len);

/* The seeded hash of the `len` bytes at p. */
gcw_word gcw_bytes_hash(const unsigned char *p, size_t len);

/* The key of `len` bytes at `key` (which may be NULL when len is 0), with
 * its seeded hash and fingerprint; word 0 until a copy is stored. Built
 * here, around a hash that comes back in a register: a key returned from
 * another file comes back through memory, and the caller's wider loads of
 * it wait for the stores to retire. */
static inline struct gcw_key gcw_key_of_bytes(const void *key, size_t len)
{
    const unsigned char *p = key != NULL ? key : (const unsigned char *)"";
    gcw_word h = gcw_bytes_hash(p, len);
    struct gcw_key k = {0, h, (uint32_t)h, p, len};
    return k;
}

/* A copy of k's bytes to store, or NULL when out of memory. Allocates: no
 * table mutex held. */
struct gcw_bytes *gcw_bytes_copy(const struct gcw_key *k);

/* The key of a stored copy. */
static inline struct gcw_key gcw_key_of_stored_bytes(const struct gcw_bytes *b)
{
    struct gcw_key k = {(gcw_word)b, b->hash, (uint32_t)b->hash, b->data, b->len};
    return k;
}

/* Whether the first n bytes at a and b, and the last n of their len
 * bytes, agree: two overlapping loads from each side, which cover all of
 * them when n <= len <= 2n. n is a constant where this is inlined. */
static GCW_ALWAYS_INLINE bool gcw_same_ends(const unsigned char *a, const unsigned char *b,
                                            size_t len, size_t n)
{
    uint64_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    memcpy(&a0, a, n);
    memcpy(&b0, b, n);
    memcpy(&a1, a + len - n, n);
    memcpy(&b1, b + len - n, n);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/* Whether the len bytes at a and at b are the same. Keys of 4 to 16
 * bytes, the common ones, compare as overlapping words: a call to memcmp
 * costs more than such a comparison, on every lookup. */
static inline bool gcw_same_bytes(const unsigned char *a, const unsigned char *b, size_t len)
{
    if (len >= 8 && len <= 16)
        return gcw_same_ends(a, b, len, 8);
    if (len >= 4 && len < 8)
        return gcw_same_ends(a, b, len, 4);
    return len == 0 || memcmp(a, b, len) == 0;
}

static inline bool gcw_bytes_equal(const struct gcw_bytes *b, const struct gcw_key *k)
{
    return b->hash == k->hash && b->len == k->len && gcw_same_bytes(b->data, k->bytes, k->len);
}

#endif /* GCWEAK_BYTES_H */
