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

/* Values are plain integers (or pointers the collector must not see): they
 * are never traced and keep nothing alive, so there is no false retention
 * and less marking. Cannot be combined with GCWEAK_MAP_WEAK_KEYS. */
#define GCWEAK_MAP_POINTER_FREE_VALUES 0x2u

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

/* Computes a value for key only when it has none: the caching use case.
 * When key is present, *value_out receives its value after one lookup and
 * create is not called. Otherwise create(key, arg) runs, with no gcweak or
 * collector lock held (it may allocate, collect, and use this map), and its
 * result is stored unless another thread stored a value for key meanwhile:
 * then that value wins, create's result is dropped, and *value_out receives
 * the winner. Two threads racing on one key may both run create; all callers
 * see the same stored value. GCWEAK_OK, GCWEAK_EINVAL (bad key, NULL map or
 * create; create not called) or GCWEAK_ENOMEM (nothing stored). */
typedef void *(*gcweak_create_fn)(const void *key, void *arg);
GCWEAK_API int gcweak_map_get_or_create(gcweak_map *m, const void *key,
                                        gcweak_create_fn create, void *arg,
                                        void **value_out);

/* -------------------------------------------------------------- iteration
 *
 * foreach calls visit once for every entry live when it starts: a snapshot.
 * Keys are revealed under the collector's lock and held alive by the
 * snapshot until foreach returns, so each key visit receives is a valid
 * object. visit runs with no gcweak or collector lock held: it may read and
 * change this container and others, allocate and collect. Entries added
 * during the walk are not visited; entries deleted or dying during it are
 * still visited, with the value they had at the start. A nonzero return from
 * visit stops the walk, and foreach returns that value. Otherwise GCWEAK_OK,
 * GCWEAK_EINVAL (NULL container or visit) or GCWEAK_ENOMEM (no snapshot; no
 * entry visited).
 */
typedef int (*gcweak_map_visit_fn)(const void *key, void *value, void *arg);
GCWEAK_API int gcweak_map_foreach(gcweak_map *m, gcweak_map_visit_fn visit, void *arg);

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

/* As gcweak_map_foreach, for the keys of a set. */
typedef int (*gcweak_set_visit_fn)(const void *key, void *arg);
GCWEAK_API int gcweak_set_foreach(gcweak_set *s, gcweak_set_visit_fn visit, void *arg);

/* ------------------------------------------------------------- statistics */

typedef struct gcweak_stats {
    size_t entries;     /* live entries, as gcweak_*_size reports */
    size_t capacity;    /* slots of the current table */
    size_t dead_slots;  /* slots of deleted or reclaimed entries awaiting reuse */
    size_t collections; /* collections this container has observed since creation */
    size_t bytes;       /* collector memory of the container and its table; the
                           collector's own link records (about 40 bytes per
                           entry) are not included */
} gcweak_stats;

/* Fills *out. GCWEAK_OK, or GCWEAK_EINVAL for a NULL container or out. */
GCWEAK_API int gcweak_map_stats(gcweak_map *m, gcweak_stats *out);
GCWEAK_API int gcweak_set_stats(gcweak_set *s, gcweak_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* GCWEAK_H */
