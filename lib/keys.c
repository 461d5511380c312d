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
#include "internal.h"

void *gcw_key_object(const void *key)
{
    if (key == NULL)
        return NULL;
    return GC_base((void *)(uintptr_t)key);
}
