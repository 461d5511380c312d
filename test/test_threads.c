/* SPDX-License-Identifier: MIT */
/*
 * Concurrency: threads setting, reading and deleting on shared containers
 * while other threads force collections, resizes and key deaths. Every read a
 * thread makes of its own keys is checked against what it wrote; mismatches
 * are counted and asserted zero from the test's own thread.
 */
#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>

enum { WORKERS = 4, KEYS_PER_WORKER = 2000, ROUNDS = 6 };

/* The collector collects once the workers made COLLECT_EVERY operations
 * since its last collection began, and a worker more than MAX_LAG ahead of
 * that waits: the collections are paced by the work, not by the clock, so
 * that the test's length does not depend on how the threads are scheduled
 * (back-to-back collections left the workers a share of two cores that
 * varied fivefold from run to run). */
enum { COLLECT_EVERY = 250, MAX_LAG = 4 * COLLECT_EVERY };

struct shared {
    gcweak_map *map;
    gcweak_set *set;
    atomic_long errors;
    atomic_int running;
    atomic_long ops;          /* the workers' operations so far */
    atomic_long collected_at; /* ops when the last collection began */
    atomic_long collections;
};

/* One more operation of a worker; waits while the collector lags. */
static void worked(struct shared *sh)
{
    long ops = atomic_fetch_add(&sh->ops, 1) + 1;
    while (ops - atomic_load(&sh->collected_at) > MAX_LAG)
        sched_yield();
}

static void *expected(int worker, int round, size_t i)
{
    return (void *)(((uintptr_t)worker << 40) | ((uintptr_t)round << 32) | i);
}

static void *collector(void *arg)
{
    struct shared *sh = arg;
    while (atomic_load(&sh->running) > 0) {
        long ops = atomic_load(&sh->ops);
        if (ops - atomic_load(&sh->collected_at) < COLLECT_EVERY) {
            sched_yield();
            continue;
        }
        atomic_store(&sh->collected_at, ops);
        GC_gcollect();
        GC_invoke_finalizers();
        atomic_fetch_add(&sh->collections, 1);
    }
    return NULL;
}

struct worker_arg {
    struct shared *sh;
    int id;
};

/* Each worker's keys are its own, but the containers are shared, so its
 * inserts and deletes resize tables under the other workers' reads. */
static void *worker(void *p)
{
    struct worker_arg *a = p;
    struct shared *sh = a->sh;
    void **keys = key_array(KEYS_PER_WORKER);
    for (size_t i = 0; i < KEYS_PER_WORKER; i++)
        keys[i] = GC_MALLOC(16);
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < KEYS_PER_WORKER; i++) {
            if (gcweak_map_set(sh->map, keys[i], expected(a->id, r, i)) != GCWEAK_OK ||
                gcweak_set_add(sh->set, keys[i]) != GCWEAK_OK)
                atomic_fetch_add(&sh->errors, 1);
            /* Garbage keys too, dying while the table changes. */
            gcweak_map_set(sh->map, GC_MALLOC(16), (void *)1);
            worked(sh);
        }
        for (size_t i = 0; i < KEYS_PER_WORKER; i++) {
            void *v = NULL;
            if (!gcweak_map_lookup(sh->map, keys[i], &v) || v != expected(a->id, r, i) ||
                !gcweak_set_has(sh->set, keys[i]))
                atomic_fetch_add(&sh->errors, 1);
            worked(sh);
        }
        for (size_t i = 1; i < KEYS_PER_WORKER; i += 2) {
            if (!gcweak_map_delete(sh->map, keys[i]) || !gcweak_set_delete(sh->set, keys[i]))
                atomic_fetch_add(&sh->errors, 1);
            worked(sh);
        }
        for (size_t i = 0; i < KEYS_PER_WORKER; i++) {
            bool want = i % 2 == 0;
            if (gcweak_map_has(sh->map, keys[i]) != want ||
                gcweak_set_has(sh->set, keys[i]) != want ||
                (want && gcweak_map_get(sh->map, keys[i]) != expected(a->id, r, i)))
                atomic_fetch_add(&sh->errors, 1);
            worked(sh);
        }
    }
    atomic_fetch_sub(&sh->running, 1);
    GC_reachable_here(keys);
    return NULL;
}

