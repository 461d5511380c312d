/*
 * The hash table under every gcweak container: open addressing with linear
 * probing over disguised keys, one disappearing link per key slot.
 *
 * STORAGE. A table points to one generation of storage (struct gcw_slots): a
 * pointer-free array of key words, whose slots are the disappearing links,
 * and an array of values beside it: scanned for weak-key maps, pointer-free
 * for ephemeron maps (ephemeron.c traces it) and integer values, none for
 * sets. A generation is
 * replaced whole when it must grow, shrink or drop its dead slots; it is never
 * freed explicitly, since it may still hold registered slots: the collector
 * reclaims it, dropping what registrations remain.
 *
 * SLOT STATES (the key word; see internal.h):
 *   EMPTY  never used since the generation was allocated; ends a probe.
 *          Never registered.
 *   live   the disguised key; registered on the key object's base. Its
 *          value is in the same index of the value array.
 *   DEAD   0. Written by the collector when the key's object died (the
 *          registration is dropped with it), by a delete (which then
 *          unregisters it), or by the ephemeron pass retiring a dead entry
 *          for the removal callback (the registration stays until the value
 *          is delivered, since the value may have kept the key alive). A
 *          dead slot does NOT end a probe, so a collection can clear any
 *          slot at any moment without hiding another entry. Its value is
 *          NULL, except while it awaits the removal callback. It may be
 *          reused by an insert (registering a still-registered slot
 *          retargets it).
 *
 * WHAT THE COLLECTOR MAY OBSERVE. A collection can stop any thread at any
 * instruction, and after the world restarts it clears links while threads
 * run. Every step below keeps these true at every instruction:
 *   - a slot holds a key word only while it is registered on that key's
 *     object, so the collector zeroes it when the object dies; otherwise a
 *     new object at the same address would match the stale word. Hence an
 *     insert registers the slot before writing the key, and a resize copies
 *     the key word before moving the registration and erases the copy when
 *     the move finds the registration gone (the key died in between);
 *   - every value of a live entry is reachable from the published generation
 *     or, during a resize, from the old one, which stays published until the
 *     new one is complete;
 *   - at least a quarter of the slots are EMPTY, so every probe ends.
 *
 * READERS take no lock: they probe the published generation comparing
 * disguised words, and validate what they read with the table's sequence
 * counter (lock.h). Writers hold the table mutex and make the sequence odd
 * around each change a reader could see half-done, including a whole resize:
 * a key that dies in the middle of a resize leaves a stale word in the old
 * generation, which readers must not trust until the new one is published.
 * A reader that keeps failing validation waits on the mutex instead.
 *
 * PURGING. The collector zeroes dead keys but cannot release their values or
 * fix our count. The first operation after a collection (the collection
 * count moved) purges: it drops the values of DEAD slots (or flags them for
 * the removal callback, which that operation then calls once it has let go
 * of the mutex) and recounts the live ones. The count it compares is read
 * under the allocation lock, so it only counts collections that have
 * finished clearing links; the pass count read with it tells whether every
 * one of them ran the ephemeron pass.
 */
#include "internal.h"

#include <string.h>

struct gcw_slots {
    size_t mask;           /* capacity - 1; capacity is a power of two */
    unsigned shift;        /* word bits - log2(capacity) */
    size_t used;           /* non-EMPTY slots; writers only, under the mutex */
    _Atomic gcw_word *keys; /* pointer-free: disguised keys, the link slots */
    _Atomic(void *) *vals;  /* values: scanned, or pointer-free for ephemeron
                               tables, or NULL for sets */
};

enum {
    MIN_CAPACITY = 8,
    /* Failed optimistic reads before a reader waits for the writer. */
    OPTIMISTIC_READS = 64
};

static size_t slots_capacity(const struct gcw_slots *sl)
{
    return sl->mask + 1;
}

static size_t slot_home(const struct gcw_slots *sl, gcw_word w)
{
    return (size_t)(gcw_word_hash(w) >> sl->shift);
}

static gcw_word slot_key(const struct gcw_slots *sl, size_t i)
{
    return atomic_load_explicit(&sl->keys[i], memory_order_relaxed);
}

