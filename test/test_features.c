/* SPDX-License-Identifier: MIT */
/* Beyond WeakMap: get-or-create, snapshot iteration, statistics and
 * pointer-free values. */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifndef GCWEAK_TEST_NO_THREADS
#include <pthread.h>
#endif

enum { N = 5000 };
#define TOLERATED(n) ((n) / 20)
#define KEY_MAGIC 0x6B6579u /* "key": every key object carries it */

struct key {
    uintptr_t magic;
    uintptr_t id;
};

static void *new_tagged_key(uintptr_t id)
{
    struct key *k = new_key(sizeof *k);
    k->magic = KEY_MAGIC;
    k->id = id;
    return k;
}

/* ----------------------------------------------------------- get-or-create */

static atomic_long creations;

static void *create_boxed_id(const void *key, void *arg)
{
    (void)arg;
    atomic_fetch_add(&creations, 1);
    uintptr_t *box = GC_MALLOC(sizeof *box);
    *box = ((const struct key *)key)->id;
    return box;
}

START_TEST(get_or_create_computes_once_per_key)
{
    atomic_store(&creations, 0);
    gcweak_map *m = gcweak_map_new();
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++)
        keys[i] = new_tagged_key(i);
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < N; i++) {
            void *v = NULL;
            ck_assert_int_eq(gcweak_map_get_or_create(m, keys[i], create_boxed_id, NULL, &v),
                             GCWEAK_OK);
            ck_assert_uint_eq(*(uintptr_t *)v, i);
            ck_assert_ptr_eq(v, gcweak_map_get(m, keys[i]));
        }
        collect(1);
    }
    ck_assert_int_eq(atomic_load(&creations), N);
    ck_assert_uint_eq(gcweak_map_size(m), N);
}
END_TEST

static void *create_failing_test(const void *key, void *arg)
{
    (void)key;
    (void)arg;
    ck_abort_msg("create must not run for a bad key");
    return NULL;
}

/* create may use the map it fills: it runs with no lock held. */
static void *create_reentrant(const void *key, void *arg)
{
    gcweak_map *m = arg;
    void *other = new_tagged_key(999);
    ck_assert_int_eq(gcweak_map_set(m, other, (void *)7), GCWEAK_OK);
    ck_assert(!gcweak_map_has(m, key));
    GC_gcollect();
    return (void *)(uintptr_t)11;
}

START_TEST(get_or_create_refuses_bad_input_and_allows_reentry)
{
    gcweak_map *m = gcweak_map_new();
    int local;
    void *v = (void *)3;
    ck_assert_int_eq(gcweak_map_get_or_create(m, &local, create_failing_test, NULL, &v),
                     GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_get_or_create(m, NULL, create_failing_test, NULL, &v),
                     GCWEAK_EINVAL);
    ck_assert_ptr_eq(v, (void *)3);
    void *k = new_tagged_key(1);
    ck_assert_int_eq(gcweak_map_get_or_create(NULL, k, create_boxed_id, NULL, &v), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_get_or_create(m, k, NULL, NULL, &v), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_get_or_create(m, k, create_boxed_id, NULL, NULL), GCWEAK_EINVAL);
    ck_assert_uint_eq(gcweak_map_size(m), 0);
    ck_assert_int_eq(gcweak_map_get_or_create(m, k, create_reentrant, m, &v), GCWEAK_OK);
    ck_assert_ptr_eq(v, (void *)(uintptr_t)11);
    ck_assert_ptr_eq(gcweak_map_get(m, k), (void *)(uintptr_t)11);
}
END_TEST

#ifndef GCWEAK_TEST_NO_THREADS
enum { RACERS = 4, RACE_KEYS = 3000 };

struct race {
    gcweak_map *m;
    void **keys;
    void **seen[RACERS];
    atomic_long errors;
};

struct racer {
    struct race *r;
    int id;
};

static void *race_get_or_create(void *p)
{
    struct racer *me = p;
    struct race *r = me->r;
    for (size_t i = 0; i < RACE_KEYS; i++) {
        void *v = NULL;
        if (gcweak_map_get_or_create(r->m, r->keys[i], create_boxed_id, NULL, &v) != GCWEAK_OK ||
            *(uintptr_t *)v != i)
            atomic_fetch_add(&r->errors, 1);
        r->seen[me->id][i] = v;
    }
    return NULL;
}

