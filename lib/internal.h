/*
 * Declarations shared by the files of lib/. One section per file, in the
 * order a reader meets them: key rules (keys.c), collector glue (links.c),
 * the hash table (table.c). map.c and set.c are thin public wrappers.
 */
#ifndef GCWEAK_INTERNAL_H
#define GCWEAK_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gc/gc.h>

#include "gcweak.h"
#include "lock.h"

/* Invariant checks: loud in the test build (GCWEAK_ASSERTS), free otherwise. */
#ifdef GCWEAK_ASSERTS
#  include <stdio.h>
#  include <stdlib.h>
#  define GCW_ASSERT(cond)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "gcweak: %s:%d: invariant failed: %s\n", __FILE__, \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)
#else
#  define GCW_ASSERT(cond) ((void)0)
#endif

/* ------------------------------------------------------- keys.c: key rules
 *
 * A key is stored as its disguised form (GC_HIDE_POINTER), a word the marker
 * does not take for a pointer. Two words can never be the disguise of a key:
 *   0          what the collector writes when the key's object dies; we write
 *              it too when an entry is deleted. "Dead" slot.
 *   all ones   GC_HIDE_POINTER(NULL). "Empty" slot, never used since the
 *              table was allocated.
 * Keys are compared in disguised form, so a lookup never reveals a pointer and
 * needs no collector lock.
 */
typedef GC_word gcw_word;

#define GCW_SLOT_DEAD ((gcw_word)0)
#define GCW_SLOT_EMPTY ((gcw_word)GC_HIDE_POINTER(NULL))

static inline gcw_word gcw_key_word(const void *key)
{
    return (gcw_word)GC_HIDE_POINTER(key);
}

/* false for the two reserved words: such a "key" is never stored. */
static inline bool gcw_word_is_key(gcw_word w)
{
    return w != GCW_SLOT_DEAD && w != GCW_SLOT_EMPTY;
}

/* Fibonacci hashing: the top bits of the product spread the low zero bits of
 * aligned pointers over the whole table. The caller shifts the result right
 * by (word bits - log2 capacity). */
static inline gcw_word gcw_word_hash(gcw_word w)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    return w * (gcw_word)0x9E3779B97F4A7C15u;
#else
    return w * (gcw_word)0x9E3779B9u;
#endif
}

#define GCW_WORD_BITS (sizeof(gcw_word) * 8u)

/* The base of the collector object containing key, or NULL when key does not
 * point into the collector's heap. */
void *gcw_key_object(const void *key);

/* ------------------------------------------------- links.c: collector glue */

/* Registers *slot to be zeroed when obj (an object base) dies.
 * GCWEAK_OK or GCWEAK_ENOMEM. */
int gcw_link_register(_Atomic gcw_word *slot, void *obj);

/* Moves the registration of *from to *to. false when *from had none, which
 * for a slot that held a key means the key's object died meanwhile. */
bool gcw_link_move(_Atomic gcw_word *from, _Atomic gcw_word *to);

/* Drops any registration of *slot. */
void gcw_link_unregister(_Atomic gcw_word *slot);

/* Collections, and ephemeron passes among them, read in one hold of the
 * allocation lock: every collection counted has finished clearing links. */
struct gcw_counts {
    GC_word collections;
    GC_word passes;
};
struct gcw_counts gcw_counts_settled(void);

/* Memory for tables: scanned (zeroed) and pointer-free (not zeroed). */
void *gcw_alloc_scanned(size_t bytes);
void *gcw_alloc_pointer_free(size_t bytes);

/* The write barrier: call after storing `stored` into scanned memory at slot,
 * so that incremental collection with manual dirty bits sees the store. */
static inline void gcw_note_store(const volatile void *slot, const void *stored)
{
    if (stored != NULL) {
        GC_end_stubborn_change((const void *)slot);
        GC_reachable_here(stored);
    }
}

