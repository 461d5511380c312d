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

/* The share of dead entries' values that must be released for "released":
 * the test suite's tolerance for a conservative collector (at most 5% of
 * what should die may survive). */
#define RELEASED_PCT_OK 95.0

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

#endif