static void slot_set_value(struct gcw_slots *sl, size_t i, void *v,
                           enum gcw_values values)
{
    GCW_ASSERT(sl->vals != NULL && values != GCW_NO_VALUES);
    atomic_store_explicit(&sl->vals[i], v, memory_order_relaxed);
    if (values == GCW_STRONG_VALUES)
        gcw_note_store(&sl->vals[i], v);
}

/* A generation of `capacity` EMPTY slots, or NULL when out of memory. May
 * collect and run finalizers: never call with the table mutex held. */
static struct gcw_slots *slots_new(size_t capacity, enum gcw_values values)
{
    _Atomic gcw_word *keys = gcw_alloc_pointer_free(capacity * sizeof *keys);
    if (keys == NULL)
        return NULL;
    /* EMPTY is all ones, so a byte fill writes it. */
    memset((void *)keys, 0xff, capacity * sizeof *keys);
    _Atomic(void *) *vals = NULL;
    size_t vals_bytes = capacity * sizeof *vals;
    if (values == GCW_STRONG_VALUES) {
        vals = gcw_alloc_scanned(vals_bytes);
    } else if (values == GCW_EPHEMERON_VALUES || values == GCW_OPAQUE_VALUES) {
        vals = gcw_alloc_pointer_free(vals_bytes);
        if (vals != NULL)
            memset((void *)vals, 0, vals_bytes);
    }
    if (values != GCW_NO_VALUES && vals == NULL)
        return NULL;
    struct gcw_slots *sl = gcw_alloc_scanned(sizeof *sl);
    if (sl == NULL)
        return NULL;
    GC_reachable_here(keys); /* only this frame held them until now */
    GC_reachable_here(vals);
    unsigned log2 = 0;
    while (((size_t)1 << log2) < capacity)
        log2++;
    sl->mask = capacity - 1;
    sl->shift = (unsigned)GCW_WORD_BITS - log2;
    sl->used = 0;
    sl->keys = keys;
    gcw_note_store(&sl->keys, keys);
    sl->vals = vals;
    gcw_note_store(&sl->vals, vals);
    return sl;
}

/* Probes for w. Returns true with *at = its slot when present; otherwise
 * false with *at = the slot an insert should use: the first DEAD slot on the
 * probe path, else the EMPTY slot that ended it. */
static bool slots_find(const struct gcw_slots *sl, gcw_word w, size_t *at)
{
    size_t reusable = SIZE_MAX;
    for (size_t i = slot_home(sl, w);; i = (i + 1) & sl->mask) {
        gcw_word k = slot_key(sl, i);
        if (k == w) {
            *at = i;
            return true;
        }
        if (k == GCW_SLOT_EMPTY) {
            *at = reusable != SIZE_MAX ? reusable : i;
            return false;
        }
        if (k == GCW_SLOT_DEAD && reusable == SIZE_MAX)
            reusable = i;
    }
}

/* The lookup proper, shared by the optimistic and the locked read. */
static bool slots_lookup(const struct gcw_slots *sl, gcw_word w, void **value_out)
{
    if (sl == NULL)
        return false;
    for (size_t i = slot_home(sl, w);; i = (i + 1) & sl->mask) {
        gcw_word k = slot_key(sl, i);
        if (k == w) {
            if (sl->vals != NULL)
                *value_out = atomic_load_explicit(&sl->vals[i], memory_order_relaxed);
            return true;
        }
        if (k == GCW_SLOT_EMPTY)
            return false;
    }
}

/* Inserting into an EMPTY slot would leave less than a quarter EMPTY. */
static bool slots_too_full(const struct gcw_slots *sl)
{
    return (sl->used + 1) * 4 > slots_capacity(sl) * 3;
}

/* Live entries so few that the generation wastes most of its memory. */
static bool slots_too_sparse(const struct gcw_slots *sl, size_t live)
{
    return slots_capacity(sl) > MIN_CAPACITY && live * 8 < slots_capacity(sl);
}

/* Room for n entries at a load of at most one half, so that a resize is
 * followed by at least as many inserts as it moved entries. */
static size_t capacity_for(size_t n)
{
    size_t cap = MIN_CAPACITY;
    while (cap / 2 < n)
        cap *= 2;
    return cap;
}

