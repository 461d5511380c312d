/* SPDX-License-Identifier: MIT */
/*
 * Finalization registries: one callback per registration once its target
 * is reclaimed, beside the target's own finalizer; held values kept until
 * then and released after; unregister; callbacks that use the registry;
 * delivery where finalizers run or on request; unreachable registries.
 */
#include "harness.h"

#include <stdlib.h>

enum { TARGETS = 10000 };

/* Callback counts per registration, by the held value (an index + 1). */
struct counts {
    atomic_int *ran;
    atomic_long total;
    size_t n;
};

static struct counts *new_counts(size_t n)
{
    struct counts *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->ran = calloc(n, sizeof *c->ran);
    ck_assert_ptr_nonnull(c->ran);
    c->n = n;
    return c;
}

static void count_cleanup(void *held, void *arg)
{
    struct counts *c = arg;
    uintptr_t i = (uintptr_t)held - 1;
    ck_assert_uint_lt(i, c->n);
    atomic_fetch_add(&c->ran[i], 1);
    atomic_fetch_add(&c->total, 1);
}

static void assert_at_most_once(const struct counts *c)
{
    for (size_t i = 0; i < c->n; i++)
        ck_assert_msg(atomic_load(&c->ran[i]) <= 1, "registration %zu ran %d times", i,
                      atomic_load(&c->ran[i]));
}

static void noop_cleanup(void *held, void *arg)
{
    (void)held;
    (void)arg;
}

static int on_static;

