/* SPDX-License-Identifier: MIT */
/*
 * The collector-side pass: what gcweak does inside each collection, for the
 * entry storage (entries.h) of every registered map. It sees a map through
 * that storage, walked chunk by chunk in memory order, and through the
 * copies its index keeps of keys and values, and knows nothing of the table
 * above them. Map values sit in pointer-free
 * memory beside their keys, where the marker never looks, so at
 * GC_EVENT_MARK_END this pass decides which of them live:
 *
 *   - ephemeron maps: a value lives while its key does (below);
 *   - weak-key maps: a value lives while its entry does, whatever its key,
 *     and keeps alive what it reaches, its own key included;
 *   - maps with a removal callback: entries whose keys die in this
 *     collection have their removal queued: they lose their key word and
 *     keep their value, flagged for the table to hand to the callback;
 *   - every word-keyed container: the index copies of keys that die now
 *     (and doubly weak, of keys whose values die) are dropped, so that no
 *     lookup believes a copy once the collector clears the key word and
 *     may reuse the dead key's address (index.c).
 *
 * EPHEMERONS on stock bdwgc 8.2.
 *
 * An ephemeron table keeps its values in pointer-free memory, where the
 * marker never looks. bdwgc announces GC_EVENT_MARK_END with the world
 * stopped, after marking from roots and before GC_finalize clears
 * disappearing links. At that moment this pass establishes the ephemeron
 * rule for every entry of every registered table:
 *
 *     key object marked  =>  value marked, with all it reaches
 *
 * and stops there, so values of unmarked keys stay unmarked and are
 * reclaimed in this same collection, together with their keys. Because it
 * runs before GC_finalize, links and finalizers see the corrected marks.
 *
 * ONE PASS, NO ROUNDS. Entries are visited once. An entry whose value is no
 * heap pointer, or an object already marked, needs nothing and costs no look
 * at its key. Otherwise, an entry whose key is marked has its value traced
 * at once; an entry whose key is not yet marked waits in a hash keyed by the
 * key's object base. Whenever the tracing marks an object
 * it releases the entries waiting on that object. A chain root -> k0, v0 ->
 * k1, ... of any length is thus settled in time linear in entries plus
 * objects traced, whatever order the entries are visited in.
 *
 * TRACING is conservative: every word of a newly marked object that points
 * into the heap marks that object's base (GC_base); pointer-free objects are
 * not scanned. It may retain more than the collector's precise descriptors
 * would, never less.
 *
 * WHICH CONTAINERS. Only those the marking reached. A container whose object
 * is unmarked at MARK_END has its values left unmarked, so that nothing it
 * holds keeps it alive: a value pointing back to its map is ordinary, and
 * marking it would mark the map forever. Such a container waits, like an
 * ephemeron value, on its own object: if the pass's tracing reaches it
 * through another container's value, its values are offered then. One
 * never reached dies in this collection with its values, unless
 * GC_finalize resurrects it for a finalizer (it is reachable from an object
 * awaiting finalization); GC_finalize's marking cannot see our values, so
 * those may be reclaimed while it lives on. The pass records the collection
 * in the storage (unreached_gc_no) and the table drops every value before
 * it reads one again, as when a collection ran without the pass. The
 * containers list holds them through long links, which bdwgc clears only
 * when a container is unreachable even from finalizable objects, just
 * before reclaiming it.
 *
 * MEMORY. The pass runs with the allocation lock held and the world stopped:
 * no allocation, no malloc, no lock a stopped thread may hold. Its stack and
 * its waiting hash come straight from the kernel (pass_memory.c), kept from
 * one collection to the next and grown on demand; if the kernel refuses, the
 * process aborts with a message rather than silently drop work, since a
 * dropped value would be reclaimed while its key lives.
 *
 * ANY INSTRUCTION. The pass reads entries, which never move, up to the
 * storage's top. An entry's value is stored before its key word, and a
 * writer keeps both in its frame until the key word is visible; every key
 * word is on a registered link, so the key's object has not been reclaimed
 * and GC_base on it is safe. A writer stopped anywhere leaves nothing else
 * the pass reads half-done: it changes an entry's value, key word and bits
 * only in that order. Of the index it only turns slots holding a dying
 * key's copy into DELETED, which every state of a writer's insert, delete
 * or rebuild allows: the keys writers put in are in their frames, hence
 * marked, and a rebuild that copied a key word while this collection was
 * deciding refreshes its index before publishing it (rebuild.c).
 *
 * THE CALLBACK SLOT is one per process. We chain to whatever was installed
 * before us, calling it first; a guard stops a chain that loops back to us.
 * If a later component replaces our callback without chaining, the pass
 * stops running: every reader of an ephemeron map compares the collection
 * count with the one the last pass saw (gcw_pass_kept_up) after its read,
 * and the table drops the map's values, with a warning, instead of ever
 * handing out a value that may have been reclaimed. A library copy that is
 * unloaded (dlclose) unhooks itself if it is still the installed callback;
 * if a later component chained to it, it cannot, and stays loaded in effect:
 * see the destructor below.
 */
