/*
 * Collector glue: every call gcweak makes into bdwgc's weak-reference and
 * allocation machinery, in one place.
 *
 * A disappearing link is registered per key slot, on the key object's base.
 * Facts this file relies on (bdwgc 8.2, finalize.c):
 *  - zeroing or overwriting a slot does not unregister it, so a delete
 *    unregisters explicitly;
 *  - a registration whose slot lies in an object that dies is dropped in the
 *    same collection, so a table generation that becomes garbage takes its
 *    remaining registrations with it;
 *  - registering, moving and unregistering take the allocation lock and run
 *    no finalizers, so callers may hold their own mutex.
 */
#include "internal.h"

int gcw_link_register(_Atomic gcw_word *slot, void *obj)
{
    GCW_ASSERT(obj != NULL && GC_base(obj) == obj);
    int r = GC_general_register_disappearing_link((void **)slot, obj);
    /* GC_DUPLICATE retargets the slot: a DEAD slot the ephemeron pass retired
     * (removal notification) may still be registered on its old key. */
    return (r == GC_SUCCESS || r == GC_DUPLICATE) ? GCWEAK_OK : GCWEAK_ENOMEM;
}

bool gcw_link_move(_Atomic gcw_word *from, _Atomic gcw_word *to)
{
    int r = GC_move_disappearing_link((void **)from, (void **)to);
    /* A fresh slot is never registered, so GC_DUPLICATE cannot happen. */
    GCW_ASSERT(r == GC_SUCCESS || r == GC_NOT_FOUND);
    return r == GC_SUCCESS;
}

void gcw_link_unregister(_Atomic gcw_word *slot)
{
    (void)GC_unregister_disappearing_link((void **)slot);
}

static void *read_counts(void *out)
{
    struct gcw_counts *c = out;
    c->collections = GC_get_gc_no();
    c->passes = gcw_ephemeron_passes_locked();
    return NULL;
}

struct gcw_counts gcw_counts_settled(void)
{
    /* The count is bumped after marking, before GC_finalize clears links, in
     * one hold of the allocation lock: once we hold the lock, every counted
     * collection has cleared all it will clear. */
    struct gcw_counts c = {0, 0};
    (void)GC_call_with_alloc_lock(read_counts, &c);
    return c;
}

/* Above this size a table is allocated "ignore off page": we always keep a
 * pointer to its start, and bdwgc then need not treat every word pointing
 * into its middle as a reference (fewer blacklisting failures). */
#define LARGE_TABLE_BYTES ((size_t)64 * 1024)

void *gcw_alloc_scanned(size_t bytes)
{
    return bytes >= LARGE_TABLE_BYTES ? GC_MALLOC_IGNORE_OFF_PAGE(bytes)
                                      : GC_MALLOC(bytes);
}

void *gcw_alloc_pointer_free(size_t bytes)
{
    return bytes >= LARGE_TABLE_BYTES ? GC_MALLOC_ATOMIC_IGNORE_OFF_PAGE(bytes)
                                      : GC_MALLOC_ATOMIC(bytes);
}