/* Copies a DEAD slot still holding a value awaiting the removal callback
 * into `to`, as such; no key, so any EMPTY slot will do. */
static void slots_carry_removed(struct gcw_slots *from, size_t i, struct gcw_slots *to,
                                enum gcw_values values)
{
    void *v = atomic_load_explicit(&from->vals[i], memory_order_relaxed);
    if (v == NULL)
        return;
    size_t j = i & to->mask;
    while (slot_key(to, j) != GCW_SLOT_EMPTY)
        j = (j + 1) & to->mask;
    slot_set_value(to, j, v, values);
    atomic_store_explicit(&to->keys[j], GCW_SLOT_DEAD, memory_order_relaxed);
    to->used++;
}

/* Copies the live entries of `from` into the unpublished generation `to`,
 * carrying each registration along, and returns how many arrived alive. */
static size_t slots_migrate(struct gcw_slots *from, struct gcw_slots *to,
                            enum gcw_values values, bool keep_removed)
{
    size_t moved = 0;
    for (size_t i = 0; i < slots_capacity(from); i++) {
        gcw_word k = slot_key(from, i);
        if (!gcw_word_is_key(k)) {
            if (keep_removed && k == GCW_SLOT_DEAD)
                slots_carry_removed(from, i, to, values);
            continue;
        }
        size_t j = slot_home(to, k);
        while (slot_key(to, j) != GCW_SLOT_EMPTY)
            j = (j + 1) & to->mask;
        if (values != GCW_NO_VALUES)
            slot_set_value(to, j, atomic_load_explicit(&from->vals[i], memory_order_relaxed),
                           values);
        atomic_store_explicit(&to->keys[j], k, memory_order_relaxed);
        to->used++;
        if (gcw_link_move(&from->keys[i], &to->keys[j])) {
            moved++;
        } else {
            /* The key died after we read it: its registration went with it,
             * so the copy would never be cleared. Its value stays for the
             * removal callback, if there is one. */
            atomic_store_explicit(&to->keys[j], GCW_SLOT_DEAD, memory_order_relaxed);
            if (values != GCW_NO_VALUES && !keep_removed)
                slot_set_value(to, j, NULL, values);
        }
    }
    return moved;
}

/* Slots a migration of sl would fill: its live keys, and the removed
 * entries still awaiting the removal callback. Mutex held; the collector can
 * only lower the count until the mutex is released. */
static size_t slots_to_carry(const struct gcw_slots *sl, bool keep_removed)
{
    size_t n = 0;
    for (size_t i = 0; i < slots_capacity(sl); i++) {
        gcw_word k = slot_key(sl, i);
        n += gcw_word_is_key(k) ||
             (keep_removed && k == GCW_SLOT_DEAD &&
              atomic_load_explicit(&sl->vals[i], memory_order_relaxed) != NULL);
    }
    return n;
}

/* Replaces the table's generation by one of at least `capacity` slots.
 * Called and returns with the mutex held, but drops it to allocate: other
 * writers may fill the old generation meanwhile, so what must move is
 * counted again once the mutex is back, and a larger generation allocated if
 * it no longer fits. GCWEAK_OK also when another writer replaced the
 * generation meanwhile: the caller re-probes. */
static int table_resize(struct gcw_table *t, size_t capacity)
{
    for (;;) {
        struct gcw_slots *old = atomic_load_explicit(&t->slots, memory_order_relaxed);
        gcw_mutex_unlock(&t->lock);
        struct gcw_slots *fresh = slots_new(capacity, t->values);
        gcw_mutex_lock(&t->lock);
        if (fresh == NULL)
            return GCWEAK_ENOMEM;
        if (atomic_load_explicit(&t->slots, memory_order_relaxed) != old)
            return GCWEAK_OK; /* fresh holds no registration: just drop it */
        bool keep_removed = t->notify != NULL;
        size_t carry = old != NULL ? slots_to_carry(old, keep_removed) : 0;
        if ((carry + 1) * 4 > capacity * 3) {
            capacity = capacity_for(carry + 1);
            continue;
        }

        gcw_seq_write_begin(&t->seq);
        if (old != NULL)
            t->live = slots_migrate(old, fresh, t->values, keep_removed);
        if (keep_removed && fresh->used > t->live) /* carried some: deliver them */
            atomic_store_explicit(&t->removals_pending, true, memory_order_relaxed);
        atomic_store_explicit(&t->slots, fresh, memory_order_release);
        gcw_note_store(&t->slots, fresh);
        gcw_seq_write_end(&t->seq);

        /* Readers can no longer reach the old generation's values; unless a
         * stale pointer to it survives somewhere, which must not keep them
         * alive. */
        if (old != NULL && t->values != GCW_NO_VALUES)
            for (size_t i = 0; i < slots_capacity(old); i++)
                atomic_store_explicit(&old->vals[i], NULL, memory_order_relaxed);
        return GCWEAK_OK;
    }
}