#include "ephemeron.h"

#include <stdlib.h>
#include <string.h>

#include <gc/gc_mark.h>

#include "pass_memory.h"

/* ------------------------------------------------------- the callback */

static gcw_mutex install_lock = GCW_MUTEX_INIT;
static atomic_bool installed;
static GC_on_collection_event_proc previous_callback;
static int pointer_free_kind;
/* Passes completed; written by the pass only, under the allocation lock. */
static GC_word passes;
_Atomic GC_word gcw_pass_gc_no;
_Atomic GC_word gcw_pass_missed_gc_no;

static void on_collection_event(GC_EventType event);

static void *note_collections_so_far(void *unused)
{
    (void)unused;
    /* Collections before the callback existed had no map to pass over. */
    atomic_store_explicit(&gcw_pass_gc_no, GC_get_gc_no(), memory_order_release);
    return NULL;
}

/* The loader, which only the installation needs. */
#include "image.h"

int gcw_pass_install(void)
{
    if (atomic_load_explicit(&installed, memory_order_acquire))
        return GCWEAK_OK;
    /* Allocated before taking the lock: an allocation may run finalizers,
     * and one that creates a map would wait on the lock forever. 8.2 has no
     * public constant for the pointer-free kind: ask an object of it. */
    void *probe = GC_MALLOC_ATOMIC(sizeof(GC_word));
    int kind = probe != NULL ? GC_get_kind_and_size(probe, NULL) : -1;
    GC_on_collection_event_proc chained_to = NULL;
    gcw_mutex_lock(&install_lock);
    if (!atomic_load_explicit(&installed, memory_order_relaxed) && kind >= 0) {
        pointer_free_kind = kind;
        previous_callback = GC_get_on_collection_event();
        GC_set_on_collection_event(on_collection_event);
        (void)GC_call_with_alloc_lock(note_collections_so_far, NULL);
        atomic_store_explicit(&installed, true, memory_order_release);
        chained_to = previous_callback;
    }
    gcw_mutex_unlock(&install_lock);
    /* From now on every collection calls chained_to, so its plugin (another
     * copy of gcweak that made a map first, say) can no longer unhook itself
     * and must not be unmapped by a dlclose: image.c. Outside our lock, as
     * it takes the loader's, which a thread whose plugin constructor makes
     * a map holds while it waits for ours. */
    gcw_keep_mapped(chained_to);
    return atomic_load_explicit(&installed, memory_order_acquire) ? GCWEAK_OK : GCWEAK_ENOMEM;
}

#if defined(__GNUC__) || defined(__clang__)
/* A copy of gcweak linked into a plugin that is unloaded must not leave the
 * collector calling into unmapped code. While our callback is the installed
 * one, put back the one we chained to. If another component installed itself
 * after us and chains to us, the collector reaches us through it, and
 * nothing we can do here unhooks that. Another copy of gcweak that chained
 * to us made our object permanent when it did (install_callback_once, with
 * glibc), so a dlclose does not unload us and this runs only at exit; any
 * other component that chains to us must keep us loaded itself. */
__attribute__((destructor)) static void uninstall_callback(void)
{
    if (atomic_load_explicit(&installed, memory_order_acquire) &&
        GC_get_on_collection_event() == on_collection_event)
        GC_set_on_collection_event(previous_callback);
}
#endif

/* ------------------------------------------------------------- the pass */

