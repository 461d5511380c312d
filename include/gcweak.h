/* SPDX-License-Identifier: MIT */
/**
 * @file gcweak.h
 * @brief gcweak: WeakMap and WeakSet for programs built on the
 * Boehm-Demers-Weiser collector (bdwgc).
 *
 * A gcweak container is keyed by objects allocated by the collector. An entry
 * lives exactly as long as the object its key points into: once the collector
 * reclaims that object, the entry disappears by itself and the container stops
 * referencing the entry's value. No clean-up code, no finalizer on the user's
 * objects.
 *
 * Containers are themselves collector objects: there is no free function; an
 * unreachable container is reclaimed with all its memory and registrations,
 * whatever its values point to (a value that refers back to its own map
 * keeps nothing alive). A map that a bdwgc finalizer revives after it became
 * unreachable keeps its keys and loses its values, which the collector may
 * have reclaimed meanwhile: each reads NULL, and removals pending for the
 * callback are dropped uncalled.
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

#define GCWEAK_VERSION_MAJOR 0 /**< Major version of this header. */
#define GCWEAK_VERSION_MINOR 2 /**< Minor version of this header. */
#define GCWEAK_VERSION_PATCH 0 /**< Patch version of this header. */

/* ---------------------------------------------------------------- errors */

/**
 * @defgroup gcweak_errors Errors
 * @brief Error codes and their messages.
 *
 * Functions that can fail return #GCWEAK_OK (0) or one of these negative
 * codes; gcweak_strerror() turns any int into a message.
 * @{
 */
#define GCWEAK_OK      0     /**< Success. */
#define GCWEAK_EINVAL (-1)   /**< a bad key (not a pointer into a live GC-heap object), or a NULL container or required argument */
#define GCWEAK_ENOMEM (-2)   /**< the collector could not provide memory */

/**
 * @brief A static, never-NULL message for any code, known or not.
 *
 * @param code  any int: #GCWEAK_OK, an error code, or anything else
 * @return a static, never-NULL message
 */
GCWEAK_API const char *gcweak_strerror(int code);
/** @} */

/* ------------------------------------------------------------------- keys */

/**
 * @defgroup gcweak_keys Keys
 * @brief What may be a key.
 *
 * A key is a pointer into an object allocated by the collector: GC_MALLOC,
 * GC_MALLOC_ATOMIC, GC_MALLOC_UNCOLLECTABLE, typed and GC_DEBUG allocations
 * alike, at the object's start or anywhere inside it. Keys compare by pointer
 * value: two different addresses inside one object are two keys, both of which
 * live as long as that object.
 *
 * Storing a key that is NULL or points outside the collector's heap (stack,
 * static data, malloc) fails with #GCWEAK_EINVAL and changes nothing. Looking
 * such a pointer up simply finds nothing.
 *
 * A NULL container is refused the same way: functions returning an error
 * code return #GCWEAK_EINVAL, queries answer "absent" (NULL, false, 0), and
 * clear does nothing.
 *
 * Undefined: a key whose object was freed explicitly with GC_FREE, or moved
 * by GC_REALLOC (which frees the old object when it moves it), while an
 * entry for it exists (the collector cannot tell that the entry died, and the
 * memory may be reused by a new object that then matches the old entry), and a
 * pointer into memory the collector has never handed out as an object. Once
 * its entries are deleted, or the containers cleared, a key may be freed.
 */

/* -------------------------------------------------------------------- map */

/**
 * @defgroup gcweak_map Maps
 * @brief Ephemeron (or weak-key) maps from collector objects to values.
 * @{
 */

/** @brief A map; a collector object with no free function. */
typedef struct gcweak_map gcweak_map;

