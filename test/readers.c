/* SPDX-License-Identifier: MIT */
#include "readers.h"

#ifndef GCWEAK_TEST_NO_THREADS
#include <pthread.h>
#include <sched.h>

enum { ALIVE = 0x600DF00Du, SPOILED = 0xDEADu, HELD = 256, READERS = 2 };

static void spoil(void *obj, void *unused)
{
    (void)unused;
    ((struct canary *)obj)->state = SPOILED;
}

struct reader {
    const struct race *race;
    size_t slots;
    atomic_bool *stop;
    atomic_long good, bad;
    atomic_long passes; /* over every slot, by either reader */
};

static void check_held(struct reader *rd, struct canary *const *held)
{
    for (size_t i = 0; i < HELD; i++)
        if (held[i] != NULL && held[i]->state != ALIVE)
            atomic_fetch_add(&rd->bad, 1);
}

static void *read_all(void *arg)
{
    struct reader *rd = arg;
    /* A root, not heap memory: stores into it need no write barrier. What
     * it holds stays alive, so a spoiled one was handed out dead. */
    struct canary **held = (struct canary **)key_array(HELD);
    size_t next = 0;
    while (!atomic_load(rd->stop)) {
        for (size_t i = 0; i < rd->slots; i++) {
            struct canary *c = rd->race->read(i, rd->race->arg);
            if (c == NULL)
                continue;
            atomic_fetch_add(c->state == ALIVE ? &rd->good : &rd->bad, 1);
            held[next++ % HELD] = c;
        }
        atomic_fetch_add(&rd->passes, 1);
        check_held(rd, held);
    }
    check_held(rd, held);
    return NULL;
}

/* A round of fresh canaries, each reachable only through its container. */
static NOINLINE void publish_round(const struct race *r, size_t slots)
{
    for (size_t i = 0; i < slots; i++) {
        struct canary *c = GC_MALLOC_ATOMIC(sizeof *c);
        ck_assert_ptr_nonnull(c);
        c->state = ALIVE;
        GC_REGISTER_FINALIZER(c, spoil, NULL, NULL, NULL);
        r->publish(i, c, r->arg);
    }
}

void race_readers_with_collections(const struct race *r, size_t slots, int rounds)
{
    static atomic_bool stop;
    atomic_store(&stop, false);
    struct reader rd = {r, slots, &stop, 0, 0, 0};
    pthread_t readers[READERS];
    for (int i = 0; i < READERS; i++)
        ck_assert_int_eq(pthread_create(&readers[i], NULL, read_all, &rd), 0);
    for (int round = 0; round < rounds; round++) {
        long passes = atomic_load(&rd.passes);
        publish_round(r, slots);
        /* Until a whole pass began after the publish (each reader may end
         * one that began before), so that reads meet this round's canaries
         * however the threads are scheduled; nothing allocates meanwhile,
         * so no collection comes first. */
        while (atomic_load(&rd.passes) < passes + READERS + 1)
            sched_yield();
        clear_stack();
        GC_gcollect();
        GC_invoke_finalizers();
    }
    atomic_store(&stop, true);
    for (int i = 0; i < READERS; i++)
        pthread_join(readers[i], NULL);
    ck_assert_int_gt(atomic_load(&rd.good), 0);
    ck_assert_msg(atomic_load(&rd.bad) == 0, "%ld of %ld reads returned a reclaimed object",
                  atomic_load(&rd.bad), atomic_load(&rd.bad) + atomic_load(&rd.good));
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int readers_c_is_empty_without_threads;
#endif
