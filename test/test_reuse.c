/* SPDX-License-Identifier: MIT */
/*
 * A dead key's address, reused by a new object, finds nothing.
 *
 * Once the collector reclaims a key, bdwgc hands its address to the next
 * object of that size and kind. A table that trusted any copy of the dead
 * key's word the collector does not clear (one kept beside the entry number
 * in an index slot, say) would answer for the new object with the dead
 * key's entry and value, and a set of the new object would update that dead
 * entry instead of making its own.
 *
 * Each test makes keys die, then allocates objects of the same size and
 * kind until a large share of them land on the dead keys' addresses (which
 * is checked, or the test would prove nothing), and asks the container
 * about those objects. None of them was ever inserted, and a key the
 * collector kept alive conservatively keeps its address from being reused,
 * so every answer about them must be "absent": exactly, with no tolerance.
 * What may survive conservatively is only counted, against TOLERATED.
 *
 * Dead addresses are recorded XOR'd with a constant in malloc'd memory,
 * which the collector does not scan: recording them keeps nothing alive,
 * and comparing them reads no reclaimed memory.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

enum {
    DYING = 20000,                     /* keys (or values) made to die */
    KEPT = 1000,                       /* kept, allocated among the dying */
    PIN_EVERY = (DYING + KEPT) / KEPT, /* every 21st allocated is kept */
    FRESH = DYING + DYING / 2,         /* objects allocated after the deaths */
    REUSED_AT_LEAST = DYING / 2,       /* of them, on a dead address */
    GROWN = 3 * DYING,                 /* keys that grow the index */
    SHRUNK = 8000,                     /* keys most of which are deleted */
    SHRUNK_KEPT_EVERY = 10,            /* the ones that are not */
    KEY_BYTES = 16,
    /* Growing keys' link records: the collector's own, 24 bytes of its NORMAL
     * kind, which with the slop byte of interior pointers share the size
     * class of 16-byte keys. The records of GROWN new entries would take
     * every address the dying keys freed before any new object could, so
     * the keys of that test are of a size of their own. */
    GROWN_KEY_BYTES = 48,
    /* Each size its own size class, with and without GC_DEBUG headers and
     * interior pointers, so that only what the test means to free frees
     * addresses of the new objects' size. */
    VALUE_BYTES = 80,                  /* doubly-weak values */
    EXTRA_BYTES = 96,                  /* growing and shrinking keys */
};

/* Value numbers: which value each key is stored with. */
enum {
    V_KEPT = 0,
    V_DYING = V_KEPT + KEPT,
    V_FRESH = V_DYING + DYING,
    V_EXTRA = V_FRESH + FRESH,
    V_TOTAL = V_EXTRA + GROWN,
};

#define HIDE(p) ((uintptr_t)(p) ^ (~(uintptr_t)0 / 3))

/* A sorted set of hidden addresses, in malloc'd memory. */
struct addrs {
    uintptr_t *a;
    size_t n;
};

static struct addrs addrs_new(size_t capacity)
{
    struct addrs s = {malloc(capacity * sizeof(uintptr_t)), 0};
    if (s.a == NULL)
        ck_abort_msg("out of memory for %zu addresses", capacity);
    return s;
}

static int cmp_word(const void *x, const void *y)
{
    uintptr_t a = *(const uintptr_t *)x, b = *(const uintptr_t *)y;
    return (a > b) - (a < b);
}

static void addrs_sort(struct addrs *s)
{
    qsort(s->a, s->n, sizeof *s->a, cmp_word);
}

static bool addrs_has_hidden(const struct addrs *s, uintptr_t hidden)
{
    return bsearch(&hidden, s->a, s->n, sizeof *s->a, cmp_word) != NULL;
}

static bool addrs_has(const struct addrs *s, const void *p)
{
    return addrs_has_hidden(s, HIDE(p));
}

/* ---------------------------------------------------------- containers */

