/* SPDX-License-Identifier: MIT */
/*
 * The containers list: every container the collector has not reclaimed.
 *
 * MEMBERS sit in chunks malloc'd once and never freed or moved, because
 * each member's container word is a registered long link. bdwgc clears a
 * long link only once its object is unreachable even from objects awaiting
 * finalization, just before it reclaims the object, and drops the
 * registration with it: a member whose word is 0 is free, and may be
 * registered again. The pass reads members with no lock, the world stopped:
 * a member's other fields are written before its word (release), so a set
 * word vouches for them.
 *
 * FREE MEMBERS are found in O(1) amortized, with no help from the pass:
 * the list keeps a stack of members known free. Only an addition, under
 * the list's mutex, makes a free member used, so a member on the stack
 * stays free until popped. When the stack runs dry, one walk of the whole
 * list pushes every member the collector freed since; when that finds
 * fewer than half the members free, the list also grows by as many members
 * as it has. A walk of n members is thus followed by at least n/2
 * additions before the next, and the list holds at most about four times
 * the most containers ever alive at once.
 */
#include "containers.h"

#include <stdlib.h>

enum { FIRST_CHUNK_MEMBERS = 256 };

struct member_chunk {
    struct member_chunk *_Atomic next;
    size_t n;
    struct gcw_member member[];
};

static struct member_chunk *_Atomic head;
static gcw_mutex lock = GCW_MUTEX_INIT;
/* All under the mutex. */
static size_t members;           /* in all chunks */
struct free_member {
    struct gcw_member *m;
};
static struct free_member *free_stack;
static size_t free_top, free_room;

/* Mutex held. Pushes every member the collector freed; the stack is empty. */
static void collect_free_members(void)
{
    GCW_ASSERT_HELD(&lock);
    GCW_ASSERT(free_top == 0);
    for (struct member_chunk *c = atomic_load(&head); c != NULL; c = atomic_load(&c->next))
        for (size_t i = 0; i < c->n; i++)
            if (atomic_load_explicit(&c->member[i].container, memory_order_relaxed) == 0)
                free_stack[free_top++].m = &c->member[i];
    GCW_ASSERT(free_top <= free_room);
}

/* Mutex held, and dropped while it allocates (malloc, outside any lock of
 * ours, as the rest of the library does). Adds a chunk as large as the
 * list, and a stack with room for every member. GCWEAK_OK also when
 * another addition grew the list meanwhile. */
static int grow(void)
{
    GCW_ASSERT_HELD(&lock);
    size_t before = members;
    size_t more = before > FIRST_CHUNK_MEMBERS ? before : FIRST_CHUNK_MEMBERS;
    gcw_mutex_unlock(&lock);
    struct member_chunk *c = calloc(1, sizeof *c + more * sizeof c->member[0]);
    struct free_member *stack = malloc((before + more) * sizeof *stack);
    gcw_mutex_lock(&lock);
    if (c == NULL || stack == NULL || members != before) {
        free(c);
        free(stack);
        return c == NULL || stack == NULL ? GCWEAK_ENOMEM : GCWEAK_OK;
    }
    c->n = more;
    for (size_t i = 0; i < free_top; i++)
        stack[i] = free_stack[i];
    free(free_stack);
    free_stack = stack;
    free_room = before + more;
    for (size_t i = more; i > 0; i--)
        free_stack[free_top++].m = &c->member[i - 1];
    atomic_store(&c->next, atomic_load(&head));
    atomic_store(&head, c);
    members = before + more;
    return GCWEAK_OK;
}

/* Mutex held. A free member, or NULL when out of memory. */
static struct gcw_member *take_free_member(void)
{
    GCW_ASSERT_HELD(&lock);
    while (free_top == 0) {
        if (free_room > 0)
            collect_free_members();
        if (free_top * 2 < members || members == 0) {
            if (grow() != GCWEAK_OK && free_top == 0)
                return NULL;
        }
    }
    struct gcw_member *m = free_stack[--free_top].m;
    GCW_ASSERT(atomic_load_explicit(&m->container, memory_order_relaxed) == 0);
    return m;
}

int gcw_containers_add(void *container, struct gcw_entries *entries, struct gcw_indexes *indexes,
                       struct gcw_table *table)
{
    GCW_ASSERT(container != NULL && GC_base(container) == container);
    gcw_mutex_lock(&lock);
    struct gcw_member *m = take_free_member();
    int r = GC_NO_MEMORY;
    if (m != NULL) {
        m->entries = entries;
        m->indexes = indexes;
        m->table = table;
        r = GC_register_long_link((void **)&m->container, container);
        if (r != GC_NO_MEMORY)
            atomic_store_explicit(&m->container, (GC_word)GC_HIDE_POINTER(container),
                                  memory_order_release);
        else
            free_stack[free_top++].m = m;
    }
    gcw_mutex_unlock(&lock);
    GC_reachable_here(container);
    return r == GC_NO_MEMORY ? GCWEAK_ENOMEM : GCWEAK_OK;
}

void gcw_containers_each(void (*fn)(const struct gcw_member *m))
{
    for (struct member_chunk *c = atomic_load_explicit(&head, memory_order_acquire); c != NULL;
         c = atomic_load_explicit(&c->next, memory_order_acquire))
        for (size_t i = 0; i < c->n; i++)
            if (atomic_load_explicit(&c->member[i].container, memory_order_acquire) != 0)
                fn(&c->member[i]);
}

void gcw_containers_hold(void)
{
    /* No collection may reclaim a container while the caller walks them,
     * and none may join: the collector first, then the list, the order an
     * addition takes them in (it registers a link under the mutex). */
    GC_disable();
    gcw_mutex_lock(&lock);
}

void gcw_containers_release(void)
{
    gcw_mutex_unlock(&lock);
    GC_enable();
}
