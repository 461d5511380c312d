/* SPDX-License-Identifier: MIT */
/*
 * Byte-string keys: copied, and hashed with SipHash-1-3 under a key drawn
 * once per process from the kernel.
 *
 * Keys of weak-value maps come from program input (symbol names from a
 * parsed file, URLs). With a fixed hash, whoever chooses the input could
 * choose keys that all land on one probe run and make every operation walk
 * it; a keyed hash (Aumasson and Bernstein's SipHash, with one compression
 * and three finalisation rounds, the variant hash tables use) makes that
 * guess impossible, and costs a key sharing a long prefix with others, or
 * differing only in its last byte, what a random key of its length costs.
 * The seed differs per process, so two processes hash one key differently.
 */
#if !defined(_WIN32) && !defined(_DEFAULT_SOURCE)
#  define _DEFAULT_SOURCE // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#endif
#include "bytes.h"

#include <stdatomic.h>
#include <time.h>

#if defined(__linux__)
#  include <sys/random.h>
#endif

static uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64u - b));
}

struct sip {
    uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip *s)
{
    s->v0 += s->v1;
    s->v1 = rotl(s->v1, 13) ^ s->v0;
    s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = rotl(s->v3, 16) ^ s->v2;
    s->v0 += s->v3;
    s->v3 = rotl(s->v3, 21) ^ s->v0;
    s->v2 += s->v1;
    s->v1 = rotl(s->v1, 17) ^ s->v2;
    s->v2 = rotl(s->v2, 32);
}

/* Little-endian loads of unaligned bytes. memcpy is what lets a compiler
 * make each one a single load: a loop of shifted bytes stays a loop, eight
 * loads and shifts a word. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static uint64_t load_le(const unsigned char *p, size_t n)
{
    if (n == 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        return x;
    }
    if (n == 4) {
        uint32_t x;
        memcpy(&x, p, 4);
        return x;
    }
    if (n == 2) {
        uint16_t x;
        memcpy(&x, p, 2);
        return x;
    }
    return n == 1 ? p[0] : 0;
}
#else
static uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}
#endif

/* The last len % 8 bytes (fewer than eight), as the low bytes of a word:
 * at most three loads, of four, two and one bytes. */
static uint64_t load_tail(const unsigned char *p, size_t n)
{
    uint64_t x = 0;
    size_t at = 0;
    if (n >= 4) {
        x = load_le(p, 4);
        at = 4;
    }
    if (n - at >= 2) {
        x |= load_le(p + at, 2) << (8 * at);
        at += 2;
    }
    if (n > at)
        x |= load_le(p + at, 1) << (8 * at);
    return x;
}

uint64_t gcw_siphash13(uint64_t k0, uint64_t k1, const unsigned char *p, size_t len)
{
    struct sip s = {k0 ^ 0x736f6d6570736575u, k1 ^ 0x646f72616e646f6du,
                    k0 ^ 0x6c7967656e657261u, k1 ^ 0x7465646279746573u};
    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = load_le(p + i, 8);
        s.v3 ^= m;
        sip_round(&s);
        s.v0 ^= m;
    }
    uint64_t last = ((uint64_t)len << 56) | load_tail(p + whole, len % 8);
    s.v3 ^= last;
    sip_round(&s);
    s.v0 ^= last;
    s.v2 ^= 0xff;
    for (int i = 0; i < 3; i++)
        sip_round(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

/* The process's hash key; drawn on first use. Racing threads may both
 * draw: the first to store wins, and nothing was hashed before. */
static _Atomic uint64_t seed[2];
static atomic_bool seeded;

static void draw_seed(void)
{
    uint64_t s[2] = {0, 0};
#if defined(__linux__)
    if (getrandom(s, sizeof s, 0) != (ssize_t)sizeof s)
#endif
    {
        /* No kernel randomness: the clock and an address, which still
         * differ between processes and runs. */
        struct timespec ts;
        (void)timespec_get(&ts, TIME_UTC);
        s[0] = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15u ^ (uint64_t)ts.tv_sec;
        s[1] = (uint64_t)(uintptr_t)&ts ^ rotl(s[0], 29);
    }
    static gcw_mutex lock = GCW_MUTEX_INIT;
    gcw_mutex_lock(&lock);
    if (!atomic_load_explicit(&seeded, memory_order_relaxed)) {
        atomic_store_explicit(&seed[0], s[0], memory_order_relaxed);
        atomic_store_explicit(&seed[1], s[1], memory_order_relaxed);
        atomic_store_explicit(&seeded, true, memory_order_release);
    }
    gcw_mutex_unlock(&lock);
}

gcw_word gcw_bytes_hash(const unsigned char *p, size_t len)
{
    if (!atomic_load_explicit(&seeded, memory_order_acquire))
        draw_seed();
    return (gcw_word)gcw_siphash13(atomic_load_explicit(&seed[0], memory_order_relaxed),
                                   atomic_load_explicit(&seed[1], memory_order_relaxed), p, len);
}

struct gcw_bytes *gcw_bytes_copy(const struct gcw_key *k)
{
    if (k->len > SIZE_MAX - sizeof(struct gcw_bytes))
        return NULL;
    struct gcw_bytes *b = gcw_alloc_pointer_free(sizeof *b + k->len);
    if (b == NULL)
        return NULL;
    b->hash = k->hash;
    b->len = k->len;
    if (k->len > 0)
        memcpy(b->data, k->bytes, k->len);
    return b;
}