enum kind { EPHEMERON, WEAK_KEYS, POINTER_FREE, DOUBLY_WEAK, SET, KINDS };

static const char *const kind_name[KINDS] = {"ephemeron map", "weak-key map",
                                             "pointer-free map", "doubly-weak map", "set"};
static const unsigned kind_flags[KINDS] = {0, GCWEAK_MAP_WEAK_KEYS,
                                           GCWEAK_MAP_POINTER_FREE_VALUES,
                                           GCWEAK_MAP_WEAK_VALUES, 0};

/* Static, so the containers it names are roots; the arrays are roots of
 * their own (key_array). */
static struct fixture {
    enum kind kind;
    bool atomic;       /* keys (or, for dying values, values) GC_MALLOC_ATOMIC */
    size_t key_bytes;  /* the dying keys' size, and the new objects' */
    const char *name;  /* for messages */
    gcweak_map *map;
    gcweak_set *set;
    void **kept;       /* KEPT keys, stored with values V_KEPT + i */
    void **values;     /* doubly-weak: the value objects, by number */
    void **extra;      /* keys that grow or shrink the table, or hold values */
    void **fresh;      /* FRESH objects allocated after the deaths */
    struct addrs dead;  /* the dying keys' (or values') addresses */
    struct addrs fresh_addrs; /* the fresh objects' addresses */
    uintptr_t *dead_by_key;   /* dying value i's hidden address */
} F;

static void setup_fixture(enum kind kind, bool atomic)
{
    memset(&F, 0, sizeof F);
    F.kind = kind;
    F.atomic = atomic;
    F.key_bytes = KEY_BYTES;
    F.name = atomic ? "atomic keys" : "keys";
    if (kind == SET) {
        F.set = gcweak_set_new();
        ck_assert_ptr_nonnull(F.set);
    } else {
        gcweak_map_options o = {kind_flags[kind], 0};
        F.map = gcweak_map_new_with(&o);
        ck_assert_ptr_nonnull(F.map);
    }
    F.kept = key_array(KEPT);
    if (kind == DOUBLY_WEAK)
        F.values = key_array(V_TOTAL);
    F.extra = key_array(GROWN);
    F.fresh = key_array(FRESH);
    F.dead = addrs_new(DYING);
    F.fresh_addrs = addrs_new(FRESH);
}

static void *must(void *p)
{
    if (p == NULL)
        ck_abort_msg("out of memory");
    return p;
}

/* An object of the size and kind under test. */
static void *alloc_object(size_t bytes)
{
    return must(F.atomic ? GC_MALLOC_ATOMIC(bytes) : GC_MALLOC(bytes));
}

/* Value number v: a word no heap address can be (the top of the address
 * space), or for a doubly-weak map an object of F.values, made on first use. */
static void *value_of(size_t v)
{
    if (F.kind != DOUBLY_WEAK)
        return (void *)(UINTPTR_MAX - v);
    if (F.values[v] == NULL)
        F.values[v] = must(GC_MALLOC(VALUE_BYTES));
    return F.values[v];
}

static void put(const void *key, size_t v)
{
    int rc = F.set ? gcweak_set_add(F.set, key) : gcweak_map_set(F.map, key, value_of(v));
    if (rc != GCWEAK_OK)
        ck_abort_msg("%s: storing a key failed: %s", kind_name[F.kind], gcweak_strerror(rc));
}

/* How many of the reads find p: get, lookup (and its out value), has. */
static int finds(const void *p)
{
    if (F.set)
        return gcweak_set_has(F.set, p);
    void *out = NULL;
    return (gcweak_map_get(F.map, p) != NULL) + gcweak_map_lookup(F.map, p, &out) +
           (out != NULL) + gcweak_map_has(F.map, p);
}

static bool remove_key(const void *p)
{
    return F.set ? gcweak_set_delete(F.set, p) : gcweak_map_delete(F.map, p);
}

