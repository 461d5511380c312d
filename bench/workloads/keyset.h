/* SPDX-License-Identifier: MIT */
/* Key and value populations shared by the workloads. */
#ifndef GCWEAK_BENCH_KEYSET_H
#define GCWEAK_BENCH_KEYSET_H

#include <stddef.h>

#include "core/timing.h"

#define KEY_BYTES 16

/* An array of n pointers in scanned collector memory: what it points to
 * stays alive while the array is reachable. */
void **new_ptr_array(size_t n);

/* n fresh keys (distinct collector objects of KEY_BYTES bytes). */
void **new_keys(size_t n);

/* n plain-word values: fixnum-shaped integers, no pointers. */
void **new_word_values(size_t n);

/* n values that are pointer-free collector objects. */
void **new_object_values(size_t n);

/* A copy of a in a random order. */
void **shuffled_copy(void *const *a, size_t n, rng *r);

#endif
