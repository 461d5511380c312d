/* SPDX-License-Identifier: MIT */
/*
 * Weak references: the target while it lives, NULL from the collection that
 * reclaims it on, never an object being reclaimed, bad targets refused.
 */
#include "readers.h"

#include <stdlib.h>

static int on_static;

START_TEST(bad_targets_are_refused_and_nothing_is_written)
{
    int on_stack = 0;
    void *in_malloc = malloc(16);
    ck_assert_ptr_nonnull(in_malloc);
    gcweak_ref *untouched = (gcweak_ref *)&on_static;
    gcweak_ref *ref = untouched;
    ck_assert_int_eq(gcweak_ref_new(NULL, &ref), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_ref_new(&on_stack, &ref), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_ref_new(&on_static, &ref), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_ref_new(in_malloc, &ref), GCWEAK_EINVAL);
    ck_assert_ptr_eq(ref, untouched);
    ck_assert_int_eq(gcweak_ref_new(new_key(16), NULL), GCWEAK_EINVAL);
    ck_assert_ptr_null(gcweak_ref_get(NULL));
    free(in_malloc);
}
END_TEST

/* Kept targets come back exactly, interior pointers included, across
 * collections. */
START_TEST(a_ref_returns_its_target_while_it_lives)
{
    enum { N = 2000 };
    void **targets = key_array(N);
    void **objects = key_array(N); /* interior pointers alone may not retain */
    gcweak_ref **refs = (gcweak_ref **)key_array(N);
    for (size_t i = 0; i < N; i++) {
        char *obj = new_key(64);
        objects[i] = obj;
        targets[i] = obj + (i % 4) * 8; /* start, and inside */
        ck_assert_int_eq(gcweak_ref_new(targets[i], &refs[i]), GCWEAK_OK);
    }
    collect(3);
    for (size_t i = 0; i < N; i++)
        ck_assert_ptr_eq(gcweak_ref_get(refs[i]), targets[i]);
}
END_TEST

/* Targets made here are reachable only through refs when it returns. */
static NOINLINE void make_refs_to_dying(gcweak_ref **refs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_ref_new(new_tagged_key(i), &refs[i]), GCWEAK_OK);
}

static size_t count_alive(gcweak_ref **refs, size_t n)
{
    size_t alive = 0;
    for (size_t i = 0; i < n; i++) {
        struct key *k = gcweak_ref_get(refs[i]);
        if (k != NULL) {
            ck_assert_uint_eq(k->magic, KEY_MAGIC);
            alive++;
        }
    }
    return alive;
}

START_TEST(a_ref_reads_null_once_its_target_is_reclaimed)
{
    enum { DYING = 10000, KEPT = 1000 };
    gcweak_ref **refs = (gcweak_ref **)key_array(DYING);
    make_refs_to_dying(refs, DYING);
    void **kept = key_array(KEPT);
    gcweak_ref **kept_refs = (gcweak_ref **)key_array(KEPT);
    for (size_t i = 0; i < KEPT; i++) {
        kept[i] = new_key(16);
        ck_assert_int_eq(gcweak_ref_new(kept[i], &kept_refs[i]), GCWEAK_OK);
    }
    collect(4);
    size_t alive = count_alive(refs, DYING);
    ck_assert_msg(alive <= TOLERATED(DYING), "%zu of %d dead targets still read", alive, DYING);
    for (size_t i = 0; i < KEPT; i++)
        ck_assert_ptr_eq(gcweak_ref_get(kept_refs[i]), kept[i]);
}
END_TEST

/* A target that its bdwgc finalizer revives comes back to nobody's weak
 * reference: the ref was cleared before finalizers ran. */
enum { REVIVED = 1000 };
static void *revived[REVIVED];
static atomic_long revivals;

static void revive(void *obj, void *slot)
{
    (void)obj;
    *(void **)slot = obj;
    atomic_fetch_add(&revivals, 1);
}

static NOINLINE void make_revivable(gcweak_ref **refs)
{
    for (size_t i = 0; i < REVIVED; i++) {
        void *t = new_key(32);
        GC_REGISTER_FINALIZER(t, revive, &revived[i], NULL, NULL);
        ck_assert_int_eq(gcweak_ref_new(t, &refs[i]), GCWEAK_OK);
    }
}

START_TEST(a_revived_target_is_not_given_back)
{
    gcweak_ref **refs = (gcweak_ref **)key_array(REVIVED);
    atomic_store(&revivals, 0);
    make_revivable(refs);
    collect(3);
    ck_assert_int_ge(atomic_load(&revivals), REVIVED - TOLERATED(REVIVED));
    for (size_t i = 0; i < REVIVED; i++)
        if (revived[i] != NULL)
            ck_assert_ptr_null(gcweak_ref_get(refs[i]));
}
END_TEST

#ifndef GCWEAK_TEST_NO_THREADS
enum { SLOTS = 512, ROUNDS = 300 };
static gcweak_ref *_Atomic shared_refs[SLOTS];

static void publish_ref(size_t slot, struct canary *c, void *arg)
{
    (void)arg;
    gcweak_ref *ref = NULL;
    ck_assert_int_eq(gcweak_ref_new(c, &ref), GCWEAK_OK);
    atomic_store(&shared_refs[slot], ref);
}

static struct canary *read_ref(size_t slot, void *arg)
{
    (void)arg;
    return gcweak_ref_get(atomic_load(&shared_refs[slot]));
}

START_TEST(readers_never_see_a_target_being_reclaimed)
{
    GC_add_roots(shared_refs, shared_refs + SLOTS);
    struct race r = {publish_ref, read_ref, NULL};
    race_readers_with_collections(&r, SLOTS, ROUNDS);
}
END_TEST
#endif

Suite *weakref_suite(void)
{
    Suite *s = suite_create("weakref");
    TCase *tc = tcase_create("weak references");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, bad_targets_are_refused_and_nothing_is_written);
    tcase_add_test(tc, a_ref_returns_its_target_while_it_lives);
    tcase_add_test(tc, a_ref_reads_null_once_its_target_is_reclaimed);
    tcase_add_test(tc, a_revived_target_is_not_given_back);
#ifndef GCWEAK_TEST_NO_THREADS
    tcase_add_test(tc, readers_never_see_a_target_being_reclaimed);
#endif
    suite_add_tcase(s, tc);
    return s;
}