/* Whether key is present with value number v. */
static bool holds(const void *key, size_t v)
{
    if (F.set)
        return gcweak_set_has(F.set, key);
    void *out = NULL;
    return gcweak_map_lookup(F.map, key, &out) && out == value_of(v) &&
           gcweak_map_get(F.map, key) == out;
}

static size_t size(void)
{
    return F.set ? gcweak_set_size(F.set) : gcweak_map_size(F.map);
}

static size_t capacity(void)
{
    gcweak_stats st;
    ck_assert_int_eq(F.set ? gcweak_set_stats(F.set, &st) : gcweak_map_stats(F.map, &st),
                     GCWEAK_OK);
    return st.capacity;
}

/* What foreach visits: how many, and how many of the fresh objects (which
 * no one stored, as keys or values). */
struct walk {
    size_t visited, fresh;
};

static int visit_entry(const void *key, void *value, void *arg)
{
    struct walk *w = arg;
    w->visited++;
    w->fresh += addrs_has(&F.fresh_addrs, key) + addrs_has(&F.fresh_addrs, value);
    return 0;
}

static int visit_member(const void *key, void *arg)
{
    return visit_entry(key, NULL, arg);
}

static struct walk walk(void)
{
    struct walk w = {0, 0};
    int rc = F.set ? gcweak_set_foreach(F.set, visit_member, &w)
                   : gcweak_map_foreach(F.map, visit_entry, &w);
    ck_assert_int_eq(rc, GCWEAK_OK);
    return w;
}

/* ------------------------------------------------------ the dying keys */

/* DYING keys, each reachable only through the container, allocated among
 * the KEPT ones: every PIN_EVERY-th key allocated is kept, so that every
 * block of the keys' size keeps live objects and is swept into the free
 * list of that size, rather than handed back whole to the heap for objects
 * of other sizes. Collections are held off meanwhile: no key dies, lending
 * its address to a later one, before all are recorded. */
static NOINLINE void fill_with_dying_keys(void)
{
    size_t kept = 0, dying = 0;
    GC_disable();
    for (size_t i = 0; i < KEPT + DYING; i++) {
        void *k = alloc_object(F.key_bytes);
        if (i % PIN_EVERY == 0) {
            F.kept[kept] = k;
            put(k, V_KEPT + kept++);
        } else {
            F.dead.a[dying] = HIDE(k);
            put(k, V_DYING + dying++);
        }
    }
    GC_enable();
    F.dead.n = dying;
    addrs_sort(&F.dead);
    ck_assert_uint_eq(kept, KEPT);
    ck_assert_uint_eq(dying, DYING);
}

/* FRESH objects of `bytes`, of the kind under test, kept in F.fresh.
 * Returns how many landed on a dead address. */
static size_t allocate_fresh(size_t bytes)
{
    size_t reused = 0;
    for (size_t j = 0; j < FRESH; j++) {
        F.fresh[j] = alloc_object(bytes);
        F.fresh_addrs.a[j] = HIDE(F.fresh[j]);
        reused += addrs_has(&F.dead, F.fresh[j]);
    }
    F.fresh_addrs.n = FRESH;
    addrs_sort(&F.fresh_addrs);
    ck_assert_msg(reused >= REUSED_AT_LEAST,
                  "%s, %s: only %zu of %d new objects landed on a dead address: "
                  "the test would prove nothing",
                  kind_name[F.kind], F.name, reused, FRESH);
    return reused;
}

/* No read finds a fresh object, and no delete removes one: exactly. */
static void assert_fresh_objects_absent(void)
{
    size_t found = 0, found_reused = 0;
    for (size_t j = 0; j < FRESH; j++)
        if (finds(F.fresh[j])) {
            found++;
            found_reused += addrs_has(&F.dead, F.fresh[j]);
        }
    ck_assert_msg(found == 0,
                  "%s, %s: reads found %zu objects never stored, %zu of them at a dead "
                  "key's address",
                  kind_name[F.kind], F.name, found, found_reused);
    size_t deleted = 0;
    for (size_t j = 0; j < FRESH; j++)
        deleted += remove_key(F.fresh[j]);
    ck_assert_msg(deleted == 0, "%s, %s: delete removed %zu objects never stored",
                  kind_name[F.kind], F.name, deleted);
}