/*
 * Things waiting for an object to be marked: the value of an ephemeron
 * entry waits for its key's object, a container not yet found reachable
 * waits for its own. Each kind has a hash keyed by the object's base,
 * chained through 1-based indexes into an array sized for the worst case
 * before the pass starts. Bucket heads carry the pass number they belong
 * to, so a hash needs no clearing between collections.
 */
struct waiter {
    void *object;
    void *item;
    size_t next; /* 1-based index of the next waiter on the same bucket */
};

struct bucket {
    GC_word pass;
    size_t head; /* 1-based; 0 = none */
};

struct wait_hash {
    struct gcw_pass_array waiters, buckets;
    size_t count, mask;
    unsigned shift;
};

static struct wait_hash values_waiting, containers_waiting;

static struct gcw_pass_array stack_mem;
static size_t stack_top;

/* Containers found reachable in this pass, in that order (their values
 * were offered, and they are the ones queue_removals visits), and those
 * released from waiting whose values are still to be offered. */
static struct gcw_pass_array offered_mem, ready_mem;
static size_t offered_count, ready_count;

static void wait_hash_reset(struct wait_hash *h, size_t bound)
{
    size_t buckets = 64;
    while (buckets < 2 * bound)
        buckets *= 2;
    gcw_pass_array_reserve(&h->waiters, bound * sizeof(struct waiter) + 1, 0);
    gcw_pass_array_reserve(&h->buckets, buckets * sizeof(struct bucket), 0);
    /* Fresh kernel pages are zero, i.e. pass 0, never current. */
    h->mask = h->buckets.bytes / sizeof(struct bucket) - 1;
    h->shift = (unsigned)GCW_WORD_BITS;
    for (size_t n = h->mask + 1; n > 1; n /= 2)
        h->shift--;
    h->count = 0;
}

static struct bucket *bucket_for(const struct wait_hash *h, const void *object)
{
    return &((struct bucket *)h->buckets.base)[
        (size_t)(gcw_word_hash((GC_word)object) >> h->shift) & h->mask];
}

static void wait_for(struct wait_hash *h, void *object, void *item)
{
    struct waiter *w = h->waiters.base;
    struct bucket *b = bucket_for(h, object);
    if (b->pass != passes + 1) {
        b->pass = passes + 1;
        b->head = 0;
    }
    w[h->count] = (struct waiter){object, item, b->head};
    b->head = ++h->count;
}

/* Calls release(item) for every item waiting on obj, newly marked. */
static void release_waiting(const struct wait_hash *h, const void *obj,
                            void (*release)(void *item))
{
    if (h->count == 0)
        return;
    struct bucket *b = bucket_for(h, obj);
    if (b->pass != passes + 1)
        return;
    struct waiter *w = h->waiters.base;
    for (size_t i = b->head; i != 0; i = w[i - 1].next)
        if (w[i - 1].object == obj)
            release(w[i - 1].item);
}

static void push(void *obj)
{
    gcw_pass_array_reserve(&stack_mem, (stack_top + 1) * sizeof(void *),
                       stack_top * sizeof(void *));
    ((void **)stack_mem.base)[stack_top++] = obj;
}

/* false for words that cannot point into the heap: no lookup needed. */
static bool in_heap_range(const void *p)
{
    return (GC_word)p >= (GC_word)GC_least_plausible_heap_addr &&
           (GC_word)p < (GC_word)GC_greatest_plausible_heap_addr;
}

/* The object containing p, or NULL when p is no pointer into the heap. */
static void *heap_object(const void *p)
{
    return in_heap_range(p) ? GC_base((void *)(GC_word)p) : NULL;
}

/* Marks the object containing p, if any and unmarked, and queues it for
 * scanning. Nothing the collector does not own is touched. */
static void mark_object(const void *p)
{
    void *base = heap_object(p);
    if (base == NULL || GC_is_marked(base))
        return;
    GC_set_mark_bit(base);
    push(base);
}

static void release_value(void *value)
{
    mark_object(value);
}

static void release_container(void *member)
{
    gcw_pass_array_reserve(&ready_mem, (ready_count + 1) * sizeof(void *),
                       ready_count * sizeof(void *));
    ((void **)ready_mem.base)[ready_count++] = member;
}

