/* SPDX-License-Identifier: MIT */
/*
 * Clocks, medians, random numbers and the collector chores every workload
 * shares (clearing the stack before a collection, counting finalizers).
 */
#ifndef GCWEAK_BENCH_TIMING_H
#define GCWEAK_BENCH_TIMING_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds. */
uint64_t now_ns(void);

/* Median of count samples (sorts a copy; count > 0). */
double median_of(const double *samples, int count);

/* splitmix64: deterministic, so every system sees the same orders. */
typedef struct rng { uint64_t state; } rng;
uint64_t rng_next(rng *r);
/* Uniform in [0, bound). */
size_t rng_below(rng *r, size_t bound);
void shuffle_ptrs(void **a, size_t n, rng *r);

/* Overwrites a large stretch of dead stack so that stale copies of pointers
 * do not keep garbage alive (conservative stack scanning). */
void clear_stack(void);

/* clear_stack() then GC_gcollect(), times times. */
void full_collections(int times);

/* A value object (pointer-free, 16 bytes) that bumps the finalized counter
 * when the collector releases it. */
void *new_counted_value(void);
size_t counted_values_released(void);

/* Operations to time per repetition at size n: at least cfg_min_ops, rounded
 * up to whole passes over n keys. Returns the number of passes. */
size_t passes_for(size_t n, size_t min_ops);

#endif
