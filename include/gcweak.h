/*
 * gcweak: WeakMap and WeakSet for programs built on the Boehm-Demers-Weiser
 * collector (bdwgc).
 *
 * A gcweak container is keyed by objects allocated by the collector. An entry
 * lives exactly as long as the object its key points into: once the collector
 * reclaims that object, the entry disappears by itself and the container stops
 * referencing the entry's value. No clean-up code, no finalizer on the user's
 * objects.
 *
 * Containers are themselves collector objects: there is no free function; an
 * unreachable container is reclaimed with all its memory and registrations.
 *
 * Every function may be called concurrently from any threads registered with
 * the collector. Lookups take no collector lock and no container lock in the
 * common case.
 */
#ifndef GCWEAK_H
#define GCWEAK_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && !defined(GCWEAK_STATIC)
#  ifdef GCWEAK_BUILDING
#    define GCWEAK_API __declspec(dllexport)
#  else
#    define GCWEAK_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define GCWEAK_API __attribute__((visibility("default")))
#else
#  define GCWEAK_API
#endif

#define GCWEAK_VERSION_MAJOR 0
#define GCWEAK_VERSION_MINOR 1
#define GCWEAK_VERSION_PATCH 0

/* ---------------------------------------------------------------- errors */

/* Functions that can fail return GCWEAK_OK (0) or one of these negative
 * codes; gcweak_strerror() turns any int into a message. */
#define GCWEAK_OK      0
#define GCWEAK_EINVAL (-1)   /* the key is not a pointer into a live GC-heap object */
#define GCWEAK_ENOMEM (-2)   /* the collector could not provide memory */

/* A static, never-NULL message for any code, known or not. */
GCWEAK_API const char *gcweak_strerror(int code);

/* ------------------------------------------------------------------- keys
 *
 * A key is a pointer into an object allocated by the collector: GC_MALLOC,
 * GC_MALLOC_ATOMIC, GC_MALLOC_UNCOLLECTABLE, typed and GC_DEBUG allocations
 * alike, at the object's start or anywhere inside it. Keys compare by pointer
 * value: two different addresses inside one object are two keys, both of which
 * live as long as that object.
 *
 * Storing a key that is NULL or points outside the collector's heap (stack,
 * static data, malloc) fails with GCWEAK_EINVAL and changes nothing. Looking
 * such a pointer up simply finds nothing.
 *
 * Undefined: a key whose object was freed explicitly with GC_FREE while an
 * entry for it exists (the collector cannot tell that the entry died, and the
 * memory may be reused by a new object that then matches the old entry), and a
 * pointer into memory the collector has never handed out as an object.
 */

/* -------------------------------------------------------------------- map */

typedef struct gcweak_map gcweak_map;

/* A new empty map, or NULL when out of memory.
 *
 * The map is an ephemeron table, like JavaScript's WeakMap: a value, and
 * everything reachable only through it, stays alive exactly as long as its
 * key is reachable from outside the values of dead entries. A value may
 * point to its own key, or to other keys of this or any other gcweak map,
 * without keeping them alive. See README "Ephemerons" for how the collector
 * is hooked and what that costs. */
GCWEAK_API gcweak_map *gcweak_map_new(void);

/* Creation options; zero-initialise, then set what you need. */
typedef struct gcweak_map_options {
    unsigned flags;        /* GCWEAK_MAP_* flags, or 0 */
    size_t capacity_hint;  /* entries to make room for at once; 0 for none */
} gcweak_map_options;

/* Values held strongly: a plain weak-key table. Cheaper during collections,
 * but a value that reaches its own key keeps the entry alive forever. */
#define GCWEAK_MAP_WEAK_KEYS 0x1u

/* A new map with options (NULL means defaults, as gcweak_map_new). NULL
 * when out of memory or when flags holds an unknown bit. */
GCWEAK_API gcweak_map *gcweak_map_new_with(const gcweak_map_options *options);

/* Associates value with key, replacing any earlier value. The value is any
 * pointer-sized datum; one that points into the collector's heap is kept
 * alive for as long as the entry lives (see gcweak_map_new for when that is). Returns GCWEAK_OK, GCWEAK_EINVAL
 * (bad key or NULL map: nothing changed) or GCWEAK_ENOMEM (nothing changed). */
GCWEAK_API int gcweak_map_set(gcweak_map *m, const void *key, void *value);

/* The value stored for key, or NULL when there is none. Use
 * gcweak_map_lookup() to tell a stored NULL from an absent key. */
GCWEAK_API void *gcweak_map_get(gcweak_map *m, const void *key);

/* true and *value_out set (when value_out is not NULL) if key is present;
 * false and *value_out untouched otherwise. */
GCWEAK_API bool gcweak_map_lookup(gcweak_map *m, const void *key, void **value_out);

/* true if key is present. */
GCWEAK_API bool gcweak_map_has(gcweak_map *m, const void *key);

/* Removes key's entry and releases its value; true if there was one. */
GCWEAK_API bool gcweak_map_delete(gcweak_map *m, const void *key);

/* Entries whose keys were alive as of the last collection, less deletions. */
GCWEAK_API size_t gcweak_map_size(gcweak_map *m);

/* Removes every entry and releases their values and link registrations. */
GCWEAK_API void gcweak_map_clear(gcweak_map *m);

/* -------------------------------------------------------------------- set */

typedef struct gcweak_set gcweak_set;

/* A new empty set, or NULL when out of memory. */
GCWEAK_API gcweak_set *gcweak_set_new(void);

/* Adds key (no change if present). GCWEAK_OK, GCWEAK_EINVAL or GCWEAK_ENOMEM;
 * on error nothing changed. */
GCWEAK_API int gcweak_set_add(gcweak_set *s, const void *key);

/* true if key is present. */
GCWEAK_API bool gcweak_set_has(gcweak_set *s, const void *key);

/* Removes key; true if it was present. */
GCWEAK_API bool gcweak_set_delete(gcweak_set *s, const void *key);

/* Keys alive as of the last collection, less deletions. */
GCWEAK_API size_t gcweak_set_size(gcweak_set *s);

/* Removes every key and releases their link registrations. */
GCWEAK_API void gcweak_set_clear(gcweak_set *s);

#ifdef __cplusplus
}
#endif

#endif /* GCWEAK_H */
