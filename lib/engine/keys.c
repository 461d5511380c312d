/* SPDX-License-Identifier: MIT */
/*
 * Which pointers may be keys.
 *
 * A key must point into an object the collector allocated, because its
 * disappearing link is registered on that object's base: bdwgc crashes at the
 * next collection on a base outside its heap, and clears the link of a live
 * object when given an interior pointer (it reads the mark bit of the granule
 * the pointer falls in). GC_base answers both questions without a lock: NULL
 * for stack, static, malloc'd or wild pointers, the true base for interior
 * pointers, large objects and GC_DEBUG user pointers (which sit past a
 * header).
 *
 * GC_base cannot tell an allocated object from one freed explicitly with
 * GC_FREE: such a key is documented as undefined in gcweak.h.
 */
#include "keys.h"

#include <stdatomic.h>

#include <gc/gc_mark.h>

void *gcw_key_object(const void *key)
{
    if (key == NULL)
        return NULL;
    return GC_base((void *)(uintptr_t)key);
}

/*
 * A link left registered on a deleted entry's key is harmless while the key
 * is an ordinary collectable object: if the program frees it with GC_FREE,
 * it stays in its block, unmarked, and the next collection drops the link
 * before it sweeps. Not so for two kinds of key:
 *   - a large object (more than half a heap block) has a block of its own,
 *     which GC_FREE returns at once: the collector then reads the header of
 *     a block that is gone. The smallest heap block bdwgc can be built with
 *     is 512 bytes, so anything over 256 bytes may be large;
 *   - an uncollectable object freed with GC_FREE crashes the next collection
 *     the same way (measured with bdwgc 8.2.2).
 * GC_get_kind_and_size reads the block header as GC_size does; the caller
 * holds the key, so the header cannot change under it.
 */
enum { SMALLEST_LARGE_OBJECT = 256 };

/* The kinds of GC_MALLOC and GC_MALLOC_ATOMIC objects, learned from one
 * object of each (8.2 has no public constants); -1 until then, which makes
 * every key count as one to unlink. */
static atomic_int normal_kind = -1, pointer_free_kind = -1;

void gcw_keys_learn_kinds(void)
{
    if (atomic_load_explicit(&pointer_free_kind, memory_order_acquire) >= 0)
        return;
    void *normal = GC_MALLOC(sizeof(GC_word));
    void *pointer_free = GC_MALLOC_ATOMIC(sizeof(GC_word));
    if (normal == NULL || pointer_free == NULL)
        return;
    atomic_store_explicit(&normal_kind, GC_get_kind_and_size(normal, NULL),
                          memory_order_relaxed);
    atomic_store_explicit(&pointer_free_kind, GC_get_kind_and_size(pointer_free, NULL),
                          memory_order_release);
}

bool gcw_key_object_needs_unlink(const void *obj)
{
    size_t bytes = 0;
    int kind = GC_get_kind_and_size(obj, &bytes);
    return bytes > SMALLEST_LARGE_OBJECT ||
           (kind != atomic_load_explicit(&normal_kind, memory_order_relaxed) &&
            kind != atomic_load_explicit(&pointer_free_kind, memory_order_acquire));
}