/* Size and foreach count `live` keys and at most a tolerance of the dead,
 * and foreach hands out no fresh object. */
static void assert_dead_entries_gone(size_t live)
{
    size_t n = size();
    ck_assert_msg(n >= live && n <= live + TOLERATED(DYING),
                  "%s, %s: size %zu, expected %zu live and at most %d of %d dead",
                  kind_name[F.kind], F.name, n, live, TOLERATED(DYING), DYING);
    struct walk w = walk();
    ck_assert_msg(w.visited >= live && w.visited <= live + TOLERATED(DYING),
                  "%s, %s: foreach visited %zu, expected %zu live and at most %d of %d dead",
                  kind_name[F.kind], F.name, w.visited, live, TOLERATED(DYING), DYING);
    ck_assert_msg(w.fresh == 0, "%s, %s: foreach handed out %zu objects never stored",
                  kind_name[F.kind], F.name, w.fresh);
}

/* The fresh objects stored: each makes an entry of its own, counted once,
 * that reads its own value and goes with one delete. Collections are held
 * off so that no conservative survivor dies while size is compared. */
static void assert_fresh_entries_are_their_own(void)
{
    GC_disable();
    size_t before = size();
    for (size_t j = 0; j < FRESH; j++)
        put(F.fresh[j], V_FRESH + j);
    ck_assert_msg(size() == before + FRESH, "%s, %s: %d new keys stored, size %zu -> %zu",
                  kind_name[F.kind], F.name, FRESH, before, size());
    size_t wrong = 0;
    for (size_t j = 0; j < FRESH; j++)
        wrong += !holds(F.fresh[j], V_FRESH + j);
    ck_assert_msg(wrong == 0, "%s, %s: %zu of %d new keys read another value",
                  kind_name[F.kind], F.name, wrong, FRESH);
    for (size_t j = 0; j < FRESH; j += 2) {
        wrong += !remove_key(F.fresh[j]);
        wrong += finds(F.fresh[j]) != 0;
        wrong += remove_key(F.fresh[j]); /* a second delete finds nothing */
    }
    ck_assert_msg(wrong == 0, "%s, %s: %zu wrong answers deleting new keys once",
                  kind_name[F.kind], F.name, wrong);
    for (size_t j = 1; j < FRESH; j += 2)
        wrong += !holds(F.fresh[j], V_FRESH + j);
    ck_assert_msg(wrong == 0, "%s, %s: %zu new keys lost to their neighbours' deletes",
                  kind_name[F.kind], F.name, wrong);
    ck_assert_uint_eq(size(), before + FRESH / 2);
    GC_enable();
}

static void assert_kept(void **keys, size_t n, size_t first_value, size_t every)
{
    size_t lost = 0;
    for (size_t i = 0; i < n; i += every)
        lost += !holds(keys[i], first_value + i);
    ck_assert_msg(lost == 0, "%s, %s: %zu kept keys lost their entry or value",
                  kind_name[F.kind], F.name, lost);
}

enum scenario { AS_IS, GROWN_INDEX, SHRUNK_INDEX };

