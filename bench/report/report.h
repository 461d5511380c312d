/* SPDX-License-Identifier: MIT */
/*
 * The outputs of a run, written from the results once every system has
 * run: report.md and the summary on stdout (markdown.c), results.json
 * (json.c) and chart.svg (svg.c). Each returns 0, or 1 after a message.
 */
#ifndef GCWEAK_BENCH_REPORT_H
#define GCWEAK_BENCH_REPORT_H

#include "core/config.h"
#include "core/results.h"

/* --json FILE, and DIR/report.md, DIR/chart.svg, DIR/results.json for
 * --report-dir DIR (the JSON there only without --json). */
int report_write_outputs(const bench_config *cfg, const bench_results *r);

int report_write_markdown(const bench_config *cfg, const bench_results *r,
                          const char *path);
/* The tables on stdout, and the notes but the info lines. */
void report_print_summary(const bench_config *cfg, const bench_results *r);
int json_write(const bench_config *cfg, const bench_results *r,
               const char *path);
int svg_write_chart(const bench_config *cfg, const bench_results *r,
                    const char *path);

#endif
