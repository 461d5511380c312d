/* SPDX-License-Identifier: MIT */
/* gcweak_map_foreach and gcweak_set_foreach: a snapshot of the live entries,
 * each visited once, that the visitor may change and stop, and whose keys
 * are valid objects while other threads mutate and collect. */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#ifndef GCWEAK_TEST_NO_THREADS
#include <pthread.h>
#endif

enum { N = 5000 };

struct walk {
    gcweak_map *m;
    size_t visits;
    size_t bad;          /* visits whose key or value is not what was stored */
    unsigned char *seen; /* per id */
    int stop_after;      /* 0 = never */
    bool mutate;         /* delete the visited key and add a new one */
    bool collect;        /* collect during the walk */
};

static int check_entry(const void *key, void *value, void *arg)
{
    struct walk *w = arg;
    const struct key *k = key;
    w->visits++;
    if (k->magic != KEY_MAGIC || k->id >= N || value != (void *)(uintptr_t)(k->id + 1))
        w->bad++;
    else
        w->seen[k->id]++;
    if (w->mutate) {
        gcweak_map_delete(w->m, key);
        gcweak_map_set(w->m, new_tagged_key(N + 1), (void *)1);
    }
    if (w->collect && w->visits % 500 == 0)
        GC_gcollect();
    return w->stop_after != 0 && (int)w->visits == w->stop_after ? 42 : 0;
}

static NOINLINE void add_dying(gcweak_map *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gcweak_map_set(m, new_tagged_key(N + 2), (void *)2);
}

START_TEST(foreach_visits_each_live_entry_once)
{
    gcweak_map *m = gcweak_map_new();
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_tagged_key(i);
        gcweak_map_set(m, keys[i], (void *)(uintptr_t)(i + 1));
    }
    add_dying(m, N);
    collect(3);
    struct walk w = {.m = m, .seen = calloc(N, 1), .collect = true};
    ck_assert_int_eq(gcweak_map_foreach(m, check_entry, &w), GCWEAK_OK);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(w.seen[i], 1);
    /* Dead keys that survived conservatively are visited too, and are valid
     * objects (they carry the magic); they are counted as bad values here. */
    ck_assert_uint_le(w.bad, TOLERATED(N));
    ck_assert_uint_eq(w.visits, gcweak_map_size(m));
    free(w.seen);
}
END_TEST

START_TEST(foreach_is_a_snapshot_and_can_stop)
{
    gcweak_map *m = gcweak_map_new();
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_tagged_key(i);
        gcweak_map_set(m, keys[i], (void *)(uintptr_t)(i + 1));
    }
    struct walk w = {.m = m, .seen = calloc(N, 1), .mutate = true};
    ck_assert_int_eq(gcweak_map_foreach(m, check_entry, &w), GCWEAK_OK);
    ck_assert_uint_eq(w.visits, N); /* entries added meanwhile are not visited */
    ck_assert_uint_eq(w.bad, 0);
    for (size_t i = 0; i < N; i++)
        ck_assert(!gcweak_map_has(m, keys[i])); /* the visitor deleted them all */
    ck_assert_uint_le(gcweak_map_size(m), N);   /* and added as many, unkept */

    /* The entries the visitor added had no other holder: start afresh. */
    gcweak_map *kept = gcweak_map_new();
    for (size_t i = 0; i < N; i++)
        gcweak_map_set(kept, keys[i], (void *)(uintptr_t)(i + 1));
    struct walk stop = {.m = kept, .seen = calloc(N, 1), .stop_after = 10};
    ck_assert_int_eq(gcweak_map_foreach(kept, check_entry, &stop), 42);
    ck_assert_uint_eq(stop.visits, 10);
    ck_assert_int_eq(gcweak_map_foreach(NULL, check_entry, &stop), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_foreach(m, NULL, &stop), GCWEAK_EINVAL);
    free(w.seen);
    free(stop.seen);
}
END_TEST

static int count_member(const void *key, void *arg)
{
    const struct key *k = key;
    if (k->magic == KEY_MAGIC && k->id < N)
        ((unsigned char *)arg)[k->id]++;
    return 0;
}

START_TEST(set_foreach_visits_members)
{
    gcweak_set *s = gcweak_set_new();
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_tagged_key(i);
        gcweak_set_add(s, keys[i]);
    }
    for (size_t i = 0; i < N; i += 2)
        gcweak_set_delete(s, keys[i]);
    unsigned char *seen = calloc(N, 1);
    ck_assert_int_eq(gcweak_set_foreach(s, count_member, seen), GCWEAK_OK);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(seen[i], i % 2);
    ck_assert_int_eq(gcweak_set_foreach(s, NULL, seen), GCWEAK_EINVAL);
    free(seen);
}
END_TEST

#ifndef GCWEAK_TEST_NO_THREADS
struct churn {
    gcweak_map *m;
    atomic_int running;
};

static void *churn_map(void *p)
{
    struct churn *c = p;
    while (atomic_load(&c->running)) {
        for (int i = 0; i < 200; i++)
            gcweak_map_set(c->m, new_tagged_key(N + 3), (void *)3);
        GC_gcollect();
    }
    return NULL;
}

static int check_tagged(const void *key, void *value, void *arg)
{
    (void)value;
    const struct key *k = key;
    if (k->magic != KEY_MAGIC)
        (*(size_t *)arg)++;
    return 0;
}

START_TEST(foreach_hands_out_valid_keys_while_others_mutate)
{
    struct churn c = {.m = gcweak_map_new()};
    atomic_init(&c.running, 1);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, churn_map, &c), 0);
    size_t invalid = 0;
    for (int i = 0; i < 200; i++)
        ck_assert_int_eq(gcweak_map_foreach(c.m, check_tagged, &invalid), GCWEAK_OK);
    atomic_store(&c.running, 0);
    pthread_join(t, NULL);
    ck_assert_uint_eq(invalid, 0);
}
END_TEST
#endif

Suite *foreach_suite(void)
{
    Suite *s = suite_create("foreach");
    TCase *tc = tcase_create("snapshots");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, foreach_visits_each_live_entry_once);
    tcase_add_test(tc, foreach_is_a_snapshot_and_can_stop);
    tcase_add_test(tc, set_foreach_visits_members);
#ifndef GCWEAK_TEST_NO_THREADS
    tcase_add_test(tc, foreach_hands_out_valid_keys_while_others_mutate);
#endif
    suite_add_tcase(s, tc);
    return s;
}
