/* SPDX-License-Identifier: MIT */
/*
 * What a run measures: the workloads and their names, and the configuration
 * the command line fills in. The lowest header of the benchmark: everything
 * else reads it, it reads nothing of the benchmark's.
 */
#ifndef GCWEAK_BENCH_CONFIG_H
#define GCWEAK_BENCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define BENCH_MAX_SIZES   8
#define BENCH_MAX_THREADS 8
#define BENCH_MAX_SYSTEMS 16

/* Workloads, in the order they run and appear in the report. */
enum bench_workload {
  WL_INSERT,
  WL_GET_HIT,
  WL_GET_MISS,
  WL_HAS,
  WL_DELETE,
  WL_CHURN,
  WL_RECLAIM,
  WL_GC_COST,
  WL_PAUSE,
  WL_MEMORY,
  WL_THREADS,
  /* byte-string keys only (weak-value maps; see workloads/values.h) */
  WL_INTERN_MISS,
  WL_INTERN_HIT,
  WL_RECLAIM_HALF,
  WL_KEY_SHAPES,
  WL_COUNT
};

typedef struct bench_config {
  size_t sizes[BENCH_MAX_SIZES];
  int n_sizes;
  bool workloads[WL_COUNT];
  int threads[BENCH_MAX_THREADS];
  int n_threads;
  int reps;
  int rounds;              /* the repetitions are spread over this many rounds */
  int warmup_reps;         /* leading repetitions a child runs but does not report */
  size_t min_ops;          /* operations timed per repetition, at least */
  bool quick;
  bool fork_systems;       /* one child process per system */
  const char *systems[BENCH_MAX_SYSTEMS];
  int n_systems;
  const char *json_path;
  const char *report_dir;  /* report.md, results.json, chart.svg */
  const char *v8_script;
  const char *node;
} bench_config;

/* The command-line, protocol and JSON name of a workload ("?" out of range),
 * and back (-1 for no such name). */
const char *bench_workload_name(int wl);
int bench_workload_from_name(const char *name);

#endif
