/* SPDX-License-Identifier: MIT */
/*
 * gcweak_ref: one disguised pointer, guarded by a disappearing link, read
 * without a lock (ephemeron.h says why the read is safe) and under the
 * collector's lock only when a collection was deciding what dies meanwhile.
 *
 * A reference is pointer-free memory of its own: the marker never takes
 * the target for a reference, and when the reference itself is reclaimed,
 * the collector drops its link with it.
 */
#include "ephemeron.h"

struct gcweak_ref {
    _Atomic GC_word target; /* disguised target; 0 once the collector cleared it */
};

int gcweak_ref_new(const void *target, gcweak_ref **ref_out)
{
    void *obj = gcw_key_object(target);
    if (obj == NULL || ref_out == NULL)
        return GCWEAK_EINVAL;
    if (gcw_pass_install() != GCWEAK_OK)
        return GCWEAK_ENOMEM;
    gcweak_ref *ref = gcw_alloc_pointer_free(sizeof *ref);
    if (ref == NULL)
        return GCWEAK_ENOMEM;
    atomic_init(&ref->target, gcw_key_word(target));
    /* The target is in this frame until the link guards it. */
    if (gcw_link_register(&ref->target, obj) != GCWEAK_OK)
        return GCWEAK_ENOMEM;
    GC_reachable_here(target);
    *ref_out = ref;
    return GCWEAK_OK;
}

static void *target_of(const gcweak_ref *ref)
{
    GC_word w = atomic_load_explicit(&ref->target, memory_order_relaxed);
    return w != 0 ? GC_REVEAL_POINTER(w) : NULL;
}

static void *read_locked(void *ref)
{
    return target_of(ref);
}

void *gcweak_ref_get(const gcweak_ref *ref)
{
    if (ref == NULL)
        return NULL;
    unsigned begun = gcw_read_guarded_begin();
    void *target = target_of(ref);
    if (gcw_read_guarded_valid(begun))
        return target;
    /* A collection was between deciding and clearing, or ran without our
     * callback: under the lock, every decided link is cleared. */
    return GC_call_with_alloc_lock(read_locked, (void *)(GC_word)ref);
}
