/* SPDX-License-Identifier: MIT */
/*
 * Doubly-weak maps (GCWEAK_MAP_WEAK_VALUES): an entry goes when its key or
 * its value is reclaimed, neither side keeps the other alive through the
 * map, values must be collector objects, and get never hands out a value
 * being reclaimed.
 */
#include "readers.h"

#include <stdlib.h>

enum { DYING = 10000, KEPT = 1000 };

static gcweak_map *new_doubly_weak(void)
{
    gcweak_map_options o = {GCWEAK_MAP_WEAK_VALUES, 0};
    gcweak_map *m = gcweak_map_new_with(&o);
    ck_assert_ptr_nonnull(m);
    return m;
}

static int on_static;

START_TEST(weak_values_refuse_what_is_no_collector_object)
{
    gcweak_map_options both = {GCWEAK_MAP_WEAK_VALUES | GCWEAK_MAP_WEAK_KEYS, 0};
    gcweak_map_options opaque = {GCWEAK_MAP_WEAK_VALUES | GCWEAK_MAP_POINTER_FREE_VALUES, 0};
    ck_assert_ptr_null(gcweak_map_new_with(&both));
    ck_assert_ptr_null(gcweak_map_new_with(&opaque));
    gcweak_map *m = new_doubly_weak();
    void *k = new_key(16);
    int on_stack = 0;
    void *in_malloc = malloc(16);
    ck_assert_ptr_nonnull(in_malloc);
    ck_assert_int_eq(gcweak_map_set(m, k, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_set(m, k, &on_stack), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_set(m, k, &on_static), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_set(m, k, in_malloc), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_map_set(m, k, (void *)(uintptr_t)42), GCWEAK_EINVAL);
    ck_assert(!gcweak_map_has(m, k));
    ck_assert_uint_eq(gcweak_map_size(m), 0);
    ck_assert_int_eq(gcweak_map_on_removal(m, NULL, NULL), GCWEAK_EINVAL);
    /* A good value is stored, and a bad one later leaves it as it was. */
    void *v = new_key(16);
    ck_assert_int_eq(gcweak_map_set(m, k, v), GCWEAK_OK);
    ck_assert_int_eq(gcweak_map_set(m, k, in_malloc), GCWEAK_EINVAL);
    ck_assert_ptr_eq(gcweak_map_get(m, k), v);
    free(in_malloc);
}
END_TEST

/* Keys kept, values made here and held by nothing but the map. */
static NOINLINE void fill_dying_values(gcweak_map *m, void **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], new_tagged_key(i)), GCWEAK_OK);
}

/* Values kept, keys made here. */
static NOINLINE void fill_dying_keys(gcweak_map *m, void **values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_map_set(m, new_key(16), values[i]), GCWEAK_OK);
}

struct agreement {
    size_t visited, bad;
};

static int count_visit(const void *key, void *value, void *arg)
{
    struct agreement *a = arg;
    a->visited++;
    a->bad += key == NULL || value == NULL;
    return 0;
}

START_TEST(an_entry_goes_when_its_value_dies)
{
    gcweak_map *m = new_doubly_weak();
    void **keys = key_array(DYING + KEPT);
    void **values = key_array(KEPT);
    for (size_t i = 0; i < DYING + KEPT; i++)
        keys[i] = new_key(16);
    fill_dying_values(m, keys, DYING);
    for (size_t i = 0; i < KEPT; i++) {
        values[i] = new_tagged_key(i);
        ck_assert_int_eq(gcweak_map_set(m, keys[DYING + i], values[i]), GCWEAK_OK);
    }
    collect(4);
    size_t found = 0;
    for (size_t i = 0; i < DYING; i++) {
        struct key *v = gcweak_map_get(m, keys[i]);
        if (v != NULL) {
            ck_assert_uint_eq(v->magic, KEY_MAGIC);
            found++;
        }
    }
    ck_assert_msg(found <= TOLERATED(DYING), "%zu of %d entries outlived their values", found,
                  DYING);
    for (size_t i = 0; i < KEPT; i++)
        ck_assert_ptr_eq(gcweak_map_get(m, keys[DYING + i]), values[i]);
    /* size, get and foreach agree. */
    struct agreement a = {0, 0};
    ck_assert_int_eq(gcweak_map_foreach(m, count_visit, &a), GCWEAK_OK);
    ck_assert_uint_eq(a.bad, 0);
    ck_assert_uint_eq(a.visited, gcweak_map_size(m));
    ck_assert_uint_eq(gcweak_map_size(m), KEPT + found);
    /* A key whose value died takes a new value as a new entry. */
    void *fresh = new_key(16);
    for (size_t i = 0; i < DYING; i++)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], fresh), GCWEAK_OK);
    ck_assert_uint_eq(gcweak_map_size(m), DYING + KEPT);
    ck_assert_ptr_eq(gcweak_map_get(m, keys[0]), fresh);
}
END_TEST

START_TEST(an_entry_goes_when_its_key_dies)
{
    gcweak_map *m = new_doubly_weak();
    void **values = key_array(DYING);
    for (size_t i = 0; i < DYING; i++)
        values[i] = new_key(16);
    fill_dying_keys(m, values, DYING);
    collect(4);
    size_t left = gcweak_map_size(m);
    ck_assert_msg(left <= TOLERATED(DYING), "%zu of %d entries outlived their keys", left,
                  DYING);
}
END_TEST

/* A value that points to its key holds nothing: both are garbage. */
struct back {
    uintptr_t magic;
    void *key;
};

