/* SPDX-License-Identifier: MIT */
/*
 * The snapshot walk (foreach.c).
 */
#ifndef GCWEAK_FOREACH_H
#define GCWEAK_FOREACH_H

#include "table.h"

/* Calls visit(key, value, arg) for every entry live when it starts (see
 * gcweak_map_foreach); value is NULL for sets. Mutex NOT held. */
typedef int (*gcw_visit_fn)(const void *key, void *value, void *arg);
int gcw_table_foreach(struct gcw_table *t, gcw_visit_fn visit, void *arg);

#endif /* GCWEAK_FOREACH_H */
