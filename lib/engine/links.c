/* SPDX-License-Identifier: MIT */
/*
 * Collector glue: registering and dropping disappearing links, and memory.
 *
 * A disappearing link is registered per entry, on the key object's base, in
 * storage that never moves (entries.c). Facts this file relies on (bdwgc 8.2,
 * finalize.c):
 *  - zeroing or overwriting a slot does not unregister it; registering a slot
 *    that is already registered retargets it (GC_DUPLICATE);
 *  - a registration whose slot lies in an object that dies is dropped in the
 *    same collection, so storage that becomes garbage takes its remaining
 *    registrations with it;
 *  - growing bdwgc's link table past 4096 entries forces a full collection
 *    first, outside incremental mode. GC_disable() around the registration
 *    would skip it (3x cheaper inserts at 10^6 links), but then every
 *    collection that falls due while the registration allocates turns into
 *    heap growth instead: a program whose main allocations are link records
 *    (maps of keys it already has, created and dropped) grows the heap
 *    where collections would have kept it flat, and the link table grown
 *    that way is the first object of a fresh mapping, which the mmap hint
 *    bdwgc keeps as a root pins with all its stale buckets once it is
 *    outgrown. It saves a collection only when the link table grows past
 *    its largest size so far, once per doubling in a process's life. So the
 *    collection is left to run. It stops the world like any other
 *    collection, and lookups do not wait for the mutex our caller holds
 *    across it: the caller registers before it opens the write section they
 *    validate against.
 */
#include "links.h"

int gcw_link_register(_Atomic gcw_word *slot, void *obj)
{
    GCW_ASSERT(obj != NULL && GC_base(obj) == obj);
    int r = GC_general_register_disappearing_link((void **)slot, obj);
    return (r == GC_SUCCESS || r == GC_DUPLICATE) ? GCWEAK_OK : GCWEAK_ENOMEM;
}

void gcw_link_unregister(_Atomic gcw_word *slot)
{
    (void)GC_unregister_disappearing_link((void **)slot);
}

/* Above this size storage is allocated "ignore off page": we always keep a
 * pointer to its start, and bdwgc then need not treat every word pointing
 * into its middle as a reference (fewer blacklisting failures). */
#define LARGE_STORAGE_BYTES ((size_t)64 * 1024)

void *gcw_alloc_scanned(size_t bytes)
{
    return bytes >= LARGE_STORAGE_BYTES ? GC_MALLOC_IGNORE_OFF_PAGE(bytes)
                                        : GC_MALLOC(bytes);
}

void *gcw_alloc_pointer_free(size_t bytes)
{
    return bytes >= LARGE_STORAGE_BYTES ? GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(bytes)
                                        : GC_MALLOC_ATOMIC(bytes);
}

static void *read_gc_no(void *out)
{
    *(GC_word *)out = GC_get_gc_no();
    return NULL;
}

GC_word gcw_collections_settled(void)
{
    /* The count is bumped after marking, before GC_finalize clears links, in
     * one hold of the allocation lock: once we hold the lock, every counted
     * collection has cleared all it will clear. */
    GC_word n = 0;
    (void)GC_call_with_alloc_lock(read_gc_no, &n);
    return n;
}

static void *reveal(void *slot)
{
    gcw_word w = atomic_load_explicit((_Atomic gcw_word *)slot, memory_order_relaxed);
    return w != 0 ? GC_REVEAL_POINTER(w) : NULL;
}

void *gcw_reveal_locked(_Atomic gcw_word *slot)
{
    return GC_call_with_alloc_lock(reveal, (void *)slot);
}
