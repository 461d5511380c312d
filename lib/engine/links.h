/* SPDX-License-Identifier: MIT */
/*
 * Collector glue: every call gcweak makes into bdwgc's disappearing links and
 * allocator, in one place (links.c).
 */
#ifndef GCWEAK_LINKS_H
#define GCWEAK_LINKS_H

#include "keys.h"

/* Registers *slot to be zeroed when obj (an object base) dies; a slot that
 * is still registered on an earlier key is retargeted. GCWEAK_OK or
 * GCWEAK_ENOMEM. Takes the allocation lock and runs no finalizer, so the
 * caller may hold its own mutex. */
int gcw_link_register(_Atomic gcw_word *slot, void *obj);

/* Drops any registration of *slot. */
void gcw_link_unregister(_Atomic gcw_word *slot);

/* Drops the registration of an entry's key word and, in a doubly-weak map
 * (with_value), of the value word beside it. */
static inline void gcw_link_unregister_entry(_Atomic gcw_word *key, bool with_value)
{
    gcw_link_unregister(key);
    if (with_value)
        gcw_link_unregister(key + 1);
}

/* The disguised pointer in *slot, a registered link, revealed under the
 * collector's lock (NULL once cleared): never an object being reclaimed.
 * The caller may hold a table mutex. */
void *gcw_reveal_locked(_Atomic gcw_word *slot);

/* Memory for tables: scanned (zeroed) and pointer-free (not zeroed). May
 * collect and run finalizers: never call with a table mutex held. */
void *gcw_alloc_scanned(size_t bytes);
void *gcw_alloc_pointer_free(size_t bytes);

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

/* The collection count once every collection it counts has cleared its
 * links (read under the allocation lock). */
GC_word gcw_collections_settled(void);

/* The write barrier: call after storing `stored` into scanned memory at slot,
 * so that incremental collection with manual dirty bits sees the store. */
static inline void gcw_note_store(const volatile void *slot, const void *stored)
{
    if (stored != NULL) {
        GC_end_stubborn_change((const void *)slot);
        GC_reachable_here(stored);
    }
}

#endif /* GCWEAK_LINKS_H */
