/* SPDX-License-Identifier: MIT */
/*
 * gcweak_registry: clean-up calls after objects are reclaimed, on two of
 * the engine's tables.
 *
 *   targets  a weak-key table without an index (unindexed.h): an entry per
 *            registration, on its target, whose value is the registration.
 *            Nothing looks a target up, so registering is an entry and a
 *            link, however many times one target is registered. The entry
 *            keeps the registration (and its held value) alive while the
 *            target lives; when the target dies, the pass queues the entry
 *            as a removal (ephemeron.c), and delivery moves the
 *            registration to the registry's ready list.
 *   tokens   an ephemeron table from each token to the first registration
 *            made with it, which lists the others (`next_token`), so that
 *            unregister finds them; the token stays weak even when a
 *            registration reaches it. A list's first registration stays
 *            first until its entry goes, whatever its state: the table's
 *            value never changes, and a registration that starts a list
 *            needs no lock to do so.
 *
 * WHERE CALLBACKS RUN. Never inside a registry call other than cleanup: a
 * removal delivered during register or unregister only joins the ready
 * list. Where the program runs its finalizers, the engine's notifier
 * (notifier.c) calls the registry after each collection that left
 * removals waiting, or ready ones unrun; it never calls a registry that
 * was reclaimed, so an unreachable registry's registrations go uncalled.
 *
 * STATES of a registration, changed under the registry's mutex:
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
#include <stddef.h>

enum state { PENDING, RUNNING, DONE, DROPPED, STATE_MASK = 3 };

/* Three words without a token, five with: 32 and 48 bytes, since with
 * interior pointers on the collector adds a byte to each request, and a
 * fourth word would cost as much as the token's two. */
struct registration {
    void *held;
    struct registration *next;       /* in the ready list */
    /* The state, and while RUNNING the running thread's tag in the bits
     * above it: a word of its own, so that no pointer the marker follows
     * carries tag bits. */
    uintptr_t state;
    /* Allocated only with a token, which unregister drops it by: */
    struct registration *next_token; /* in its token's list */
    size_t entry;                    /* its entry in the targets table */
};

