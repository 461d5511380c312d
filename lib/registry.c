/* SPDX-License-Identifier: MIT */
/*
 * gcweak_registry: clean-up calls after objects are reclaimed, on three of
 * the engine's tables.
 *
 *   targets  a weak-key table without an index (unindexed.h): an entry on
 *            its target per registration made without a token, whose value
 *            is the held word itself. Nothing looks a target up, so such a
 *            registration is an entry and a link, what the link floor
 *            pays, however many times one target is registered. The entry
 *            keeps the held value alive while the target lives; when the
 *            target dies, the pass queues the entry as a removal
 *            (ephemeron.c), and its delivery is the callback.
 *   tokened  the same for registrations made with a token, whose entries'
 *            values are registration objects: unregister must find them
 *            and know whether their callback began.
 *   tokens   an ephemeron table from each token to the first registration
 *            made with it, which lists the others (`next_token`), so that
 *            unregister finds them; the token stays weak even when a
 *            registration reaches it. A list's first registration stays
 *            first until its entry goes, whatever its state: the table's
 *            value never changes, and a registration that starts a list
 *            needs no lock to do so.
 *
 * WHERE CALLBACKS RUN. Only where removals of targets and tokened are
 * delivered, which no registry call does but cleanup: where the program
 * runs its finalizers, the engine's notifier (notifier.c) calls the
 * registry after each collection that left removals waiting; it never
 * calls a registry that was reclaimed, so an unreachable registry's
 * registrations go uncalled. Delivery hands each removal over once, so a
 * callback without a token runs once; those with one follow the states.
 *
 * STATES of a registration with a token, changed under the registry's
 * mutex:
 *   PENDING     registered; its callback has not started
 *   RUNNING     its callback is running, in the thread the state word names
 *   DONE        its callback ran
 *   DROPPED     unregister took it, or register failed after listing it
 * Only PENDING may start, so a callback runs at most once, and unregister
 * waits for RUNNING ones of its token (unless it is called from that very
 * callback), so none runs after it returns. Held values are released at
 * DONE and DROPPED.
 */
#include "notifier.h"
#include "read.h"
#include "unindexed.h"

#include <sched.h>

enum state { PENDING, RUNNING, DONE, DROPPED, STATE_MASK = 3 };

/* Four words: 48 bytes with interior pointers on, which add a byte to
 * each request. */
struct registration {
    void *held;
    /* The state, and while RUNNING the running thread's tag in the bits
     * above it: a word of its own, so that no pointer the marker follows
     * carries tag bits. */
    uintptr_t state;
    struct registration *next_token; /* in its token's list */
    size_t entry;                    /* its entry in the tokened table */
};

struct gcweak_registry {
    struct gcw_table targets;
    struct gcw_table tokened;
    struct gcw_table tokens;
    gcw_mutex lock;                  /* registration states and lists */
    gcweak_cleanup_fn cleanup;
    void *arg;
};

/* A tag per thread, aligned so that the state's bits are free below it. */
_Static_assert(_Alignof(int) > STATE_MASK, "a thread's tag leaves the state bits clear");
static uintptr_t this_thread(void)
{
    static _Thread_local int tag;
    return (uintptr_t)&tag;
}

static enum state state_of(const struct registration *g)
{
    return (enum state)(g->state & STATE_MASK);
}

/* A held word as the targets table stores it: never NULL, which removal
 * delivery reads as no value. */
static const char null_held;
static void *stored_held(void *held)
{
    return held != NULL ? held : (void *)&null_held;
}

/* ------------------------------------------------------------ delivery */

/* Callbacks this thread ran in the innermost deliver_and_run. */
static _Thread_local size_t ran_here;

/* Removal of a target's entry without a token (no lock held): its
 * callback, once, since delivery hands each removal over once. */
static void target_died(void *value, void *arg)
{
    struct gcweak_registry *r = arg;
    void *held = value != &null_held ? value : NULL;
    r->cleanup(held, r->arg);
    GC_reachable_here(value);
    ran_here++;
}