/* _i: the kind of container (_i % KINDS), atomic keys or not (_i / KINDS). */
static void dead_keys_stay_dead(int i, enum scenario sc)
{
    setup_fixture((enum kind)(i % KINDS), i / KINDS != 0);
    if (sc == GROWN_INDEX)
        F.key_bytes = GROWN_KEY_BYTES;
    size_t live = KEPT;
    if (sc == SHRUNK_INDEX)
        for (size_t e = 0; e < SHRUNK; e++) {
            F.extra[e] = must(GC_MALLOC(EXTRA_BYTES));
            put(F.extra[e], V_EXTRA + e);
        }
    fill_with_dying_keys();
    collect(4);
    if (sc == GROWN_INDEX) {
        size_t before = capacity();
        for (size_t e = 0; e < GROWN; e++) {
            F.extra[e] = must(GC_MALLOC(EXTRA_BYTES));
            put(F.extra[e], V_EXTRA + e);
        }
        ck_assert_msg(capacity() > before, "%s: the index did not grow (%zu -> %zu)",
                      kind_name[F.kind], before, capacity());
        live += GROWN;
    } else if (sc == SHRUNK_INDEX) {
        size_t before = capacity(), failed = 0;
        for (size_t e = 0; e < SHRUNK; e++)
            if (e % SHRUNK_KEPT_EVERY != 0) {
                failed += !remove_key(F.extra[e]);
                F.extra[e] = NULL;
            }
        ck_assert_uint_eq(failed, 0);
        ck_assert_msg(capacity() < before, "%s: the index did not shrink (%zu -> %zu)",
                      kind_name[F.kind], before, capacity());
        live += (SHRUNK + SHRUNK_KEPT_EVERY - 1) / SHRUNK_KEPT_EVERY;
    }
    allocate_fresh(F.key_bytes);
    assert_fresh_objects_absent();
    assert_dead_entries_gone(live);
    assert_fresh_entries_are_their_own();
    assert_kept(F.kept, KEPT, V_KEPT, 1);
    if (sc == GROWN_INDEX)
        assert_kept(F.extra, GROWN, V_EXTRA, 1);
    else if (sc == SHRUNK_INDEX)
        assert_kept(F.extra, SHRUNK, V_EXTRA, SHRUNK_KEPT_EVERY);
}

START_TEST(new_objects_at_dead_keys_addresses_find_nothing)
{
    dead_keys_stay_dead(_i, AS_IS);
}
END_TEST

START_TEST(new_objects_at_dead_keys_addresses_find_nothing_after_growth)
{
    dead_keys_stay_dead(_i, GROWN_INDEX);
}
END_TEST

START_TEST(new_objects_at_dead_keys_addresses_find_nothing_after_shrinking)
{
    dead_keys_stay_dead(_i, SHRUNK_INDEX);
}
END_TEST

/* --------------------------------------------- doubly-weak: dying values */

/* DYING values, each reachable only through the map, of kept keys (in
 * F.extra), allocated among KEPT kept values (F.values, of keys F.kept) for
 * the reason fill_with_dying_keys gives. */
static NOINLINE void fill_with_dying_values(void)
{
    size_t kept = 0, dying = 0;
    GC_disable();
    for (size_t i = 0; i < KEPT + DYING; i++) {
        void *k = must(GC_MALLOC(KEY_BYTES));
        void *v = alloc_object(VALUE_BYTES);
        if (i % PIN_EVERY == 0) {
            F.kept[kept] = k;
            F.values[V_KEPT + kept++] = v;
        } else {
            F.extra[dying] = k;
            F.dead_by_key[dying] = F.dead.a[dying] = HIDE(v);
            dying++;
        }
        ck_assert_int_eq(gcweak_map_set(F.map, k, v), GCWEAK_OK);
    }
    GC_enable();
    F.dead.n = dying;
    addrs_sort(&F.dead);
    ck_assert_uint_eq(kept, KEPT);
    ck_assert_uint_eq(dying, DYING);
}

/* _i: values GC_MALLOC_ATOMIC or not. The keys live throughout; their
 * values die, and new objects take the values' addresses: a key whose
 * value died must read nothing, never the object now at its value's
 * address. */
