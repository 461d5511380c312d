/* SPDX-License-Identifier: MIT */
/*
 * The notifier: a pointer-free object of ours with a finalizer, held only
 * disguised in the table's storage (entries.h). At each collection the pass
 * keeps it alive unless removals wait (ephemeron.c); left unmarked, bdwgc
 * finalizes it after the collection, which runs our code exactly where and
 * when the program runs finalizers (at allocation by default, in
 * GC_invoke_finalizers on demand). Its finalizer calls the container's
 * notify and arms a new notifier.
 *
 * The finalizer finds the container through a box of its own: the box is
 * the finalizer's client data (bdwgc keeps that alive), and holds the
 * container disguised on a disappearing link, which the collector clears
 * when the container dies. So a notifier never keeps its container alive,
 * and one finalized after its container was reclaimed does nothing. The
 * box is read under the collector's lock, since its link may be in the
 * middle of being cleared.
 */
#include "notifier.h"

struct box {
    _Atomic GC_word container;  /* disguised; 0 once the container died */
    void (*notify)(void *container);
    struct gcw_table *table;    /* inside the container: valid while it lives */
};

static void *container_of_box(void *box)
{
    GC_word w = atomic_load_explicit(&((struct box *)box)->container, memory_order_relaxed);
    return w != 0 ? GC_REVEAL_POINTER(w) : NULL;
}

static int arm(struct box *box);

static void notified(void *notifier, void *box)
{
    (void)notifier;
    void *container = GC_call_with_alloc_lock(container_of_box, box);
    if (container == NULL)
        return;
    struct box *b = box;
    b->notify(container);
    (void)arm(b); /* out of memory: removals then wait for the next request */
    GC_reachable_here(container);
}

/* Gives the table a notifier unless it has one. Allocates: no lock held. */
static int arm(struct box *box)
{
    struct gcw_entries *e = &box->table->entries;
    if (atomic_load_explicit(&e->notifier, memory_order_acquire) != 0)
        return GCWEAK_OK;
    void *n = gcw_alloc_pointer_free(sizeof(GC_word));
    if (n == NULL)
        return GCWEAK_ENOMEM;
    GC_register_finalizer_no_order(n, notified, box, NULL, NULL);
    GC_word expected = 0;
    /* Lost to another thread's notifier: ours finalizes unkept, and its
     * finalizer only calls notify once more. */
    (void)atomic_compare_exchange_strong(&e->notifier, &expected, (GC_word)GC_HIDE_POINTER(n));
    return GCWEAK_OK;
}

int gcw_notifier_init(struct gcw_table *t, void *container, void (*notify)(void *container))
{
    GCW_ASSERT(GC_base(container) == container);
    struct box *box = gcw_alloc_pointer_free(sizeof *box);
    if (box == NULL)
        return GCWEAK_ENOMEM;
    atomic_init(&box->container, (GC_word)GC_HIDE_POINTER(container));
    box->notify = notify;
    box->table = t;
    if (gcw_link_register(&box->container, container) != GCWEAK_OK)
        return GCWEAK_ENOMEM;
    return arm(box);
}