/* Drops the values of slots the collector cleared and recounts. Mutex held. */
static void table_purge(struct gcw_table *t)
{
    struct gcw_counts now = gcw_counts_settled();
    struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    GC_word purged_gc_no = atomic_load_explicit(&t->purged_gc_no, memory_order_relaxed);
    /* Every collection must have run the ephemeron pass; one that did not
     * (our callback was replaced without chaining) may have reclaimed values
     * whose keys live. Never hand those out: drop them all. */
    bool values_lost = t->values == GCW_EPHEMERON_VALUES &&
                       now.collections - purged_gc_no != now.passes - t->purged_passes;
    bool keep_removed = t->notify != NULL && !values_lost;
    bool pending = false;
    size_t live = 0;
    if (sl != NULL) {
        for (size_t i = 0; i < slots_capacity(sl); i++) {
            gcw_word k = slot_key(sl, i);
            if (gcw_word_is_key(k))
                live++;
            if (sl->vals == NULL || (k != GCW_SLOT_DEAD && !values_lost))
                continue;
            if (keep_removed && k == GCW_SLOT_DEAD)
                pending |= atomic_load_explicit(&sl->vals[i], memory_order_relaxed) != NULL;
            else
                atomic_store_explicit(&sl->vals[i], NULL, memory_order_relaxed);
        }
    }
    atomic_store_explicit(&t->removals_pending, pending, memory_order_relaxed);
    if (values_lost && sl != NULL)
        GC_get_warn_proc()("GC Warning: gcweak: collections ran without the ephemeron "
                           "pass (collection-event callback replaced?); values of %lu "
                           "entries dropped\n", (GC_word)live);
    t->live = live;
    t->collections_seen += now.collections - purged_gc_no;
    t->purged_passes = now.passes;
    atomic_store_explicit(&t->purged_gc_no, now.collections, memory_order_relaxed);
}

static bool table_needs_purge(struct gcw_table *t)
{
    return GC_get_gc_no() != atomic_load_explicit(&t->purged_gc_no, memory_order_relaxed);
}

/* Hands the values of entries whose keys were reclaimed to the removal
 * callback, each exactly once: taken out of its slot under the mutex, then
 * passed on with no lock held (the callback may use this table). Call with
 * the mutex NOT held, at the end of an operation. */
static __attribute__((noinline)) void table_deliver_removals(struct gcw_table *t)
{
    enum { BATCH = 64 };
    struct gcw_slots *scanned = NULL;
    size_t from = 0;
    while (atomic_load_explicit(&t->removals_pending, memory_order_relaxed)) {
        void *batch[BATCH];
        size_t n = 0;
        gcw_mutex_lock(&t->lock);
        void (*fn)(void *, void *) = t->notify;
        void *arg = t->notify_arg;
        struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
        if (sl != scanned) { /* a new generation: start over */
            scanned = sl;
            from = 0;
        }
        if (fn != NULL && sl != NULL && sl->vals != NULL) {
            for (; from < slots_capacity(sl) && n < BATCH; from++) {
                void *v = atomic_load_explicit(&sl->vals[from], memory_order_relaxed);
                if (v == NULL || slot_key(sl, from) != GCW_SLOT_DEAD)
                    continue;
                batch[n++] = v;
                atomic_store_explicit(&sl->vals[from], NULL, memory_order_relaxed);
                /* A slot the pass retired may still be registered on its
                 * key, which the program can now reach through the value. */
                gcw_link_unregister(&sl->keys[from]);
            }
        }
        bool more = fn != NULL && sl != NULL && from < slots_capacity(sl);
        atomic_store_explicit(&t->removals_pending, more, memory_order_relaxed);
        gcw_mutex_unlock(&t->lock);
        for (size_t i = 0; i < n; i++)
            fn(batch[i], arg);
        /* The batch held the values alive until each was delivered. */
        GC_reachable_here(batch);
    }
}