struct gcweak_registry {
    struct gcw_table targets;
    struct gcw_table tokens;
    gcw_mutex lock;                  /* registration states and lists */
    struct registration *ready;      /* delivered, callbacks not yet run */
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

/* ------------------------------------------------------------ delivery */

/* Removal of a target's entry (any thread, no lock held): its
 * registration joins the ready list. */
static void target_died(void *value, void *arg)
{
    struct gcweak_registry *r = arg;
    gcw_mutex_lock(&r->lock);
    struct registration *g = value;
    if (state_of(g) == PENDING) {
        GC_PTR_STORE_AND_DIRTY(&g->next, r->ready);
        GC_PTR_STORE_AND_DIRTY(&r->ready, g);
    }
    /* The pass no longer sees these as pending in the table: it must let
     * the notifier go all the same. */
    if (r->ready != NULL)
        gcw_notifier_due(&r->targets, true);
    gcw_mutex_unlock(&r->lock);
}

/* Runs the ready list's callbacks, one at a time, none under a lock. One
 * hold of the mutex marks a callback done and takes the next. */
static size_t run_ready(struct gcweak_registry *r)
{
    size_t ran = 0;
    struct registration *done = NULL;
    for (;;) {
        gcw_mutex_lock(&r->lock);
        if (done != NULL) {
            done->state = DONE;
            done->held = NULL;
            ran++;
        }
        struct registration *g = r->ready;
        while (g != NULL && state_of(g) != PENDING)
            g = g->next;
        r->ready = g != NULL ? g->next : NULL;
        if (g == NULL) {
            gcw_notifier_due(&r->targets, false);
            gcw_mutex_unlock(&r->lock);
            return ran;
        }
        void *held = g->held;
        g->state = this_thread() | RUNNING;
        gcw_mutex_unlock(&r->lock);
        r->cleanup(held, r->arg);
        GC_reachable_here(held);
        done = g;
    }
}

static size_t deliver_and_run(struct gcweak_registry *r)
{
    gcw_removals_deliver(&r->targets);
    return run_ready(r);
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
    r->ready = NULL;
    r->cleanup = cleanup;
    r->arg = arg;
    if (gcw_table_init_unindexed(&r->targets, r, GCW_KIND_WEAK_KEYS) != GCWEAK_OK ||
        gcw_table_init(&r->tokens, r, GCW_KIND_EPHEMERON, 0) != GCWEAK_OK ||
        gcw_notifier_init(&r->targets, r, notified) != GCWEAK_OK)
        return NULL;
    gcw_table_on_removal(&r->targets, target_died, r);
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
    struct registration *g = GC_MALLOC(token != NULL ? sizeof *g
                                                     : offsetof(struct registration, next_token));
    if (g == NULL)
        return GCWEAK_ENOMEM;
    GC_PTR_STORE_AND_DIRTY(&g->held, held);
    g->state = PENDING;
    void *token_first = NULL;
    int rc = GCWEAK_OK;
    /* On the token's list first: once the target's entry is there, the
     * registration may be delivered, and a failure could not take it back. */
    if (token != NULL) {
        g->entry = SIZE_MAX;
        rc = gcw_table_get_or_create(&r->tokens, token, first_of_list, g, &token_first);
        if (rc == GCWEAK_OK && token_first != g) {
            gcw_mutex_lock(&r->lock);
            list_after(token_first, g);
            gcw_mutex_unlock(&r->lock);
        }
    }
    size_t entry = 0;
    if (rc == GCWEAK_OK)
        rc = gcw_table_append(&r->targets, target, g, &entry);
    if (rc == GCWEAK_OK && token != NULL) {
        /* Read by unregister under the mutex. */
        gcw_mutex_lock(&r->lock);
        g->entry = entry;
        gcw_mutex_unlock(&r->lock);
    }
    if (rc != GCWEAK_OK && token != NULL) {
        /* Listed with its token perhaps: it stays there, never to run. */
        gcw_mutex_lock(&r->lock);
        g->state = DROPPED;
        g->held = NULL;
        gcw_mutex_unlock(&r->lock);
    }
    /* Until the registration is listed, only this frame holds the target. */
    GC_reachable_here(target);
    GC_reachable_here(token);
    return rc;
}

size_t gcweak_registry_unregister(gcweak_registry *r, const void *token)
{
    if (r == NULL)
        return 0;
    void *token_first = NULL;
    if (!gcw_table_get(&r->tokens, token, &token_first) || token_first == NULL)
        return 0;
    size_t dropped = 0;
    /* The targets' entries of the registrations dropped, freed once the
     * mutex is let go (the table has its own), a batch at a time. */
    enum { FREE_BATCH = 32 };
    struct { size_t entry; struct registration *g; } to_free[FREE_BATCH];
    for (;;) {
        bool running_elsewhere = false;
        bool more = false;
        size_t n = 0;
        gcw_mutex_lock(&r->lock);
        for (struct registration *g = token_first; g != NULL; g = g->next_token) {
            if (state_of(g) == PENDING) {
                if (n == FREE_BATCH) {
                    more = true;
                    break;
                }
                g->state = DROPPED;
                g->held = NULL;
                dropped++;
                if (g->entry != SIZE_MAX) {
                    to_free[n].entry = g->entry;
                    to_free[n++].g = g;
                }
            } else if (state_of(g) == RUNNING && g->state != (this_thread() | RUNNING)) {
                running_elsewhere = true;
            }
        }
        gcw_mutex_unlock(&r->lock);
        /* A dropped registration is never delivered: its entry can go now,
         * so that a long-lived target registered and unregistered again
         * and again keeps no entry per round. */
        for (size_t i = 0; i < n; i++)
            (void)gcw_table_drop(&r->targets, to_free[i].entry, to_free[i].g);
        GC_reachable_here(to_free);
        if (more)
            continue;
        if (!running_elsewhere)
            break;
        /* Wait for a callback of this token that another thread runs, so
         * that none is running once unregister returns. */
        sched_yield();
    }
    (void)gcw_table_delete(&r->tokens, token);
    return dropped;
}

size_t gcweak_registry_cleanup(gcweak_registry *r)
{
    return r != NULL ? deliver_and_run(r) : 0;
}
