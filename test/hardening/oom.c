/* SPDX-License-Identifier: MIT */
/*
 * Out of memory. With GC_set_max_heap_size low, a map (then a set) is filled
 * until gcweak_map_set (gcweak_set_add) returns GCWEAK_ENOMEM: never a crash
 * or an abort. Then:
 *   - every entry stored before is still there, with its value; the refused
 *     key is absent;
 *   - with the heap exhausted further by the program's own objects, updating
 *     an existing entry and deleting still work, and gcweak_map_new /
 *     gcweak_set_new return NULL;
 *   - once the program drops its own objects and half its keys and collects,
 *     the container works again (thousands of new entries, a new container),
 *     and what it kept is intact.
 * The collector is told to return NULL on exhaustion (GC_set_oom_fn) and to
 * keep quiet about it (GC_set_warn_proc).
 */
#define GC_THREADS
#include <gc/gc.h>

#include <string.h>

#include "hardening.h"

#define HEAP_LIMIT ((size_t)24 << 20)
enum { MAX_KEYS = 4 << 20, AFTER = 5000 };

static void *oom_returns_null(size_t bytes)
{
    (void)bytes;
    return NULL;
}

static void silent(char *msg, GC_word arg)
{
    (void)msg;
    (void)arg;
}

static void *value_of(size_t i)
{
    return (void *)(uintptr_t)(3 * i + 1);
}

/* One container under test, map or set, behind the same four calls. */
struct container {
    const char *name;
    gcweak_map *m;
    gcweak_set *s;
};

static int put(struct container *c, void *k, size_t i)
{
    return c->m != NULL ? gcweak_map_set(c->m, k, value_of(i)) : gcweak_set_add(c->s, k);
}

static bool holds(struct container *c, void *k, size_t i)
{
    if (c->s != NULL)
        return gcweak_set_has(c->s, k);
    void *v = NULL;
    return gcweak_map_lookup(c->m, k, &v) && v == value_of(i);
}

static bool has_key(struct container *c, void *k)
{
    return c->m != NULL ? gcweak_map_has(c->m, k) : gcweak_set_has(c->s, k);
}

static size_t size_of(struct container *c)
{
    return c->m != NULL ? gcweak_map_size(c->m) : gcweak_set_size(c->s);
}

static size_t count_wrong(struct container *c, void **keys, size_t from, size_t to,
                          size_t step)
{
    size_t bad = 0;
    for (size_t i = from; i < to; i += step)
        bad += !holds(c, keys[i], i);
    return bad;
}

/* Allocates small objects of every size class, chained from *ballast (a root),
 * until none can be had. Returns how many. */
static size_t exhaust(void **ballast)
{
    static const size_t sizes[] = {65536, 4096, 1024, 256, 128, 96, 80, 64, 48, 32, 16, 8};
    size_t n = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (;;) {
            void **node = GC_MALLOC(sizes[s]);
            if (node == NULL)
                break;
            node[0] = *ballast;
            *ballast = node;
            n++;
        }
    return n;
}

