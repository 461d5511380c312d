/* SPDX-License-Identifier: MIT */
/*
 * The table under every gcweak container: entries that never move
 * (entries.c), found through an index that does (index.c).
 *
 * WHY TWO PARTS. Each entry's key word is a disappearing link, and bdwgc's
 * cost for a link depends on where its slot sits: registered once at
 * ascending addresses, it is several times cheaper to register and to clear
 * than at scattered hash positions, and moving it costs a walk of the
 * collector's link table. So entries stay where they were put, and only the
 * index, which holds entry numbers, is rebuilt: to grow, to shrink, and to
 * drop entries the collector cleared or a delete removed.
 *
 * READERS take no lock. They probe the published index and compare key
 * words in the entries, and accept what they read only if the table's
 * sequence counter says no writer changed an entry or the index meanwhile
 * (lock.h). Writers hold the mutex and make the sequence odd around each
 * change a reader could see half-done. A rebuild fills its new index while
 * readers go on probing the old one, which stays valid: the entries it names
 * stay in use until the new one is published. A reader that keeps failing
 * validation waits on the mutex instead.
 *
 * WHAT A COLLECTION LEAVES. The collector zeroes the key words of entries
 * whose keys died, at any moment once the world restarts. A dead entry is
 * harmless to lookups (its key word matches no key) and is left where it is:
 *   - its index slot and the entry itself are reclaimed by the next rebuild,
 *     which walks the entries in memory order and indexes the live ones, so
 *     their cost is paid with the inserts that fill the index;
 *   - the live count is a bound until size() or stats() counts it again,
 *     once per collection;
 *   - a weak-key map's value of a dead entry is dropped by the pass before
 *     the next collection marks (ephemeron.c); an ephemeron map's value is
 *     never marked once its key is dead;
 *   - with a removal callback, the pass retires dying entries and keeps
 *     their values; the next operation on the table delivers them.
 * No operation other than size, stats, foreach and the rare fallbacks below
 * pays for the collector in proportion to the table.
 *
 * EPHEMERON VALUES are trusted only while every collection ran the pass:
 * readers check the pass's count after reading (gcw_pass_kept_up), and a
 * map whose collections ran without it has its values dropped, with one
 * warning, before anything is read from it again.
 *
 * LOCK ORDER: the table mutex, then the collector's allocation lock (taken
 * inside link registration). Nothing that allocates or calls user code runs
 * with the mutex held: writers drop it to allocate index and chunk memory,
 * and re-check what they decided once they have it back.
 */
#include "table.h"

#include "ephemeron.h"

#include <stddef.h>
#include <string.h>

/* The pass knows a table by its entries, the fork handlers by the same
 * address. */
_Static_assert(offsetof(struct gcw_table, entries) == 0, "entries come first");

enum {
    /* Failed optimistic reads before a reader waits for the writer. */
    OPTIMISTIC_READS = 64,
    /* Removal callbacks delivered per hold of the mutex. */
    DELIVERY_BATCH = 64
};

/* ---------------------------------------------------------------- reading */

/* See gcw_table_values_suspect (table.h): the check it caches. */
bool gcw_table_values_check(struct gcw_table *t, GC_word now)
{
    if (!gcw_pass_kept_up(t->dropped_at_gc_no) ||
        atomic_load_explicit(&t->entries.unreached_gc_no, memory_order_acquire) >
            t->dropped_at_gc_no)
        return true;
    atomic_store_explicit(&t->kept_up_at, now, memory_order_relaxed);
    return false;
}

/* Mutex held. Drops every value of a map whose values the pass marks, when
 * one of its collections did not mark them: any value may have been
 * reclaimed. Two ways that happens: the collection ran without the pass
 * (another component replaced the collection-event callback), or the map
 * was unreachable when the pass ran, and a finalizer revived it since.
 * Entries awaiting the removal callback are dropped too (their values are
 * as suspect), links and all, as a delivery would.
 * Returns whether a warning is due: once per map, for a missed pass only
 * (a revival is documented behaviour), given by the caller after it lets
 * go of the mutex, since the warn proc may use this map. */
static bool table_drop_suspect_values(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    if (!gcw_table_values_suspect(t))
        return false;
    GC_word gc_no = gcw_collections_settled();
    if (gc_no == t->dropped_at_gc_no)
        return false; /* dropped already, and no collection since */
    bool missed = !gcw_pass_kept_up(t->dropped_at_gc_no);
    gcw_seq_write_begin(&t->seq);
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(&t->entries, c, &s); c++)
        for (size_t i = 0; i < s.n; i++) {
            atomic_store_explicit(gcw_span_value(&s, i), NULL, memory_order_relaxed);
            if (gcw_flag_get(&s, i, GCW_RETIRED)) {
                gcw_flag_set(&s, i, GCW_RETIRED, false);
                gcw_link_unregister(&s.keys[i * s.stride]);
            }
        }
    gcw_seq_write_end(&t->seq);
    t->dropped_at_gc_no = gc_no;
    bool warn = missed && !t->warned;
    t->warned |= missed;
    return warn;
}

