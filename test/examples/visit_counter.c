/* SPDX-License-Identifier: MIT */
/* Visit counter: how many times each user has visited, forgetting users who
 * leave. Keys are user objects, values are counts cast to void *. Nobody
 * removes a departed user's entry: it goes away with the user. */
#include <gc.h>
#include <gcweak.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)

typedef struct user { int id; char name[28]; } user;

static gcweak_map *visits;          /* user * -> visit count */

static void visit(user *u)
{
    uintptr_t n = (uintptr_t)gcweak_map_get(visits, u);
    CHECK(gcweak_map_set(visits, u, (void *)(n + 1)) == GCWEAK_OK);
}

static uintptr_t visit_count(user *u)
{
    return (uintptr_t)gcweak_map_get(visits, u);
}

#define STAYING 100
#define USERS   10000
static user *online[USERS];         /* the application's own list of users */

/* noinline, like clear_stack(): no stray copy of a user pointer may stay
 * in main()'s frame, or the conservative collector would keep that user. */
__attribute__((noinline)) static void users_arrive(void)
{
    for (int i = 0; i < USERS; i++) {
        user *u = GC_MALLOC(sizeof *u);
        CHECK(u != NULL);
        u->id = i;
        snprintf(u->name, sizeof u->name, "user%d", i);
        online[i] = u;
        for (int k = 0; k <= i % 3; k++)
            visit(u);               /* user i visits 1 + i % 3 times */
    }
}

__attribute__((noinline)) static void users_leave(void)
{
    for (int i = STAYING; i < USERS; i++)
        online[i] = NULL;           /* the only reference goes away */
}

__attribute__((noinline)) static void clear_stack(void)
{
    volatile char junk[64 * 1024];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0;
}

int main(void)
{
    GC_INIT();
    visits = gcweak_map_new();
    CHECK(visits != NULL);

    users_arrive();
    CHECK(gcweak_map_size(visits) == USERS);
    CHECK(visit_count(online[7]) == 2);

    users_leave();
    /* In main itself, not in a collect() function: clear_stack() then zeroes
     * the stack right below main, where users_arrive() left stale user
     * pointers. A function's own frame would sit on them, uncleared. */
    for (int round = 0; round < 4; round++) {
        clear_stack();
        GC_gcollect();
    }

    /* Departed users are forgotten. A conservative collector may keep a few
     * of them alive through stale stack words: allow 5%. */
    CHECK(gcweak_map_size(visits) >= STAYING);
    size_t left = USERS - STAYING, lingering = gcweak_map_size(visits) - STAYING;
    printf("visit_counter: %zu of %zu departed users still counted\n",
           lingering, left);
    CHECK(lingering <= left / 20);

    /* Users who stayed keep exactly their own counts, and keep counting. */
    for (int i = 0; i < STAYING; i++) {
        CHECK(online[i]->id == i);
        CHECK(visit_count(online[i]) == (uintptr_t)(1 + i % 3));
        visit(online[i]);
        CHECK(visit_count(online[i]) == (uintptr_t)(2 + i % 3));
    }
    puts("visit_counter: ok");
    return 0;
}
