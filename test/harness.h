/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the Check suite: how to make garbage a conservative
 * collector will actually reclaim (see each function), and counters for
 * finalized values.
 */
#ifndef GCWEAK_TEST_HARNESS_H
#define GCWEAK_TEST_HARNESS_H

/* The suite is also built without GC_THREADS (GCWEAK_TEST_NO_THREADS), as
 * applications that never start a thread are. */
#ifndef GCWEAK_TEST_NO_THREADS
#  define GC_THREADS
#endif
#include <gc/gc.h>

#include <check.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "gcweak.h"

#define NOINLINE __attribute__((noinline))

/* Allocates a key object of `bytes`. Under GC_DEBUG (the debug build of this
 * suite) the pointer returned is not the object's base, as users see it. */
void *new_key(size_t bytes);

/* An array of n key pointers that the collector scans as a root at every
 * collection. Test code stores into it without write barriers, which
 * incremental collection with manual dirty bits would miss in heap memory.
 * Zero entries to let their keys die. Never freed. */
void **key_array(size_t n);

/* Zeroes a large stretch of dead stack so stale copies of pointers made by
 * earlier calls do not keep their objects alive. */
void clear_stack(void);

/* Runs `rounds` full collections, clearing the stack before each and
 * running finalizers between them. */
void collect_rounds(int rounds);

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

/* A value object of `bytes` whose finalization increments *counter. */
void *new_counted_value(size_t bytes, atomic_long *counter);

/* Keys that say what they are, so that a visitor or a removal callback can
 * tell a key object from memory the collector reclaimed and reused. */
#define KEY_MAGIC 0x6B6579u /* "key": every key object carries it */

struct key {
    uintptr_t magic;
    uintptr_t id;
};

/* A struct key from new_key, carrying KEY_MAGIC and `id`. */
void *new_tagged_key(uintptr_t id);

/* Suites, one per file. */
Suite *errors_suite(void);
Suite *map_suite(void);
Suite *set_suite(void);
Suite *keys_suite(void);
Suite *death_suite(void);
Suite *threads_suite(void);
Suite *ephemeron_suite(void);
Suite *get_or_create_suite(void);
Suite *foreach_suite(void);
Suite *stats_suite(void);
Suite *pointer_free_suite(void);
Suite *removal_suite(void);
Suite *reclaim_suite(void);

#endif