static void drain(void)
{
    while (stack_top > 0) {
        void *obj = ((void **)stack_mem.base)[--stack_top];
        release_waiting(&values_waiting, obj, release_value);
        release_waiting(&containers_waiting, obj, release_container);
        size_t bytes = 0;
        if (GC_get_kind_and_size(obj, &bytes) == pointer_free_kind)
            continue;
        /* Scan word by word; the collector aligns every object to a word. */
        const GC_word *end = (const GC_word *)((char *)obj + bytes);
        for (const GC_word *p = obj; p < end; p++)
            mark_object((const void *)*p);
    }
}

/*
 * Entries are settled in batches. Per entry the pass looks up two objects'
 * headers and mark bits in the collector's tables, a cache miss each in a
 * large heap; one entry at a time, the processor waits for each miss in
 * turn. The lookups of different entries are independent, so a batch does
 * them all first, letting the misses overlap, and only then decides each
 * entry, reading the mark bits again, since deciding one entry can mark
 * objects that another one depends on.
 */
enum { BATCH = 16 };

struct pending {
    const void *key;
    void *value;
    void *value_object;
    void *key_object;
    bool key_base; /* key is its object's base (GCW_KEY_BASE) */
};

static struct pending batch[BATCH];
static size_t batch_len;

static void settle(const struct pending *e)
{
    /* A value already marked has already been traced (the collector's
     * marking is complete, and what this pass marks it drains before the
     * next entry): the key's liveness does not matter. A weak-key map's
     * value (no key here) is marked whatever its key. */
    if (e->value_object == NULL || GC_is_marked(e->value_object))
        return;
    if (e->key == NULL || GC_is_marked(e->key_object)) {
        GC_set_mark_bit(e->value_object);
        push(e->value_object);
        drain();
    } else {
        wait_for(&values_waiting, e->key_object, e->value);
    }
}

static void settle_batch(void)
{
    for (size_t i = 0; i < batch_len; i++)
        batch[i].value_object = GC_base(batch[i].value);
    for (size_t i = 0; i < batch_len; i++) {
        void *vo = batch[i].value_object;
        batch[i].key_object = vo == NULL || batch[i].key == NULL || GC_is_marked(vo) ? NULL
                              : batch[i].key_base ? (void *)(GC_word)batch[i].key
                                                  : GC_base((void *)(GC_word)batch[i].key);
    }
    for (size_t i = 0; i < batch_len; i++)
        if (batch[i].key == NULL || batch[i].key_object != NULL)
            settle(&batch[i]);
    /* The batch is static data, a root: left behind, its pointers would
     * keep keys and values alive into the next collection. */
    memset(batch, 0, batch_len * sizeof batch[0]);
    batch_len = 0;
}

/* Worst cases of the two wait hashes: every ephemeron entry, every
 * container. */
static size_t ephemeron_bound, storage_count;

static void count_storage(const struct gcw_member *m)
{
    const struct gcw_entries *e = m->entries;
    storage_count++;
    if (e->kind == GCW_KIND_EPHEMERON)
        ephemeron_bound += atomic_load_explicit(&e->top, memory_order_relaxed);
}

/* Offers every live entry of a map with traced values to the batch: an
 * ephemeron map's value waits for its key, a weak-key map's is marked
 * whatever its key (NULL key in the batch). */
static void visit_values(struct gcw_entries *e)
{
    if (e->kind != GCW_KIND_EPHEMERON && e->kind != GCW_KIND_WEAK_KEYS)
        return;
    bool strong = e->kind == GCW_KIND_WEAK_KEYS;
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(e, c, &s); c++) {
        for (size_t i = 0; i < s.n; i++) {
            gcw_word k = atomic_load_explicit(&s.keys[i * s.stride], memory_order_relaxed);
            if (!gcw_word_is_key(k))
                continue;
            void *v = atomic_load_explicit(gcw_span_value(&s, i), memory_order_relaxed);
            /* A word that points nowhere into the heap (a count, a small
             * integer) has nothing to keep alive: no lookup at all. */
            if (!in_heap_range(v))
                continue;
            batch[batch_len].key = strong ? NULL : (const void *)GC_REVEAL_POINTER(k);
            batch[batch_len].key_base = gcw_flag_get(&s, i, GCW_KEY_BASE);
            batch[batch_len].value = v;
            if (++batch_len == BATCH)
                settle_batch();
        }
    }
}