START_TEST(racing_threads_all_see_the_one_stored_value)
{
    struct race r = {.m = gcweak_map_new(), .keys = key_array(RACE_KEYS)};
    atomic_init(&r.errors, 0);
    for (size_t i = 0; i < RACE_KEYS; i++)
        r.keys[i] = new_tagged_key(i);
    pthread_t t[RACERS];
    struct racer args[RACERS];
    for (int i = 0; i < RACERS; i++) {
        r.seen[i] = key_array(RACE_KEYS);
        args[i] = (struct racer){&r, i};
        ck_assert_int_eq(pthread_create(&t[i], NULL, race_get_or_create, &args[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(atomic_load(&r.errors), 0);
    for (size_t k = 0; k < RACE_KEYS; k++) {
        void *stored = gcweak_map_get(r.m, r.keys[k]);
        for (int i = 0; i < RACERS; i++)
            ck_assert_ptr_eq(r.seen[i][k], stored);
    }
}
END_TEST
#endif

/* --------------------------------------------------------------- iteration */

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

/* --------------------------------------------------------------- statistics */

START_TEST(stats_describe_the_table)
{
    gcweak_map *m = gcweak_map_new();
    gcweak_stats st;
    ck_assert_int_eq(gcweak_map_stats(m, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.entries, 0);
    ck_assert_uint_eq(st.capacity, 0);
    size_t empty_bytes = st.bytes;
    ck_assert_uint_gt(empty_bytes, 0);
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_tagged_key(i);
        gcweak_map_set(m, keys[i], (void *)1);
    }
    for (size_t i = 0; i < N; i += 4)
        gcweak_map_delete(m, keys[i]);
    ck_assert_int_eq(gcweak_map_stats(m, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.entries, N - N / 4);
    ck_assert_uint_ge(st.capacity, st.entries + st.dead_slots);
    ck_assert_uint_ge(st.dead_slots, N / 4);
    ck_assert_uint_ge(st.bytes, empty_bytes + st.capacity * 2 * sizeof(void *));
    size_t seen = st.collections;
    GC_gcollect();
    GC_gcollect();
    ck_assert_int_eq(gcweak_map_stats(m, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.collections, seen + 2);
    ck_assert_int_eq(gcweak_map_stats(NULL, &st), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_stats(m, NULL), GCWEAK_EINVAL);

    gcweak_set *s = gcweak_set_new();
    for (size_t i = 0; i < 100; i++)
        gcweak_set_add(s, keys[i + 1]);
    ck_assert_int_eq(gcweak_set_stats(s, &st), GCWEAK_OK);
    ck_assert_uint_eq(st.entries, 100);
    ck_assert_int_eq(gcweak_set_stats(NULL, &st), GCWEAK_EINVAL);
}
END_TEST

/* ------------------------------------------------------ pointer-free values */

/* Each value is the address of an object nothing else references. */
static NOINLINE void store_addresses(gcweak_map *m, void **keys, size_t n,
                                     atomic_long *finalized)
{
    for (size_t i = 0; i < n; i++)
        gcweak_map_set(m, keys[i], new_counted_value(32, finalized));
}

START_TEST(pointer_free_values_keep_nothing_alive)
{
    atomic_long finalized = 0;
    gcweak_map_options opt = {.flags = GCWEAK_MAP_POINTER_FREE_VALUES};
    gcweak_map *m = gcweak_map_new_with(&opt);
    ck_assert_ptr_nonnull(m);
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++)
        keys[i] = new_tagged_key(i);
    store_addresses(m, keys, N, &finalized);
    collect(3);
    /* The keys live, their entries too, but the addresses kept nothing. */
    ck_assert_uint_eq(gcweak_map_size(m), N);
    ck_assert_int_ge(atomic_load(&finalized), N - TOLERATED(N));
    for (size_t i = 0; i < N; i++)
        ck_assert_ptr_nonnull(gcweak_map_get(m, keys[i]));

    /* The default map, same values: all kept. */
    atomic_long kept_finalized = 0;
    gcweak_map *d = gcweak_map_new();
    store_addresses(d, keys, N, &kept_finalized);
    collect(3);
    ck_assert_int_eq(atomic_load(&kept_finalized), 0);
    ck_assert_uint_eq(gcweak_map_size(d), N); /* d itself must live that long */

    gcweak_map_options both = {.flags = GCWEAK_MAP_POINTER_FREE_VALUES | GCWEAK_MAP_WEAK_KEYS};
    ck_assert_ptr_null(gcweak_map_new_with(&both));
}
END_TEST

/* ------------------------------------------------------ removal notification */

struct removals {
    gcweak_map *m;
    unsigned char *seen; /* per id */
    size_t calls;
    size_t bad;          /* values not intact, or notified twice */
};

/* Values are records naming their id; for the ephemeron case they also
 * point back at their key. */
struct record {
    uintptr_t magic;
    uintptr_t id;
    void *key;
};

static void on_removed(void *value, void *arg)
{
    struct removals *r = arg;
    struct record *rec = value;
    r->calls++;
    if (rec == NULL || rec->magic != KEY_MAGIC || rec->id >= N || r->seen[rec->id]++)
        r->bad++;
    /* The callback runs with no lock held: it may use the map. */
    (void)gcweak_map_size(r->m);
}

/* With collections held off, so that none dies (and is delivered) early. */
static NOINLINE void add_dying_records(gcweak_map *m, size_t n, bool back_to_key,
                                       atomic_long *finalized)
{
    GC_disable();
    for (size_t i = 0; i < n; i++) {
        void *k = new_tagged_key(i);
        struct record *rec = new_counted_value(sizeof *rec, finalized);
        rec->magic = KEY_MAGIC;
        rec->id = i;
        rec->key = back_to_key ? k : NULL;
        gcweak_map_set(m, k, rec);
    }
    GC_enable();
}

static void check_removals(gcweak_map_options opt, bool back_to_key)
{
    atomic_long finalized = 0;
    gcweak_map *m = gcweak_map_new_with(&opt);
    struct removals r = {.m = m, .seen = calloc(N, 1)};
    ck_assert_int_eq(gcweak_map_on_removal(m, on_removed, &r), GCWEAK_OK);
    /* Kept keys, one of them deleted explicitly: neither is notified. */
    void **kept = key_array(100);
    for (size_t i = 0; i < 100; i++) {
        kept[i] = new_tagged_key(N + 5);
        gcweak_map_set(m, kept[i], NULL);
    }
    gcweak_map_delete(m, kept[0]);
    add_dying_records(m, N, back_to_key, &finalized);
    collect(2);
    ck_assert_int_eq(atomic_load(&finalized), 0); /* held for the callback */
    (void)gcweak_map_has(m, kept[1]);             /* any operation delivers */
    ck_assert_uint_eq(r.bad, 0);
    ck_assert_uint_ge(r.calls, N - TOLERATED(N));
    collect(2);
    (void)gcweak_map_has(m, kept[1]);
    ck_assert_uint_eq(r.bad, 0); /* still exactly once */
    ck_assert_uint_eq(gcweak_map_size(m), 99 + (N - r.calls));
    /* Delivered values are no longer held by the map. */
    collect(3);
    ck_assert_int_ge(atomic_load(&finalized), (long)r.calls - TOLERATED(N));
    /* Turned off: dying entries go unannounced. */
    ck_assert_int_eq(gcweak_map_on_removal(m, NULL, NULL), GCWEAK_OK);
    size_t calls = r.calls;
    add_dying_records(m, 100, back_to_key, &finalized);
    collect(2);
    (void)gcweak_map_size(m);
    ck_assert_uint_eq(r.calls, calls);
    ck_assert_int_eq(gcweak_map_on_removal(NULL, on_removed, &r), GCWEAK_EINVAL);
    free(r.seen);
}

START_TEST(removal_callback_sees_each_dead_entry_once_weak_keys)
{
    check_removals((gcweak_map_options){.flags = GCWEAK_MAP_WEAK_KEYS}, false);
}
END_TEST

START_TEST(removal_callback_sees_each_dead_entry_once_ephemeron)
{
    /* Values point back at their keys: the entries still die, and the
     * callback still gets intact values. */
    check_removals((gcweak_map_options){0}, true);
}
END_TEST

Suite *features_suite(void)
{
    Suite *s = suite_create("features");
    TCase *tc = tcase_create("beyond WeakMap");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, get_or_create_computes_once_per_key);
    tcase_add_test(tc, get_or_create_refuses_bad_input_and_allows_reentry);
    tcase_add_test(tc, foreach_visits_each_live_entry_once);
    tcase_add_test(tc, foreach_is_a_snapshot_and_can_stop);
    tcase_add_test(tc, set_foreach_visits_members);
    tcase_add_test(tc, stats_describe_the_table);
    tcase_add_test(tc, pointer_free_values_keep_nothing_alive);
    tcase_add_test(tc, removal_callback_sees_each_dead_entry_once_weak_keys);
    tcase_add_test(tc, removal_callback_sees_each_dead_entry_once_ephemeron);
#ifndef GCWEAK_TEST_NO_THREADS
    tcase_add_test(tc, racing_threads_all_see_the_one_stored_value);
    tcase_add_test(tc, foreach_hands_out_valid_keys_while_others_mutate);
#endif
    suite_add_tcase(s, tc);
    return s;
}