static void table_warn_values_dropped(void)
{
    GC_get_warn_proc()("GC Warning: gcweak: collections ran without gcweak's pass "
                       "(collection-event callback replaced?); a map's values were "
                       "dropped\n", (GC_word)0);
}

/* ------------------------------------------------------------- delivery */

/* The tables this thread is delivering removals for, innermost first: a
 * callback that uses its own table must not start a second delivery inside
 * the first (the outer loop picks up what the callback's operations leave),
 * or every batch would nest one frame deeper. */
struct delivery {
    const struct gcw_table *t;
    const struct delivery *outer;
};
static _Thread_local const struct delivery *deliveries;

static bool table_delivering(const struct gcw_table *t)
{
    for (const struct delivery *d = deliveries; d != NULL; d = d->outer)
        if (d->t == t)
            return true;
    return false;
}

/* Mutex held. Takes up to DELIVERY_BATCH retired values, from the cursor
 * on, out of their entries; the entries stay dead until the next rebuild.
 * Returns how many; *done when the cursor went past the top. */
static size_t table_take_retired(struct gcw_table *t, void **out, bool *done)
{
    size_t n = 0;
    size_t top = atomic_load_explicit(&t->entries.top, memory_order_relaxed);
    struct gcw_span s;
    while (n < DELIVERY_BATCH && t->delivery_cursor < top) {
        unsigned c = gcw_entry_place(t->delivery_cursor).chunk;
        if (!gcw_entries_span(&t->entries, c, &s)) {
            t->delivery_cursor = top;
            break;
        }
        for (size_t i = t->delivery_cursor - s.first_id; i < s.n && n < DELIVERY_BATCH; i++) {
            t->delivery_cursor = s.first_id + i + 1;
            /* Whole words of clear bits are skipped: retired entries are few. */
            if (i % GCW_WORD_BITS == 0 &&
                atomic_load_explicit(gcw_flag_word(&s, i, GCW_RETIRED), memory_order_relaxed) ==
                    0) {
                size_t skip = s.n - i < GCW_WORD_BITS ? s.n - i : GCW_WORD_BITS;
                t->delivery_cursor = s.first_id + i + skip;
                i += skip - 1;
                continue;
            }
            if (!gcw_flag_get(&s, i, GCW_RETIRED))
                continue;
            void *v = atomic_load_explicit(gcw_span_value(&s, i), memory_order_relaxed);
            atomic_store_explicit(gcw_span_value(&s, i), NULL, memory_order_relaxed);
            gcw_flag_set(&s, i, GCW_RETIRED, false);
            /* The pass left the link registered (the value may reach the
             * key); the program may now free the key through the value. */
            gcw_link_unregister(&s.keys[i * s.stride]);
            if (v != NULL)
                out[n++] = v;
        }
    }
    *done = t->delivery_cursor >= top;
    return n;
}

/* Hands the values of entries the pass retired to the removal callback,
 * each exactly once, in batches taken under the mutex and delivered with no
 * lock held. Iterative: operations the callback makes on this table do not
 * deliver (see deliveries), this loop does, so the stack stays flat and the
 * total time linear. Mutex NOT held. */
void gcw_table_deliver_removals(struct gcw_table *t)
{
    if (table_delivering(t))
        return;
    struct delivery self = {t, deliveries};
    deliveries = &self;
    bool warn = false;
    for (;;) {
        void *batch[DELIVERY_BATCH];
        bool done = false;
        gcw_mutex_lock(&t->lock);
        warn |= table_drop_suspect_values(t);
        if (t->delivery_cursor == 0 &&
            !atomic_exchange_explicit(&t->entries.retired, false, memory_order_relaxed)) {
            gcw_mutex_unlock(&t->lock);
            break;
        }
        void (*fn)(void *, void *) = t->removal_fn;
        void *arg = t->removal_arg;
        size_t n = table_take_retired(t, batch, &done);
        if (done)
            t->delivery_cursor = 0; /* a new round only if the pass retired more */
        gcw_mutex_unlock(&t->lock);
        for (size_t i = 0; i < n && fn != NULL; i++)
            fn(batch[i], arg);
        /* The batch held the values alive until each was delivered. */
        GC_reachable_here(batch);
    }
    deliveries = self.outer;
    if (warn)
        table_warn_values_dropped();
}