/* Every public operation ends here: delivers removals a purge found. */
static inline void table_finish_op(struct gcw_table *t)
{
    if (atomic_load_explicit(&t->removals_pending, memory_order_relaxed))
        table_deliver_removals(t);
}

int gcw_table_init(struct gcw_table *t, enum gcw_values values, size_t capacity_hint)
{
    static const gcw_mutex unlocked = GCW_MUTEX_INIT;
    atomic_init(&t->slots, NULL);
    atomic_init(&t->seq, 0u);
    t->live = 0;
    t->collections_seen = 0;
    t->notify = NULL;
    t->notify_arg = NULL;
    atomic_init(&t->removals_pending, false);
    t->values = values;
    t->lock = unlocked;
    if (values == GCW_EPHEMERON_VALUES && gcw_ephemeron_register(t) != GCWEAK_OK)
        return GCWEAK_ENOMEM;
    struct gcw_counts now = gcw_counts_settled();
    atomic_init(&t->purged_gc_no, now.collections);
    t->purged_passes = now.passes;
    if (capacity_hint > 0) {
        struct gcw_slots *sl = slots_new(capacity_for(capacity_hint), values);
        if (sl == NULL)
            return GCWEAK_ENOMEM;
        atomic_store_explicit(&t->slots, sl, memory_order_release);
        gcw_note_store(&t->slots, sl);
    }
    return GCWEAK_OK;
}

size_t gcw_table_capacity(const struct gcw_table *t)
{
    const struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    return sl != NULL ? slots_capacity(sl) : 0;
}

void gcw_table_visit_entries(struct gcw_table *t)
{
    struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    if (sl == NULL || sl->vals == NULL)
        return;
    for (size_t i = 0; i < slots_capacity(sl); i++) {
        gcw_word k = slot_key(sl, i);
        if (gcw_word_is_key(k))
            gcw_ephemeron_entry((const void *)GC_REVEAL_POINTER(k),
                                atomic_load_explicit(&sl->vals[i], memory_order_relaxed));
    }
}

/* Key present at `at`: replaces its value if `replace`, else reports it. */
static void table_update_present(struct gcw_table *t, struct gcw_slots *sl, size_t at,
                                 void *value, bool replace, void **existing)
{
    if (t->values == GCW_NO_VALUES)
        return;
    if (!replace) {
        if (existing != NULL)
            *existing = atomic_load_explicit(&sl->vals[at], memory_order_relaxed);
        return;
    }
    gcw_seq_write_begin(&t->seq);
    slot_set_value(sl, at, value, t->values);
    gcw_seq_write_end(&t->seq);
}

/* Puts a new entry into slot `at`, EMPTY or DEAD. */
static int table_fill_slot(struct gcw_table *t, struct gcw_slots *sl, size_t at, gcw_word w,
                           void *obj, void *value)
{
    bool fills_empty = slot_key(sl, at) == GCW_SLOT_EMPTY;
    /* Register before the key word is visible: a slot holds a key word only
     * while registered on that key's object. */
    int rc = gcw_link_register(&sl->keys[at], obj);
    if (rc != GCWEAK_OK)
        return rc;
    gcw_seq_write_begin(&t->seq);
    if (t->values != GCW_NO_VALUES)
        slot_set_value(sl, at, value, t->values);
    atomic_store_explicit(&sl->keys[at], w, memory_order_release);
    gcw_seq_write_end(&t->seq);
    sl->used += fills_empty;
    t->live++;
    return GCWEAK_OK;
}

