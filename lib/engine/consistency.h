/* SPDX-License-Identifier: MIT */
/*
 * The table's consistency check (consistency.c), compiled in the test build only
 * (GCWEAK_ASSERTS).
 */
#ifndef GCWEAK_CONSISTENCY_H
#define GCWEAK_CONSISTENCY_H

#include "table.h"

#ifdef GCWEAK_ASSERTS
/* Every invariant of entries.c and index.c, and how the table ties them
 * together; aborts on a breach. Mutex held. */
void gcw_table_check(struct gcw_table *t);

/* After a write that changed entry id and index slot `at` (SIZE_MAX for
 * either: none): checks those, and now and then the whole table. Mutex
 * held. */
void gcw_table_check_write(struct gcw_table *t, size_t id, size_t at);
#  define GCW_CHECK_WRITE(t, id, at) gcw_table_check_write((t), (id), (at))
#else
#  define GCW_CHECK_WRITE(t, id, at) ((void)0)
#endif

#endif /* GCWEAK_CONSISTENCY_H */
