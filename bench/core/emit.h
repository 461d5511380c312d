/* SPDX-License-Identifier: MIT */
/*
 * The measuring side of the line protocol (protocol.h): one line per call,
 * to the pipe of a child process, or, in a run without children, straight
 * into the parent's results.
 */
#ifndef GCWEAK_BENCH_EMIT_H
#define GCWEAK_BENCH_EMIT_H

#include <stddef.h>

#include "results.h"

/* Lines go to fd from now on. */
void emit_set_stream(int fd);
/* In-process runs: results go straight into r. */
void emit_set_sink(bench_results *r);

/* emit_samples writes the repetitions of one figure as "sample" lines: the
 * parent takes the median over every child that measured it (--rounds). */
void emit_samples(const char *system, const char *workload, size_t n,
                 const char *metric, const double *samples, int count);
void emit_sample(const char *system, const char *workload, size_t n,
                 const char *metric, double value);
/* kind is "info", "skip" or "warn"; a warning also goes to stderr. */
void emit_note(const char *kind, const char *system, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A size finished: units of work done (progress_units). */
void emit_progress(const char *system, size_t n, double units);

#endif