/* ------------------------------------------- ephemeron.c: the MARK_END pass */

struct gcw_table;

/* Enters t (inside a collector object) in the registry the pass walks,
 * installing the collection-event callback the first time. */
int gcw_ephemeron_register(struct gcw_table *t);

/* Passes completed so far; call with the allocation lock held. */
GC_word gcw_ephemeron_passes_locked(void);

/* Called by gcw_table_visit_entries for each live entry, inside the pass. */
void gcw_ephemeron_entry(const void *key, void *value);

/* Inside the pass: whether key's object is marked; mark value and what it
 * reaches (the caller drains by returning to the pass). */
bool gcw_ephemeron_key_marked(const void *key);
void gcw_ephemeron_keep(void *value);

/* ----------------------------------------------------- table.c: the table */

struct gcw_slots; /* one generation of storage; private to table.c */

/* How a table holds values. */
enum gcw_values {
    GCW_NO_VALUES,        /* sets */
    GCW_STRONG_VALUES,    /* scanned memory: a value lives while its entry does */
    GCW_EPHEMERON_VALUES, /* pointer-free memory, traced by the MARK_END pass */
    GCW_OPAQUE_VALUES     /* pointer-free memory, never traced */
};

struct gcw_table {
    _Atomic(struct gcw_slots *) slots; /* NULL until the first insert */
    atomic_uint seq;                   /* seqlock sequence, see lock.h */
    _Atomic GC_word purged_gc_no;      /* collection count at the last purge */
    GC_word purged_passes;             /* ephemeron passes at the last purge */
    GC_word collections_seen;          /* since creation, as of the last purge */
    /* Removal notification: set under the mutex, read by the pass too. */
    void (*notify)(void *value, void *arg);
    void *notify_arg;
    atomic_bool removals_pending;      /* DEAD slots may hold undelivered values */
    size_t live;                       /* entries, as of the last purge */
    enum gcw_values values;
    gcw_mutex lock;                    /* serialises writers */
};

/* GCWEAK_OK or GCWEAK_ENOMEM; t must lie inside a collector object. */
int gcw_table_init(struct gcw_table *t, enum gcw_values values, size_t capacity_hint);
int gcw_table_put(struct gcw_table *t, const void *key, void *value);
bool gcw_table_get(struct gcw_table *t, const void *key, void **value_out);
bool gcw_table_remove(struct gcw_table *t, const void *key);
size_t gcw_table_count(struct gcw_table *t);
void gcw_table_clear(struct gcw_table *t);

/* Get-or-create (see gcweak_map_get_or_create); create runs unlocked. */
int gcw_table_get_or_create(struct gcw_table *t, const void *key,
                            void *(*create)(const void *key, void *arg), void *arg,
                            void **value_out);

/* Snapshot walk (see gcweak_map_foreach); value is NULL for sets. */
typedef int (*gcw_visit_fn)(const void *key, void *value, void *arg);
int gcw_table_foreach(struct gcw_table *t, gcw_visit_fn visit, void *arg);

/* Removal notification (see gcweak_map_on_removal); fn NULL turns it off. */
void gcw_table_set_notifier(struct gcw_table *t, void (*fn)(void *value, void *arg),
                            void *arg);

/* Statistics; bytes covers the table's storage, not its container. */
void gcw_table_stats(struct gcw_table *t, gcweak_stats *out);

/* For the ephemeron pass, world stopped: slots in the published generation,
 * and gcw_ephemeron_entry() for each live entry. */
size_t gcw_table_capacity(const struct gcw_table *t);
void gcw_table_visit_entries(struct gcw_table *t);

/* For the pass, after its fixpoint: in a table with a removal callback, mark
 * entries whose keys stayed unmarked DEAD, and keep their values (and those
 * of earlier such entries not yet delivered) alive for the callback. */
void gcw_table_retire_dead(struct gcw_table *t);

#endif /* GCWEAK_INTERNAL_H */
