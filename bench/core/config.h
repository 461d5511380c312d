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
#define BENCH_MAX_SYSTEMS 24

/* The share of dead objects that must be released (values, targets,
 * callbacks) for a run to count them all released: the test suite's
 * tolerance for a conservative collector (at most 5% of what should die
 * may survive). */
#define BENCH_RELEASED_PCT_OK 95.0

/* The most full collections the registry delivery workload runs for that
 * share of the dead targets' callbacks to have run. */
#define BENCH_DELIVERY_MAX_COLLECTIONS 4

/* Workloads, in the order they run and appear in the report: those of weak
 * tables, then those of weak references, then those of finalization
 * registries (each workload belongs to one family: bench_workload_family). */
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
  /* byte-string keys only (weak-value maps; see workloads/values.h): of
   * the tables' family, like the map workloads byte-string systems also run */
  WL_INTERN_MISS,
  WL_INTERN_HIT,
  WL_RECLAIM_HALF,
  WL_KEY_SHAPES,
  WL_REF_NEW,
  WL_REF_GET,
  WL_REF_GET_DEAD,
  WL_REF_GC_COST,
  WL_REF_THREADS,
  WL_REG_REGISTER,
  WL_REG_UNREGISTER,
  WL_REG_DELIVERY,
  WL_REG_GC_COST,
  WL_COUNT
};

/* What a workload drives; a system measures the families it has the
 * operations of, and skips the other workloads. Bits, so that a system can
 * have several. */
enum bench_family {
  BENCH_FAMILY_MAP = 1,        /* weak tables: set, get, delete ...; also
                                * the byte-string tables' (intern ...) */
  BENCH_FAMILY_REF = 2,        /* weak references: new, get */
  BENCH_FAMILY_REGISTRY = 4,   /* finalization registries: register ... */
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
  const char *v8_script;     /* the WeakMap peer */
  const char *v8_ref_script; /* the WeakRef and FinalizationRegistry peer */
  const char *node;
  const char *python;
  const char *python_script;
} bench_config;

/* The command-line, protocol and JSON name of a workload ("?" out of range),
 * and back (-1 for no such name). */
const char *bench_workload_name(int wl);
int bench_workload_from_name(const char *name);
/* The family of a workload (enum bench_family). */
unsigned bench_workload_family(int wl);
/* Whether cfg selects any workload of the families in `families`. */
bool bench_config_wants_family(const bench_config *cfg, unsigned families);

#endif