/* A container found reachable: its values are offered, once per pass. */
static void offer(const struct gcw_member *m)
{
    m->entries->seen_in_pass = passes + 1;
    gcw_pass_array_reserve(&offered_mem, (offered_count + 1) * sizeof(void *),
                       offered_count * sizeof(void *));
    ((const struct gcw_member **)offered_mem.base)[offered_count++] = m;
    visit_values(m->entries);
}

/* Values of a container nothing reaches are not marked: they must not keep
 * it alive (a value that points back to its map is ordinary). It waits,
 * in case the tracing reaches it later through some other value. */
static void offer_or_wait(const struct gcw_member *m)
{
    void *container = GC_REVEAL_POINTER(atomic_load_explicit(&m->container,
                                                             memory_order_relaxed));
    GCW_ASSERT(GC_base(container) == container && GC_base(m->entries) == container);
    if (GC_is_marked(container))
        offer(m);
    else
        wait_for(&containers_waiting, container, (void *)m);
}

/* The key whose disguised word is w dies in this collection: no index of
 * the container may keep a copy of it, neither the published one nor the
 * one a writer, stopped with the world, is filling. */
static void drop_copies(const struct gcw_member *m, gcw_word w)
{
    gcw_word hash = gcw_word_hash(w);
    struct gcw_index *ix = atomic_load_explicit(&m->indexes->published, memory_order_relaxed);
    if (ix != NULL && ix->copies)
        gcw_index_drop_copy(ix, w, hash);
    ix = atomic_load_explicit(&m->indexes->building, memory_order_relaxed);
    if (ix != NULL && ix->copies)
        gcw_index_drop_copy(ix, w, hash);
}

/*
 * After the fixpoint, for every container with key copies that the marking
 * reached: the copies of entries whose key dies now, or, doubly weak, whose
 * value does, are dropped. Their links are cleared by GC_finalize after the
 * world restarts; no reader may meet a copy the collector cannot clear. A
 * container not reached dies now, or is revived by a finalizer with its
 * copies disbelieved (unreached_gc_no, gcw_index_exact) until refreshed:
 * walking it would cost as much as a live one for nothing.
 *
 * The cost is two lookups in the collector's tables per entry (the key's
 * object, its mark bit), a cache miss each in a large heap, so entries are
 * decided in batches, as settle_batch does: each phase's lookups are
 * independent, and the processor overlaps their misses.
 */
enum { DROP_BATCH = 32 };

/* Drops the copy of keys[j] for each words[j] (a key, or a doubly-weak
 * value) whose object dies; base[j] says that words[j] is its object's
 * base, which then needs no lookup. */
static void drop_batch(const struct gcw_member *m, const gcw_word *words, const gcw_word *keys,
                       const bool *base, size_t n)
{
    /* Static, and cleared after use, like the settle batch: revealed
     * pointers left in a stack frame could be found by a later collection's
     * scan of this thread and keep what they point to alive. */
    static void *object[DROP_BATCH];
    for (size_t j = 0; j < n; j++)
        object[j] = base[j] ? GC_REVEAL_POINTER(words[j]) : GC_base(GC_REVEAL_POINTER(words[j]));
    bool dead[DROP_BATCH];
    for (size_t j = 0; j < n; j++)
        dead[j] = object[j] != NULL && !GC_is_marked(object[j]);
    memset(object, 0, n * sizeof object[0]);
    for (size_t j = 0; j < n; j++)
        if (dead[j])
            drop_copies(m, keys[j]);
}