/* -------------------------------------------------------------- rebuilds */

#ifdef GCWEAK_ASSERTS
/* Collections clear key words while the check runs unless it holds the
 * collector's lock; it allocates nothing and takes no other lock. */
static void *table_check_locked(void *t)
{
    gcw_table_check(t);
    return NULL;
}
#endif

/* Mutex held. Adds every live entry to ix, which no reader sees, and
 * frees the entries the collector cleared (not those retired for the
 * callback): an older index may still name them, but its readers fail
 * validation before an entry is reused, which only an insert after the new
 * index is published does. Returns how many it added. */
static size_t table_index_entries(struct gcw_table *t, struct gcw_index *ix)
{
    size_t indexed = 0;
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(&t->entries, c, &s); c++) {
        for (size_t i = 0; i < s.n; i++) {
            if (!gcw_flag_get(&s, i, GCW_IN_USE))
                continue;
            gcw_word k = atomic_load_explicit(&s.keys[i * s.stride], memory_order_relaxed);
            if (gcw_word_is_key(k)) {
                gcw_index_add_unpublished(ix, k, s.first_id + i);
                indexed++;
            } else if (!gcw_flag_get(&s, i, GCW_RETIRED)) {
                /* The collector dropped its link with the key. */
                (void)gcw_entries_free(&t->entries, s.first_id + i);
            }
        }
    }
    return indexed;
}

/* Mutex held. Out of memory for a new index: rebuilds the old one where it
 * is. Readers cannot probe it meanwhile, so the whole rebuild is one write
 * section: they retry, then wait on the mutex. */
static void table_rebuild_in_place(struct gcw_table *t, struct gcw_index *ix)
{
    gcw_seq_write_begin(&t->seq);
    for (size_t i = 0; i < ix->capacity; i++)
        atomic_store_explicit(&ix->slot[i], GCW_ISLOT_EMPTY, memory_order_relaxed);
    ix->used = 0;
    t->live = table_index_entries(t, ix);
    gcw_seq_write_end(&t->seq);
}

/* Mutex held. Builds an index for the live entries and `extra` more, and
 * publishes it. Drops the mutex to allocate, so other writers may change the
 * table meanwhile: what fits is checked again once the mutex is back.
 * GCWEAK_OK also when another writer rebuilt meanwhile: the caller probes
 * again. */
static int table_rebuild(struct gcw_table *t, size_t extra)
{
    GCW_ASSERT_HELD(&t->lock);
    for (;;) {
        struct gcw_index *old = atomic_load_explicit(&t->index, memory_order_relaxed);
        size_t live = gcw_entries_count_live(&t->entries);
        size_t capacity = gcw_index_capacity_for(live + extra);
        if (capacity == 0)
            return GCWEAK_ENOMEM;
        gcw_mutex_unlock(&t->lock);
        struct gcw_index *fresh = gcw_index_new(capacity);
        gcw_mutex_lock(&t->lock);
        if (atomic_load_explicit(&t->index, memory_order_relaxed) != old)
            return GCWEAK_OK;
        /* Collections only lower the count; inserts made while we
         * allocated may have raised it past what fresh holds. */
        live = gcw_entries_count_live(&t->entries);
        GC_word counted_at = gcw_collections_settled();
        if (fresh == NULL) {
            if (old == NULL || (live + extra) * 4 > gcw_index_capacity(old) * 3)
                return GCWEAK_ENOMEM;
            table_rebuild_in_place(t, old);
        } else {
            if ((live + extra) * 4 > capacity * 3)
                continue;
            t->live = table_index_entries(t, fresh);
            gcw_seq_write_begin(&t->seq);
            atomic_store_explicit(&t->index, fresh, memory_order_release);
            gcw_note_store(&t->index, fresh);
            gcw_seq_write_end(&t->seq);
        }
        GCW_ASSERT(t->live <= live);
        t->live_gc_no = counted_at;
#ifdef GCWEAK_ASSERTS
        (void)GC_call_with_alloc_lock(table_check_locked, t);
#endif
        return GCWEAK_OK;
    }
}

/* Mutex held. Makes sure entry id's chunk exists, dropping the mutex to
 * allocate it; the caller probes again afterwards. */
