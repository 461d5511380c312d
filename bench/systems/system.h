/* SPDX-License-Identifier: MIT */
/*
 * What a system under test is: the descriptor each file of systems/ fills
 * in, and the workloads drive. The table of them is systems.h.
 */
#ifndef GCWEAK_BENCH_SYSTEM_H
#define GCWEAK_BENCH_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/results.h"

/*
 * A table under test. Operations come in batches so that each system's inner
 * loop calls its own API directly: one indirect call per batch, none per
 * operation. Keys are collector objects; values are pointer-sized data.
 *
 * A system is one of three kinds: in this binary (create and the operations
 * are set; it runs in child processes of its own), a peer that is a program
 * of its own (run_peer), or not built into this binary (not_built). The
 * last two set nothing but name, label and their own field.
 */
typedef struct bench_system {
  const char *name;    /* command-line and JSON name */
  const char *label;   /* name in the report */
  bool weak;           /* entries die with their keys */
  bool no_miss;        /* a lookup of an absent key is not defined (the floor) */
  bool values_untraced;/* keeps no value alive: the caller must */
  /* Once per process before anything else: NULL when usable, otherwise why the
   * system is skipped. May be NULL. */
  const char *(*setup)(void);
  void *(*create)(void);
  void (*set_all)(void *t, void *const *keys, void *const *vals, size_t n);
  /* Returns how many keys were found; *sum accumulates the values found so
   * that the compiler cannot drop the lookups. */
  size_t (*get_all)(void *t, void *const *keys, size_t n, uintptr_t *sum);
  size_t (*has_all)(void *t, void *const *keys, size_t n);
  size_t (*del_all)(void *t, void *const *keys, size_t n);
  /* For each key: value = get(key) + 1 (absent counts as 0), stored back. */
  void (*bump_all)(void *t, void *const *keys, size_t n);
  /* Live entries; also the call that lets lazy tables drop dead entries. */
  size_t (*size)(void *t);
  /* Runs fn(arg) in a thread made usable by the system (Guile needs
   * scm_with_guile); NULL means call fn directly. */
  void *(*in_thread)(void *(*fn)(void *), void *arg);
  /* Reads may run concurrently with each other (no writer present). */
  bool concurrent_reads;
  /* Values must be collector objects (a doubly-weak map refuses words): the
   * workloads then store small objects they keep alive themselves. */
  bool object_values;
  /* Keyed by byte strings rather than objects (a weak-value map): only the
   * byte-string workloads run it (workloads/values.h); NULL otherwise. */
  const struct bench_bytes_ops *bytes;
  /* A peer outside this binary: runs every selected workload itself, after
   * the systems of this binary, and puts its figures and notes into r (a
   * peer that cannot run is a skip note, never a failure). */
  int (*run_peer)(const bench_config *cfg, bench_results *r);
  /* Not built into this binary: why, as the skip note says it. */
  const char *not_built;
} bench_system;

#endif