static void drop_dead_copies(const struct gcw_member *m)
{
    const struct gcw_entries *e = m->entries;
    if (e->byte_keys || e->seen_in_pass != passes + 1 ||
        (atomic_load_explicit(&m->indexes->published, memory_order_relaxed) == NULL &&
         atomic_load_explicit(&m->indexes->building, memory_order_relaxed) == NULL))
        return;
    bool weak_values = e->kind == GCW_KIND_WEAK_VALUES;
    /* Keys, and doubly weak, values with the key beside each: a dying
     * value drops its key's copy. */
    gcw_word words[DROP_BATCH];
    gcw_word keys[DROP_BATCH];
    bool base[DROP_BATCH];
    size_t n = 0;
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(e, s)
        for (size_t i = 0; i < s.n; i++) {
            gcw_word k = atomic_load_explicit(gcw_span_key(&s, i), memory_order_relaxed);
            if (!gcw_word_is_key(k))
                continue;
            words[n] = k;
            keys[n] = k;
            base[n++] = gcw_flag_get(&s, i, GCW_KEY_BASE);
            if (weak_values) {
                gcw_word v = (gcw_word)atomic_load_explicit(gcw_span_value(&s, i),
                                                            memory_order_relaxed);
                if (v != 0) {
                    words[n] = v;
                    keys[n] = k;
                    base[n++] = false;
                }
            }
            if (n + 2 > DROP_BATCH) {
                drop_batch(m, words, keys, base, n);
                n = 0;
            }
        }
    drop_batch(m, words, keys, base, n);
}

/* After the ephemeron fixpoint, for a map with a removal callback: entries
 * whose keys stayed unmarked die now. Each loses its key word (registration
 * kept: the value may bring the key back, and the table drops it when it
 * delivers) and is flagged pending removal; its value, and those of entries
 * queued earlier and not yet delivered, are kept for the callback. */
/* The same for a weak-value map: entries whose values stayed unmarked die
 * now. Each loses its value word (the link on it goes with the object) and
 * is flagged pending removal; its key, which the scanned chunk holds, is
 * what the callback gets. */
static void queue_value_removals(struct gcw_entries *e)
{
    bool any = false;
    struct gcw_span s;
    GCW_FOR_EACH_SPAN(e, s)
        for (size_t i = 0; i < s.n; i++) {
            if (!gcw_word_is_key(atomic_load_explicit(gcw_span_key(&s, i), memory_order_relaxed)))
                continue;
            _Atomic gcw_word *value = (_Atomic gcw_word *)gcw_span_value(&s, i);
            gcw_word v = atomic_load_explicit(value, memory_order_relaxed);
            if (v == 0)
                continue;
            void *obj = GC_base(GC_REVEAL_POINTER(v));
            if (obj == NULL || GC_is_marked(obj))
                continue;
            atomic_store_explicit(value, 0, memory_order_relaxed);
            gcw_flag_set(&s, i, GCW_PENDING_REMOVAL, true);
            any = true;
        }
    if (any)
        atomic_store_explicit(&e->removals_pending, true, memory_order_relaxed);
}

static void queue_removals(const struct gcw_member *m)
{
    struct gcw_entries *e = m->entries;
    if (!atomic_load_explicit(&e->removals_wanted, memory_order_relaxed))
        return;
    if (e->byte_keys) {
        queue_value_removals(e);
        return;
    }
    bool traced = e->kind == GCW_KIND_EPHEMERON || e->kind == GCW_KIND_WEAK_KEYS;
    bool any = false;
    struct gcw_span s;
    for (unsigned c = 0; c < GCW_CHUNKS && gcw_entries_span(e, c, &s); c++) {
        for (size_t i = 0; i < s.n; i++) {
            gcw_word k = atomic_load_explicit(&s.keys[i * s.stride], memory_order_relaxed);
            if (gcw_word_is_key(k)) {
                void *key_object = GC_base((void *)GC_REVEAL_POINTER(k));
                if (key_object == NULL || GC_is_marked(key_object))
                    continue;
                drop_copies(m, k);
                atomic_store_explicit(&s.keys[i * s.stride], GCW_KEY_CLEARED,
                                      memory_order_relaxed);
                gcw_flag_set(&s, i, GCW_PENDING_REMOVAL, true);
                any = true;
            } else if (!gcw_flag_get(&s, i, GCW_PENDING_REMOVAL)) {
                continue;
            }
            if (traced)
                mark_object(atomic_load_explicit(gcw_span_value(&s, i), memory_order_relaxed));
        }
    }
    if (any)
        atomic_store_explicit(&e->removals_pending, true, memory_order_relaxed);
}

/* A container with a notifier (an object of ours with a finalizer, held
 * only disguised) wants its removals delivered wherever the program runs
 * finalizers: when some wait, the notifier is left unmarked, and bdwgc
 * finalizes it after this collection; otherwise it is kept. A spent
 * notifier is forgotten here, world stopped: the front end arms a new one
 * when its finalizer has run. */
