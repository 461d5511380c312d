/* SPDX-License-Identifier: MIT */
/*
 * Peers that are programs of their own (node, python3): started with the
 * run's sizes, workloads and repetitions on their command line, they speak
 * the line protocol (protocol.h) on their standard output. A peer that
 * cannot run is a skip note, never a failure: the run goes on without it.
 */
#ifndef GCWEAK_BENCH_PEER_H
#define GCWEAK_BENCH_PEER_H

#include <stddef.h>

#include "config.h"
#include "results.h"

/* "skip SYSTEM why" into r, and the same on stderr. */
void peer_skip(bench_results *r, const char *system, const char *why);

/* The run's sizes, the selected workloads of `families`, and the reader
 * thread counts, as comma-separated lists ("1000,10000"). */
void peer_join_sizes(const bench_config *cfg, char *out, size_t cap);
void peer_join_workloads(const bench_config *cfg, unsigned families, char *out,
                         size_t cap);
void peer_join_threads(const bench_config *cfg, char *out, size_t cap);

/*
 * Runs argv (argv[0] looked up on PATH) with its standard output on a pipe
 * and reads the protocol lines it prints into r until it exits. When it
 * could not be started, the skip note says not_found; when it exits
 * abnormally, the skip note says so, and the figures it printed before are
 * kept. Returns -1 when no process could be made, else 0.
 */
int peer_run(const char *system, char *const argv[], const char *not_found,
             bench_results *r);

#endif
