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
/* A table holding keys[i] -> vals[i] for every i < n. */
void *wl_build(const bench_system *sys, void *const *keys, void *const *vals,
               size_t n);
/* Reports a wrong answer from a system (lost or phantom entries). */
void wl_check(const wl_ctx *c, int workload, const char *what, size_t got,
              size_t want);

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

/* threads.c */
void wl_threads(wl_ctx *c);

/* memory.c. Heap bytes per live entry of sys at n entries: one repetition,
 * in a process of its own. */
void bench_memory_probe(const bench_system *sys, size_t n);

#endif
