/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared by the gcweak-bench sources.
 *
 * The benchmark runs every system in a child process of its own (see
 * main.c): each child starts from a fresh collector heap, measures every
 * selected workload at every selected size and reports one line per figure on
 * a pipe. The node script bench/v8_weakmap.js speaks the same line protocol
 * on its standard output, so every peer is merged the same way.
 *
 * Line protocol (fields separated by one space, text fields without spaces
 * except the last field of "info", "skip" and "warn"):
 *   sample SYSTEM WORKLOAD N METRIC VALUE    (one repetition; the parent
 *                                             takes the median of all, over
 *                                             every round)
 *   result SYSTEM WORKLOAD N METRIC MEDIAN MIN MAX REPS
 *                                            (a figure already folded: the
 *                                             V8 peer's)
 *   progress SYSTEM N UNITS                  (a size finished: UNITS of work
 *                                             done, see progress_units)
 *   info SYSTEM free text                    (versions, remarks)
 *   skip SYSTEM free text                    (a peer that could not run)
 *   warn SYSTEM free text                    (a wrong answer or a crash)
 */
#ifndef GCWEAK_BENCH_H
#define GCWEAK_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ configuration */

#define BENCH_MAX_SIZES   8
#define BENCH_MAX_THREADS 8
#define BENCH_MAX_SYSTEMS 8

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

const char *bench_workload_name(int wl);
int bench_workload_from_name(const char *name);

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

/* --------------------------------------------------------------- results */

typedef struct bench_result {
  char system[24];
  char workload[16];
  size_t n;
  char metric[24];
  double median, min, max;
  int reps;
} bench_result;

typedef struct bench_samples bench_samples;

typedef struct bench_results {
  bench_result *items;
  size_t count, cap;
  bench_samples *pending;   /* "sample" lines not yet folded into items */
  /* info and skip lines, kept verbatim ("info SYSTEM text" / "skip ...") */
  char **notes;
  size_t n_notes, notes_cap;
} bench_results;

void results_add(bench_results *r, const bench_result *item);
void results_add_note(bench_results *r, const char *line);
/* Parses one protocol line into r; returns false for malformed lines. */
bool results_parse_line(bench_results *r, const char *line);
const bench_result *results_find(const bench_results *r, const char *system,
                                 const char *workload, size_t n,
                                 const char *metric);
/* Folds the pending samples into results (median, min, max). */
void results_fold_samples(bench_results *r);
void results_free(bench_results *r);

/* Child side of the protocol, one line each to the report stream.
 * emit_samples writes the repetitions of one figure as "sample" lines: the
 * parent takes the median over every child that measured it (--rounds). */
void emit_samples(const char *system, const char *workload, size_t n,
                 const char *metric, const double *samples, int count);
void emit_sample(const char *system, const char *workload, size_t n,
                 const char *metric, double value);
void emit_note(const char *kind, const char *system, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void emit_set_stream(int fd);
/* In-process runs: results go straight into r. */
void emit_set_sink(bench_results *r);

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

/* --------------------------------------------------------------- progress */

enum { PROGRESS_MAIN, PROGRESS_THREADS, PROGRESS_MEMORY };

/* Work units of one size of one step (all workloads but threads and
 * memory; threads; one memory probe), for reps repetitions. */
double progress_units(const bench_config *cfg, int reps, size_t n, int kind);
void progress_start(double total_units);
void progress_label(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress_add(double units);
/* Redraws the line when it is due (call at least every second while
 * waiting). */
void progress_tick(void);
/* Erases the line before other output; the next tick draws it again. */
void progress_clear(void);
void progress_finish(void);
/* Child side: one "progress" line. */
void emit_progress(const char *system, size_t n, double units);

/* Reads protocol lines from fd into r until end of file (then closes fd),
 * keeping the progress line up to date while it waits. */
void read_protocol(int fd, bench_results *r);

/* Peer that lives outside this binary: V8 through node. */
int peer_v8_run(const bench_config *cfg, bench_results *r);

#endif /* GCWEAK_BENCH_H */
