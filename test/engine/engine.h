/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the engine's data structures on their own, built with
 * lib/'s objects and internal headers: the entry storage (entries.c) and
 * the index (index.c), without a table, a lock or the collector's pass
 * around them, and the tables that have no index (unindexed.c).
 */
#ifndef GCWEAK_TEST_ENGINE_H
#define GCWEAK_TEST_ENGINE_H

#define GC_THREADS
#include <gc/gc.h>

#include <check.h>

#include "index.h"

/* Entry storage inside a collector object, as a container holds it, with
 * the chunks a first `n` entries need installed. */
struct gcw_entries *new_entries(enum gcw_kind kind, size_t n);

/* Sets the next free entry to key (a fresh object's disguised word) and
 * value; returns its number. No link is registered: nothing here ever
 * collects these entries' keys, and nothing reads through them. */
size_t add_entry(struct gcw_entries *e, void *key, void *value);

/* The checks of entries.c and index.c where the build has them. */
void check_entries(const struct gcw_entries *e);
size_t check_index(const struct gcw_index *ix, const struct gcw_entries *e);

Suite *entries_suite(void);
Suite *index_suite(void);
Suite *bytes_suite(void);
Suite *unindexed_suite(void);

#endif
