/* SPDX-License-Identifier: MIT */
/*
 * Memory for the collector-side pass (pass_memory.c): arrays straight from
 * the kernel, since the pass runs with the world stopped and the
 * collector's lock held, where it may not allocate from the collector or
 * malloc, nor take a lock a stopped thread may hold.
 */
#ifndef GCWEAK_PASS_MEMORY_H
#define GCWEAK_PASS_MEMORY_H

#include <stddef.h>

/* An array the pass keeps from one collection to the next; zero it to
 * start with none. Fresh kernel pages are zero. */
struct gcw_pass_array {
    void *base;
    size_t bytes;
};

/* Makes a at least `bytes` long, keeping the first `keep` bytes of its
 * contents. If the kernel refuses, the process aborts with a message: no
 * safe way on exists, since a value the pass could not trace would be
 * reclaimed while its key lives. */
void gcw_pass_array_reserve(struct gcw_pass_array *a, size_t bytes, size_t keep);

#endif /* GCWEAK_PASS_MEMORY_H */