START_TEST(new_objects_at_dead_values_addresses_are_no_values)
{
    setup_fixture(DOUBLY_WEAK, _i != 0);
    F.name = _i ? "atomic values" : "values";
    F.dead_by_key = malloc(DYING * sizeof *F.dead_by_key);
    ck_assert_ptr_nonnull(F.dead_by_key);
    fill_with_dying_values();
    collect(4);
    size_t survived = 0;
    for (size_t i = 0; i < DYING; i++)
        survived += gcweak_map_get(F.map, F.extra[i]) != NULL;
    ck_assert_msg(survived <= TOLERATED(DYING), "%zu of %d entries outlived their values",
                  survived, DYING);

    allocate_fresh(VALUE_BYTES);
    size_t stale = 0, reused = 0, found = 0;
    for (size_t i = 0; i < DYING; i++) {
        void *got = gcweak_map_get(F.map, F.extra[i]);
        stale += got != NULL && addrs_has(&F.fresh_addrs, got);
        found += got != NULL;
        if (addrs_has_hidden(&F.fresh_addrs, F.dead_by_key[i])) {
            reused++;
            stale += finds(F.extra[i]) != 0;
        }
    }
    ck_assert_uint_ge(reused, REUSED_AT_LEAST);
    ck_assert_msg(stale == 0,
                  "%s: %zu reads of %zu keys whose dead value's address was reused "
                  "found something (or the new object there)",
                  F.name, stale, reused);
    ck_assert_uint_le(found, TOLERATED(DYING));
    assert_kept(F.kept, KEPT, V_KEPT, 1);
    assert_dead_entries_gone(KEPT);

    /* Each key takes a new value as an entry of its own. */
    for (size_t i = 0; i < DYING; i++)
        ck_assert_int_eq(gcweak_map_set(F.map, F.extra[i], F.fresh[i]), GCWEAK_OK);
    size_t wrong = 0;
    for (size_t i = 0; i < DYING; i++)
        wrong += gcweak_map_get(F.map, F.extra[i]) != F.fresh[i];
    ck_assert_uint_eq(wrong, 0);
    ck_assert_uint_eq(gcweak_map_size(F.map), KEPT + DYING);
    assert_kept(F.kept, KEPT, V_KEPT, 1);
}
END_TEST

/* ------------------------------------------------------------- threads */

#ifndef GCWEAK_TEST_NO_THREADS
#include <pthread.h>

enum { T_KEYS = 4000, T_PIN_EVERY = 8, T_ROUNDS = 12, T_READERS = 2 };

_Static_assert(T_ROUNDS * T_KEYS <= V_TOTAL, "value numbers of every round");
_Static_assert(T_KEYS + T_KEYS / T_PIN_EVERY <= DYING, "a round's dead keys fit F.dead");

/* Static: what it points to is reachable. */
static struct {
    /* Every round's new objects, T_KEYS a round (a root): all stay alive, so
     * that only dead keys (and the collector's records of their links) free
     * addresses of the keys' size. */
    _Atomic(void *) *published;
    atomic_size_t first;        /* where the round readers ask about starts */
    void **pins;                /* this round's kept keys (a root) */
    atomic_bool stop;
    atomic_long reads, hits;
} T;

/* Asks about the current round's new objects until told to stop. Each
 * object it holds is alive (its stack is scanned), so its address is no
 * dead key's: any hit is a stale answer. */
static void *hammer(void *unused)
{
    (void)unused;
    long reads = 0, hits = 0;
    while (!atomic_load(&T.stop)) {
        _Atomic(void *) *round = T.published + atomic_load(&T.first);
        for (size_t i = 0; i < T_KEYS; i++) {
            void *p = atomic_load_explicit(&round[i], memory_order_acquire);
            if (p == NULL)
                continue;
            reads++;
            hits += finds(p) != 0;
        }
    }
    atomic_fetch_add(&T.reads, reads);
    atomic_fetch_add(&T.hits, hits);
    return NULL;
}

/* A round's dying keys, and its pins, which replace the last round's: all
 * recorded in F.dead, the last round's pins too, which die now. */