/**
 * @brief A new empty map, or NULL when out of memory.
 *
 * The map is an ephemeron table, like JavaScript's WeakMap: a value, and
 * everything reachable only through it, stays alive exactly as long as its
 * key is reachable from outside the values of dead entries. A value may
 * point to its own key, or to other keys of this or any other gcweak map,
 * without keeping them alive. See README "Ephemerons" for how the collector
 * is hooked and what that costs.
 *
 * @return the new map, or NULL when out of memory
 */
GCWEAK_API gcweak_map *gcweak_map_new(void);
/** @} */

/**
 * @defgroup gcweak_options Map options
 * @brief Creation options for gcweak_map_new_with().
 * @{
 */

/** @brief Creation options; zero-initialise, then set what you need. */
typedef struct gcweak_map_options {
    unsigned flags;        /**< GCWEAK_MAP_* flags, or 0 */
    size_t capacity_hint;  /**< entries to make room for at once; 0 for none */
} gcweak_map_options;

/** Values held strongly while their entries live: a plain weak-key table. A
 * value that reaches its own key keeps the entry alive forever. */
#define GCWEAK_MAP_WEAK_KEYS 0x1u

/** Values are plain integers (or pointers the collector must not see): they
 * are never traced and keep nothing alive, so there is no false retention
 * and less marking. Cannot be combined with #GCWEAK_MAP_WEAK_KEYS. */
#define GCWEAK_MAP_POINTER_FREE_VALUES 0x2u

/** A doubly-weak map: values are held weakly too, and an entry disappears
 * when its key or its value is reclaimed, whichever first. Values must be
 * collector objects under the rules of keys (gcweak_map_set() refuses
 * others with #GCWEAK_EINVAL). Neither side keeps the other alive through
 * the map; a key that points to its value keeps the value alive by the
 * program's own pointer. get never hands out a value being reclaimed, and
 * stays lock-free on the common path. gcweak_map_on_removal() is refused
 * (#GCWEAK_EINVAL): a value may be dead already, so there is nothing to
 * hand over. Cannot be combined with #GCWEAK_MAP_WEAK_KEYS or
 * #GCWEAK_MAP_POINTER_FREE_VALUES. */
#define GCWEAK_MAP_WEAK_VALUES 0x4u

/**
 * @brief A new map with options (NULL means defaults, as gcweak_map_new()).
 *
 * @param options  the options, or NULL for the defaults
 * @return the new map; NULL when out of memory, when flags holds an unknown
 *         bit, or when it combines #GCWEAK_MAP_WEAK_KEYS,
 *         #GCWEAK_MAP_POINTER_FREE_VALUES and #GCWEAK_MAP_WEAK_VALUES
 */
GCWEAK_API gcweak_map *gcweak_map_new_with(const gcweak_map_options *options);
/** @} */

/** @addtogroup gcweak_map
 * @{
 */

/**
 * @brief Associates value with key, replacing any earlier value.
 *
 * The value is any pointer-sized datum; one that points into the collector's
 * heap is kept alive for as long as the entry lives (see gcweak_map_new() for
 * when that is).
 *
 * @param m      the map
 * @param key    the key (see @ref gcweak_keys)
 * @param value  any pointer-sized datum
 * @retval GCWEAK_OK      the value is stored
 * @retval GCWEAK_EINVAL  bad key or NULL map: nothing changed
 * @retval GCWEAK_ENOMEM  nothing changed
 */
GCWEAK_API int gcweak_map_set(gcweak_map *m, const void *key, void *value);

/**
 * @brief The value stored for key, or NULL when there is none.
 *
 * Use gcweak_map_lookup() to tell a stored NULL from an absent key.
 *
 * @param m    the map
 * @param key  the key to look up
 * @return the value stored for key, or NULL when there is none
 */
GCWEAK_API void *gcweak_map_get(gcweak_map *m, const void *key);

/**
 * @brief Looks key up, telling a stored NULL from an absent key.
 *
 * @param m          the map
 * @param key        the key to look up
 * @param value_out  receives the value when key is present; may be NULL
 * @retval true   key is present; *value_out set (when value_out is not NULL)
 * @retval false  key is absent; *value_out untouched
 */