/* The generation must be replaced before slot `at` can take a new key. */
static bool table_needs_resize(const struct gcw_table *t, const struct gcw_slots *sl, size_t at)
{
    if (sl == NULL)
        return true;
    bool fills_empty = slot_key(sl, at) == GCW_SLOT_EMPTY;
    /* Removed entries awaiting the callback would move with a shrink and
     * keep the new generation as large: shrink once they are delivered. */
    bool removals_wait = atomic_load_explicit(&t->removals_pending, memory_order_relaxed);
    return (fills_empty && slots_too_full(sl)) ||
           (slots_too_sparse(sl, t->live) && !removals_wait);
}

/* Stores value for key. When key is present: replaces its value if
 * `replace`, else leaves it and reports it in *existing (when not NULL).
 * obj is the key's object if the caller knows it, else NULL: it is then
 * looked up only if the key is absent, since a key found in the table was
 * validated when it went in, and the lookup of its object is a cache miss
 * that an update (the counter, the cache refresh) need not pay.
 * GCWEAK_EINVAL for a key that is absent and not in the collector's heap. */
static int table_insert(struct gcw_table *t, void *obj, const void *key, void *value,
                        bool replace, void **existing)
{
    gcw_word w = gcw_key_word(key);
    int rc = GCWEAK_OK;
    if (!gcw_word_is_key(w))
        return GCWEAK_EINVAL;

    gcw_mutex_lock(&t->lock);
    if (table_needs_purge(t))
        table_purge(t);
    for (;;) {
        struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
        size_t at = 0;
        if (sl != NULL && slots_find(sl, w, &at)) {
            table_update_present(t, sl, at, value, replace, existing);
            break;
        }
        if (obj == NULL && (obj = gcw_key_object(key)) == NULL) {
            rc = GCWEAK_EINVAL;
            break;
        }
        if (table_needs_resize(t, sl, at)) {
            rc = table_resize(t, capacity_for(t->live + 1));
            if (rc == GCWEAK_OK)
                continue;
            break;
        }
        rc = table_fill_slot(t, sl, at, w, obj, value);
        if (rc == GCWEAK_OK && existing != NULL)
            *existing = value;
        break;
    }
    gcw_mutex_unlock(&t->lock);
    /* Until the key word is stored and registered, only this frame may hold
     * the key: it must not die before then. Nor the value: an ephemeron
     * table's value is invisible to the marker until its key word is. */
    GC_reachable_here(key);
    GC_reachable_here(value);
    table_finish_op(t);
    return rc;
}

int gcw_table_put(struct gcw_table *t, const void *key, void *value)
{
    return table_insert(t, NULL, key, value, true, NULL);
}

int gcw_table_get_or_create(struct gcw_table *t, const void *key,
                            void *(*create)(const void *key, void *arg), void *arg,
                            void **value_out)
{
    void *v = NULL;
    if (gcw_table_get(t, key, &v)) {
        *value_out = v;
        return GCWEAK_OK;
    }
    void *obj = gcw_key_object(key);
    if (obj == NULL)
        return GCWEAK_EINVAL;
    /* No lock held: create may allocate, collect and use this table. */
    void *created = create(key, arg);
    int rc = table_insert(t, obj, key, created, false, &v);
    if (rc == GCWEAK_OK)
        *value_out = v;
    return rc;
}

/* The reader's slow paths, kept out of gcw_table_get so that its fast path
 * saves no registers and stays short. */
static __attribute__((noinline)) void table_purge_for_reader(struct gcw_table *t)
{
    gcw_mutex_lock(&t->lock);
    if (table_needs_purge(t))
        table_purge(t);
    gcw_mutex_unlock(&t->lock);
    table_finish_op(t);
}

/* One optimistic read: true when it was valid, with *found and *v set. */
static inline bool table_read_once(struct gcw_table *t, gcw_word w, bool *found, void **v)
{
    unsigned s = gcw_seq_read_begin(&t->seq);
    *found = slots_lookup(atomic_load_explicit(&t->slots, memory_order_acquire), w, v);
    return gcw_seq_read_valid(&t->seq, s);
}

static __attribute__((noinline)) bool table_get_contended(struct gcw_table *t, gcw_word w,
                                                          void **v)
{
    bool found = false;
    for (int attempt = 0; attempt < OPTIMISTIC_READS; attempt++) {
        gcw_cpu_relax();
        if (table_read_once(t, w, &found, v))
            return found;
    }
    /* A writer kept the table busy (a long resize): wait for it. */
    gcw_mutex_lock(&t->lock);
    found = slots_lookup(atomic_load_explicit(&t->slots, memory_order_relaxed), w, v);
    gcw_mutex_unlock(&t->lock);
    return found;
}

