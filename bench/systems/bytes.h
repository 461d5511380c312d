/* SPDX-License-Identifier: MIT */
/*
 * Tables keyed by byte strings (weak-value maps and their ceiling): the
 * operations the byte-string workloads (workloads/values.h) drive, and the
 * seeded hash the benchmark's own tables use, so that they hash as gcweak's
 * weak-value maps do and the comparison is of the tables, not the hashes.
 *
 * Keys come in batches of n keys of len bytes each, back to back. Values are
 * collector objects; a weak-value table keeps none alive: the workload does.
 */
#ifndef GCWEAK_BENCH_BYTES_H
#define GCWEAK_BENCH_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bench_bytes_ops {
  void *(*create)(void);
  void (*set_all)(void *t, const unsigned char *keys, size_t len, size_t n,
                  void *const *vals);
  /* Get-or-create: out[i] receives key i's value, made by bench_new_value()
   * when there is none. Returns how many were made. */
  size_t (*intern_all)(void *t, const unsigned char *keys, size_t len, size_t n,
                       void **out);
  /* Returns how many keys were found; *sum accumulates the values found. */
  size_t (*get_all)(void *t, const unsigned char *keys, size_t len, size_t n,
                    uintptr_t *sum);
  size_t (*del_all)(void *t, const unsigned char *keys, size_t len, size_t n);
  /* Live entries; also lets a lazy table drop dead ones. */
  size_t (*size)(void *t);
  bool weak;     /* values die when the program drops them */
  bool shapes;   /* also run the hash-flooding key shapes */
} bench_bytes_ops;

/* The value an intern miss makes: a small pointer-free collector object. */
void *bench_new_value(void);

/* SipHash-1-3 under a key drawn once per process, as gcweak's weak-value
 * maps hash their keys. */
uint64_t bench_bytes_hash(const void *key, size_t len);

#endif
