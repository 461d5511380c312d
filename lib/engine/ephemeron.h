/* SPDX-License-Identifier: MIT */
/*
 * The collector-side pass (ephemeron.c): what gcweak does inside each
 * collection, for the entry storage of every container on the list
 * (containers.h).
 */
#ifndef GCWEAK_EPHEMERON_H
#define GCWEAK_EPHEMERON_H

#include "containers.h"

/* Installs the collection-event callback that runs the pass, chaining to
 * the one installed before, once per process. GCWEAK_OK or GCWEAK_ENOMEM.
 * Allocates: call with no table mutex held. */
int gcw_pass_install(void);

/* Written by the pass with the world stopped: the collection count at the
 * last pass, and the count of the last collection that ran without it (the
 * collection-event callback was replaced, then restored), 0 for none. */
extern _Atomic GC_word gcw_pass_gc_no;
extern _Atomic GC_word gcw_pass_missed_gc_no;

/* Whether every collection after collection `since` ran the pass, so that
 * values stored since are as the pass left them. Called after reading the
 * values it vouches for: a collection without the pass changes the answer. */
static inline bool gcw_pass_kept_up(GC_word since)
{
    return gcw_gc_no() == atomic_load_explicit(&gcw_pass_gc_no, memory_order_acquire) &&
           atomic_load_explicit(&gcw_pass_missed_gc_no, memory_order_relaxed) <= since;
}

#endif /* GCWEAK_EPHEMERON_H */
