/* SPDX-License-Identifier: MIT */
/*
 * The index: linear probing over 64-bit slots, each the entry number of a
 * key with a 32-bit fingerprint of it.
 *
 * The index holds no key and no value, only where to find them: entries
 * never move (entries.c), so growing, shrinking and dropping dead entries
 * rebuild the index alone and never touch a disappearing link. A fingerprint
 * spares a probe most visits to entries of other keys: a miss reads index
 * slots only, and a hit reads one slot and its entry. A fingerprint match is
 * never trusted: the entry's key word, which the collector clears when the
 * key dies, is the truth.
 *
 * SLOT STATES:
 *   EMPTY    never used since the index was built; ends a probe.
 *   DELETED  its entry was deleted; does not end a probe.
 *   entry    fingerprint and number of an entry that is live or dead. A dead
 *            entry (key word cleared by the collector) keeps its slot until
 *            the next rebuild, and its entry stays in use until then, so a
 *            slot never names an entry that holds another key, in this index
 *            or in an older one a reader may still be probing.
 *
 * INVARIANTS (gcw_index_check):
 *   - at most three quarters of the slots are not EMPTY, so every probe
 *     ends, and `used` counts them;
 *   - a slot naming an entry names one in use (entries.c);
 *   - a slot naming a live entry carries its key's fingerprint, and the
 *     probe from the key's home reaches it through no EMPTY slot;
 *   - a key has at most one slot naming a live entry: the probe finds it.
 */
#include "index.h"

#include <string.h>

/* Also the rounding of capacities: 8 slots, one cache line. */
enum { MIN_CAPACITY = 8 };

size_t gcw_index_capacity_for(size_t n)
{
    if (n > GCW_MAX_ENTRIES)
        return 0;
    /* Twice n, rounded up to whole cache lines of slots. */
    size_t cap = (2 * n + MIN_CAPACITY - 1) / MIN_CAPACITY * MIN_CAPACITY;
    return cap > MIN_CAPACITY ? cap : MIN_CAPACITY;
}

struct gcw_index *gcw_index_new(size_t capacity)
{
    GCW_ASSERT(capacity >= MIN_CAPACITY);
    size_t bytes = sizeof(struct gcw_index) + capacity * sizeof(gcw_islot);
    /* Pointer-free: entry numbers are no pointers. */
    struct gcw_index *ix = gcw_alloc_pointer_free(bytes);
    if (ix == NULL)
        return NULL;
    memset(ix, 0, bytes);
    ix->capacity = capacity;
    ix->used = 0;
    return ix;
}

bool gcw_index_probe(const struct gcw_index *ix, const struct gcw_entries *e,
                     const struct gcw_key *k, size_t *at, size_t *id)
{
    size_t reusable = SIZE_MAX;
    for (size_t i = gcw_index_home(ix, k->hash);; i = gcw_index_next(ix, i)) {
        gcw_islot s = atomic_load_explicit(&ix->slot[i], memory_order_relaxed);
        if (s == GCW_ISLOT_EMPTY) {
            *at = reusable != SIZE_MAX ? reusable : i;
            return false;
        }
        if (s == GCW_ISLOT_DELETED) {
            if (reusable == SIZE_MAX)
                reusable = i;
            continue;
        }
        if ((uint32_t)(s >> 32) != k->fingerprint)
            continue;
        size_t n = gcw_islot_entry(s);
        if (gcw_entry_matches(e, gcw_entry_key(e, n), k)) {
            *at = i;
            *id = n;
            return true;
        }
    }
}

bool gcw_index_too_full_for(const struct gcw_index *ix, size_t at)
{
    bool fills_empty =
        atomic_load_explicit(&ix->slot[at], memory_order_relaxed) == GCW_ISLOT_EMPTY;
    return fills_empty && (ix->used + 1) * 4 > gcw_index_capacity(ix) * 3;
}

void gcw_index_set(struct gcw_index *ix, size_t at, const struct gcw_key *k, size_t id)
{
    gcw_islot old = atomic_load_explicit(&ix->slot[at], memory_order_relaxed);
    GCW_ASSERT(old == GCW_ISLOT_EMPTY || old == GCW_ISLOT_DELETED);
    ix->used += old == GCW_ISLOT_EMPTY;
    atomic_store_explicit(&ix->slot[at], gcw_islot_make(k->fingerprint, id),
                          memory_order_relaxed);
}

void gcw_index_delete(struct gcw_index *ix, size_t at)
{
    atomic_store_explicit(&ix->slot[at], GCW_ISLOT_DELETED, memory_order_relaxed);
}

void gcw_index_add_unpublished(struct gcw_index *ix, const struct gcw_key *k, size_t id)
{
    size_t i = gcw_index_home(ix, k->hash);
    while (atomic_load_explicit(&ix->slot[i], memory_order_relaxed) != GCW_ISLOT_EMPTY)
        i = gcw_index_next(ix, i);
    atomic_store_explicit(&ix->slot[i], gcw_islot_make(k->fingerprint, id),
                          memory_order_relaxed);
    ix->used++;
}

/* ------------------------------------------------------------ the check */

#ifdef GCWEAK_ASSERTS
/* Slot i names entry id (in use); when that entry is live, its key's
 * fingerprint is there, the run from the key's home to i holds no EMPTY
 * slot, and the key's probe finds this entry. Returns whether it is live. */
static bool check_naming_slot(const struct gcw_index *ix, const struct gcw_entries *e, size_t i,
                              gcw_islot sl)
{
    size_t id = gcw_islot_entry(sl);
    GCW_ASSERT(id < atomic_load_explicit(&e->top, memory_order_relaxed));
    GCW_ASSERT(gcw_entries_in_use(e, id));
    if (!gcw_entry_is_live(e->kind, gcw_entry_key(e, id)))
        return false;
    struct gcw_key k =
        gcw_stored_key(e, atomic_load_explicit(gcw_entry_key(e, id), memory_order_relaxed));
    GCW_ASSERT((uint32_t)(sl >> 32) == k.fingerprint);
    for (size_t j = gcw_index_home(ix, k.hash); j != i; j = gcw_index_next(ix, j))
        GCW_ASSERT(atomic_load_explicit(&ix->slot[j], memory_order_relaxed) != GCW_ISLOT_EMPTY);
    size_t again = 0;
    GCW_ASSERT(gcw_index_find(ix, e, &k, &again) != NULL && again == id);
    return true;
}

void gcw_index_check_slot(const struct gcw_index *ix, const struct gcw_entries *e, size_t at)
{
    GCW_ASSERT(at < ix->capacity);
    gcw_islot sl = atomic_load_explicit(&ix->slot[at], memory_order_relaxed);
    GCW_ASSERT(sl != GCW_ISLOT_EMPTY);
    if (sl != GCW_ISLOT_DELETED)
        (void)check_naming_slot(ix, e, at, sl);
    GCW_ASSERT(ix->used * 4 <= gcw_index_capacity(ix) * 3);
}

size_t gcw_index_check(const struct gcw_index *ix, const struct gcw_entries *e)
{
    size_t used = 0;
    size_t named = 0;
    for (size_t i = 0; i < ix->capacity; i++) {
        gcw_islot sl = atomic_load_explicit(&ix->slot[i], memory_order_relaxed);
        used += sl != GCW_ISLOT_EMPTY;
        if (sl != GCW_ISLOT_EMPTY && sl != GCW_ISLOT_DELETED)
            named += check_naming_slot(ix, e, i, sl);
    }
    GCW_ASSERT(used == ix->used);
    GCW_ASSERT(used * 4 <= gcw_index_capacity(ix) * 3);
    return named;
}
#endif