/* Removal of a target's entry with a token (no lock held): its callback,
 * unless unregister took it first. */
static void tokened_target_died(void *value, void *arg)
{
    struct gcweak_registry *r = arg;
    struct registration *g = value;
    gcw_mutex_lock(&r->lock);
    if (state_of(g) != PENDING) {
        gcw_mutex_unlock(&r->lock);
        return;
    }
    void *held = g->held;
    g->state = this_thread() | RUNNING;
    gcw_mutex_unlock(&r->lock);
    r->cleanup(held, r->arg);
    GC_reachable_here(held);
    gcw_mutex_lock(&r->lock);
    g->state = DONE;
    g->held = NULL;
    gcw_mutex_unlock(&r->lock);
    ran_here++;
}

static size_t deliver_and_run(struct gcweak_registry *r)
{
    /* A callback that calls cleanup on another registry counts there. */
    size_t outer = ran_here;
    ran_here = 0;
    gcw_removals_deliver(&r->targets);
    gcw_removals_deliver(&r->tokened);
    size_t ran = ran_here;
    ran_here = outer;
    return ran;
}

/* The notifier's call, wherever the program runs finalizers. */
static void notified(void *registry)
{
    (void)deliver_and_run(registry);
}

/* ----------------------------------------------------------------- API */

/* get-or-create's create: the registration being made starts the list. */
static void *first_of_list(const void *key, void *registration)
{
    (void)key;
    return registration;
}

gcweak_registry *gcweak_registry_new(gcweak_cleanup_fn cleanup, void *arg)
{
    static const gcw_mutex unlocked = GCW_MUTEX_INIT;
    if (cleanup == NULL)
        return NULL;
    gcweak_registry *r = GC_MALLOC(sizeof *r);
    if (r == NULL)
        return NULL;
    r->lock = unlocked;
    r->cleanup = cleanup;
    r->arg = arg;
    if (gcw_table_init_unindexed(&r->targets, r, GCW_KIND_WEAK_KEYS) != GCWEAK_OK ||
        gcw_table_init_unindexed(&r->tokened, r, GCW_KIND_WEAK_KEYS) != GCWEAK_OK ||
        gcw_table_init(&r->tokens, r, GCW_KIND_EPHEMERON, 0) != GCWEAK_OK ||
        gcw_notifier_init(&r->targets, r, notified) != GCWEAK_OK ||
        gcw_notifier_init(&r->tokened, r, notified) != GCWEAK_OK)
        return NULL;
    gcw_table_on_removal(&r->targets, target_died, r);
    gcw_table_on_removal(&r->tokened, tokened_target_died, r);
    return r;
}

/* Adds g to a token's list whose first registration is not g (mutex
 * held), unlinking those after the first that no longer wait. */
static void list_after(struct registration *first, struct registration *g)
{
    struct registration **link = &first->next_token;
    while (*link != NULL && state_of(*link) != PENDING)
        GC_PTR_STORE_AND_DIRTY(link, (*link)->next_token);
    GC_PTR_STORE_AND_DIRTY(&g->next_token, *link);
    GC_PTR_STORE_AND_DIRTY(link, g);
}

/* A registration with a token: listed with its token first, since once
 * the target's entry is there it may be delivered, and a failure could
 * not take it back. */
static int register_with_token(gcweak_registry *r, const void *target, void *obj, void *held,
                               const void *token)
{
    struct registration *g = GC_MALLOC(sizeof *g);
    if (g == NULL)
        return GCWEAK_ENOMEM;
    GC_PTR_STORE_AND_DIRTY(&g->held, held);
    g->state = PENDING;
    g->entry = SIZE_MAX;
    void *token_first = NULL;
    int rc = gcw_table_get_or_create(&r->tokens, token, first_of_list, g, &token_first);
    if (rc == GCWEAK_OK && token_first != g) {
        gcw_mutex_lock(&r->lock);
        list_after(token_first, g);
        gcw_mutex_unlock(&r->lock);
    }
    size_t entry = 0;
    if (rc == GCWEAK_OK)
        rc = gcw_table_append(&r->tokened, target, obj, g, &entry);
    /* The entry is read by unregister, the state by both, under the mutex.
     * An unregister between the append and this store drops g but not its
     * entry, which then waits for the target's death, whose removal finds
     * g dropped. Failed, g may be listed with its token: it stays there,
     * never to run. */
    gcw_mutex_lock(&r->lock);
    if (rc == GCWEAK_OK) {
        g->entry = entry;
    } else {
        g->state = DROPPED;
        g->held = NULL;
    }
    gcw_mutex_unlock(&r->lock);
    GC_reachable_here(token);
    return rc;
}