static int table_add_chunk(struct gcw_table *t, size_t id)
{
    GCW_ASSERT_HELD(&t->lock);
    unsigned c = gcw_entry_place(id).chunk;
    gcw_mutex_unlock(&t->lock);
    gcw_word *block = gcw_entries_alloc_chunk(t->entries.values, c);
    gcw_mutex_lock(&t->lock);
    if (block == NULL)
        return GCWEAK_ENOMEM;
    if (atomic_load_explicit(&t->entries.chunk[c], memory_order_relaxed) == NULL)
        gcw_entries_install_chunk(&t->entries, c, block);
    return GCWEAK_OK;
}

/* Mutex held. Makes t->live exact, counting once per collection. */
static void table_count_live(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    GC_word gc_no = gcw_collections_settled();
    if (gc_no == t->live_gc_no)
        return;
    t->live = gcw_entries_count_live(&t->entries);
    t->live_gc_no = gc_no;
}

/* Mutex held. Whether fewer than half the entries in use are live. */
static bool table_mostly_dead(struct gcw_table *t)
{
    table_count_live(t);
    size_t top = atomic_load_explicit(&t->entries.top, memory_order_relaxed);
    return t->live < (top - t->entries.free_count) / 2;
}

/* Too few live entries for the index's size: rebuild smaller. */
static bool table_too_sparse(const struct gcw_table *t, const struct gcw_index *ix)
{
    size_t cap = gcw_index_capacity(ix);
    return cap > gcw_index_capacity_for(0) && t->live * 8 < cap;
}

/* ------------------------------------------------------------------ fork */

/*
 * fork() copies only the forking thread. A table mutex another thread held
 * at that moment would stay locked forever in the child, so the fork waits
 * until it holds every table's mutex, and both processes then release
 * them. Registered after bdwgc's own handlers (GC_set_handle_fork), so the
 * prepare handlers take the tables' mutexes before the collector's lock,
 * in the order the rest of the library takes them.
 */
#ifndef _WIN32
static void table_lock_for_fork(struct gcw_entries *e)
{
    gcw_mutex_lock(&((struct gcw_table *)(void *)e)->lock);
}

static void table_unlock_after_fork(struct gcw_entries *e)
{
    gcw_mutex_unlock(&((struct gcw_table *)(void *)e)->lock);
}

static void table_child_after_fork(struct gcw_entries *e)
{
    struct gcw_table *t = (struct gcw_table *)(void *)e;
    /* A delivery round the parent's other threads had under way has no
     * thread to finish it here: the next operation starts it again. */
    if (t->delivery_cursor != 0)
        atomic_store_explicit(&t->entries.retired, true, memory_order_relaxed);
    gcw_mutex_unlock(&t->lock);
}

static void table_fork_prepare(void)
{
    gcw_registry_hold();
    gcw_registry_each(table_lock_for_fork);
}

static void table_fork_parent(void)
{
    gcw_registry_each(table_unlock_after_fork);
    gcw_registry_release();
}

static void table_fork_child(void)
{
    gcw_registry_each(table_child_after_fork);
    gcw_registry_release();
}

static void table_install_fork_handlers(void)
{
    (void)pthread_atfork(table_fork_prepare, table_fork_parent, table_fork_child);
}

static void table_handle_fork_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    (void)pthread_once(&once, table_install_fork_handlers);
}
#else
static void table_handle_fork_once(void)
{
}
#endif

/* ------------------------------------------------------------ the API */

int gcw_table_init(struct gcw_table *t, enum gcw_values values, size_t capacity_hint)
{
    static const gcw_mutex unlocked = GCW_MUTEX_INIT;
    gcw_entries_init(&t->entries, values);
    atomic_init(&t->index, NULL);
    atomic_init(&t->seq, 0u);
    t->lock = unlocked;
    t->live = 0;
    t->removal_fn = NULL;
    t->removal_arg = NULL;
    t->delivery_cursor = 0;
    t->warned = false;
    gcw_keys_learn_kinds();
    table_handle_fork_once();
    if (gcw_pass_register(&t->entries) != GCWEAK_OK)
        return GCWEAK_ENOMEM;
    t->created_gc_no = gcw_collections_settled();
    t->live_gc_no = t->created_gc_no;
    t->dropped_at_gc_no = t->created_gc_no;
    atomic_init(&t->kept_up_at, (GC_word)-1);
    if (capacity_hint > 0) {
        size_t cap = gcw_index_capacity_for(capacity_hint);
        struct gcw_index *ix = cap != 0 ? gcw_index_new(cap) : NULL;
        if (ix == NULL)
            return GCWEAK_ENOMEM;
        atomic_store_explicit(&t->index, ix, memory_order_release);
        gcw_note_store(&t->index, ix);
    }
    return GCWEAK_OK;
}

