/* SPDX-License-Identifier: MIT */
/*
 * Entries vanish with their keys. Keys that must die are made in noinline
 * helpers that keep no pointer to them; survivors are asserted with a 5%
 * tolerance (the collector is conservative), kept keys exactly.
 */
#include "harness.h"

#include <stdint.h>

enum { DYING = 10000, KEPT = 2000 };

/* The disguised addresses of dead keys: asking for them reads no memory,
 * so it is safe even after the objects are reclaimed. */
static GC_word *hidden_dead;

/* Collections are held off while recording, or a dead key's address could be
 * reused by a later key and counted as a survivor. */
static NOINLINE void fill_map_with_dying_keys(gcweak_map *m, size_t n,
                                              atomic_long *finalized)
{
    GC_disable();
    for (size_t i = 0; i < n; i++) {
        void *k = new_key(32);
        hidden_dead[i] = GC_HIDE_POINTER(k);
        void *v = finalized ? new_counted_value(32, finalized) : (void *)(uintptr_t)i;
        ck_assert_int_eq(gcweak_map_set(m, k, v), GCWEAK_OK);
    }
    GC_enable();
}

static size_t count_still_found(gcweak_map *m, size_t n)
{
    size_t found = 0;
    for (size_t i = 0; i < n; i++)
        found += gcweak_map_has(m, (void *)GC_REVEAL_POINTER(hidden_dead[i]));
    return found;
}

static void **keep_keys(gcweak_map *m, size_t n)
{
    void **kept = key_array(n);
    for (size_t i = 0; i < n; i++) {
        kept[i] = new_key(32);
        gcweak_map_set(m, kept[i], (void *)(uintptr_t)(~i));
    }
    return kept;
}

static void assert_kept_intact(gcweak_map *m, void **kept, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void *v = NULL;
        ck_assert_msg(gcweak_map_lookup(m, kept[i], &v), "kept key %zu lost", i);
        ck_assert_ptr_eq(v, (void *)(uintptr_t)(~i));
    }
}

static void setup(void)
{
    hidden_dead = GC_MALLOC_ATOMIC(4 * DYING * sizeof *hidden_dead);
}

START_TEST(entries_vanish_with_their_keys)
{
    gcweak_map *m = gcweak_map_new();
    void **kept = keep_keys(m, KEPT);
    fill_map_with_dying_keys(m, DYING, NULL);
    collect(4);
    size_t size = gcweak_map_size(m);
    ck_assert_uint_ge(size, KEPT);
    ck_assert_uint_le(size, KEPT + TOLERATED(DYING));
    ck_assert_uint_le(count_still_found(m, DYING), TOLERATED(DYING));
    assert_kept_intact(m, kept, KEPT);
}
END_TEST

START_TEST(values_are_released_with_their_keys)
{
    atomic_long finalized = 0;
    gcweak_map *m = gcweak_map_new();
    void **kept = keep_keys(m, KEPT);
    fill_map_with_dying_keys(m, DYING, &finalized);
    collect(2);
    /* Touching the map purges what the collection cleared... */
    (void)gcweak_map_has(m, kept[0]);
    /* ...and the next collections reclaim the released values. */
    collect(3);
    ck_assert_int_ge(atomic_load(&finalized), DYING - TOLERATED(DYING));
    assert_kept_intact(m, kept, KEPT);
}
END_TEST

START_TEST(delete_and_clear_release_values)
{
    atomic_long finalized = 0;
    gcweak_map *m = gcweak_map_new();
    void **keys = key_array(DYING);
    for (size_t i = 0; i < DYING; i++) {
        keys[i] = new_key(16);
        gcweak_map_set(m, keys[i], new_counted_value(32, &finalized));
    }
    for (size_t i = 0; i < DYING / 2; i++)
        gcweak_map_delete(m, keys[i]);
    collect(3);
    long after_delete = atomic_load(&finalized);
    ck_assert_int_ge(after_delete, DYING / 2 - TOLERATED(DYING / 2));
    ck_assert_int_le(after_delete, DYING / 2); /* live entries keep theirs */
    gcweak_map_clear(m);
    collect(3);
    ck_assert_int_ge(atomic_load(&finalized), DYING - TOLERATED(DYING));
    GC_reachable_here(keys);
}
END_TEST

