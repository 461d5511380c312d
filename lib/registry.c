/* SPDX-License-Identifier: MIT */
/*
 * gcweak_registry: clean-up calls after objects are reclaimed, on two of
 * the engine's tables.
 *
 *   targets  a weak-key table from each target to a cell listing its
 *            registrations. The table keeps a cell (and the held values in
 *            it) alive while its target lives; when the target dies, the
 *            pass queues the cell as a removal (ephemeron.c), and delivery
 *            moves its registrations to the registry's ready list.
 *   tokens   an ephemeron table from each token to a cell listing the
 *            registrations made with it, so that unregister finds them;
 *            the token stays weak even when a registration reaches it.
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
 *   RUNNING     its callback is running, in the thread `runner`
 *   DONE        its callback ran
 *   DROPPED     unregister took it
 * Only PENDING may start, so a callback runs at most once, and unregister
 * waits for RUNNING ones of its token (unless it is called from that very
 * callback), so none runs after it returns. Held values are released at
 * DONE and DROPPED.
 */
#include "notifier.h"
#include "read.h"

#include <sched.h>

enum state { PENDING, RUNNING, DONE, DROPPED };

struct registration {
    void *held;
    struct registration *next;       /* in its target's cell, then the ready list */
    struct registration *next_token; /* in its token's cell */
    enum state state;
    uintptr_t runner;                /* the thread running it, while RUNNING */
};

struct cell {
    struct registration *head;
};

struct gcweak_registry {
    struct gcw_table targets;
    struct gcw_table tokens;
    gcw_mutex lock;                  /* registration states and lists */
    struct registration *ready;      /* delivered, callbacks not yet run */
    gcweak_cleanup_fn cleanup;
    void *arg;
};

static uintptr_t this_thread(void)
{
    static _Thread_local char tag;
    return (uintptr_t)&tag;
}

/* ------------------------------------------------------------ delivery */

/* Removal of a target's entry (any thread, no lock held): its
 * registrations join the ready list. */
static void target_died(void *value, void *arg)
{
    struct gcweak_registry *r = arg;
    struct cell *c = value;
    gcw_mutex_lock(&r->lock);
    struct registration *g = c->head;
    c->head = NULL;
    while (g != NULL) {
        struct registration *next = g->next;
        if (g->state == PENDING) {
            GC_PTR_STORE_AND_DIRTY(&g->next, r->ready);
            GC_PTR_STORE_AND_DIRTY(&r->ready, g);
        }
        g = next;
    }
    /* The pass no longer sees these as pending in the table: it must let
     * the notifier go all the same. */
    if (r->ready != NULL)
        gcw_notifier_due(&r->targets, true);
    gcw_mutex_unlock(&r->lock);
}

/* Runs the ready list's callbacks, one at a time, none under a lock. */
static size_t run_ready(struct gcweak_registry *r)
{
    size_t ran = 0;
    for (;;) {
        gcw_mutex_lock(&r->lock);
        struct registration *g = r->ready;
        while (g != NULL && g->state != PENDING)
            g = g->next;
        r->ready = g != NULL ? g->next : NULL;
        if (g == NULL) {
            gcw_notifier_due(&r->targets, false);
            gcw_mutex_unlock(&r->lock);
            return ran;
        }
        void *held = g->held;
        g->state = RUNNING;
        g->runner = this_thread();
        gcw_mutex_unlock(&r->lock);
        r->cleanup(held, r->arg);
        gcw_mutex_lock(&r->lock);
        g->state = DONE;
        g->held = NULL;
        gcw_mutex_unlock(&r->lock);
        GC_reachable_here(held);
        ran++;
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

static void *new_cell(const void *key, void *arg)
{
    (void)key;
    (void)arg;
    return GC_MALLOC(sizeof(struct cell));
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
    if (gcw_table_init(&r->targets, r, GCW_KIND_WEAK_KEYS, 0) != GCWEAK_OK ||
        gcw_table_init(&r->tokens, r, GCW_KIND_EPHEMERON, 0) != GCWEAK_OK ||
        gcw_notifier_init(&r->targets, r, notified) != GCWEAK_OK)
        return NULL;
    gcw_table_on_removal(&r->targets, target_died, r);
    return r;
}

/* Drops the registrations of a list that no longer wait (mutex held);
 * `token` chooses the list. */
static void prune(struct registration **head, bool token)
{
    while (*head != NULL && (*head)->state != PENDING) {
        struct registration *next = token ? (*head)->next_token : (*head)->next;
        GC_PTR_STORE_AND_DIRTY(head, next);
    }
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
    struct registration *g = GC_MALLOC(sizeof *g);
    if (g == NULL)
        return GCWEAK_ENOMEM;
    GC_PTR_STORE_AND_DIRTY(&g->held, held);
    g->state = PENDING;
    void *cell = NULL;
    void *token_cell = NULL;
    int rc = gcw_table_get_or_create(&r->targets, target, new_cell, NULL, &cell);
    if (rc == GCWEAK_OK && token != NULL)
        rc = gcw_table_get_or_create(&r->tokens, token, new_cell, NULL, &token_cell);
    if (rc == GCWEAK_OK && (cell == NULL || (token != NULL && token_cell == NULL)))
        rc = GCWEAK_ENOMEM; /* a cell could not be made */
    if (rc != GCWEAK_OK)
        return rc; /* a cell made meanwhile stays, empty: harmless */
    gcw_mutex_lock(&r->lock);
    struct cell *c = cell;
    prune(&c->head, false);
    GC_PTR_STORE_AND_DIRTY(&g->next, c->head);
    GC_PTR_STORE_AND_DIRTY(&c->head, g);
    if (token_cell != NULL) {
        struct cell *tc = token_cell;
        prune(&tc->head, true);
        GC_PTR_STORE_AND_DIRTY(&g->next_token, tc->head);
        GC_PTR_STORE_AND_DIRTY(&tc->head, g);
    }
    gcw_mutex_unlock(&r->lock);
    /* Until the registration is listed, only this frame holds the target. */
    GC_reachable_here(target);
    GC_reachable_here(token);
    return GCWEAK_OK;
}

size_t gcweak_registry_unregister(gcweak_registry *r, const void *token)
{
    if (r == NULL)
        return 0;
    void *token_cell = NULL;
    if (!gcw_table_get(&r->tokens, token, &token_cell) || token_cell == NULL)
        return 0;
    struct cell *tc = token_cell;
    size_t dropped = 0;
    for (;;) {
        bool running_elsewhere = false;
        gcw_mutex_lock(&r->lock);
        for (struct registration *g = tc->head; g != NULL; g = g->next_token) {
            if (g->state == PENDING) {
                g->state = DROPPED;
                g->held = NULL;
                dropped++;
            } else if (g->state == RUNNING && g->runner != this_thread()) {
                running_elsewhere = true;
            }
        }
        if (!running_elsewhere)
            tc->head = NULL;
        gcw_mutex_unlock(&r->lock);
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