START_TEST(bad_registrations_are_refused)
{
    ck_assert_ptr_null(gcweak_registry_new(NULL, NULL));
    struct counts *c = new_counts(4);
    gcweak_registry *r = gcweak_registry_new(count_cleanup, c);
    ck_assert_ptr_nonnull(r);
    int on_stack = 0;
    char *target = new_key(64);
    ck_assert_int_eq(gcweak_registry_register(NULL, target, (void *)1, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_registry_register(r, NULL, (void *)1, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_registry_register(r, &on_stack, (void *)1, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_registry_register(r, &on_static, (void *)1, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_registry_register(r, target, target, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_registry_register(r, target, target + 40, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_registry_register(r, target, (void *)1, &on_stack), GCWEAK_EINVAL);
    ck_assert_uint_eq(gcweak_registry_unregister(NULL, target), 0);
    ck_assert_uint_eq(gcweak_registry_cleanup(NULL), 0);
    ck_assert_uint_eq(gcweak_registry_unregister(r, NULL), 0);
    ck_assert_uint_eq(gcweak_registry_unregister(r, target), 0);
    /* Nothing was registered: the target's death calls nothing. */
    target = NULL;
    collect(3);
    ck_assert_uint_eq(gcweak_registry_cleanup(r), 0);
    ck_assert_int_eq(atomic_load(&c->total), 0);
}
END_TEST

/* Targets registered in two registries and given finalizers of their own;
 * made here so that nothing else keeps them. */
static atomic_long own_finalizers;
static atomic_int *finalized_once;

static void own_finalizer(void *obj, void *index)
{
    (void)obj;
    atomic_fetch_add(&finalized_once[(uintptr_t)index], 1);
    atomic_fetch_add(&own_finalizers, 1);
}

static NOINLINE void register_dying(gcweak_registry *a, gcweak_registry *b, size_t first,
                                    size_t n, bool own)
{
    for (size_t i = first; i < first + n; i++) {
        void *t = new_key(32);
        if (own)
            GC_REGISTER_FINALIZER(t, own_finalizer, (void *)(uintptr_t)i, NULL, NULL);
        ck_assert_int_eq(gcweak_registry_register(a, t, (void *)(uintptr_t)(i + 1), NULL),
                         GCWEAK_OK);
        if (b != NULL)
            ck_assert_int_eq(gcweak_registry_register(b, t, (void *)(uintptr_t)(i + 1), t),
                             GCWEAK_OK);
    }
}

START_TEST(each_registration_runs_once_beside_the_targets_finalizer)
{
    struct counts *ca = new_counts(TARGETS), *cb = new_counts(TARGETS);
    gcweak_registry *a = gcweak_registry_new(count_cleanup, ca);
    gcweak_registry *b = gcweak_registry_new(count_cleanup, cb);
    ck_assert(a != NULL && b != NULL);
    finalized_once = calloc(TARGETS, sizeof *finalized_once);
    ck_assert_ptr_nonnull(finalized_once);
    atomic_store(&own_finalizers, 0);
    register_dying(a, b, 0, TARGETS, true);
    for (int i = 0; i < 4; i++) {
        collect(1);
        (void)gcweak_registry_cleanup(a);
        (void)gcweak_registry_cleanup(b);
    }
    assert_at_most_once(ca);
    assert_at_most_once(cb);
    for (size_t i = 0; i < TARGETS; i++)
        ck_assert_int_le(atomic_load(&finalized_once[i]), 1);
    ck_assert_int_ge(atomic_load(&ca->total), TARGETS - TOLERATED(TARGETS));
    ck_assert_int_ge(atomic_load(&cb->total), TARGETS - TOLERATED(TARGETS));
    ck_assert_int_ge(atomic_load(&own_finalizers), TARGETS - TOLERATED(TARGETS));
    /* And no more, ever. */
    collect(2);
    ck_assert_uint_eq(gcweak_registry_cleanup(a) + gcweak_registry_cleanup(b), 0);
    assert_at_most_once(ca);
    assert_at_most_once(cb);
}
END_TEST

/* Held words that are no pointers: NULL, and odd numbers. */
static atomic_long null_held_calls, odd_held_calls, other_held_calls;

static void count_held_words(void *held, void *arg)
{
    (void)arg;
    if (held == NULL)
        atomic_fetch_add(&null_held_calls, 1);
    else if (((uintptr_t)held & 1u) != 0)
        atomic_fetch_add(&odd_held_calls, 1);
    else
        atomic_fetch_add(&other_held_calls, 1);
}

/* Half the targets with NULL, half with an odd number; every other one
 * with itself as token. */
static NOINLINE void register_held_words(gcweak_registry *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void *t = new_key(16);
        void *held = i % 2 == 0 ? NULL : (void *)(uintptr_t)(2 * i + 1);
        ck_assert_int_eq(gcweak_registry_register(r, t, held, i % 4 < 2 ? NULL : t), GCWEAK_OK);
    }
}

START_TEST(held_words_that_are_no_pointers_reach_the_callback_as_given)
{
    enum { N = 4000 };
    gcweak_registry *r = gcweak_registry_new(count_held_words, NULL);
    ck_assert_ptr_nonnull(r);
    atomic_store(&null_held_calls, 0);
    atomic_store(&odd_held_calls, 0);
    atomic_store(&other_held_calls, 0);
    register_held_words(r, N);
    for (int i = 0; i < 4; i++) {
        collect(1);
        (void)gcweak_registry_cleanup(r);
    }
    ck_assert_int_ge(atomic_load(&null_held_calls), N / 2 - TOLERATED(N / 2));
    ck_assert_int_le(atomic_load(&null_held_calls), N / 2);
    ck_assert_int_ge(atomic_load(&odd_held_calls), N / 2 - TOLERATED(N / 2));
    ck_assert_int_le(atomic_load(&odd_held_calls), N / 2);
    ck_assert_int_eq(atomic_load(&other_held_calls), 0);
}
END_TEST

/* Held values are alive until their callback, and released after it. */
static atomic_long held_seen_alive, held_bad;

static void check_held(void *held, void *arg)
{
    (void)arg;
    struct key *k = held;
    if (k->magic == KEY_MAGIC)
        atomic_fetch_add(&held_seen_alive, 1);
    else
        atomic_fetch_add(&held_bad, 1);
}

static NOINLINE void register_with_counted_held(gcweak_registry *r, void **targets, size_t n,
                                                atomic_long *released)
{
    for (size_t i = 0; i < n; i++) {
        struct key *held = new_counted_value(sizeof(struct key), released);
        held->magic = KEY_MAGIC;
        ck_assert_int_eq(gcweak_registry_register(r, targets[i], held, NULL), GCWEAK_OK);
    }
}

START_TEST(held_values_live_until_their_callback_and_go_after)
{
    enum { N = 2000 };
    gcweak_registry *r = gcweak_registry_new(check_held, NULL);
    ck_assert_ptr_nonnull(r);
    void **targets = key_array(N);
    for (size_t i = 0; i < N; i++)
        targets[i] = new_key(16);
    atomic_long released = 0;
    atomic_store(&held_seen_alive, 0);
    atomic_store(&held_bad, 0);
    register_with_counted_held(r, targets, N, &released);
    collect(3);
    ck_assert_int_eq(atomic_load(&released), 0); /* targets live: held kept */
    for (size_t i = 0; i < N; i++)
        targets[i] = NULL;
    collect(3);
    (void)gcweak_registry_cleanup(r);
    collect(3);
    ck_assert_int_eq(atomic_load(&held_bad), 0);
    ck_assert_int_ge(atomic_load(&held_seen_alive), N - TOLERATED(N));
    ck_assert_int_ge(atomic_load(&released), N - TOLERATED(N));
}
END_TEST

/* Two live tokens, in a root array. */
static void **two_tokens(void)
{
    void **tokens = key_array(2);
    tokens[0] = new_key(16);
    tokens[1] = new_key(16);
    return tokens;
}

/* Unregister drops what has not run, by token; held values go with it. */
START_TEST(unregister_drops_what_has_not_run)
{
    enum { N = 2000 };
    struct counts *c = new_counts(N);
    gcweak_registry *r = gcweak_registry_new(count_cleanup, c);
    ck_assert_ptr_nonnull(r);
    void **targets = key_array(N);
    void **tokens = two_tokens();
    for (size_t i = 0; i < N; i++) {
        targets[i] = new_key(16);
        ck_assert_int_eq(gcweak_registry_register(r, targets[i], (void *)(uintptr_t)(i + 1),
                                                  tokens[i % 2]),
                         GCWEAK_OK);
    }
    /* A second registration of target 1 under the first token. */
    ck_assert_int_eq(gcweak_registry_register(r, targets[1], (void *)(uintptr_t)1, tokens[0]),
                     GCWEAK_OK);
    ck_assert_uint_eq(gcweak_registry_unregister(r, tokens[0]), N / 2 + 1);
    ck_assert_uint_eq(gcweak_registry_unregister(r, tokens[0]), 0);
    for (size_t i = 0; i < N; i++)
        targets[i] = NULL;
    collect(3);
    (void)gcweak_registry_cleanup(r);
    collect(1);
    (void)gcweak_registry_cleanup(r);
    for (size_t i = 0; i < N; i += 2)
        ck_assert_msg(atomic_load(&c->ran[i]) == 0, "unregistered %zu ran", i);
    ck_assert_int_le(atomic_load(&c->ran[0]), 0);
    assert_at_most_once(c);
    ck_assert_int_ge(atomic_load(&c->total), N / 2 - TOLERATED(N));
    ck_assert_int_le(atomic_load(&c->total), N / 2);
    /* The other token's registrations all ran: nothing left to drop. */
    ck_assert_uint_le(gcweak_registry_unregister(r, tokens[1]), TOLERATED(N));
}
END_TEST

/* Callbacks that register new targets and unregister tokens of their own
 * registry. */
struct reentry {
    gcweak_registry *r;
    void **keep;
    size_t kept;
    void *token;
    atomic_long calls;
};

static void reenter(void *held, void *arg)
{
    (void)held;
    struct reentry *re = arg;
    atomic_fetch_add(&re->calls, 1);
    void *t = new_key(16);
    re->keep[re->kept++ % 64] = t;
    ck_assert_int_eq(gcweak_registry_register(re->r, t, (void *)2, re->token), GCWEAK_OK);
    (void)gcweak_registry_unregister(re->r, re->token);
}

static NOINLINE void register_dying_plain(gcweak_registry *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_registry_register(r, new_key(16), (void *)1, NULL), GCWEAK_OK);
}

/* Targets registered several times in one registry: with and without
 * tokens, the first registration of each dropped and others made after
 * it. Every registration not dropped runs once, and no dropped one runs.
 * Registration k of target i holds 4i + k + 1. */
static NOINLINE void register_each_four_times(gcweak_registry *r, void **targets, void **tokens,
                                              size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void *t = new_key(16);
        targets[i] = t;
        /* 0: the first, under token 0, dropped below */
        ck_assert_int_eq(gcweak_registry_register(r, t, (void *)(4 * i + 1), tokens[0]),
                         GCWEAK_OK);
        /* 1: no token */
        ck_assert_int_eq(gcweak_registry_register(r, t, (void *)(4 * i + 2), NULL), GCWEAK_OK);
        /* 2: under token 1, dropped below */
        ck_assert_int_eq(gcweak_registry_register(r, t, (void *)(4 * i + 3), tokens[1]),
                         GCWEAK_OK);
    }
    ck_assert_uint_eq(gcweak_registry_unregister(r, tokens[0]), n);
    ck_assert_uint_eq(gcweak_registry_unregister(r, tokens[1]), n);
    /* 3: after the drops, under token 0 again: the target's list starts
     * with a dropped registration. */
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_registry_register(r, targets[i], (void *)(4 * i + 4), tokens[0]),
                         GCWEAK_OK);
}

START_TEST(every_registration_of_a_target_runs_but_the_dropped_ones)
{
    enum { N = 2000 };
    struct counts *c = new_counts(4 * N);
    gcweak_registry *r = gcweak_registry_new(count_cleanup, c);
    ck_assert_ptr_nonnull(r);
    void **targets = key_array(N);
    void **tokens = two_tokens();
    register_each_four_times(r, targets, tokens, N);
    collect(2);
    ck_assert_int_eq(atomic_load(&c->total), 0); /* every target alive */
    for (size_t i = 0; i < N; i++)
        targets[i] = NULL;
    collect(4);
    (void)gcweak_registry_cleanup(r);
    assert_at_most_once(c);
    size_t both = 0;
    for (size_t i = 0; i < N; i++) {
        ck_assert_msg(atomic_load(&c->ran[4 * i]) == 0, "dropped first of %zu ran", i);
        ck_assert_msg(atomic_load(&c->ran[4 * i + 2]) == 0, "dropped third of %zu ran", i);
        both += atomic_load(&c->ran[4 * i + 1]) == 1 && atomic_load(&c->ran[4 * i + 3]) == 1;
    }
    ck_assert_uint_ge(both, N - TOLERATED(N));
    /* A target that died ran both of its live registrations, and nothing
     * else ran. */
    for (size_t i = 0; i < N; i++)
        ck_assert_msg(atomic_load(&c->ran[4 * i + 1]) == atomic_load(&c->ran[4 * i + 3]),
                      "target %zu ran one of its two registrations", i);
    ck_assert_int_eq(atomic_load(&c->total), 2 * (long)both);
}
END_TEST

START_TEST(callbacks_may_register_and_unregister)
{
    struct reentry *re = GC_MALLOC_UNCOLLECTABLE(sizeof *re);
    ck_assert_ptr_nonnull(re);
    /* Heap memory: stores dirty their page, for manual dirty bits. */
    re->keep = key_array(64); /* malloc'd: no collector object */
    GC_PTR_STORE_AND_DIRTY(&re->token, new_key(16));
    GC_PTR_STORE_AND_DIRTY(&re->r, gcweak_registry_new(reenter, re));
    ck_assert_ptr_nonnull(re->r);
    register_dying_plain(re->r, 500);
    collect(3);
    (void)gcweak_registry_cleanup(re->r);
    ck_assert_int_ge(atomic_load(&re->calls), 500 - TOLERATED(500));
    /* Every callback's own registration was dropped by the next one's
     * unregister, or by its own: none is left under the token. */
    ck_assert_uint_eq(gcweak_registry_unregister(re->r, re->token), 0);
}
END_TEST

/* Where callbacks run: with finalizers on demand, nowhere until the
 * program invokes finalizers or asks the registry. */
START_TEST(on_demand_callbacks_wait_for_the_program)
{
    /* Under the suite's on-demand configuration a thread of the
     * application invokes finalizers all the time: the property is then
     * the application's to keep, and the other configurations test it. */
    if (getenv("GCWEAK_TEST_FINALIZE_ON_DEMAND") != NULL)
        return;
    GC_set_finalize_on_demand(1);
    struct counts *c = new_counts(2 * 1000);
    gcweak_registry *r = gcweak_registry_new(count_cleanup, c);
    ck_assert_ptr_nonnull(r);
    register_dying(r, NULL, 0, 1000, false);
    for (int i = 0; i < 3; i++) {
        clear_stack();
        GC_gcollect();
    }
    ck_assert_int_eq(atomic_load(&c->total), 0);
    GC_invoke_finalizers();
    ck_assert_int_ge(atomic_load(&c->total), 1000 - TOLERATED(1000));
    /* The second batch: on request. */
    long before = atomic_load(&c->total);
    register_dying(r, NULL, 1000, 1000, false);
    for (int i = 0; i < 3; i++) {
        clear_stack();
        GC_gcollect();
    }
    size_t ran = gcweak_registry_cleanup(r);
    ck_assert_uint_eq(ran, (size_t)(atomic_load(&c->total) - before));
    ck_assert_int_ge(atomic_load(&c->total) - before, 1000 - TOLERATED(1000));
    assert_at_most_once(c);
}
END_TEST

/* A registry nothing reaches is reclaimed with its registrations: no
 * callback runs, held values are released. */
static atomic_long unreachable_calls;

static void count_unreachable(void *held, void *arg)
{
    (void)held;
    (void)arg;
    atomic_fetch_add(&unreachable_calls, 1);
}

/* The targets outlive the registry: they die only once nothing reaches it. */
static NOINLINE void make_dropped_registry(void **targets, size_t n, atomic_long *released)
{
    gcweak_registry *r = gcweak_registry_new(count_unreachable, NULL);
    ck_assert_ptr_nonnull(r);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_registry_register(r, targets[i],
                                                  new_counted_value(16, released), NULL),
                         GCWEAK_OK);
}

START_TEST(an_unreachable_registry_runs_no_callbacks)
{
    enum { N = 2000 };
    void **targets = key_array(N);
    for (size_t i = 0; i < N; i++)
        targets[i] = new_key(16);
    atomic_long released = 0;
    atomic_store(&unreachable_calls, 0);
    make_dropped_registry(targets, N, &released);
    collect(2);
    ck_assert_int_eq(atomic_load(&unreachable_calls), 0); /* targets alive */
    for (size_t i = 0; i < N; i++)
        targets[i] = NULL;
    collect(4);
    ck_assert_int_le(atomic_load(&unreachable_calls), TOLERATED(N));
    ck_assert_int_ge(atomic_load(&released), N - TOLERATED(N));
}
END_TEST

START_TEST(a_noop_registry_costs_nothing_when_nothing_dies)
{
    gcweak_registry *r = gcweak_registry_new(noop_cleanup, NULL);
    ck_assert_ptr_nonnull(r);
    void **keep = key_array(100);
    for (size_t i = 0; i < 100; i++) {
        keep[i] = new_key(16);
        ck_assert_int_eq(gcweak_registry_register(r, keep[i], NULL, keep[i]), GCWEAK_OK);
    }
    collect(3);
    ck_assert_uint_eq(gcweak_registry_cleanup(r), 0);
    ck_assert_uint_eq(gcweak_registry_unregister(r, keep[7]), 1);
}
END_TEST

/* Rounds of register and unregister on one live target, each with a token
 * of its own: what a program that watches a long-lived object for a while,
 * again and again, does. Returns how many callbacks the last one left to
 * run (none: all were dropped). */
static NOINLINE size_t register_and_unregister(gcweak_registry *r, void *target, size_t rounds)
{
    for (size_t i = 0; i < rounds; i++) {
        void *token = new_key(16);
        ck_assert_int_eq(gcweak_registry_register(r, target, (void *)(uintptr_t)(i + 1), token),
                         GCWEAK_OK);
        ck_assert_uint_eq(gcweak_registry_unregister(r, token), 1);
    }
    return gcweak_registry_cleanup(r);
}

START_TEST(unregistered_registrations_of_a_live_target_leave_the_heap_flat)
{
    enum { ROUNDS = 20000, TIMES = 5 };
    struct counts *c = new_counts(ROUNDS);
    gcweak_registry *r = gcweak_registry_new(count_cleanup, c);
    ck_assert_ptr_nonnull(r);
    void **target = key_array(1);
    target[0] = new_key(16);
    ck_assert_uint_eq(register_and_unregister(r, target[0], ROUNDS), 0);
    collect(3);
    size_t heap_after_first = heap_size_needed();
    for (int t = 0; t < TIMES; t++) {
        ck_assert_uint_eq(register_and_unregister(r, target[0], ROUNDS), 0);
        collect(3);
    }
    /* Each dropped registration's entry on the target goes with it: five
     * more rounds need no more heap than the first. */
    ck_assert_uint_le(heap_size_needed(), heap_after_first + heap_after_first / 2);
    ck_assert_int_eq(atomic_load(&c->total), 0);
    /* A registration kept on the live target waits, as before. */
    ck_assert_int_eq(gcweak_registry_register(r, target[0], (void *)(uintptr_t)1, NULL),
                     GCWEAK_OK);
    collect(2);
    ck_assert_uint_eq(gcweak_registry_cleanup(r), 0);
    ck_assert_int_eq(atomic_load(&c->total), 0);
}
END_TEST

Suite *registry_suite(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("finalization registries");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, bad_registrations_are_refused);
    tcase_add_test(tc, each_registration_runs_once_beside_the_targets_finalizer);
    tcase_add_test(tc, held_values_live_until_their_callback_and_go_after);
    tcase_add_test(tc, unregister_drops_what_has_not_run);
    tcase_add_test(tc, every_registration_of_a_target_runs_but_the_dropped_ones);
    tcase_add_test(tc, callbacks_may_register_and_unregister);
    tcase_add_test(tc, on_demand_callbacks_wait_for_the_program);
    tcase_add_test(tc, an_unreachable_registry_runs_no_callbacks);
    tcase_add_test(tc, a_noop_registry_costs_nothing_when_nothing_dies);
    tcase_add_test(tc, unregistered_registrations_of_a_live_target_leave_the_heap_flat);
    tcase_add_test(tc, held_words_that_are_no_pointers_reach_the_callback_as_given);
    suite_add_tcase(s, tc);
    return s;
}
