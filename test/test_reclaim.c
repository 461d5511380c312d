/* SPDX-License-Identifier: MIT */
/*
 * Containers nothing else reaches are reclaimed, whatever their own values
 * point to: a value that knows its map (a per-object record that knows its
 * table, a cache entry that knows its cache) keeps nothing alive. And a map
 * that a finalizer revives after its values could be reclaimed never hands
 * one out. Counts follow the suite's rules: containers made in noinline
 * helpers, several collections, 5% tolerance.
 */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>

enum { CONTAINERS = 2000 };

/* The map kinds whose values could point anywhere, and a set reached only
 * from such a map. */
enum kind { EPHEMERON, WEAK_KEYS, POINTER_FREE, SET_FROM_MAP, KINDS };

static gcweak_map *new_map_of(enum kind kind)
{
    static const unsigned flags[KINDS] = {
        [EPHEMERON] = 0,
        [WEAK_KEYS] = GCWEAK_MAP_WEAK_KEYS,
        [POINTER_FREE] = GCWEAK_MAP_POINTER_FREE_VALUES,
        [SET_FROM_MAP] = GCWEAK_MAP_WEAK_KEYS,
    };
    gcweak_map_options o = {flags[kind], 0};
    gcweak_map *m = gcweak_map_new_with(&o);
    ck_assert_ptr_nonnull(m);
    return m;
}

/* What a value that knows its container holds. */
struct owner_record {
    void *map;
    void *set;
};

/* Disappearing links on the watched containers, in malloc'd memory the
 * collector does not scan: a cleared slot is a reclaimed container. */
static GC_hidden_pointer *watch_slots(size_t n)
{
    GC_hidden_pointer *w = calloc(n, sizeof *w);
    ck_assert_ptr_nonnull(w);
    return w;
}

static void watch(GC_hidden_pointer *slot, void *container)
{
    *slot = GC_HIDE_POINTER(container);
    ck_assert_int_eq(GC_general_register_disappearing_link((void **)slot, GC_base(container)),
                     GC_SUCCESS);
}

static size_t count_watched_alive(const GC_hidden_pointer *w, size_t n)
{
    size_t alive = 0;
    for (size_t i = 0; i < n; i++)
        alive += w[i] != 0;
    return alive;
}

static void unwatch(GC_hidden_pointer *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] != 0)
            GC_unregister_disappearing_link((void **)&w[i]);
    free(w);
}

/* One container of `kind` whose only reference is its own entry's value;
 * the entry's key is kept alive by the caller. Watched through *slot: the
 * map, or for SET_FROM_MAP the set the map's value holds (which holds the
 * key as a member). */
static void make_self_referenced(enum kind kind, void *key, GC_hidden_pointer *slot)
{
    gcweak_map *m = new_map_of(kind);
    struct owner_record *r = GC_MALLOC(sizeof *r);
    ck_assert_ptr_nonnull(r);
    GC_PTR_STORE_AND_DIRTY(&r->map, m);
    if (kind == SET_FROM_MAP) {
        gcweak_set *s = gcweak_set_new();
        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(gcweak_set_add(s, key), GCWEAK_OK);
        GC_PTR_STORE_AND_DIRTY(&r->set, s);
        watch(slot, s);
    } else {
        watch(slot, m);
    }
    ck_assert_int_eq(gcweak_map_set(m, key, r), GCWEAK_OK);
}

/* Collections are held off while they are made, so that every one is
 * seen alive before the collections that must reclaim them. */
static NOINLINE void make_self_referenced_containers(enum kind kind, void **keys,
                                                     GC_hidden_pointer *w, size_t n)
{
    GC_disable();
    for (size_t i = 0; i < n; i++)
        make_self_referenced(kind, keys[i], &w[i]);
    GC_enable();
}

/* Each kind in turn (_i); the keys live throughout, so only the
 * containers' own reachability decides. */
START_TEST(containers_held_only_by_their_values_are_reclaimed)
{
    enum kind kind = (enum kind)_i;
    void **keys = key_array(CONTAINERS);
    for (size_t i = 0; i < CONTAINERS; i++)
        keys[i] = new_key(16);
    GC_hidden_pointer *w = watch_slots(CONTAINERS);
    make_self_referenced_containers(kind, keys, w, CONTAINERS);
    ck_assert_uint_eq(count_watched_alive(w, CONTAINERS), CONTAINERS);
    collect(4);
    size_t alive = count_watched_alive(w, CONTAINERS);
    ck_assert_msg(alive <= TOLERATED(CONTAINERS),
                  "kind %d: %zu of %d containers held only by their own values survived",
                  (int)kind, alive, CONTAINERS);
    unwatch(w, CONTAINERS);
    /* The keys were never at stake. */
    gcweak_map *m = new_map_of(EPHEMERON);
    for (size_t i = 0; i < CONTAINERS; i++)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], keys[i]), GCWEAK_OK);
    ck_assert_uint_eq(gcweak_map_size(m), CONTAINERS);
}
END_TEST

static NOINLINE void make_and_drop_self_referenced(void **keys, size_t n, int round)
{
    GC_hidden_pointer ignored;
    for (size_t i = 0; i < n; i++) {
        make_self_referenced((i + (size_t)round) % 2 ? WEAK_KEYS : EPHEMERON, keys[i],
                             &ignored);
        GC_unregister_disappearing_link((void **)&ignored);
    }
}

/* Rounds of such maps, each dropped: the heap stops growing, as it does
 * for maps whose values do not point back. */