START_TEST(workers_mutate_while_collections_run)
{
    struct shared sh = {.map = gcweak_map_new(), .set = gcweak_set_new()};
    atomic_init(&sh.errors, 0);
    atomic_init(&sh.running, WORKERS);
    atomic_init(&sh.ops, 0);
    atomic_init(&sh.collected_at, 0);
    atomic_init(&sh.collections, 0);
    pthread_t gc_thread, threads[WORKERS];
    struct worker_arg args[WORKERS];
    ck_assert_int_eq(pthread_create(&gc_thread, NULL, collector, &sh), 0);
    for (int i = 0; i < WORKERS; i++) {
        args[i] = (struct worker_arg){&sh, i};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_join(threads[i], NULL);
    pthread_join(gc_thread, NULL);
    ck_assert_int_eq(atomic_load(&sh.errors), 0);
    /* The workers never ran more than MAX_LAG ahead of the collections. */
    long ops = atomic_load(&sh.ops);
    ck_assert_int_eq(ops, (long)WORKERS * ROUNDS * (KEYS_PER_WORKER * 3 + KEYS_PER_WORKER / 2));
    ck_assert_int_ge(atomic_load(&sh.collections), (ops - 2 * MAX_LAG) / (2 * MAX_LAG));
}
END_TEST

/* Readers check a fixed population while a writer grows the same map from
 * empty through many resizes, most of its keys dying as it goes. */
enum { STABLE = 3000, GROWTH = 200000, READERS = 2 };

struct resize_arg {
    gcweak_map *map;
    void **stable;
    atomic_int writing;
    atomic_long errors;
    atomic_long reads;
};

static void *reader(void *p)
{
    struct resize_arg *a = p;
    while (atomic_load(&a->writing)) {
        for (size_t i = 0; i < STABLE; i++) {
            void *v = NULL;
            if (!gcweak_map_lookup(a->map, a->stable[i], &v) || v != (void *)(uintptr_t)(i + 1))
                atomic_fetch_add(&a->errors, 1);
        }
        atomic_fetch_add(&a->reads, STABLE);
    }
    return NULL;
}

static NOINLINE void grow_with_dying_keys(gcweak_map *m, void **kept, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void *k = GC_MALLOC(16);
        if (i % 10 == 0)
            kept[i / 10] = k;
        gcweak_map_set(m, k, (void *)(uintptr_t)(2 * i + 1));
        if (i % 20000 == 0)
            GC_gcollect();
    }
}

START_TEST(readers_see_every_entry_through_resizes)
{
    struct resize_arg a = {.map = gcweak_map_new()};
    a.stable = key_array(STABLE);
    for (size_t i = 0; i < STABLE; i++) {
        a.stable[i] = GC_MALLOC(16);
        gcweak_map_set(a.map, a.stable[i], (void *)(uintptr_t)(i + 1));
    }
    atomic_init(&a.writing, 1);
    atomic_init(&a.errors, 0);
    atomic_init(&a.reads, 0);
    pthread_t readers[READERS];
    for (int i = 0; i < READERS; i++)
        ck_assert_int_eq(pthread_create(&readers[i], NULL, reader, &a), 0);
    void **kept = key_array(GROWTH / 10);
    grow_with_dying_keys(a.map, kept, GROWTH);
    atomic_store(&a.writing, 0);
    for (int i = 0; i < READERS; i++)
        pthread_join(readers[i], NULL);
    ck_assert_int_eq(atomic_load(&a.errors), 0);
    ck_assert_int_gt(atomic_load(&a.reads), 0);
    for (size_t i = 0; i < GROWTH / 10; i++)
        ck_assert_ptr_eq(gcweak_map_get(a.map, kept[i]), (void *)(uintptr_t)(20 * i + 1));
    collect(3);
    size_t size = gcweak_map_size(a.map);
    ck_assert_uint_ge(size, STABLE + GROWTH / 10);
    ck_assert_uint_le(size, STABLE + GROWTH / 10 + GROWTH / 20);
}
END_TEST

Suite *threads_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("concurrent");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, workers_mutate_while_collections_run);
    tcase_add_test(tc, readers_see_every_entry_through_resizes);
    suite_add_tcase(s, tc);
    return s;
}
