/* SPDX-License-Identifier: MIT */
/*
 * The containers list (containers.c): every live container, as the
 * collector-side pass and the fork handlers see it.
 */
#ifndef GCWEAK_CONTAINERS_H
#define GCWEAK_CONTAINERS_H

#include "index.h"

struct gcw_table; /* table.h: only the fork handlers look inside */

/* One container on the list: its entry storage for the pass, its table for
 * the fork handlers, both inside the one collector object the list holds
 * weakly (a long link on `container`, which the collector zeroes when it
 * reclaims the object). The other fields are read only while it is set. */
struct gcw_member {
    _Atomic GC_word container; /* disguised; 0: a free member */
    struct gcw_entries *entries;
    struct gcw_indexes *indexes; /* whose copies the pass keeps exact */
    struct gcw_table *table;
};

/* Adds a container (a collector object's base) whose storage and table lie
 * inside it. GCWEAK_OK or GCWEAK_ENOMEM. Allocates with malloc (never the
 * collector), with no table mutex held. */
int gcw_containers_add(void *container, struct gcw_entries *entries, struct gcw_indexes *indexes,
                       struct gcw_table *table);

/* Calls fn for every container on the list, in list order. Either inside a
 * collection (the pass: the world is stopped, nothing changes meanwhile)
 * or between gcw_containers_hold() and gcw_containers_release(), which keep
 * collections off and additions out (the fork handlers). */
void gcw_containers_each(void (*fn)(const struct gcw_member *m));
void gcw_containers_hold(void);
void gcw_containers_release(void);

#endif /* GCWEAK_CONTAINERS_H */
