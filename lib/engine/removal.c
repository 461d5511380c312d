/* SPDX-License-Identifier: MIT */
/*
 * Removal delivery.
 *
 * At each collection the pass finds the entries of a map with a removal
 * callback whose keys die, clears their key words, keeps their values
 * alive and flags them pending removal (ephemeron.c). The next operation
 * on the map, in whatever thread, hands those values to the callback here:
 * each exactly once, in batches taken under the mutex and delivered with
 * no lock held, since the callback may use the map, allocate and collect.
 * The entries stay dead, in use, until the next rebuild frees them.
 *
 * A round walks the entries from a cursor kept in the table, so that a
 * round interrupted by the callback's own operations, or by another
 * thread's, goes on where it stopped; a new round starts only when the pass
 * has queued more. Delivery is iterative: operations the callback makes on
 * its own map do not deliver (the thread's list of deliveries says so),
 * the loop that called the callback does, so the stack stays flat and the
 * total time linear.
 */
#include "removal.h"

#include "consistency.h"
#include "trust.h"

/* Removal callbacks delivered per hold of the mutex. */
enum { DELIVERY_BATCH = 64 };

/* The tables this thread is delivering removals for, innermost first. */
struct delivery {
    const struct gcw_table *t;
    const struct delivery *outer;
};
static _Thread_local const struct delivery *deliveries;

static bool removals_delivering(const struct gcw_table *t)
{
    for (const struct delivery *d = deliveries; d != NULL; d = d->outer)
        if (d->t == t)
            return true;
    return false;
}

/* Mutex held. Takes up to DELIVERY_BATCH pending values, from the cursor
 * on, out of their entries, and drops their links (the pass left them
 * registered, as the value may reach the key; the program may now free the
 * key through the value). Returns how many; *done when the cursor went past
 * the top. */
static size_t removals_take(struct gcw_table *t, void **out, bool *done)
{
    GCW_ASSERT_HELD(&t->lock);
    size_t n = 0;
    size_t top = atomic_load_explicit(&t->entries.top, memory_order_relaxed);
    struct gcw_span s;
    while (n < DELIVERY_BATCH && t->removal_cursor < top) {
        unsigned c = gcw_entry_place(t->removal_cursor).chunk;
        if (!gcw_entries_span(&t->entries, c, &s)) {
            t->removal_cursor = top;
            break;
        }
        size_t i = gcw_span_next_flagged(&s, t->removal_cursor - s.first_id,
                                         GCW_PENDING_REMOVAL);
        for (; i < s.n && n < DELIVERY_BATCH;
             i = gcw_span_next_flagged(&s, i + 1, GCW_PENDING_REMOVAL)) {
            /* A weak-value map hands over the key (its stored copy): the
             * value is gone, its link with it. */
            void *v = t->entries.byte_keys
                          ? (void *)atomic_load_explicit(gcw_span_key(&s, i), memory_order_relaxed)
                          : atomic_load_explicit(gcw_span_value(&s, i), memory_order_relaxed);
            atomic_store_explicit(gcw_span_value(&s, i), NULL, memory_order_relaxed);
            gcw_flag_set(&s, i, GCW_PENDING_REMOVAL, false);
            if (!t->entries.byte_keys)
                gcw_link_unregister(gcw_span_key(&s, i));
            GCW_CHECK_WRITE(t, s.first_id + i, SIZE_MAX);
            if (v != NULL)
                out[n++] = v;
        }
        t->removal_cursor = s.first_id + (i < s.n ? i : s.n);
    }
    *done = t->removal_cursor >= top;
    return n;
}

void gcw_removals_deliver(struct gcw_table *t)
{
    GCW_ASSERT_NOT_HELD(&t->lock);
    if (removals_delivering(t))
        return;
    struct delivery self = {t, deliveries};
    deliveries = &self;
    bool warn = false;
    for (;;) {
        void *batch[DELIVERY_BATCH];
        bool done = false;
        gcw_mutex_lock(&t->lock);
        /* A value kept for the callback is as suspect as any other. */
        warn |= gcw_values_drop_suspect(t);
        if (t->removal_cursor == 0 &&
            !atomic_exchange_explicit(&t->entries.removals_pending, false,
                                      memory_order_relaxed)) {
            gcw_mutex_unlock(&t->lock);
            break;
        }
        void (*fn)(void *, void *) = t->removal_fn;
        void *arg = t->removal_arg;
        size_t n = removals_take(t, batch, &done);
        if (done)
            t->removal_cursor = 0; /* a new round only if the pass queued more */
        gcw_mutex_unlock(&t->lock);
        for (size_t i = 0; i < n && fn != NULL; i++)
            fn(batch[i], arg);
        /* The batch held the values alive until each was delivered. */
        GC_reachable_here(batch);
    }
    deliveries = self.outer;
    if (warn)
        gcw_values_warn_dropped();
}

void gcw_table_on_removal(struct gcw_table *t, void (*fn)(void *value, void *arg), void *arg)
{
    gcw_mutex_lock(&t->lock);
    if (fn == NULL) {
        /* Values awaiting a callback that is gone are released. */
        void *ignored[DELIVERY_BATCH];
        bool done = false;
        t->removal_cursor = 0;
        atomic_store_explicit(&t->entries.removals_pending, false, memory_order_relaxed);
        while (!done)
            (void)removals_take(t, ignored, &done);
        t->removal_cursor = 0;
    }
    atomic_store_explicit(&t->entries.removals_wanted, fn != NULL, memory_order_relaxed);
    t->removal_fn = fn;
    t->removal_arg = arg;
    gcw_mutex_unlock(&t->lock);
    gcw_removals_deliver_due(t);
}