static void run(struct container *c, void **keys, void **ballast)
{
    /* Fill until refused. */
    size_t stored = 0;
    int rc = GCWEAK_OK;
    void *refused = NULL;
    while (stored < MAX_KEYS) {
        void *k = GC_MALLOC(16);
        if (k == NULL)
            break;
        rc = put(c, k, stored);
        if (rc != GCWEAK_OK) {
            refused = k;
            break;
        }
        keys[stored++] = k;
    }
    printf("oom %s: %zu entries stored, then %s (heap %zu bytes)\n", c->name, stored,
           rc == GCWEAK_ENOMEM ? "GCWEAK_ENOMEM"
           : refused == NULL   ? "the program's own allocation failed"
                               : gcweak_strerror(rc),
           GC_get_heap_size());
    CHECK_MSG(rc == GCWEAK_ENOMEM, "fill ended without GCWEAK_ENOMEM (rc %d)", rc);
    CHECK(stored > 1000);
    CHECK(count_wrong(c, keys, 0, stored, 1) == 0);
    CHECK(size_of(c) == stored);
    if (refused != NULL)
        CHECK(!has_key(c, refused));
    GC_reachable_here(refused);

    /* Exhaust what is left. */
    size_t ballast_objects = exhaust(ballast);
    CHECK(c->m == NULL || gcweak_map_set(c->m, keys[0], value_of(0)) == GCWEAK_OK);
    CHECK(c->m == NULL || gcweak_map_get(c->m, keys[0]) == value_of(0));
    gcweak_map *nm = gcweak_map_new();
    gcweak_set *ns = gcweak_set_new();
    printf("oom %s: %zu more objects exhausted the heap; map_new %s, set_new %s\n",
           c->name, ballast_objects, nm == NULL ? "NULL" : "succeeded",
           ns == NULL ? "NULL" : "succeeded");
    CHECK(nm == NULL);
    /* The failed attempt may let the collector find a little room, so the
     * set may or may not fit; if it does, it must work or refuse cleanly. */
    if (ns != NULL) {
        int src = gcweak_set_add(ns, keys[0]);
        CHECK(src == GCWEAK_OK || src == GCWEAK_ENOMEM);
    }
    /* Deleting needs no memory; the key then is absent and stays so. */
    size_t last = stored - 1;
    if (c->m != NULL)
        CHECK(gcweak_map_delete(c->m, keys[last]));
    else
        CHECK(gcweak_set_delete(c->s, keys[last]));
    CHECK(!has_key(c, keys[last]));
    rc = put(c, keys[last], last); /* may or may not find memory */
    CHECK(rc == GCWEAK_OK || rc == GCWEAK_ENOMEM);
    CHECK(has_key(c, keys[last]) == (rc == GCWEAK_OK));
    if (rc != GCWEAK_OK) {
        keys[last] = NULL;
        stored--;
    }
    CHECK(count_wrong(c, keys, 0, stored, 1) == 0);

    /* Free memory: the ballast and half the keys. Keys were allocated in
     * order, so dropping the upper half empties whole heap blocks, which
     * any size of allocation can reuse. (GCWEAK_OOM_DROP=odd drops every
     * other key instead: half of every block is then free, but only for
     * objects of the keys' size.) */
    *ballast = NULL;
    bool odd = getenv("GCWEAK_OOM_DROP") != NULL && strcmp(getenv("GCWEAK_OOM_DROP"), "odd") == 0;
    size_t kept = odd ? (stored + 1) / 2 : stored / 2, first = odd ? 1 : kept;
    for (size_t i = first; i < stored; i += odd ? 2 : 1)
        keys[i] = NULL;
    collect(4);
    size_t size = size_of(c);
    size_t wrong = odd ? count_wrong(c, keys, 0, stored, 2) : count_wrong(c, keys, 0, kept, 1);
    printf("oom %s: after dropping ballast and %zu keys: size %zu (kept %zu), "
           "kept wrong %zu\n",
           c->name, stored - kept, size, kept, wrong);
    CHECK(wrong == 0);
    CHECK(size >= kept);
    CHECK(size <= kept + TOLERATED(stored - kept));

    /* Works again: new keys where dropped ones were. */
    size_t ok = 0, key_null = 0, enomem = 0;
    size_t from = odd ? 1 : kept, step = odd ? 2 : 1, to = from + step * AFTER;
    for (size_t i = from; i < to; i += step) {
        keys[i] = GC_MALLOC(16);
        if (keys[i] == NULL) {
            key_null++;
            continue;
        }
        rc = put(c, keys[i], i);
        ok += rc == GCWEAK_OK;
        enomem += rc == GCWEAK_ENOMEM;
    }

    nm = gcweak_map_new();
    ns = gcweak_set_new();
    printf("oom %s: recovered: %zu of %d new entries stored (%zu GCWEAK_ENOMEM, "
           "%zu key allocations failed), map_new %s\n",
           c->name, ok, AFTER, enomem, key_null, nm != NULL ? "ok" : "NULL");
    CHECK(ok == AFTER);
    CHECK(nm != NULL && ns != NULL);
    CHECK(odd ? count_wrong(c, keys, 0, stored, 2) == 0 : count_wrong(c, keys, 0, kept, 1) == 0);
    CHECK(count_wrong(c, keys, from, to, step) == 0);

    /* Leave nothing behind for the next container. */
    for (size_t i = 0; i < MAX_KEYS; i++)
        keys[i] = NULL;
    if (c->m != NULL)
        gcweak_map_clear(c->m);
    else
        gcweak_set_clear(c->s);
    collect(3);
}

