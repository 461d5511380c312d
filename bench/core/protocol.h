/* SPDX-License-Identifier: MIT */
/*
 * The line protocol between the parent and whatever measures: every system
 * runs in a child process of its own (see run/child.c), which starts from a
 * fresh collector heap, measures every selected workload at every selected
 * size and reports one line per figure on a pipe. The node script
 * systems/v8_weakmap.js speaks the same protocol on its standard output, so
 * every peer is merged the same way. The writing side is emit.h.
 *
 * Fields are separated by one space; text fields hold no space, except the
 * last field of "info", "skip" and "warn":
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
#ifndef GCWEAK_BENCH_PROTOCOL_H
#define GCWEAK_BENCH_PROTOCOL_H

#include <stdbool.h>

#include "results.h"

/* Parses one protocol line into r ("progress" lines into the progress
 * line); returns false for malformed lines. */
bool protocol_parse_line(bench_results *r, const char *line);

/* Reads protocol lines from fd into r until end of file (then closes fd),
 * keeping the progress line up to date while it waits. */
void protocol_read(int fd, bench_results *r);

#endif