bool gcw_table_get(struct gcw_table *t, const void *key, void **value_out)
{
    gcw_word w = gcw_key_word(key);
    if (!gcw_word_is_key(w))
        return false;
    if (table_needs_purge(t))
        table_purge_for_reader(t);
    void *v = NULL;
    bool found = false;
    if (!table_read_once(t, w, &found, &v))
        found = table_get_contended(t, w, &v);
    /* Written only now: a read that failed validation may have set v. */
    if (found && value_out != NULL)
        *value_out = v;
    return found;
}

bool gcw_table_remove(struct gcw_table *t, const void *key)
{
    gcw_word w = gcw_key_word(key);
    if (!gcw_word_is_key(w))
        return false;
    gcw_mutex_lock(&t->lock);
    if (table_needs_purge(t))
        table_purge(t);
    struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    size_t at = 0;
    bool found = sl != NULL && slots_find(sl, w, &at);
    if (found) {
        gcw_seq_write_begin(&t->seq);
        atomic_store_explicit(&sl->keys[at], GCW_SLOT_DEAD, memory_order_relaxed);
        if (sl->vals != NULL)
            atomic_store_explicit(&sl->vals[at], NULL, memory_order_relaxed);
        gcw_seq_write_end(&t->seq);
        /* A registration left on a deleted key would outlive our interest in
         * it: if the program then frees the key with GC_FREE, the collector
         * later reads the mark bits of a block that no longer exists. */
        gcw_link_unregister(&sl->keys[at]);
        GCW_ASSERT(t->live > 0);
        t->live--;
    }
    gcw_mutex_unlock(&t->lock);
    table_finish_op(t);
    return found;
}

size_t gcw_table_count(struct gcw_table *t)
{
    gcw_mutex_lock(&t->lock);
    if (table_needs_purge(t))
        table_purge(t);
    size_t n = t->live;
    gcw_mutex_unlock(&t->lock);
    table_finish_op(t);
    return n;
}

void gcw_table_clear(struct gcw_table *t)
{
    gcw_mutex_lock(&t->lock);
    struct gcw_slots *old = atomic_load_explicit(&t->slots, memory_order_relaxed);
    gcw_seq_write_begin(&t->seq);
    atomic_store_explicit(&t->slots, NULL, memory_order_release);
    gcw_seq_write_end(&t->seq);
    t->live = 0;
    atomic_store_explicit(&t->removals_pending, false, memory_order_relaxed);
    /* The old generation is private now, but release its registrations at
     * once rather than when the collector reclaims it, so that nothing of
     * the cleared entries costs collection time. */
    if (old != NULL)
        for (size_t i = 0; i < slots_capacity(old); i++)
            if (gcw_word_is_key(slot_key(old, i)))
                gcw_link_unregister(&old->keys[i]);
    gcw_mutex_unlock(&t->lock);
}

/* Snapshot for foreach: filled under the allocation lock, so that every key
 * revealed belongs to an object no collection has reclaimed, and the scanned
 * snapshot then holds it alive. */
struct snapshot {
    struct gcw_table *t;
    void **out;
    size_t stride; /* 2 with values, 1 without */
    size_t n;
    bool stale;    /* a collection ran since the purge: purge and retry */
};

static void *snapshot_fill(void *arg)
{
    struct snapshot *sn = arg;
    struct gcw_table *t = sn->t;
    sn->n = 0;
    sn->stale = GC_get_gc_no() != atomic_load_explicit(&t->purged_gc_no, memory_order_relaxed);
    struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    if (sn->stale || sl == NULL)
        return NULL;
    for (size_t i = 0; i < slots_capacity(sl); i++) {
        gcw_word k = slot_key(sl, i);
        if (!gcw_word_is_key(k))
            continue;
        void **entry = &sn->out[sn->n++ * sn->stride];
        entry[0] = GC_REVEAL_POINTER(k);
        /* Barriers need no lock: GC_end_stubborn_change only sets a bit. */
        GC_end_stubborn_change(&entry[0]);
        if (sn->stride == 2) {
            entry[1] = atomic_load_explicit(&sl->vals[i], memory_order_relaxed);
            if (entry[1] != NULL)
                GC_end_stubborn_change(&entry[1]);
        }
    }
    return NULL;
}