static NOINLINE void fill_round(int round)
{
    size_t dying = 0;
    GC_disable();
    for (size_t i = 0; i < T_KEYS; i++) {
        void *k = alloc_object(KEY_BYTES);
        if (i % T_PIN_EVERY == 0) {
            if (T.pins[i / T_PIN_EVERY] != NULL)
                F.dead.a[dying++] = HIDE(T.pins[i / T_PIN_EVERY]);
            T.pins[i / T_PIN_EVERY] = k;
        } else {
            F.dead.a[dying++] = HIDE(k);
        }
        put(k, (size_t)round * T_KEYS + i);
    }
    GC_enable();
    F.dead.n = dying;
    addrs_sort(&F.dead);
}

/* _i: the kind of container. Readers ask about objects no one stored while
 * this thread makes keys die, collects, and allocates new objects at the
 * dead keys' addresses. */
START_TEST(readers_racing_reuse_find_nothing)
{
    setup_fixture((enum kind)_i, false);
    T.published = calloc((size_t)T_ROUNDS * T_KEYS, sizeof *T.published);
    ck_assert_ptr_nonnull(T.published);
    GC_add_roots(T.published, T.published + (size_t)T_ROUNDS * T_KEYS);
    T.pins = key_array(T_KEYS / T_PIN_EVERY);
    atomic_store(&T.first, 0);
    atomic_store(&T.stop, false);
    atomic_store(&T.reads, 0);
    atomic_store(&T.hits, 0);
    pthread_t readers[T_READERS];
    for (int r = 0; r < T_READERS; r++)
        ck_assert_int_eq(pthread_create(&readers[r], NULL, hammer, NULL), 0);
    size_t reused = 0, found = 0;
    for (int round = 0; round < T_ROUNDS; round++) {
        fill_round(round);
        collect(2);
        size_t first = (size_t)round * T_KEYS;
        atomic_store(&T.first, first);
        for (size_t i = 0; i < T_KEYS; i++) {
            void *p = alloc_object(KEY_BYTES);
            atomic_store_explicit(&T.published[first + i], p, memory_order_release);
            reused += addrs_has(&F.dead, p);
            found += finds(p) != 0;
        }
    }
    atomic_store(&T.stop, true);
    for (int r = 0; r < T_READERS; r++)
        pthread_join(readers[r], NULL);
    ck_assert_msg(reused >= (size_t)T_ROUNDS * T_KEYS / 4,
                  "%s: only %zu of %d new objects landed on a dead address",
                  kind_name[F.kind], reused, T_ROUNDS * T_KEYS);
    ck_assert_int_gt(atomic_load(&T.reads), 0);
    ck_assert_msg(found == 0 && atomic_load(&T.hits) == 0,
                  "%s: objects never stored were found: %zu by the writer, %ld of %ld "
                  "reads by the readers",
                  kind_name[F.kind], found, atomic_load(&T.hits), atomic_load(&T.reads));
}
END_TEST
#endif

Suite *reuse_suite(void)
{
    Suite *s = suite_create("reuse");
    TCase *tc = tcase_create("dead keys' addresses reused");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, new_objects_at_dead_keys_addresses_find_nothing, 0, 2 * KINDS);
    tcase_add_loop_test(tc, new_objects_at_dead_keys_addresses_find_nothing_after_growth, 0,
                        2 * KINDS);
    tcase_add_loop_test(tc, new_objects_at_dead_keys_addresses_find_nothing_after_shrinking, 0,
                        2 * KINDS);
    tcase_add_loop_test(tc, new_objects_at_dead_values_addresses_are_no_values, 0, 2);
#ifndef GCWEAK_TEST_NO_THREADS
    tcase_add_loop_test(tc, readers_racing_reuse_find_nothing, 0, KINDS);
#endif
    suite_add_tcase(s, tc);
    return s;
}
