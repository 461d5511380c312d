/* SPDX-License-Identifier: MIT */
/*
 * What the byte-string tables share (see bytes.h): the value an intern miss
 * makes and the seeded SipHash-1-3 of the benchmark's own tables. The
 * library's copy is internal to it; this one follows the same reference
 * algorithm (one compression round, three finalisation rounds).
 */
#include "bytes.h"

#include <stdlib.h>
#include <sys/random.h>

#include <gc/gc.h>

void *bench_new_value(void)
{
  void *v = GC_MALLOC_ATOMIC(16);
  if (v == NULL)
    abort();
  return v;
}

static inline uint64_t rotl(uint64_t x, unsigned b)
{
  return (x << b) | (x >> (64u - b));
}

#define SIPROUND                                                   \
  do {                                                             \
    v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32);           \
    v2 += v3; v3 = rotl(v3, 16) ^ v2;                              \
    v0 += v3; v3 = rotl(v3, 21) ^ v0;                              \
    v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32);           \
  } while (0)

static uint64_t seed[2];
static bool seeded;

/* Drawn once, in the single-threaded start of a child: every table of the
 * process hashes under the same key. */
static void draw_seed(void)
{
  if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
    seed[0] = 0x0706050403020100u ^ (uint64_t)(uintptr_t)&seed;
    seed[1] = 0x0f0e0d0c0b0a0908u;
  }
  seeded = true;
}

uint64_t bench_bytes_hash(const void *key, size_t len)
{
  if (!seeded)
    draw_seed();
  const unsigned char *p = key;
  uint64_t v0 = seed[0] ^ 0x736f6d6570736575u, v1 = seed[1] ^ 0x646f72616e646f6du;
  uint64_t v2 = seed[0] ^ 0x6c7967656e657261u, v3 = seed[1] ^ 0x7465646279746573u;
  size_t whole = len - len % 8;
  for (size_t i = 0; i < whole; i += 8) {
    uint64_t m = 0;
    for (unsigned b = 0; b < 8; b++)   /* one load on little-endian machines */
      m |= (uint64_t)p[i + b] << (8 * b);
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
  }
  uint64_t last = (uint64_t)len << 56;
  for (size_t i = 0; i < len % 8; i++)
    last |= (uint64_t)p[whole + i] << (8 * i);
  v3 ^= last;
  SIPROUND;
  v0 ^= last;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}
