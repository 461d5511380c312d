/* SPDX-License-Identifier: MIT */
/*
 * fork() copies only the forking thread. A table mutex another thread held
 * at that moment would stay locked forever in the child, so the fork waits
 * until it holds every table's mutex, and both processes then release
 * them. Registered after bdwgc's own handlers (GC_set_handle_fork), so the
 * prepare handlers take the tables' mutexes before the collector's lock,
 * in the order the rest of the library takes them.
 */
#include "fork.h"

#ifndef _WIN32
static void lock_for_fork(const struct gcw_member *m)
{
    gcw_mutex_lock(&m->table->lock);
}

static void unlock_after_fork(const struct gcw_member *m)
{
    gcw_mutex_unlock(&m->table->lock);
}

static void child_after_fork(const struct gcw_member *m)
{
    struct gcw_table *t = m->table;
    /* A delivery round the parent's other threads had under way has no
     * thread to finish it here: the next operation starts it again. */
    if (t->removal_cursor != 0)
        atomic_store_explicit(&t->entries.removals_pending, true, memory_order_relaxed);
    gcw_mutex_unlock(&t->lock);
}

static void fork_prepare(void)
{
    gcw_containers_hold();
    gcw_containers_each(lock_for_fork);
}

static void fork_parent(void)
{
    gcw_containers_each(unlock_after_fork);
    gcw_containers_release();
}

static void fork_child(void)
{
    gcw_containers_each(child_after_fork);
    gcw_containers_release();
}

static void install_fork_handlers(void)
{
    (void)pthread_atfork(fork_prepare, fork_parent, fork_child);
}

void gcw_fork_handle_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    (void)pthread_once(&once, install_fork_handlers);
}
#else
void gcw_fork_handle_once(void)
{
}
#endif