GCWEAK_API bool gcweak_map_lookup(gcweak_map *m, const void *key, void **value_out);

/**
 * @brief true if key is present.
 *
 * @param m    the map
 * @param key  the key to look up
 * @return true if key is present
 */
GCWEAK_API bool gcweak_map_has(gcweak_map *m, const void *key);

/**
 * @brief Removes key's entry and releases its value; true if there was one.
 *
 * @param m    the map
 * @param key  the key whose entry to remove
 * @return true if there was an entry for key
 */
GCWEAK_API bool gcweak_map_delete(gcweak_map *m, const void *key);

/**
 * @brief Entries stored and not yet found dead by a collection, less
 * deletions: an entry stops counting once the collection that reclaims its
 * key has run.
 *
 * @param m  the map
 * @return the number of entries
 */
GCWEAK_API size_t gcweak_map_size(gcweak_map *m);

/**
 * @brief Removes every entry and releases their values and link
 * registrations.
 *
 * @param m  the map
 */
GCWEAK_API void gcweak_map_clear(gcweak_map *m);
/** @} */

/**
 * @defgroup gcweak_get_or_create Get-or-create
 * @brief Computes a value for key only when it has none: the caching use case.
 * @{
 */

/**
 * @brief Computes the value for a key that has none.
 *
 * @param key  the key passed to gcweak_map_get_or_create()
 * @param arg  the arg passed to gcweak_map_get_or_create()
 * @return the value to store for key
 */
typedef void *(*gcweak_create_fn)(const void *key, void *arg);

/**
 * @brief Computes a value for key only when it has none: the caching use case.
 *
 * When key is present, *value_out receives its value after one lookup and
 * create is not called. Otherwise create(key, arg) runs, with no gcweak or
 * collector lock held (it may allocate, collect, and use this map), and its
 * result is stored unless another thread stored a value for key meanwhile:
 * then that value wins, create's result is dropped, and *value_out receives
 * the winner. Two threads racing on one key may both run create; all callers
 * see the same stored value.
 *
 * @param m          the map
 * @param key        the key (see @ref gcweak_keys)
 * @param create     computes the value when key has none
 * @param arg        passed to create
 * @param value_out  receives the stored value; must not be NULL
 * @retval GCWEAK_OK      *value_out holds the stored value
 * @retval GCWEAK_EINVAL  bad key, NULL map, create or value_out; create not
 *                        called
 * @retval GCWEAK_ENOMEM  nothing stored
 */
GCWEAK_API int gcweak_map_get_or_create(gcweak_map *m, const void *key,
                                        gcweak_create_fn create, void *arg,
                                        void **value_out);
/** @} */

/* ---------------------------------------------------- removal notification */

/**
 * @defgroup gcweak_removal Removal notification
 * @brief A per-map callback told when an entry's key was reclaimed.
 *
 * fn(value, arg) is called once for every entry that disappears because the
 * collector reclaimed its key, so the program can release what the collector
 * does not own (a file descriptor, a malloc'd buffer) that the value names.
 * It is not called for entries removed by delete, clear or replaced by set,
 * nor for entries whose value is NULL.
 *
 * When: during the first operation on the map after the collection that
 * reclaimed the key (any gcweak_map_* call on it, reads included), in the
 * thread making that call, before the call returns; never inside the
 * collector, and with no gcweak or collector lock held, so fn may use this
 * map and others, allocate and collect. The key is not passed: it is dead,
 * and nothing may bring it back. The value is kept alive until fn has seen
 * it (for an ephemeron map, everything only it reaches survives one more
 * collection than it would without a callback).
 * @{
 */

/**
 * @brief Told about an entry that disappeared because its key was reclaimed.
 *
 * @param value  the entry's value
 * @param arg    the arg given to gcweak_map_on_removal()
 */
typedef void (*gcweak_removal_fn)(void *value, void *arg);

