/* SPDX-License-Identifier: MIT */
/*
 * Garbage a conservative collector will actually reclaim, for every test
 * program: the Check suite (test/harness.h) and the programs that do not
 * link Check (hardening, hostile, layout, C++). Nothing here reports through
 * a test framework: a helper that cannot go on prints why and exits.
 *
 * collect.c is compiled into each program as one of its own sources, so it
 * sees that program's macros: under GC_DEBUG, counted values are debug
 * objects like the program's own. It calls no thread API, so GC_THREADS
 * (or its absence) changes nothing in it.
 */
#ifndef GCWEAK_TEST_COLLECT_H
#define GCWEAK_TEST_COLLECT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NOINLINE __attribute__((noinline))

/* At most 5% of `dying` objects may survive conservatively: stale copies of
 * their addresses in registers and dead stack slots keep a few alive. */
#define TOLERATED(dying) ((dying) / 20)

/* Zeroes a large stretch of dead stack so stale copies of pointers made by
 * earlier calls do not keep their objects alive. */
void clear_stack(void);

/* How collect runs pending finalizers between collections:
 * GC_invoke_finalizers unless a program that runs them elsewhere (its own
 * thread) replaces it before collecting. */
extern void (*run_finalizers)(void);

/* Runs `rounds` full collections, clearing the stack and moving bdwgc's
 * mmap hint off the test's objects (collect.c) before each, and running
 * finalizers between them. */
void collect_rounds(int rounds);

/* The bytes the collector took from the system for its heap (unmapped
 * ones included), less what collect_rounds added to move its mmap hint
 * (collect.c): the heap the code under test needed. */
size_t heap_size_needed(void);

/* collect_rounds, after clearing the stack from the caller's own frame
 * down. A helper the caller called earlier (one that made or read a key)
 * left its frame exactly where collect_rounds' frame now lies, and slots
 * that collect_rounds never writes would keep that helper's stale pointers:
 * always inlined, so the first clear starts above them. */
static inline __attribute__((always_inline)) void collect(int rounds)
{
    clear_stack();
    collect_rounds(rounds);
}

/* An array of n pointers that the collector scans as a root at every
 * collection: malloc'd memory registered with GC_add_roots, so test code
 * stores into it without write barriers, which incremental collection with
 * manual dirty bits would miss in heap memory. Zero entries to let their
 * objects die. Never freed. */
void **key_array(size_t n);

#ifndef __cplusplus
#include <stdatomic.h>

/* A value object of `bytes` whose finalization increments *counter. */
void *new_counted_value(size_t bytes, atomic_long *counter);
#endif

#ifdef __cplusplus
}
#endif

#endif
