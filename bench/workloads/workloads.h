/* SPDX-License-Identifier: MIT */
/*
 * The workloads, one function each, all sharing one context per size, and
 * what they share (context.c). They call nothing above this folder: the
 * runner (run/) calls them.
 */
#ifndef GCWEAK_BENCH_WORKLOADS_H
#define GCWEAK_BENCH_WORKLOADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/timing.h"
#include "systems/system.h"

typedef struct wl_ctx {
  const bench_config *cfg;
  const bench_system *sys;
  size_t n;
  void **keys;     /* n live keys, in allocation order */
  void **vals;     /* n plain-word values (objects for object_values) */
  void **order;    /* the keys in a random order */
  void *table;     /* a table holding every key, for the read workloads */
  rng rng;
  double *samples; /* cfg->reps slots of scratch */
} wl_ctx;

/* ------------------------------------------------------------ context.c */

/* A context for sys at n entries: fresh keys, word values and a random
 * order, no table yet. Dropping it runs two full collections, so that the
 * next size does not start with this one's keys on the heap. */
void wl_ctx_init(wl_ctx *c, const bench_config *cfg, const bench_system *sys,
                 size_t n);
void wl_ctx_drop(wl_ctx *c);

/* Emits the samples of a workload under c's system and size (the warm-up
 * repetitions left out). */
void wl_emit(const wl_ctx *c, int workload, const char *metric,
             const double *samples);
/* The same for a workload that runs no warm-up: all `count` samples. */
void wl_emit_all(const wl_ctx *c, int workload, const char *metric,
                 const double *samples, int count);
/* A table holding keys[i] -> vals[i] for every i < n. */
void *wl_build(const bench_system *sys, void *const *keys, void *const *vals,
               size_t n);
/* Reports a wrong answer from a system (lost or phantom entries). */
void wl_check(const wl_ctx *c, int workload, const char *what, size_t got,
              size_t want);

/*
 * Lookups per repetition: whole passes over the N keys while N is below
 * min_ops, otherwise the first min_ops keys of a random order. What a lookup
 * costs depends on the table's size, not on how many of its keys are read.
 */
typedef struct wl_plan {
  size_t passes, count;   /* passes over keys[0..count) */
} wl_plan;
wl_plan wl_plan_lookups(const wl_ctx *c);

/* A random permutation of 0..n-1, in malloc'd memory (free it). */
size_t *wl_random_permutation(size_t n, rng *r);

/* One full collection after clear_stack(), timed, in ms. */
double wl_timed_collection_ms(void);

/* The share of what should die that a conservative collector may keep
 * (the test suite's tolerance), in percent. */
#define WL_SURVIVORS_PCT_OK (100.0 - BENCH_RELEASED_PCT_OK)

/* ---------------------------------------------------------- the workloads */

/* ops.c. Insert fills fresh tables, delete empties the same tables again. */
void wl_insert_delete(wl_ctx *c, bool insert, bool delete);
void wl_get_hit(wl_ctx *c);
void wl_get_miss(wl_ctx *c);
void wl_has(wl_ctx *c);
void wl_churn(wl_ctx *c);

/* gc.c and pause.c */
void wl_reclaim(wl_ctx *c);
void wl_gc_cost(wl_ctx *c);
void wl_pause(wl_ctx *c);

/* threads.c. A batch of reads by one reader thread: returns how many were
 * found, their values or targets added to *sum (as get_all does). */
typedef size_t (*wl_read_fn)(const wl_ctx *c, void *const *items, size_t n,
                             uintptr_t *sum);
/* Once per process, before the first reader thread. */
void wl_register_threads(void);
/* The largest of cfg's reader thread counts. */
int wl_max_threads(const bench_config *cfg);
/* For each of cfg's thread counts, that many readers, reader i reading
 * orders[i] as the lookups do (wl_plan_lookups); emits the workload's
 * mops_tN (million reads per second, all readers) and scaling_tN (against
 * one reader). want_sums[i], when given, is what one pass of reader i must
 * add up to. */
void wl_reader_scaling(wl_ctx *c, int workload, wl_read_fn read, void **orders[],
                       const uintptr_t *want_sums);
void wl_threads(wl_ctx *c);

/* refs.c: weak references. ref_threads runs in the threads pass. */
void wl_ref_new(wl_ctx *c);
void wl_ref_get(wl_ctx *c);
void wl_ref_get_dead(wl_ctx *c);
void wl_ref_gc_cost(wl_ctx *c);
void wl_ref_threads(wl_ctx *c);

/* registry.c: finalization registries. */
void wl_reg_register_unregister(wl_ctx *c, bool reg, bool unreg);
void wl_reg_delivery(wl_ctx *c);
void wl_reg_gc_cost(wl_ctx *c);

/* memory.c. Heap bytes per live entry of sys at n entries: one repetition,
 * in a process of its own. */
void bench_memory_probe(const bench_system *sys, size_t n);

#endif
