/* SPDX-License-Identifier: MIT */
/*
 * The result store of the parent process: every figure (median, min, max over
 * its repetitions), the repetitions still waiting to be folded into one, and
 * the notes (versions, skipped peers, wrong answers). Filled by the line
 * protocol (protocol.h); read by the report writers.
 */
#ifndef GCWEAK_BENCH_RESULTS_H
#define GCWEAK_BENCH_RESULTS_H

#include <stddef.h>

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
/* One repetition of the figure named by key's system, workload, n and
 * metric, to be folded with the others of the same figure. */
void results_add_sample(bench_results *r, const bench_result *key, double value);
const bench_result *results_find(const bench_results *r, const char *system,
                                 const char *workload, size_t n,
                                 const char *metric);
/* Folds the pending samples into results (median, min, max). */
void results_fold_samples(bench_results *r);
void results_free(bench_results *r);

#endif