/**
 * @brief Sets the map's removal callback.
 *
 * Setting a callback replaces the previous one; NULL removes it (entries
 * already awaiting notification are then released silently).
 *
 * @param m    the map
 * @param fn   the callback, or NULL to remove it
 * @param arg  passed to fn
 * @retval GCWEAK_OK      the callback is set
 * @retval GCWEAK_EINVAL  NULL map
 */
GCWEAK_API int gcweak_map_on_removal(gcweak_map *m, gcweak_removal_fn fn, void *arg);
/** @} */

/* -------------------------------------------------------------- iteration */

/**
 * @defgroup gcweak_iteration Iteration
 * @brief Visiting every live entry: a snapshot.
 *
 * foreach calls visit once for every entry live when it starts: a snapshot.
 * Keys are revealed under the collector's lock and held alive by the
 * snapshot until foreach returns, so each key visit receives is a valid
 * object. visit runs with no gcweak or collector lock held: it may read and
 * change this container and others, allocate and collect. Entries added
 * during the walk are not visited; entries deleted or dying during it are
 * still visited, with the value they had at the start. A nonzero return from
 * visit stops the walk, and foreach returns that value. Otherwise #GCWEAK_OK,
 * #GCWEAK_EINVAL (NULL container or visit) or #GCWEAK_ENOMEM (no snapshot; no
 * entry visited).
 * @{
 */

/**
 * @brief Called by gcweak_map_foreach() for each entry.
 *
 * @param key    the entry's key, a valid object until foreach returns
 * @param value  the entry's value when the walk started
 * @param arg    the arg given to gcweak_map_foreach()
 * @return 0 to continue; nonzero stops the walk and foreach returns it
 */
typedef int (*gcweak_map_visit_fn)(const void *key, void *value, void *arg);

/**
 * @brief Calls visit once for every entry live when it starts: a snapshot.
 *
 * @param m      the map
 * @param visit  called for each entry
 * @param arg    passed to visit
 * @return the nonzero value visit returned, which stopped the walk; otherwise:
 * @retval GCWEAK_OK      every entry visited
 * @retval GCWEAK_EINVAL  NULL container or visit
 * @retval GCWEAK_ENOMEM  no snapshot; no entry visited
 */
GCWEAK_API int gcweak_map_foreach(gcweak_map *m, gcweak_map_visit_fn visit, void *arg);
/** @} */

/* -------------------------------------------------------------------- set */

/**
 * @defgroup gcweak_set Sets
 * @brief Weak sets of collector objects.
 * @{
 */

/** @brief A set; a collector object with no free function. */
typedef struct gcweak_set gcweak_set;

/**
 * @brief A new empty set, or NULL when out of memory.
 *
 * @return the new set, or NULL when out of memory
 */
GCWEAK_API gcweak_set *gcweak_set_new(void);

/**
 * @brief Adds key (no change if present).
 *
 * @param s    the set
 * @param key  the key (see @ref gcweak_keys)
 * @retval GCWEAK_OK      key is in the set
 * @retval GCWEAK_EINVAL  bad key or NULL set: nothing changed
 * @retval GCWEAK_ENOMEM  nothing changed
 */
GCWEAK_API int gcweak_set_add(gcweak_set *s, const void *key);

/**
 * @brief true if key is present.
 *
 * @param s    the set
 * @param key  the key to look up
 * @return true if key is present
 */
GCWEAK_API bool gcweak_set_has(gcweak_set *s, const void *key);

/**
 * @brief Removes key; true if it was present.
 *
 * @param s    the set
 * @param key  the key to remove
 * @return true if key was present
 */
GCWEAK_API bool gcweak_set_delete(gcweak_set *s, const void *key);

/**
 * @brief Keys added and not yet found dead by a collection, less deletions.
 *
 * @param s  the set
 * @return the number of keys
 */
GCWEAK_API size_t gcweak_set_size(gcweak_set *s);