/* Key present: replaces its value if `replace`, else reports it. */
static void table_update_present(struct gcw_table *t, size_t id, void *value, bool replace,
                                 void **existing)
{
    if (t->entries.values == GCW_NO_VALUES)
        return;
    _Atomic(void *) *slot = gcw_entry_value(gcw_entry_key(&t->entries, id));
    if (!replace) {
        if (existing != NULL)
            *existing = atomic_load_explicit(slot, memory_order_relaxed);
        return;
    }
    /* Pointer-free memory: no write barrier. The old value may die now;
     * the new one is in the caller's frame until the store is visible. */
    gcw_seq_write_begin(&t->seq);
    atomic_store_explicit(slot, value, memory_order_relaxed);
    gcw_seq_write_end(&t->seq);
}

/* An insert's answer when it dropped the mutex or rebuilt: probe again. */
enum { TABLE_AGAIN = 1 };

/* Mutex held. Makes room for a new key whose probe ended at index slot
 * `at`: GCWEAK_OK with *id the free entry to fill, TABLE_AGAIN when the
 * table changed meanwhile, or an error. */
static int table_make_room(struct gcw_table *t, struct gcw_index *ix, size_t at, size_t *id,
                           bool *compacted)
{
    int rc = GCWEAK_OK;
    if (ix == NULL || gcw_index_too_full_for(ix, at)) {
        rc = table_rebuild(t, 1);
        return rc != GCWEAK_OK ? rc : TABLE_AGAIN;
    }
    *id = gcw_entries_next_free(&t->entries);
    if (*id >= GCW_MAX_ENTRIES)
        return GCWEAK_ENOMEM;
    if (gcw_entries_have_chunk(&t->entries, *id))
        return GCWEAK_OK;
    /* Before the storage doubles: if most entries are dead, a rebuild frees
     * them for reuse instead. Once per insert, since entries retired for
     * the callback stay until delivered. */
    if (!*compacted && table_mostly_dead(t)) {
        *compacted = true;
        rc = table_rebuild(t, 1);
    } else {
        rc = table_add_chunk(t, *id);
    }
    return rc != GCWEAK_OK ? rc : TABLE_AGAIN;
}

/* Mutex held. Puts key word w (of object obj) with value into free entry
 * id and names it from index slot `at`. */
static int table_fill(struct gcw_table *t, struct gcw_index *ix, size_t at, size_t id,
                      gcw_word w, void *obj, void *value)
{
    /* Registered before the key word is visible: an entry holds a key word
     * only while its slot is registered on that key's object. */
    int rc = gcw_link_register(gcw_entry_key(&t->entries, id), obj);
    if (rc != GCWEAK_OK)
        return rc;
    gcw_seq_write_begin(&t->seq);
    gcw_entries_fill(&t->entries, id, w, value, gcw_key_object_needs_unlink(obj));
    gcw_index_put(ix, at, w, id);
    gcw_seq_write_end(&t->seq);
    t->live++;
    return GCWEAK_OK;
}

/* Stores value for key. When key is present: replaces its value if
 * `replace`, else leaves it and reports it in *existing (when not NULL).
 * obj is the key's object if the caller knows it, else NULL: it is then
 * looked up only if the key is absent, since a key found in the table was
 * validated when it went in, and the lookup of its object is a cache miss
 * that an update need not pay. GCWEAK_EINVAL for a key that is absent and
 * not in the collector's heap. */
