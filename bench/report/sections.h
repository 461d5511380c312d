/* SPDX-License-Identifier: MIT */
/*
 * The sections of report.md, one file each, and what they share
 * (common.c); markdown.c puts them in order. Internal to report/.
 */
#ifndef GCWEAK_BENCH_REPORT_SECTIONS_H
#define GCWEAK_BENCH_REPORT_SECTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* The share of dead entries' values that must be released for "released"
 * (see config.h). */
#define RELEASED_PCT_OK BENCH_RELEASED_PCT_OK

/* ------------------------------------------------------------ common.c */

/* A system's name in the report (its label in the table of systems). */
const char *report_label(const char *name);
/* gcweak in either mode: the rows shown against the link floor. */
bool report_is_gcweak(const char *system);
/* A difference inside the measurement noise: each median lies within the
 * other figure's spread (min..max of its repetitions), so the repetitions of
 * each reached the other's typical value; or a collection cost below zero
 * (the collection with the table ran faster than without it: the cost is
 * lost in the noise of timing a collection). */
bool report_within_noise(const bench_result *a, const bench_result *b);
/* a's figure against `limit` times b's (b NULL: against `limit` itself),
 * round by round, where the run kept its rounds apart (results.h): each
 * round measured both seconds apart on the same machine, so that a drift
 * of its speed between rounds moves both. -1: below the limit in every
 * round both ran in, by more than a margin of 10%; 1: above it in every
 * round by more than the margin; 0: the rounds disagree, or some round is
 * within the margin (the run cannot tell); 2: no rounds to pair (one
 * round, or fewer than two with both figures). Two fresh-clone runs of
 * one commit, three rounds each, disagreed on 3 of 168 comparisons with
 * peers at a margin of 5%, on 1 at 10%. */
int report_rounds_side(const bench_result *a, const bench_result *b, double limit);
/* One figure's median ("-" when not measured), followed by its ratio to
 * the same figure of base1 and base2 (either NULL) where those were
 * measured: "12.3 (1.10x floor; 0.95x plain)". */
void report_figure(char *out, size_t cap, const bench_results *r, const char *system,
                   const char *workload, size_t n, const char *metric,
                   const char *base1, const char *base2);
/* Whether any system has a figure of workload at n. */
bool report_has_workload(const bench_results *r, const char *workload, size_t n);
/* Whether system has a figure of any of workloads[0..count) at n. */
bool report_system_has_any(const bench_results *r, const char *system,
                           const char *const *workloads, size_t count, size_t n);

/* ------------------------------------------------------------ sections */

void report_tables(FILE *out, const bench_config *cfg, const bench_results *r);
void report_goals(FILE *out, const bench_config *cfg, const bench_results *r);
void report_collection_cost(FILE *out, const bench_config *cfg,
                            const bench_results *r);
void report_ephemeron_cost(FILE *out, const bench_config *cfg,
                           const bench_results *r);
void report_pauses(FILE *out, const bench_config *cfg, const bench_results *r);
void report_peer_races(FILE *out, const bench_config *cfg,
                       const bench_results *r);
/* values.c: the byte-string systems, and their rows of the goals table */
void report_values(FILE *out, const bench_config *cfg, const bench_results *r);
void report_values_goal_rows(FILE *out, const bench_config *cfg,
                             const bench_results *r);
void report_refs(FILE *out, const bench_config *cfg, const bench_results *r);
void report_registries(FILE *out, const bench_config *cfg, const bench_results *r);

/* races.c: gcweak_system's figures against those of its peers (the other
 * weak tables, references or registries), every figure at every N; false
 * when gcweak_system has no race group or nothing was compared. */
bool report_race_tally(const bench_config *cfg, const bench_results *r,
                       const char *gcweak_system, int *run, int *lost, int *tied);

#endif