/**
 * @brief Removes every key and releases their link registrations.
 *
 * @param s  the set
 */
GCWEAK_API void gcweak_set_clear(gcweak_set *s);

/**
 * @brief Called by gcweak_set_foreach() for each key.
 *
 * @param key  the key, a valid object until foreach returns
 * @param arg  the arg given to gcweak_set_foreach()
 * @return 0 to continue; nonzero stops the walk and foreach returns it
 */
typedef int (*gcweak_set_visit_fn)(const void *key, void *arg);

/**
 * @brief As gcweak_map_foreach(), for the keys of a set.
 *
 * @param s      the set
 * @param visit  called for each key
 * @param arg    passed to visit
 * @return as gcweak_map_foreach() (see @ref gcweak_iteration)
 */
GCWEAK_API int gcweak_set_foreach(gcweak_set *s, gcweak_set_visit_fn visit, void *arg);
/** @} */

/* ------------------------------------------------------------- statistics */

/**
 * @defgroup gcweak_statistics Statistics
 * @brief What a container holds and costs, for programs that monitor memory.
 * @{
 */

/** @brief Statistics of one container, filled by gcweak_map_stats() or
 * gcweak_set_stats(). */
typedef struct gcweak_stats {
    size_t entries;     /**< live entries, as gcweak_*_size reports */
    size_t capacity;    /**< slots of the current table */
    size_t dead_slots;  /**< slots of deleted or reclaimed entries awaiting reuse */
    size_t collections; /**< collections this container has observed since creation */
    size_t bytes;       /**< collector memory of the container and its table; the
                             collector's own link records (about 40 bytes per
                             entry) are not included */
} gcweak_stats;

/**
 * @brief Fills *out with the statistics of a map.
 *
 * @param m    the map
 * @param out  receives the statistics
 * @retval GCWEAK_OK      *out filled
 * @retval GCWEAK_EINVAL  NULL container or out
 */
GCWEAK_API int gcweak_map_stats(gcweak_map *m, gcweak_stats *out);

/**
 * @brief Fills *out with the statistics of a set.
 *
 * @param s    the set
 * @param out  receives the statistics
 * @retval GCWEAK_OK      *out filled
 * @retval GCWEAK_EINVAL  NULL container or out
 */
GCWEAK_API int gcweak_set_stats(gcweak_set *s, gcweak_stats *out);
/** @} */

/* ------------------------------------------------------- weak-value maps */

/**
 * @defgroup gcweak_valmap Weak-value maps
 * @brief Maps from byte strings to collector objects held weakly: interning
 * tables and caches by name.
 *
 * A key is any byte string, `len` bytes from `key` (zero bytes and embedded
 * NULs allowed), copied into the map; two keys are equal when their bytes
 * are. (NULL, 0) is the empty key. A value must be a collector object under
 * the rules of map keys (see @ref gcweak_keys); the map never keeps it
 * alive. Once the collector reclaims a value its entry is gone, in that
 * same collection: from then on get returns NULL, size no longer counts it,
 * foreach skips it and intern creates a new value, and these never
 * disagree. get returns a strong pointer, never an object being reclaimed,
 * and takes no lock on the common path.
 *
 * Keys are hashed with a per-process random seed (SipHash-1-3), so that
 * keys chosen by whoever writes a program's input cannot make operations
 * walk one probe chain. A value revived by its own bdwgc finalizer does not
 * come back to the map: its entry went before finalizers ran.
 * @{
 */

/** @brief A weak-value map; a collector object with no free function. */
typedef struct gcweak_valmap gcweak_valmap;

/**
 * @brief A new empty weak-value map.
 * @return the map, or NULL when out of memory
 */
GCWEAK_API gcweak_valmap *gcweak_valmap_new(void);