static int table_insert(struct gcw_table *t, void *obj, const void *key, void *value,
                        bool replace, void **existing)
{
    gcw_word w = gcw_key_word(key);
    if (!gcw_word_is_key(w))
        return GCWEAK_EINVAL;
    int rc = GCWEAK_OK;
    bool compacted = false;
    gcw_mutex_lock(&t->lock);
    bool warn = table_drop_suspect_values(t);
    for (;;) {
        struct gcw_index *ix = atomic_load_explicit(&t->index, memory_order_relaxed);
        size_t at = 0;
        size_t id = 0;
        if (ix != NULL && gcw_index_find(ix, &t->entries, w, &at, &id)) {
            /* Perhaps put there by another writer while we made room. */
            table_update_present(t, id, value, replace, existing);
            rc = GCWEAK_OK;
            break;
        }
        if (obj == NULL && (obj = gcw_key_object(key)) == NULL) {
            rc = GCWEAK_EINVAL;
            break;
        }
        rc = table_make_room(t, ix, at, &id, &compacted);
        if (rc == TABLE_AGAIN)
            continue;
        if (rc == GCWEAK_OK)
            rc = table_fill(t, ix, at, id, w, obj, value);
        if (rc == GCWEAK_OK && existing != NULL)
            *existing = value;
        break;
    }
    gcw_mutex_unlock(&t->lock);
    /* Until the key word is stored and registered, only this frame may hold
     * the key: it must not die before then. Nor the value: an ephemeron
     * map's value is invisible to the marker until its key word is. */
    GC_reachable_here(key);
    GC_reachable_here(value);
    if (warn)
        table_warn_values_dropped();
    gcw_table_finish_op(t);
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

/* The reader's slow path, out of line so that the fast path (table.h)
 * saves no registers and stays short: a writer kept the table busy, or the
 * pass missed a collection. Reads under the mutex. */
bool gcw_table_get_locked(struct gcw_table *t, gcw_word w, void **v)
{
    for (int attempt = 0; attempt < OPTIMISTIC_READS && !gcw_table_values_suspect(t); attempt++) {
        gcw_cpu_relax();
        unsigned s = gcw_seq_read_begin(&t->seq);
        bool found =
            gcw_table_find(t, atomic_load_explicit(&t->index, memory_order_acquire), w, v) != NULL;
        if (gcw_seq_read_valid(&t->seq, s) && !gcw_table_values_suspect(t))
            return found;
    }
    /* Under the mutex no writer interferes, but a collection still can:
     * when the pass is not running, one that completes between the drop
     * and the read may have reclaimed a value stored since. Read again. */
    bool warn = false;
    bool found = false;
    for (;;) {
        gcw_mutex_lock(&t->lock);
        warn |= table_drop_suspect_values(t);
        GC_word before = gcw_gc_no();
        found = gcw_table_find(t, atomic_load_explicit(&t->index, memory_order_relaxed), w, v) !=
                NULL;
        atomic_thread_fence(memory_order_acquire);
        bool settled = gcw_gc_no() == before || !gcw_table_values_suspect(t);
        gcw_mutex_unlock(&t->lock);
        if (settled)
            break;
    }
    if (warn)
        table_warn_values_dropped();
    return found;
}

bool gcw_table_remove(struct gcw_table *t, const void *key)
{
    gcw_word w = gcw_key_word(key);
    if (!gcw_word_is_key(w))
        return false;
    gcw_mutex_lock(&t->lock);
    struct gcw_index *ix = atomic_load_explicit(&t->index, memory_order_relaxed);
    size_t at = 0;
    size_t id = 0;
    bool found = ix != NULL && gcw_index_find(ix, &t->entries, w, &at, &id);
    if (found) {
        _Atomic gcw_word *slot = gcw_entry_key(&t->entries, id);
        gcw_seq_write_begin(&t->seq);
        gcw_index_remove(ix, at);
        bool unlink = gcw_entries_free(&t->entries, id);
        gcw_seq_write_end(&t->seq);
        GCW_ASSERT(t->live > 0);
        t->live--;
        /* A registration left on an ordinary key is harmless: the collector
         * clears a slot we no longer read, and the next fill retargets it,
         * so the common delete pays no walk of the collector's link table.
         * Keys the program could free explicitly under a live link (keys.c)
         * were marked at insert and are unlinked. */
        if (unlink)
            gcw_link_unregister(slot);
        if (table_too_sparse(t, ix))
            (void)table_rebuild(t, 0); /* out of memory: stay large */
    }
    gcw_mutex_unlock(&t->lock);
    gcw_table_finish_op(t);
    return found;
}

size_t gcw_table_count(struct gcw_table *t)
{
    gcw_mutex_lock(&t->lock);
    table_count_live(t);
    size_t n = t->live;
    gcw_mutex_unlock(&t->lock);
    gcw_table_finish_op(t);
    return n;
}

/* Mutex held. Drops the links of entries in use marked to unlink. */
static void table_unlink_flagged(struct gcw_table *t)
{
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(&t->entries, c, &s); c++)
        for (size_t i = 0; i < s.n; i++)
            if (gcw_flag_get(&s, i, GCW_UNLINK) && gcw_flag_get(&s, i, GCW_IN_USE))
                gcw_link_unregister(&s.keys[i * s.stride]);
}