/* Every other key dies, so dead slots sit inside every probe sequence. */
static NOINLINE void **fill_alternating(gcweak_map *m, size_t n)
{
    void **kept = key_array(n / 2);
    GC_disable(); /* see fill_map_with_dying_keys */
    for (size_t i = 0; i < n; i++) {
        void *k = new_key(16);
        if (i % 2) {
            kept[i / 2] = k;
            gcweak_map_set(m, k, (void *)(uintptr_t)(~(i / 2)));
        } else {
            hidden_dead[i / 2] = GC_HIDE_POINTER(k);
            gcweak_map_set(m, k, (void *)(uintptr_t)i);
        }
    }
    GC_enable();
    return kept;
}

START_TEST(mass_death_inside_probe_sequences)
{
    enum { TOTAL = 4 * DYING };
    gcweak_map *m = gcweak_map_new();
    void **kept = fill_alternating(m, TOTAL);
    collect(4);
    assert_kept_intact(m, kept, TOTAL / 2);
    ck_assert_uint_le(gcweak_map_size(m), TOTAL / 2 + TOLERATED(TOTAL / 2));
    ck_assert_uint_le(count_still_found(m, TOTAL / 2), TOLERATED(TOTAL / 2));

    /* Refill amid the dead slots, then delete among them. */
    void **fresh = key_array(TOTAL / 2);
    for (size_t i = 0; i < TOTAL / 2; i++) {
        fresh[i] = new_key(16);
        ck_assert_int_eq(gcweak_map_set(m, fresh[i], (void *)(uintptr_t)i), GCWEAK_OK);
    }
    for (size_t i = 0; i < TOTAL / 2; i += 2) {
        ck_assert(gcweak_map_delete(m, kept[i]));
        ck_assert(gcweak_map_delete(m, fresh[i]));
    }
    collect(2);
    for (size_t i = 0; i < TOTAL / 2; i++) {
        ck_assert_int_eq(gcweak_map_has(m, kept[i]), i % 2 == 1);
        ck_assert_int_eq(gcweak_map_has(m, fresh[i]), i % 2 == 1);
        if (i % 2) {
            ck_assert_ptr_eq(gcweak_map_get(m, kept[i]), (void *)(uintptr_t)(~i));
            ck_assert_ptr_eq(gcweak_map_get(m, fresh[i]), (void *)(uintptr_t)i);
        }
    }
    /* Dead keys of the first half may survive conservatively, no others. */
    ck_assert_uint_ge(gcweak_map_size(m), TOTAL / 2);
    ck_assert_uint_le(gcweak_map_size(m), TOTAL / 2 + TOLERATED(TOTAL / 2));
}
END_TEST

/* A deleted key's slot stays registered on it; reusing the slot must
 * retarget the link, or that key's death zeroes the new entry. */
static NOINLINE void insert_then_delete_dying(gcweak_map *m, size_t n)
{
    void **tmp = key_array(n);
    for (size_t i = 0; i < n; i++) {
        tmp[i] = new_key(16);
        gcweak_map_set(m, tmp[i], (void *)1);
    }
    for (size_t i = 0; i < n; i++) {
        gcweak_map_delete(m, tmp[i]);
        tmp[i] = NULL;
    }
}

START_TEST(reused_slots_do_not_inherit_old_deaths)
{
    gcweak_map *m = gcweak_map_new();
    /* Fill without resizing in between: size the table first. */
    void **kept = keep_keys(m, DYING);
    for (size_t i = 0; i < DYING; i++)
        gcweak_map_delete(m, kept[i]);
    insert_then_delete_dying(m, DYING);
    for (size_t i = 0; i < DYING; i++)
        gcweak_map_set(m, kept[i], (void *)(uintptr_t)(~i));
    collect(4);
    assert_kept_intact(m, kept, DYING);
    ck_assert_uint_eq(gcweak_map_size(m), DYING);
}
END_TEST