/**
 * @brief Associates value with the key's bytes, replacing any value.
 * @param m      the map
 * @param key    the key's bytes (may be NULL when len is 0)
 * @param len    the key's length
 * @param value  a collector object
 * @retval GCWEAK_OK      stored
 * @retval GCWEAK_EINVAL  NULL map; key NULL with len > 0; value not a
 *                        collector object (nothing stored)
 * @retval GCWEAK_ENOMEM  out of memory (the map unchanged)
 */
GCWEAK_API int gcweak_valmap_set(gcweak_valmap *m, const void *key, size_t len, void *value);

/**
 * @brief The live value stored for the key, or NULL.
 * @param m    the map (NULL: NULL)
 * @param key  the key's bytes (NULL with len > 0: NULL)
 * @param len  the key's length
 * @return the value, a strong pointer, or NULL
 */
GCWEAK_API void *gcweak_valmap_get(gcweak_valmap *m, const void *key, size_t len);

/**
 * @brief Removes the key's entry.
 * @param m    the map (NULL: false)
 * @param key  the key's bytes
 * @param len  the key's length
 * @return true if there was a live entry
 */
GCWEAK_API bool gcweak_valmap_delete(gcweak_valmap *m, const void *key, size_t len);

/**
 * @brief The number of live entries (0 for NULL).
 * @param m  the map
 * @return the count
 */
GCWEAK_API size_t gcweak_valmap_size(gcweak_valmap *m);

/**
 * @brief Removes every entry.
 * @param m  the map (NULL: nothing)
 */
GCWEAK_API void gcweak_valmap_clear(gcweak_valmap *m);

/** @brief Makes the value for a key gcweak_valmap_intern() found none for. */
typedef void *(*gcweak_valmap_create_fn)(const void *key, size_t len, void *arg);

/**
 * @brief Atomic get-or-create: the live value for the key, or, when there
 * is none, create(key, len, arg) stored and returned.
 *
 * create runs with no gcweak or collector lock held (it may allocate,
 * collect and use this map). If another thread stored a value for the key
 * meanwhile, that value wins and is returned instead: all racers get the
 * same object. The value returned stays alive while the caller holds it.
 *
 * @param m          the map
 * @param key        the key's bytes
 * @param len        the key's length
 * @param create     makes the value
 * @param arg        passed to create
 * @param value_out  receives the value; untouched on error
 * @retval GCWEAK_OK      *value_out set
 * @retval GCWEAK_EINVAL  NULL map, create or value_out; key NULL with
 *                        len > 0; create returned no collector object
 * @retval GCWEAK_ENOMEM  out of memory
 */
GCWEAK_API int gcweak_valmap_intern(gcweak_valmap *m, const void *key, size_t len,
                                    gcweak_valmap_create_fn create, void *arg,
                                    void **value_out);

/** @brief Told the key of an entry whose value the collector reclaimed. */
typedef void (*gcweak_valmap_removal_fn)(const void *key, size_t len, void *arg);

/**
 * @brief Calls fn(key, len, arg) once for each entry that disappeared
 * because its value was reclaimed (not for delete, clear or a value
 * replaced by set), during the next operation on the map, with no lock
 * held. fn NULL turns it off. An old value's notification never removes or
 * hides a newer entry for the same key.
 * @param m    the map
 * @param fn   the callback, or NULL
 * @param arg  passed to fn
 * @retval GCWEAK_OK      set
 * @retval GCWEAK_EINVAL  NULL map
 * @retval GCWEAK_ENOMEM  out of memory (the previous callback stays)
 */
GCWEAK_API int gcweak_valmap_on_removal(gcweak_valmap *m, gcweak_valmap_removal_fn fn,
                                        void *arg);

/** @brief Visits one entry; nonzero stops the walk. */
typedef int (*gcweak_valmap_visit_fn)(const void *key, size_t len, void *value, void *arg);