int gcweak_registry_register(gcweak_registry *r, const void *target, void *held,
                             const void *token)
{
    void *obj = gcw_key_object(target);
    if (r == NULL || obj == NULL)
        return GCWEAK_EINVAL;
    if (held != NULL && GC_base(held) == obj)
        return GCWEAK_EINVAL;
    if (token != NULL && gcw_key_object(token) == NULL)
        return GCWEAK_EINVAL;
    size_t entry = 0;
    int rc = token != NULL
                 ? register_with_token(r, target, obj, held, token)
                 : gcw_table_append(&r->targets, target, obj, stored_held(held), &entry);
    /* Until its entry holds it, only this frame holds the target. */
    GC_reachable_here(target);
    GC_reachable_here(held);
    return rc;
}

/* Registrations dropped per hold of the mutex: their entries are freed
 * once it is let go (the table has its own). */
enum { DROP_BATCH = 32 };

/* Where an unregister's walk of its token's list stands. */
struct unregister_walk {
    size_t dropped;
    bool running_elsewhere;  /* a callback of the token runs in another thread */
    size_t n;                /* entries to free, in the batch below */
    struct {
        size_t entry;
        struct registration *g;
    } batch[DROP_BATCH];
};

/* Drops what waits from g on, until the batch is full (mutex held);
 * returns where the next batch starts, or NULL at the list's end. */
static struct registration *drop_from(struct registration *g, struct unregister_walk *w)
{
    for (w->n = 0; g != NULL && w->n < DROP_BATCH; g = g->next_token) {
        if (state_of(g) == PENDING) {
            g->state = DROPPED;
            g->held = NULL;
            w->dropped++;
            if (g->entry != SIZE_MAX) {
                w->batch[w->n].entry = g->entry;
                w->batch[w->n++].g = g;
            }
        } else if (state_of(g) == RUNNING && g->state != (this_thread() | RUNNING)) {
            w->running_elsewhere = true;
        }
    }
    return g;
}

size_t gcweak_registry_unregister(gcweak_registry *r, const void *token)
{
    if (r == NULL)
        return 0;
    void *token_first = NULL;
    if (!gcw_table_get(&r->tokens, token, &token_first) || token_first == NULL)
        return 0;
    struct unregister_walk w;
    w.dropped = 0;
    do {
        w.running_elsewhere = false;
        /* One walk of the list, each batch going on from where the last
         * stopped: g, which this frame holds, stays on the list or, pruned
         * since, still leads to the rest. */
        for (struct registration *g = token_first; g != NULL;) {
            gcw_mutex_lock(&r->lock);
            g = drop_from(g, &w);
            gcw_mutex_unlock(&r->lock);
            /* A dropped registration never runs: its entry can go now, so
             * that a long-lived target registered and unregistered again
             * and again keeps no entry per round. */
            for (size_t i = 0; i < w.n; i++)
                (void)gcw_table_drop(&r->tokened, w.batch[i].entry, w.batch[i].g);
            GC_reachable_here(&w);
        }
        /* Wait for a callback of this token that another thread runs, so
         * that none is running once unregister returns. */
        if (w.running_elsewhere)
            sched_yield();
    } while (w.running_elsewhere);
    (void)gcw_table_delete(&r->tokens, token);
    return w.dropped;
}

size_t gcweak_registry_cleanup(gcweak_registry *r)
{
    return r != NULL ? deliver_and_run(r) : 0;
}
