/* SPDX-License-Identifier: MIT */
/*
 * Removal delivery (removal.c): values of entries whose keys died, handed
 * to the map's removal callback.
 */
#ifndef GCWEAK_REMOVAL_H
#define GCWEAK_REMOVAL_H

#include "table.h"

/* Sets the removal callback (see gcweak_map_on_removal); fn NULL turns it
 * off and releases what was waiting for it. Mutex NOT held. */
void gcw_table_on_removal(struct gcw_table *t, void (*fn)(void *value, void *arg), void *arg);

/* Hands what the pass queued to the callback; see removal.c. Mutex NOT
 * held. */
void gcw_removals_deliver(struct gcw_table *t);

/* Every public operation ends here, with no lock held: one load when
 * nothing is pending. A round under way (the flag already taken) is
 * finished by the thread that started it. */
static inline void gcw_removals_deliver_due(struct gcw_table *t)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    if (atomic_load_explicit(&t->entries.removals_pending, memory_order_relaxed))
        gcw_removals_deliver(t);
}

#endif /* GCWEAK_REMOVAL_H */
