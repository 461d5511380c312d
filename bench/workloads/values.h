/* SPDX-License-Identifier: MIT */
/*
 * The workloads of tables keyed by byte strings (weak-value maps, interning
 * tables): a system with bench_system.bytes set runs these instead of the
 * map workloads (values.c), at the same sizes, reporting under the same
 * workload names where an operation means the same (insert is a set of a
 * new key, get_hit, get_miss, delete, churn, gc_cost, memory) and under
 * names of their own for the rest (intern_miss, intern_hit, reclaim_half,
 * key_shapes).
 */
#ifndef GCWEAK_BENCH_VALUES_H
#define GCWEAK_BENCH_VALUES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "systems/system.h"

/* The byte-string length of the main workloads. */
#define VALUE_KEY_BYTES 16

/* What a child process does for a byte-string system: every selected
 * workload but memory at every size, or (memory_probe) the heap bytes per
 * live entry at n entries, one repetition in a fresh process, as
 * bench_memory_probe does for the map systems. */
void values_run_job(const bench_config *cfg, const bench_system *sys,
                    bool memory_probe, size_t n);

#endif
