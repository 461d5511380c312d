/* SPDX-License-Identifier: MIT */
/* gcweak_map_on_removal: the callback gets the intact value of each entry
 * whose key died, once, and none for entries deleted or kept. */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>

enum { N = 5000 };

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

Suite *removal_suite(void)
{
    Suite *s = suite_create("removal");
    TCase *tc = tcase_create("callback");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, removal_callback_sees_each_dead_entry_once_weak_keys);
    tcase_add_test(tc, removal_callback_sees_each_dead_entry_once_ephemeron);
    suite_add_tcase(s, tc);
    return s;
}
