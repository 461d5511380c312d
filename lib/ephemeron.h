/* SPDX-License-Identifier: MIT */
/*
 * The collector-side pass (ephemeron.c): what gcweak does inside each
 * collection, for the entry storage of every map registered with it.
 */
#ifndef GCWEAK_EPHEMERON_H
#define GCWEAK_EPHEMERON_H

#include "entries.h"

/* Registers a container's entry storage (inside a collector object, the
 * container) with the pass, installing the collection-event callback the
 * first time.
 * GCWEAK_OK or GCWEAK_ENOMEM. Allocates: call with no table mutex held. */
int gcw_pass_register(struct gcw_entries *e);

/* Walks every registered storage outside a collection (fork handlers):
 * gcw_registry_hold() first, which keeps collections off and registrations
 * out until gcw_registry_release(). */
void gcw_registry_hold(void);
void gcw_registry_release(void);
void gcw_registry_each(void (*fn)(struct gcw_entries *e));

/* Written by the pass with the world stopped: the collection count at the
 * last pass, and the count of the last collection that ran without it (the
 * collection-event callback was replaced, then restored), 0 for none. */
extern _Atomic GC_word gcw_pass_gc_no;
extern _Atomic GC_word gcw_pass_missed_gc_no;

/* The collector's count of completed collections. Every lookup of a map
 * with traced values reads it; GC_get_gc_no() is a call into the shared
 * library for one load, so the variable is read directly (bdwgc 8.2 marks
 * it deprecated in favour of the function, which returns it unlocked). */
static inline GC_word gcw_gc_no(void)
{
#if defined(__GNUC__) || defined(__clang__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return *(volatile GC_word *)&GC_gc_no;
#  pragma GCC diagnostic pop
#else
    return GC_get_gc_no();
#endif
}

/* Whether every collection after collection `since` ran the pass, so that
 * values stored since are as the pass left them. Called after reading the
 * values it vouches for: a collection without the pass changes the answer. */
static inline bool gcw_pass_kept_up(GC_word since)
{
    return gcw_gc_no() == atomic_load_explicit(&gcw_pass_gc_no, memory_order_acquire) &&
           atomic_load_explicit(&gcw_pass_missed_gc_no, memory_order_relaxed) <= since;
}

/* The collection count once every collection it counts has cleared its
 * links (read under the allocation lock). */
GC_word gcw_collections_settled(void);

#endif /* GCWEAK_EPHEMERON_H */
