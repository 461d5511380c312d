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

/* The rounds whose medians a figure keeps apart (report/common.c pairs
 * them); a run of more rounds keeps none. */
#define BENCH_MAX_ROUNDS 16

typedef struct bench_result {
  char system[24];
  char workload[16];
  size_t n;
  char metric[24];
  double median, min, max;
  int reps;
  /* The median of each round's repetitions, rounds[0..n_rounds), or NAN
   * for a round without any: from samples, when the run had 2 to
   * BENCH_MAX_ROUNDS rounds; n_rounds is 0 otherwise. */
  int n_rounds;
  double round_median[BENCH_MAX_ROUNDS];
} bench_result;

typedef struct bench_samples bench_samples;

typedef struct bench_results {
  bench_result *items;
  size_t count, cap;
  bench_samples *pending;   /* "sample" lines not yet folded into items */
  int round;                /* the round the samples now read belong to */
  int rounds;               /* rounds of the run (per-round medians kept if 2+) */
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
