/* SPDX-License-Identifier: MIT */
/*
 * The progress line on a terminal (see progress.c), and the work units the
 * children report it in.
 */
#ifndef GCWEAK_BENCH_PROGRESS_H
#define GCWEAK_BENCH_PROGRESS_H

#include <stddef.h>

#include "config.h"

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

#endif