int gcw_table_foreach(struct gcw_table *t, gcw_visit_fn visit, void *arg)
{
    struct snapshot sn = {.t = t, .stride = t->values == GCW_NO_VALUES ? 1 : 2};
    size_t room = 0;
    for (;;) {
        gcw_mutex_lock(&t->lock);
        if (table_needs_purge(t))
            table_purge(t);
        struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
        size_t need = sl != NULL ? sl->used : 0; /* at least the live keys */
        if (need <= room) {
            (void)GC_call_with_alloc_lock(snapshot_fill, &sn);
            gcw_mutex_unlock(&t->lock);
            if (!sn.stale)
                break;
            continue;
        }
        gcw_mutex_unlock(&t->lock);
        /* Allocate unlocked (it may run finalizers that use this table). */
        room = need;
        sn.out = gcw_alloc_scanned(room * sn.stride * sizeof *sn.out);
        if (sn.out == NULL)
            return GCWEAK_ENOMEM;
    }
    table_finish_op(t);
    for (size_t i = 0; i < sn.n; i++) {
        void **entry = &sn.out[i * sn.stride];
        int r = visit(entry[0], sn.stride == 2 ? entry[1] : NULL, arg);
        if (r != 0)
            return r;
    }
    GC_reachable_here(sn.out);
    return GCWEAK_OK;
}

void gcw_table_stats(struct gcw_table *t, gcweak_stats *out)
{
    gcw_mutex_lock(&t->lock);
    if (table_needs_purge(t))
        table_purge(t);
    struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    out->entries = t->live;
    out->capacity = sl != NULL ? slots_capacity(sl) : 0;
    out->dead_slots = sl != NULL ? sl->used - t->live : 0;
    out->collections = (size_t)t->collections_seen;
    out->bytes = 0;
    if (sl != NULL) {
        out->bytes = GC_size(sl) + GC_size((void *)sl->keys);
        if (sl->vals != NULL)
            out->bytes += GC_size((void *)sl->vals);
    }
    gcw_mutex_unlock(&t->lock);
    table_finish_op(t);
}

void gcw_table_set_notifier(struct gcw_table *t, void (*fn)(void *value, void *arg), void *arg)
{
    /* An ephemeron table's DEAD slots hold values the collector reclaimed,
     * unless the pass retired them for a callback. Purging before the switch
     * drops the former; no collection may slip in between. */
    GC_disable();
    gcw_mutex_lock(&t->lock);
    table_purge(t);
    struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    if (fn == NULL && sl != NULL && sl->vals != NULL) {
        for (size_t i = 0; i < slots_capacity(sl); i++)
            if (slot_key(sl, i) == GCW_SLOT_DEAD)
                atomic_store_explicit(&sl->vals[i], NULL, memory_order_relaxed);
        atomic_store_explicit(&t->removals_pending, false, memory_order_relaxed);
    }
    t->notify = fn;
    t->notify_arg = arg;
    gcw_mutex_unlock(&t->lock);
    GC_enable();
    table_finish_op(t);
}

void gcw_table_retire_dead(struct gcw_table *t)
{
    struct gcw_slots *sl = atomic_load_explicit(&t->slots, memory_order_relaxed);
    if (t->notify == NULL || sl == NULL || sl->vals == NULL)
        return;
    for (size_t i = 0; i < slots_capacity(sl); i++) {
        gcw_word k = slot_key(sl, i);
        void *v = atomic_load_explicit(&sl->vals[i], memory_order_relaxed);
        if (gcw_word_is_key(k)) {
            if (gcw_ephemeron_key_marked((const void *)GC_REVEAL_POINTER(k)))
                continue;
            atomic_store_explicit(&sl->keys[i], GCW_SLOT_DEAD, memory_order_relaxed);
        }
        if (k != GCW_SLOT_EMPTY)
            gcw_ephemeron_keep(v);
    }
}