/* Weak references, registries and weak-value maps out of memory: refused
 * with GCWEAK_ENOMEM, *ref_out untouched, nothing registered or stored; and
 * working again once memory is back. */
static atomic_long cleanups;

static void count_cleanup(void *held, void *arg)
{
    (void)held;
    (void)arg;
    atomic_fetch_add(&cleanups, 1);
}

static NOINLINE void register_doomed(gcweak_registry *r, void **doomed, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        doomed[i] = GC_MALLOC(16);
        REQUIRE(doomed[i] != NULL);
        REQUIRE(gcweak_registry_register(r, doomed[i], (void *)1, NULL) == GCWEAK_OK);
    }
}

static void run_weak(void **ballast)
{
    enum { DOOMED = 200 };
    gcweak_registry *r = gcweak_registry_new(count_cleanup, NULL);
    void **targets = key_array(DOOMED + 1);
    REQUIRE(r != NULL);
    register_doomed(r, targets, DOOMED);
    targets[DOOMED] = GC_MALLOC(16);
    REQUIRE(targets[DOOMED] != NULL);
    gcweak_valmap *names = gcweak_valmap_new();
    REQUIRE(names != NULL && gcweak_valmap_set(names, "kept", 4, targets[DOOMED]) == GCWEAK_OK);
    size_t ballast_objects = exhaust(ballast);
    gcweak_ref *sentinel = (gcweak_ref *)ballast;
    gcweak_ref *ref = sentinel;
    int ref_rc = gcweak_ref_new(targets[DOOMED], &ref);
    int reg_rc = gcweak_registry_register(r, targets[DOOMED], (void *)1, NULL);
    int val_rc = gcweak_valmap_set(names, "a name not stored", 17, targets[DOOMED]);
    CHECK(val_rc == GCWEAK_ENOMEM);
    CHECK(gcweak_valmap_get(names, "a name not stored", 17) == NULL);
    CHECK(gcweak_valmap_get(names, "kept", 4) == targets[DOOMED]);
    printf("oom weak: %zu objects exhausted the heap; ref_new %s, register %s\n",
           ballast_objects, gcweak_strerror(ref_rc), gcweak_strerror(reg_rc));
    CHECK(ref_rc == GCWEAK_ENOMEM && ref == sentinel);
    CHECK(reg_rc == GCWEAK_ENOMEM);
    /* Memory back: all the doomed targets die; the refused registration of
     * the last one calls nothing when it dies too. */
    *ballast = NULL;
    for (size_t i = 0; i <= DOOMED; i++)
        targets[i] = NULL;
    atomic_store(&cleanups, 0);
    collect(4);
    (void)gcweak_registry_cleanup(r);
    printf("oom weak: %ld of %d registrations called back\n", atomic_load(&cleanups),
           DOOMED);
    CHECK(atomic_load(&cleanups) <= DOOMED);
    CHECK(atomic_load(&cleanups) >= DOOMED - TOLERATED(DOOMED));
    void *t = GC_MALLOC(16);
    REQUIRE(t != NULL);
    CHECK(gcweak_ref_new(t, &ref) == GCWEAK_OK && gcweak_ref_get(ref) == t);
    CHECK(gcweak_registry_register(r, t, (void *)1, t) == GCWEAK_OK);
    CHECK(gcweak_registry_unregister(r, t) == 1);
}

int main(void)
{
    GC_set_max_heap_size(HEAP_LIMIT);
    GC_INIT();
    GC_set_oom_fn(oom_returns_null);
    GC_set_warn_proc(silent);

    void **keys = key_array(MAX_KEYS);
    void **ballast = key_array(1);
    struct container map = {"map", gcweak_map_new(), NULL};
    struct container set = {"set", NULL, gcweak_set_new()};
    REQUIRE(map.m != NULL && set.s != NULL);
    run(&map, keys, ballast);
    run(&set, keys, ballast);
    run_weak(ballast);
    return checks_exit_status("oom");
}