static NOINLINE void fill_set_with_dying_keys(gcweak_set *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gcweak_set_add(s, new_key(16));
}

START_TEST(set_members_vanish_with_their_keys)
{
    gcweak_set *s = gcweak_set_new();
    void **kept = key_array(KEPT);
    for (size_t i = 0; i < KEPT; i++) {
        kept[i] = new_key(16);
        gcweak_set_add(s, kept[i]);
    }
    fill_set_with_dying_keys(s, DYING);
    collect(4);
    ck_assert_uint_le(gcweak_set_size(s), KEPT + TOLERATED(DYING));
    for (size_t i = 0; i < KEPT; i++)
        ck_assert(gcweak_set_has(s, kept[i]));
}
END_TEST

/* Thousands of maps over the same keys, each dropped: the heap stays flat,
 * the maps themselves are reclaimed, and the keys still work. */
static void count_map_reclaimed(void *obj, void *counter)
{
    (void)obj;
    atomic_fetch_add((atomic_long *)counter, 1);
}

/* Each map maps every key to the next; with `reclaimed`, each map counts its
 * own reclamation there (a finalizer on our own test object, not a key). */
static NOINLINE void make_and_drop_maps(void **keys, size_t nkeys, int maps,
                                        atomic_long *reclaimed)
{
    for (int i = 0; i < maps; i++) {
        gcweak_map *m = gcweak_map_new();
        ck_assert_ptr_nonnull(m);
        if (reclaimed)
            GC_register_finalizer(m, count_map_reclaimed, reclaimed, NULL, NULL);
        for (size_t k = 0; k < nkeys; k++)
            gcweak_map_set(m, keys[k], keys[(k + 1) % nkeys]);
    }
}

START_TEST(dropped_maps_are_reclaimed_and_heap_stays_flat)
{
    enum { NKEYS = 100, ROUNDS = 5, MAPS = 1000 };
    void **keys = key_array(NKEYS);
    for (size_t k = 0; k < NKEYS; k++)
        keys[k] = new_key(16);
    make_and_drop_maps(keys, NKEYS, MAPS, NULL);
    collect(3);
    size_t heap_after_first = heap_size_needed();
    for (int r = 0; r < ROUNDS; r++) {
        make_and_drop_maps(keys, NKEYS, MAPS, NULL);
        collect(3);
    }
    /* Five more rounds of the same garbage must not need more heap. */
    ck_assert_uint_le(heap_size_needed(), heap_after_first + heap_after_first / 2);

    atomic_long reclaimed = 0;
    make_and_drop_maps(keys, NKEYS, MAPS, &reclaimed);
    collect(4);
    ck_assert_int_ge(atomic_load(&reclaimed), MAPS - MAPS / 20);

    gcweak_map *m = gcweak_map_new();
    for (size_t k = 0; k < NKEYS; k++)
        ck_assert_int_eq(gcweak_map_set(m, keys[k], (void *)(uintptr_t)k), GCWEAK_OK);
    collect(2);
    for (size_t k = 0; k < NKEYS; k++)
        ck_assert_ptr_eq(gcweak_map_get(m, keys[k]), (void *)(uintptr_t)k);
}
END_TEST

Suite *death_suite(void)
{
    Suite *s = suite_create("death");
    TCase *tc = tcase_create("keys die");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, entries_vanish_with_their_keys);
    tcase_add_test(tc, values_are_released_with_their_keys);
    tcase_add_test(tc, delete_and_clear_release_values);
    tcase_add_test(tc, mass_death_inside_probe_sequences);
    tcase_add_test(tc, reused_slots_do_not_inherit_old_deaths);
    tcase_add_test(tc, set_members_vanish_with_their_keys);
    tcase_add_test(tc, dropped_maps_are_reclaimed_and_heap_stays_flat);
    suite_add_tcase(s, tc);
    return s;
}