static void keep_or_spend_notifier(struct gcw_entries *e)
{
    GC_word n = atomic_load_explicit(&e->notifier, memory_order_relaxed);
    if (n == 0)
        return;
    if (atomic_load_explicit(&e->removals_pending, memory_order_relaxed)) {
        atomic_store_explicit(&e->notifier, 0, memory_order_relaxed);
        return;
    }
    void *obj = GC_REVEAL_POINTER(n);
    GCW_ASSERT(GC_base(obj) == obj);
    if (!GC_is_marked(obj))
        GC_set_mark_bit(obj); /* pointer-free: nothing to trace */
}

/* A container the pass never found reachable had none of its values
 * marked: if a finalizer revives it, the table must not trust them. Its
 * notifier, unmarked, is finalized and finds the container gone. */
static void note_if_unreached(const struct gcw_member *m)
{
    struct gcw_entries *e = m->entries;
    if (e->seen_in_pass != passes + 1) {
        atomic_store_explicit(&e->unreached_gc_no, GC_get_gc_no(), memory_order_release);
        atomic_store_explicit(&e->notifier, 0, memory_order_relaxed);
    }
}

static void run_pass(void)
{
    ephemeron_bound = 0;
    storage_count = 0;
    gcw_containers_each(count_storage);
    wait_hash_reset(&values_waiting, ephemeron_bound);
    wait_hash_reset(&containers_waiting, storage_count);
    offered_count = 0;
    ready_count = 0;

    gcw_containers_each(offer_or_wait);
    size_t queued = 0;
    for (;;) {
        settle_batch();
        drain();
        if (ready_count > 0) {
            offer(((const struct gcw_member **)ready_mem.base)[--ready_count]);
            continue;
        }
        if (queued == offered_count)
            break;
        /* Values kept for removal callbacks may mark more, containers
         * too, whose values are offered in turn. */
        while (queued < offered_count) {
            queue_removals(((const struct gcw_member **)offered_mem.base)[queued++]);
            drain();
        }
    }
    for (size_t i = 0; i < offered_count; i++)
        keep_or_spend_notifier(((const struct gcw_member **)offered_mem.base)[i]->entries);
    /* The fixpoint: nothing left to trace, nothing waits beyond its bound,
     * every container offered at most once. */
    GCW_ASSERT(stack_top == 0 && batch_len == 0 && ready_count == 0);
    GCW_ASSERT(values_waiting.count <= ephemeron_bound);
    GCW_ASSERT(containers_waiting.count <= storage_count && offered_count <= storage_count);
    gcw_containers_each(note_if_unreached);
    gcw_containers_each(drop_dead_copies);
    passes++;
    GC_word gc_no = GC_get_gc_no();
    if (gc_no != atomic_load_explicit(&gcw_pass_gc_no, memory_order_relaxed) + 1)
        atomic_store_explicit(&gcw_pass_missed_gc_no, gc_no - 1, memory_order_relaxed);
    atomic_store_explicit(&gcw_pass_gc_no, gc_no, memory_order_release);
}

/* Odd from MARK_END, when the collection knows which objects die, to
 * RECLAIM_END, when it has cleared their links and swept: see ephemeron.h. */
atomic_uint gcw_pass_deciding;

static void on_collection_event(GC_EventType event)
{
    /* A component that installed itself before us and later re-installed
     * itself chaining to us makes the chain a loop: each of us would call
     * the other forever. Events come one at a time, under the collector's
     * lock, so a plain flag sees the second arrival. */
    static bool inside;
    if (inside)
        return;
    inside = true;
    if (previous_callback != NULL)
        previous_callback(event);
    unsigned deciding = atomic_load_explicit(&gcw_pass_deciding, memory_order_relaxed);
    if (event == GC_EVENT_MARK_END) {
        run_pass();
        /* World still stopped: no reader resumes before it sees this. */
        if ((deciding & 1u) == 0)
            atomic_store_explicit(&gcw_pass_deciding, deciding + 1, memory_order_seq_cst);
    } else if (event == GC_EVENT_RECLAIM_END && (deciding & 1u) != 0) {
        atomic_store_explicit(&gcw_pass_deciding, deciding + 1, memory_order_release);
    }
    inside = false;
}