static NOINLINE void fill_values_pointing_to_keys(gcweak_map *m, size_t n, atomic_long *died)
{
    for (size_t i = 0; i < n; i++) {
        void *k = new_counted_value(16, died);
        struct back *v = GC_MALLOC(sizeof *v);
        ck_assert_ptr_nonnull(v);
        v->magic = KEY_MAGIC;
        GC_PTR_STORE_AND_DIRTY(&v->key, k);
        ck_assert_int_eq(gcweak_map_set(m, k, v), GCWEAK_OK);
    }
}

START_TEST(a_value_pointing_to_its_key_holds_nothing)
{
    gcweak_map *m = new_doubly_weak();
    atomic_long died = 0;
    fill_values_pointing_to_keys(m, DYING, &died);
    collect(4);
    ck_assert_int_ge(atomic_load(&died), DYING - TOLERATED(DYING));
    ck_assert_uint_le(gcweak_map_size(m), TOLERATED(DYING));
}
END_TEST

/* A key that points to its value keeps the value, and so the entry. */
struct forward {
    uintptr_t magic;
    void *value;
};

START_TEST(a_key_pointing_to_its_value_keeps_the_entry)
{
    gcweak_map *m = new_doubly_weak();
    struct forward **keys = (struct forward **)key_array(KEPT);
    for (size_t i = 0; i < KEPT; i++) {
        keys[i] = GC_MALLOC(sizeof *keys[i]);
        ck_assert_ptr_nonnull(keys[i]);
        GC_PTR_STORE_AND_DIRTY(&keys[i]->value, new_tagged_key(i));
        ck_assert_int_eq(gcweak_map_set(m, keys[i], keys[i]->value), GCWEAK_OK);
    }
    collect(4);
    ck_assert_uint_eq(gcweak_map_size(m), KEPT);
    for (size_t i = 0; i < KEPT; i++) {
        struct key *v = gcweak_map_get(m, keys[i]);
        ck_assert_ptr_eq(v, keys[i]->value);
        ck_assert_uint_eq(v->id, i);
    }
}
END_TEST

/* Replacing a value lets the old one go; delete and clear hold nothing. */
static NOINLINE void set_counted_values(gcweak_map *m, void **keys, size_t n, atomic_long *died)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], new_counted_value(16, died)), GCWEAK_OK);
}

START_TEST(replaced_deleted_and_cleared_values_are_released)
{
    gcweak_map *m = new_doubly_weak();
    void **keys = key_array(KEPT);
    void **values = key_array(KEPT);
    for (size_t i = 0; i < KEPT; i++)
        keys[i] = new_key(16);
    atomic_long died = 0;
    set_counted_values(m, keys, KEPT, &died);
    for (size_t i = 0; i < KEPT; i++) {
        values[i] = new_key(16);
        ck_assert_int_eq(gcweak_map_set(m, keys[i], values[i]), GCWEAK_OK);
    }
    collect(4);
    ck_assert_int_ge(atomic_load(&died), KEPT - TOLERATED(KEPT));
    for (size_t i = 0; i < KEPT; i++)
        ck_assert_ptr_eq(gcweak_map_get(m, keys[i]), values[i]);
    for (size_t i = 0; i < KEPT / 2; i++)
        ck_assert(gcweak_map_delete(m, keys[i]));
    ck_assert_uint_eq(gcweak_map_size(m), KEPT - KEPT / 2);
    gcweak_map_clear(m);
    ck_assert_uint_eq(gcweak_map_size(m), 0);
    ck_assert(!gcweak_map_has(m, keys[KEPT - 1]));
}
END_TEST

#ifndef GCWEAK_TEST_NO_THREADS
enum { SLOTS = 512, ROUNDS = 300 };

struct slots {
    gcweak_map *map;
    void **keys;
};

static void publish_value(size_t slot, struct canary *c, void *arg)
{
    struct slots *s = arg;
    ck_assert_int_eq(gcweak_map_set(s->map, s->keys[slot], c), GCWEAK_OK);
}

static struct canary *read_value(size_t slot, void *arg)
{
    struct slots *s = arg;
    return gcweak_map_get(s->map, s->keys[slot]);
}

START_TEST(readers_never_get_a_value_being_reclaimed)
{
    struct slots *s = GC_MALLOC_UNCOLLECTABLE(sizeof *s);
    ck_assert_ptr_nonnull(s);
    /* Heap memory: under manual dirty bits a store the collector is not
     * told of may be missed by an incremental collection, which then
     * reclaims the map while the test uses it. */
    GC_PTR_STORE_AND_DIRTY(&s->map, new_doubly_weak());
    s->keys = key_array(SLOTS); /* malloc'd: no collector object */
    for (size_t i = 0; i < SLOTS; i++)
        s->keys[i] = new_key(16);
    struct race r = {publish_value, read_value, s};
    race_readers_with_collections(&r, SLOTS, ROUNDS);
}
END_TEST
#endif

Suite *weak_values_suite(void)
{
    Suite *s = suite_create("weak_values");
    TCase *tc = tcase_create("doubly-weak maps");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, weak_values_refuse_what_is_no_collector_object);
    tcase_add_test(tc, an_entry_goes_when_its_value_dies);
    tcase_add_test(tc, an_entry_goes_when_its_key_dies);
    tcase_add_test(tc, a_value_pointing_to_its_key_holds_nothing);
    tcase_add_test(tc, a_key_pointing_to_its_value_keeps_the_entry);
    tcase_add_test(tc, replaced_deleted_and_cleared_values_are_released);
#ifndef GCWEAK_TEST_NO_THREADS
    tcase_add_test(tc, readers_never_get_a_value_being_reclaimed);
#endif
    suite_add_tcase(s, tc);
    return s;
}