/**
 * @brief Calls visit for every entry live when it starts (a snapshot, as
 * gcweak_map_foreach()).
 * @param m      the map
 * @param visit  the visitor
 * @param arg    passed to visit
 * @return #GCWEAK_OK, the nonzero value visit returned, #GCWEAK_EINVAL
 *         (NULL map or visit) or #GCWEAK_ENOMEM (no snapshot)
 */
GCWEAK_API int gcweak_valmap_foreach(gcweak_valmap *m, gcweak_valmap_visit_fn visit, void *arg);

/**
 * @brief Fills *out with the statistics of a weak-value map.
 * @param m    the map
 * @param out  receives the statistics
 * @retval GCWEAK_OK      *out filled
 * @retval GCWEAK_EINVAL  NULL map or out
 */
GCWEAK_API int gcweak_valmap_stats(gcweak_valmap *m, gcweak_stats *out);
/** @} */

/* ------------------------------------------------------ weak references */

/**
 * @defgroup gcweak_ref Weak references
 * @brief JavaScript's WeakRef: one collector object, held weakly.
 *
 * A weak reference answers "the object, if it still exists" without keeping
 * it alive, from any thread, without a lock: the collector's own kind of
 * weak pointer (a disguised pointer with a disappearing link) can only be
 * read safely under the collector's lock, since the collector may decide
 * that the object is dead and reclaim it between the load and the use.
 * gcweak_ref_get() knows, from gcweak's collection callback, whether a
 * collection was deciding which objects die while it read, and reads again
 * under the lock only then.
 *
 * A target that a bdwgc finalizer revives (stores somewhere) is not brought
 * back to its weak references: they are cleared in the collection that
 * found it unreachable, before finalizers run, as JavaScript's are.
 * @{
 */

/** @brief A weak reference; a collector object with no free function. */
typedef struct gcweak_ref gcweak_ref;

/**
 * @brief Makes a weak reference to target.
 *
 * target follows the rules of map keys (see @ref gcweak_keys): a pointer
 * into a live collector object, its start or anywhere inside it. The
 * reference hands back that same pointer while the object lives.
 *
 * @param target   the object to refer to
 * @param ref_out  receives the new reference; untouched on error
 * @retval GCWEAK_OK      *ref_out is the new reference
 * @retval GCWEAK_EINVAL  target is not in the collector's heap, or ref_out
 *                        is NULL
 * @retval GCWEAK_ENOMEM  out of memory
 */
GCWEAK_API int gcweak_ref_new(const void *target, gcweak_ref **ref_out);

/**
 * @brief The target, while the collector has not reclaimed it; NULL from
 * the collection that reclaims it on, in every thread.
 *
 * Never an object the collector is reclaiming: the pointer returned is a
 * strong one, alive while the caller holds it. Lock-free on the common
 * path.
 *
 * @param ref  the reference (NULL: NULL)
 * @return the target, or NULL
 */
GCWEAK_API void *gcweak_ref_get(const gcweak_ref *ref);
/** @} */

/* --------------------------------------------------- finalization registry */

/**
 * @defgroup gcweak_registry Finalization registries
 * @brief JavaScript's FinalizationRegistry: clean-up calls after objects
 * are reclaimed, without touching their finalizers.
 *
 * bdwgc allows one finalizer per object, runs it with the object revived,
 * and orders finalizers badly in cycles. A registry instead calls its
 * clean-up function with a separate "held" value once a target is gone:
 * as many registrations per object, in as many registries, as a program
 * wants, and the object's own finalizer slot stays untouched.
 *
 * Clean-up calls never run inside the collector, nor with any gcweak or
 * collector lock held: a callback may allocate, collect, register and
 * unregister. They run where this program runs bdwgc's finalizers
 * (automatically at allocation by default; in GC_invoke_finalizers() when
 * the program set GC_set_finalize_on_demand()), and whenever the program
 * calls gcweak_registry_cleanup(). Each registration's callback runs at
 * most once, never after gcweak_registry_unregister() dropped it, and never
 * at all if the registry itself became unreachable first (its pending
 * registrations are reclaimed with it, and their held values released).
 * @{
 */

