/* SPDX-License-Identifier: MIT */
/* Declarations shared by the gcweak-bench sources (being split up). */
#ifndef GCWEAK_BENCH_H
#define GCWEAK_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/emit.h"
#include "core/progress.h"
#include "core/protocol.h"
#include "core/results.h"

/* --------------------------------------------------------------- systems */

/*
 * A table under test. Operations come in batches so that each system's inner
 * loop calls its own API directly: one indirect call per batch, none per
 * operation. Keys are collector objects; values are pointer-sized data.
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
} bench_system;

extern const bench_system bench_sys_strong;
extern const bench_system bench_sys_gcweak;
extern const bench_system bench_sys_gcweak_weak_keys;
extern const bench_system bench_sys_naive;
extern const bench_system bench_sys_floor;
#ifdef BENCH_HAVE_GUILE
extern const bench_system bench_sys_guile;
#endif

/* A built-in system by name, or NULL. */
const bench_system *bench_system_find(const char *name);

/* -------------------------------------------------------------- workloads */

/* Runs every selected workload for one system at every size, except the
 * threads workload (bench_run_threads) and memory (bench_memory_probe, one
 * fresh process per repetition). */
void bench_run_system(const bench_config *cfg, const bench_system *sys);
void bench_run_threads(const bench_config *cfg, const bench_system *sys);
void bench_memory_probe(const bench_system *sys, size_t n);

/* ---------------------------------------------------------------- outputs */

int report_write_markdown(const bench_config *cfg, const bench_results *r,
                          const char *path);
void report_print_summary(const bench_config *cfg, const bench_results *r);
int json_write(const bench_config *cfg, const bench_results *r,
               const char *path);
int svg_write_chart(const bench_config *cfg, const bench_results *r,
                    const char *path);

/* Peer that lives outside this binary: V8 through node. */
int peer_v8_run(const bench_config *cfg, bench_results *r);

#endif /* GCWEAK_BENCH_H */
