/* SPDX-License-Identifier: MIT */
/*
 * Running the systems of this binary: the schedule of rounds and memory
 * probes (rounds.c), the child processes it starts (child.c), and what one
 * of them does for one system (run_system.c). Peers outside the binary run
 * themselves (bench_system.run_peer).
 */
#ifndef GCWEAK_BENCH_RUN_H
#define GCWEAK_BENCH_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/config.h"
#include "core/results.h"
#include "systems/system.h"

/* ------------------------------------------------------------ rounds.c */

/* The timed workloads of systems[0..count) and of the peers[0..n_peers)
 * in rounds, then the memory probes (of the tables); every figure and note
 * lands in r. Systems with nothing selected to do start no child. */
void run_systems(const bench_config *cfg, const bench_system *const *systems,
                 int count, const bench_system *const *peers, int n_peers,
                 bench_results *r);

/* The work of the whole run in progress units, as the children of
 * systems[0..count), the memory probes and n_peers peers will report it. */
double run_total_units(const bench_config *cfg, const bench_system *const *systems,
                       int count, int n_peers);

/* ------------------------------------------------------------- child.c */

/* What one process does for one system: every workload but memory, or one
 * memory probe at one size. */
typedef struct run_job {
  bool memory_probe;
  size_t n;
} run_job;

/* A job running in a child process, so that it starts from a fresh
 * collector heap; its protocol lines come back on a pipe. */
typedef struct run_child {
  pid_t pid;
  int fd;
} run_child;

/* Does the job in this process, its lines to wherever emit.h sends them. */
void run_job_here(const bench_config *cfg, const bench_system *sys, run_job j);
/* Starts the job in a child; false (and a message) if it could not. */
bool run_spawn(const bench_config *cfg, const bench_system *sys, run_job j,
               run_child *out);
/* Reads a child's lines into r and reaps it; false unless it exited 0. */
bool run_collect(const bench_system *sys, run_child c, bench_results *r);

/* -------------------------------------------------------- run_system.c */

/* Every selected workload for one system at every size, except the threads
 * workload (run_threads) and memory (bench_memory_probe, one fresh process
 * per repetition). */
void run_system(const bench_config *cfg, const bench_system *sys);
void run_threads(const bench_config *cfg, const bench_system *sys);
/* Whether run_system, run_threads have anything to do for sys. */
bool run_has_main_work(const bench_config *cfg, const bench_system *sys);
bool run_has_thread_work(const bench_config *cfg, const bench_system *sys);

#endif