void gcw_table_clear(struct gcw_table *t)
{
    /* Keys that died before the clear get their callback, as they would
     * from any other operation: deliver first, and again if a collection
     * retired more before the mutex was taken. */
    for (;;) {
        gcw_table_finish_op(t);
        gcw_mutex_lock(&t->lock);
        if (!atomic_load_explicit(&t->entries.retired, memory_order_relaxed) &&
            t->delivery_cursor == 0)
            break;
        gcw_mutex_unlock(&t->lock);
    }
    /* The entries are dropped whole: the collector reclaims the chunks and,
     * with them, whatever links they still hold registered. Not before the
     * next collection, though, and the program may free a key explicitly as
     * soon as clear returns: links on keys that must not outlive their
     * entries (keys.c) are dropped now. */
    table_unlink_flagged(t);
    gcw_seq_write_begin(&t->seq);
    atomic_store_explicit(&t->index, NULL, memory_order_release);
    gcw_entries_drop_all(&t->entries);
    gcw_seq_write_end(&t->seq);
    t->live = 0;
    t->live_gc_no = gcw_collections_settled();
    gcw_mutex_unlock(&t->lock);
}

/* Snapshot for foreach: filled under the allocation lock, so that every key
 * revealed belongs to an object no collection has reclaimed, and the scanned
 * snapshot then holds it alive. */
struct snapshot {
    struct gcw_table *t;
    void **out;
    size_t room;
    size_t stride; /* 2 with values, 1 without */
    size_t n;
    bool overflow;
    GC_word gc_no;  /* the collection count the values were checked at */
    bool stale;     /* a collection completed since: check and fill again */
};

static void *snapshot_fill(void *arg)
{
    struct snapshot *sn = arg;
    sn->n = 0;
    sn->overflow = false;
    /* A collection between the check of the values and this lock hold may
     * have run without the pass. */
    sn->stale = gcw_gc_no() != sn->gc_no;
    if (sn->stale)
        return NULL;
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(&sn->t->entries, c, &s); c++) {
        for (size_t i = 0; i < s.n; i++) {
            gcw_word k = atomic_load_explicit(&s.keys[i * s.stride], memory_order_relaxed);
            if (!gcw_word_is_key(k))
                continue;
            if (sn->n == sn->room) {
                sn->overflow = true;
                return NULL;
            }
            void **entry = &sn->out[sn->n++ * sn->stride];
            entry[0] = GC_REVEAL_POINTER(k);
            /* Barriers need no lock: GC_end_stubborn_change only sets a bit. */
            GC_end_stubborn_change(&entry[0]);
            if (sn->stride == 2) {
                entry[1] = atomic_load_explicit(gcw_span_value(&s, i), memory_order_relaxed);
                if (entry[1] != NULL)
                    GC_end_stubborn_change(&entry[1]);
            }
        }
    }
    return NULL;
}

/* Mutex held. Fills the snapshot if its room holds every live entry;
 * otherwise says how much room it needs. */
static bool table_try_snapshot(struct gcw_table *t, struct snapshot *sn, size_t *need)
{
    *need = t->live; /* a bound: collections only lower it */
    if (sn->out == NULL || *need > sn->room)
        return false;
    (void)GC_call_with_alloc_lock(snapshot_fill, sn);
    GCW_ASSERT(!sn->overflow);
    return !sn->stale;
}

int gcw_table_foreach(struct gcw_table *t, gcw_visit_fn visit, void *arg)
{
    struct snapshot sn = {.t = t, .stride = t->entries.values == GCW_NO_VALUES ? 1 : 2};
    for (;;) {
        size_t need = 0;
        gcw_mutex_lock(&t->lock);
        bool warn = table_drop_suspect_values(t);
        sn.gc_no = gcw_gc_no();
        bool filled = table_try_snapshot(t, &sn, &need);
        gcw_mutex_unlock(&t->lock);
        if (warn)
            table_warn_values_dropped();
        if (filled)
            break;
        if (sn.stale) { /* room enough: check the values again and refill */
            sn.stale = false;
            continue;
        }
        /* Allocate unlocked (it may run finalizers that use this table). */
        sn.room = need;
        sn.out = gcw_alloc_scanned((need > 0 ? need : 1) * sn.stride * sizeof *sn.out);
        if (sn.out == NULL)
            return GCWEAK_ENOMEM;
    }
    gcw_table_finish_op(t);
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
    table_count_live(t);
    struct gcw_index *ix = atomic_load_explicit(&t->index, memory_order_relaxed);
    out->entries = t->live;
    out->capacity = ix != NULL ? gcw_index_capacity(ix) : 0;
    out->dead_slots = ix != NULL && ix->used > t->live ? ix->used - t->live : 0;
    out->collections = (size_t)(gcw_collections_settled() - t->created_gc_no);
    out->bytes = gcw_entries_bytes(&t->entries) + (ix != NULL ? GC_size(ix) : 0);
    gcw_mutex_unlock(&t->lock);
    gcw_table_finish_op(t);
}

