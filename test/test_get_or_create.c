/* SPDX-License-Identifier: MIT */
/* gcweak_map_get_or_create: the value is made once per key and every caller,
 * racing threads included, gets the one that was stored. */
#include "harness.h"

#include <stdint.h>
#ifndef GCWEAK_TEST_NO_THREADS
#include <pthread.h>
#endif

enum { N = 5000 };

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

Suite *get_or_create_suite(void)
{
    Suite *s = suite_create("get_or_create");
    TCase *tc = tcase_create("once per key");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, get_or_create_computes_once_per_key);
    tcase_add_test(tc, get_or_create_refuses_bad_input_and_allows_reentry);
#ifndef GCWEAK_TEST_NO_THREADS
    tcase_add_test(tc, racing_threads_all_see_the_one_stored_value);
#endif
    suite_add_tcase(s, tc);
    return s;
}