START_TEST(self_referenced_maps_leave_the_heap_flat)
{
    enum { MAPS = 500, WARMUP = 8, ROUNDS = 40 };
    void **keys = key_array(MAPS);
    for (size_t i = 0; i < MAPS; i++)
        keys[i] = new_key(16);
    for (int r = 0; r < WARMUP; r++) {
        make_and_drop_self_referenced(keys, MAPS, r);
        collect(2);
    }
    size_t warm = heap_size_needed();
    for (int r = WARMUP; r < ROUNDS; r++) {
        make_and_drop_self_referenced(keys, MAPS, r);
        collect(2);
    }
    size_t heap = heap_size_needed();
    ck_assert_msg(heap <= warm + warm / 2, "heap grew from %zu to %zu bytes over %d rounds",
                  warm, heap, ROUNDS - WARMUP);
}
END_TEST

/* ----------------------------------------------- a map a finalizer revives */

enum { REVIVED_KEYS = 1000, ALIVE = 0x600DF00Du, FINALIZED = 0xDEADu };

/* A value whose finalization is visible in its own word: the collector
 * reclaims it only after its finalizer has run, so a value handed out
 * after that reads FINALIZED (or worse) where it should read ALIVE. */
struct canary {
    uintptr_t state;
};

static void canary_finalized(void *obj, void *unused)
{
    (void)unused;
    ((struct canary *)obj)->state = FINALIZED;
}

/* The object whose finalizer revives the map: it stores the map in a root. */
struct reviver {
    gcweak_map *map;
};

static gcweak_map *_Atomic revived;

static void revive_map(void *obj, void *unused)
{
    (void)unused;
    atomic_store(&revived, ((struct reviver *)obj)->map);
}

static NOINLINE void make_map_for_a_finalizer(enum kind kind, void **keys)
{
    gcweak_map *m = new_map_of(kind);
    for (size_t i = 0; i < REVIVED_KEYS; i++) {
        struct canary *c = GC_MALLOC_ATOMIC(sizeof *c);
        ck_assert_ptr_nonnull(c);
        c->state = ALIVE;
        GC_REGISTER_FINALIZER(c, canary_finalized, NULL, NULL, NULL);
        ck_assert_int_eq(gcweak_map_set(m, keys[i], c), GCWEAK_OK);
    }
    struct reviver *r = GC_MALLOC(sizeof *r);
    ck_assert_ptr_nonnull(r);
    GC_PTR_STORE_AND_DIRTY(&r->map, m);
    GC_REGISTER_FINALIZER(r, revive_map, NULL, NULL, NULL);
}

struct value_check {
    size_t values, bad;
};

static int check_canary(const void *key, void *value, void *arg)
{
    (void)key;
    struct value_check *vc = arg;
    if (value != NULL) {
        vc->values++;
        vc->bad += ((struct canary *)value)->state != ALIVE;
    }
    return 0;
}

/* The map became unreachable with its values; an object's finalizer then
 * brought it back. Its values were not kept for it: it keeps its keys and
 * has lost its values (each reads NULL), and never hands out one the
 * collector finalized or reclaimed. _i: ephemeron or weak-key map. */
START_TEST(a_revived_map_hands_out_no_reclaimed_value)
{
    enum kind kind = _i == 0 ? EPHEMERON : WEAK_KEYS;
    void **keys = key_array(REVIVED_KEYS);
    for (size_t i = 0; i < REVIVED_KEYS; i++)
        keys[i] = new_key(16);
    atomic_store(&revived, NULL);
    make_map_for_a_finalizer(kind, keys);
    for (int r = 0; r < 10 && atomic_load(&revived) == NULL; r++)
        collect(1);
    gcweak_map *m = atomic_load(&revived);
    ck_assert_msg(m != NULL, "the reviving finalizer never ran");
    /* The values' finalizers have run too, and more collections pass. */
    collect(3);
    struct value_check vc = {0, 0};
    size_t found = 0;
    for (size_t i = 0; i < REVIVED_KEYS; i++) {
        void *v = NULL;
        found += gcweak_map_lookup(m, keys[i], &v);
        (void)check_canary(keys[i], v, &vc);
    }
    ck_assert_int_eq(gcweak_map_foreach(m, check_canary, &vc), GCWEAK_OK);
    ck_assert_msg(vc.bad == 0, "%zu of %zu values handed out were finalized", vc.bad,
                  vc.values);
    ck_assert_uint_eq(vc.values, 0);
    ck_assert_uint_eq(found, REVIVED_KEYS);
    ck_assert_uint_eq(gcweak_map_size(m), REVIVED_KEYS);
    /* And the map works on: new values are kept as usual. */
    for (size_t i = 0; i < REVIVED_KEYS; i++)
        ck_assert_int_eq(gcweak_map_set(m, keys[i], keys[(i + 1) % REVIVED_KEYS]), GCWEAK_OK);
    collect(2);
    for (size_t i = 0; i < REVIVED_KEYS; i++)
        ck_assert_ptr_eq(gcweak_map_get(m, keys[i]), keys[(i + 1) % REVIVED_KEYS]);
    atomic_store(&revived, NULL);
}
END_TEST

Suite *reclaim_suite(void)
{
    Suite *s = suite_create("reclaim");
    TCase *tc = tcase_create("unreachable containers");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, containers_held_only_by_their_values_are_reclaimed, 0, KINDS);
    tcase_add_test(tc, self_referenced_maps_leave_the_heap_flat);
    tcase_add_loop_test(tc, a_revived_map_hands_out_no_reclaimed_value, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
