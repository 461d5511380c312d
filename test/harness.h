/* SPDX-License-Identifier: MIT */
/*
 * The Check suite's own helpers: keys whose allocation is a test assertion,
 * and the suites. Making garbage the collector will reclaim (collect,
 * key_array, counted values) is harness/collect.h, shared with the programs
 * that do not link Check.
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
#include <stddef.h>
#include <stdint.h>

#include "gcweak.h"
#include "harness/collect.h"

/* Allocates a key object of `bytes`. Under GC_DEBUG (the debug build of this
 * suite) the pointer returned is not the object's base, as users see it. */
void *new_key(size_t bytes);

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
Suite *weakref_suite(void);
Suite *registry_suite(void);
Suite *weak_values_suite(void);
Suite *valmap_suite(void);
Suite *reuse_suite(void);

#endif
