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

/* Whether the copies of index ix (index.c) over entries e may be
 * believed: every collection since it was begun ran the pass and found
 * the container reachable, as the pass drops the copies of the keys it
 * kills only in containers that live on. Asked after reading them. */
static inline bool gcw_index_exact(const struct gcw_index *ix, const struct gcw_entries *e)
{
    GC_word built = atomic_load_explicit(&ix->built_gc_no, memory_order_relaxed);
    return gcw_pass_kept_up(built) &&
           atomic_load_explicit(&e->unreached_gc_no, memory_order_relaxed) <= built;
}

/*
 * Reading a disguised pointer that a disappearing link guards, without the
 * collector's lock. The danger is one window per collection: from
 * GC_EVENT_MARK_END, when the collection knows which objects die, to
 * GC_finalize, which clears their links, the world runs, and a pointer
 * revealed from a link not yet cleared may be to an object about to be
 * reclaimed. gcw_pass_deciding is odd through that window (to
 * GC_EVENT_RECLAIM_END); a read that began and ended with the same even
 * count, while every collection ran our callback, saw no such object: a
 * link read outside the window is 0 or guards an object that was marked
 * and cannot be reclaimed before the next window, by which time the reader
 * holds the pointer (a root) or has let go of it.
 */
extern atomic_uint gcw_pass_deciding;

static inline unsigned gcw_read_guarded_begin(void)
{
    return atomic_load_explicit(&gcw_pass_deciding, memory_order_acquire);
}

/* After the guarded read: true when what it revealed may be used. */
static inline bool gcw_read_guarded_valid(unsigned begun)
{
    atomic_thread_fence(memory_order_acquire);
    return (begun & 1u) == 0 &&
           atomic_load_explicit(&gcw_pass_deciding, memory_order_relaxed) == begun &&
           gcw_gc_no() == atomic_load_explicit(&gcw_pass_gc_no, memory_order_relaxed);
}

#endif /* GCWEAK_EPHEMERON_H */
