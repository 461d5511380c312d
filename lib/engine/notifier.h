/* SPDX-License-Identifier: MIT */
/*
 * Removals delivered where the program runs bdwgc's finalizers
 * (notifier.c), for containers whose removals no operation of theirs may
 * deliver (a finalization registry's callbacks run only there, and on
 * request).
 */
#ifndef GCWEAK_NOTIFIER_H
#define GCWEAK_NOTIFIER_H

#include "table.h"

/* From now on, after each collection that leaves removals waiting in t,
 * notify(container) runs wherever the program runs finalizers, with no
 * lock held; never once the container (the collector object holding t)
 * was reclaimed. GCWEAK_OK or GCWEAK_ENOMEM. Allocates: no lock held. */
int gcw_notifier_init(struct gcw_table *t, void *container, void (*notify)(void *container));

#endif /* GCWEAK_NOTIFIER_H */