void gcw_table_on_removal(struct gcw_table *t, void (*fn)(void *value, void *arg), void *arg)
{
    gcw_mutex_lock(&t->lock);
    if (fn == NULL) {
        /* Values awaiting a callback that is gone are released. */
        void *ignored[DELIVERY_BATCH];
        bool done = false;
        t->delivery_cursor = 0;
        atomic_store_explicit(&t->entries.retired, false, memory_order_relaxed);
        while (!done)
            (void)table_take_retired(t, ignored, &done);
        t->delivery_cursor = 0;
    }
    atomic_store_explicit(&t->entries.retire, fn != NULL, memory_order_relaxed);
    t->removal_fn = fn;
    t->removal_arg = arg;
    gcw_mutex_unlock(&t->lock);
    gcw_table_finish_op(t);
}

/* ------------------------------------------------------ consistency check */

#ifdef GCWEAK_ASSERTS
/* One entry's state (entries.c): a free entry holds no key and no flag; a
 * retired one holds no key either. Returns whether it is in use. */
static bool check_entry(const struct gcw_span *s, size_t i)
{
    gcw_word k = atomic_load_explicit(&s->keys[i * s->stride], memory_order_relaxed);
    bool used = gcw_flag_get(s, i, GCW_IN_USE);
    GCW_ASSERT(used || !gcw_word_is_key(k));
    GCW_ASSERT(used || !gcw_flag_get(s, i, GCW_UNLINK));
    GCW_ASSERT(!gcw_flag_get(s, i, GCW_RETIRED) || (used && !gcw_word_is_key(k)));
    return used;
}

/* Entry states and the free-entry bookkeeping: no free entry below the
 * hint, and every entry below top either in use or counted free. */
static void check_entries(const struct gcw_entries *e)
{
    size_t in_use = 0;
    size_t free_below_hint = 0;
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(e, c, &s); c++)
        for (size_t i = 0; i < s.n; i++) {
            bool used = check_entry(&s, i);
            in_use += used;
            free_below_hint += !used && s.first_id + i < e->free_hint;
        }
    GCW_ASSERT(free_below_hint == 0);
    GCW_ASSERT(in_use + e->free_count == atomic_load_explicit(&e->top, memory_order_relaxed));
}

/* One index slot naming entry id, whose key word is k: the entry is in use,
 * and a live key has its fingerprint, its probe run unbroken from its home,
 * and its lookup finds this entry. Returns whether the entry is live. */
static bool check_slot(const struct gcw_index *ix, const struct gcw_entries *e, size_t i,
                       gcw_islot sl)
{
    size_t id = (size_t)(uint32_t)sl - 1;
    GCW_ASSERT(id < atomic_load_explicit(&e->top, memory_order_relaxed));
    struct gcw_span es;
    size_t at = gcw_entries_span_of(e, id, &es);
    GCW_ASSERT(gcw_flag_get(&es, at, GCW_IN_USE));
    gcw_word k = atomic_load_explicit(gcw_entry_key(e, id), memory_order_relaxed);
    if (!gcw_word_is_key(k))
        return false;
    GCW_ASSERT((uint32_t)(sl >> 32) == gcw_word_fingerprint(k));
    for (size_t j = gcw_index_home(ix, k); j != i; j = gcw_index_next(ix, j))
        GCW_ASSERT(atomic_load_explicit(&ix->slot[j], memory_order_relaxed) != GCW_ISLOT_EMPTY);
    size_t again = 0;
    GCW_ASSERT(gcw_index_lookup(ix, e, k, &again) != NULL && again == id);
    return true;
}

void gcw_table_check(struct gcw_table *t)
{
    GCW_ASSERT_HELD(&t->lock);
    const struct gcw_entries *e = &t->entries;
    check_entries(e);
    struct gcw_index *ix = atomic_load_explicit(&t->index, memory_order_relaxed);
    if (ix == NULL)
        return;
    /* Every live entry is named by exactly one slot. */
    size_t used = 0;
    size_t named = 0;
    for (size_t i = 0; i < ix->capacity; i++) {
        gcw_islot sl = atomic_load_explicit(&ix->slot[i], memory_order_relaxed);
        used += sl != GCW_ISLOT_EMPTY;
        if (sl != GCW_ISLOT_EMPTY && sl != GCW_ISLOT_REMOVED)
            named += check_slot(ix, e, i, sl);
    }
    GCW_ASSERT(used == ix->used);
    GCW_ASSERT(used * 4 <= gcw_index_capacity(ix) * 3);
    GCW_ASSERT(named == gcw_entries_count_live(e));
}
#endif