/** @brief A finalization registry; a collector object with no free function. */
typedef struct gcweak_registry gcweak_registry;

/**
 * @brief A clean-up function: called with the held value of a registration
 * whose target was reclaimed, and the registry's arg.
 */
typedef void (*gcweak_cleanup_fn)(void *held, void *arg);

/**
 * @brief A new registry whose clean-up function is cleanup(held, arg).
 *
 * arg is kept alive by the registry.
 *
 * @param cleanup  the clean-up function (required)
 * @param arg      passed to every call
 * @return the registry, or NULL when out of memory or cleanup is NULL
 */
GCWEAK_API gcweak_registry *gcweak_registry_new(gcweak_cleanup_fn cleanup, void *arg);

/**
 * @brief Registers target: once the collector reclaims it, cleanup(held,
 * arg) runs once.
 *
 * target follows the rules of map keys (see @ref gcweak_keys). held is any
 * word, pointer or not; the registry keeps it alive until its callback has
 * run or the registration is dropped, so a held value that reaches the
 * target keeps the target alive, as in JavaScript. held must not point into
 * the target itself. token is NULL (the registration cannot be dropped) or
 * a collector object, held weakly, that gcweak_registry_unregister() finds
 * the registration by; it may be the target.
 *
 * @param r       the registry
 * @param target  the object to watch
 * @param held    handed to the clean-up function
 * @param token   NULL, or a collector object to unregister by
 * @retval GCWEAK_OK      registered
 * @retval GCWEAK_EINVAL  NULL registry; target not in the collector's heap;
 *                        held points into the target; token neither NULL
 *                        nor in the collector's heap (nothing registered)
 * @retval GCWEAK_ENOMEM  out of memory (nothing registered)
 */
GCWEAK_API int gcweak_registry_register(gcweak_registry *r, const void *target, void *held,
                                        const void *token);

/**
 * @brief Drops every registration of r with this token whose callback has
 * not started.
 *
 * When it returns, no callback of those registrations runs any more, and
 * none of the token's callbacks is still running in another thread.
 *
 * @param r      the registry (NULL: 0)
 * @param token  the token given to gcweak_registry_register()
 * @return how many registrations were dropped
 */
GCWEAK_API size_t gcweak_registry_unregister(gcweak_registry *r, const void *token);

/**
 * @brief Runs now, in this thread, the callbacks of r whose targets the
 * collector has reclaimed and that have not run yet.
 *
 * @param r  the registry (NULL: 0)
 * @return how many callbacks ran
 */
GCWEAK_API size_t gcweak_registry_cleanup(gcweak_registry *r);
/** @} */

/* ---------------------------------------------------------------- version */

/**
 * @defgroup gcweak_version Version
 * @brief The version of the header a program was compiled with, and of the
 * library it runs with.
 *
 * A program can catch a header/library mismatch at start-up:
 * @code
 * if (gcweak_version() / 10000 != GCWEAK_VERSION / 10000 ||
 *     gcweak_version() < GCWEAK_VERSION)
 *     abort();    // older or incompatible libgcweak than the header
 * @endcode
 * @{
 */

/** The header's version as one number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define GCWEAK_VERSION \
    (GCWEAK_VERSION_MAJOR * 10000 + GCWEAK_VERSION_MINOR * 100 + GCWEAK_VERSION_PATCH)

/**
 * @brief The library's version, as #GCWEAK_VERSION: MAJOR * 10000 +
 * MINOR * 100 + PATCH of the libgcweak the program runs with.
 *
 * @return the version number of the library
 */
GCWEAK_API int gcweak_version(void);

/**
 * @brief The library's version as a static string, "MAJOR.MINOR.PATCH".
 *
 * @return a static, never-NULL string
 */
GCWEAK_API const char *gcweak_version_string(void);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GCWEAK_H */
