/* SPDX-License-Identifier: MIT */
/*
 * What a hostile program does to gcweak, one scenario per run (argv[1]):
 * each once crashed, deadlocked, recursed without bound, lost data or handed
 * out a reclaimed object. A scenario exits 0 when gcweak held; a crash, a
 * non-zero exit or ctest's timeout (a deadlock) is a failure.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep under -std=c11 */
#define GC_THREADS
#include <gc/gc.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../harness/collect.h"
#include "../harness/report.h"
#include "gcweak.h"

/* -------------------------------------------------------------- helpers */

struct node {
    void *key;      /* points back at the entry's key */
    size_t tag;
};

static atomic_long delivered;

static NOINLINE void fill_dying(gcweak_map *m, size_t n, size_t key_bytes,
                                bool back_pointer)
{
    for (size_t i = 0; i < n; i++) {
        void *k = GC_MALLOC(key_bytes);
        struct node *v = GC_MALLOC(sizeof *v);
        REQUIRE(k != NULL && v != NULL);
        v->key = back_pointer ? k : NULL;
        v->tag = i;
        REQUIRE(gcweak_map_set(m, k, v) == GCWEAK_OK);
    }
}

/* ------------------------------------------------------ capacity hints */

/* Absurd capacity hints: refused, or a map that works. */
static int capacity_hint(void)
{
    const size_t hints[] = {(size_t)1 << 40, ((size_t)1 << 59) + 1, (size_t)1 << 61,
                            ((size_t)1 << 62) + 5, SIZE_MAX / 2, SIZE_MAX};
    void **keys = key_array(1);
    REQUIRE((keys[0] = GC_MALLOC(16)) != NULL);
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        gcweak_map_options o = {0, hints[i]};
        gcweak_map *m = gcweak_map_new_with(&o);
        if (m == NULL)
            continue; /* refused: out of memory is the honest answer */
        CHECK(gcweak_map_set(m, keys[0], (void *)1) == GCWEAK_OK);
        CHECK(gcweak_map_get(m, keys[0]) == (void *)1);
        gcweak_stats st;
        CHECK(gcweak_map_stats(m, &st) == GCWEAK_OK && st.capacity < ((size_t)1 << 40));
        collect(1);
    }
    collect(2);
    return checks_exit_status("capacity_hint");
}

/* ------------------------------------------- callbacks that free keys */

/* The callback owns the value, and frees the key through it: large keys,
 * whose heap blocks go back at once, so a link still registered on one
 * would crash the next collection. */
static void free_key_of(void *value, void *arg)
{
    (void)arg;
    struct node *v = value;
    GC_FREE(v->key);
    v->key = NULL;
    atomic_fetch_add(&delivered, 1);
}

/* A map whose removal callback frees each dead key through its value. */
static gcweak_map *map_freeing_keys(void)
{
    gcweak_map *m = gcweak_map_new();
    REQUIRE(m != NULL);
    gcweak_map_on_removal(m, free_key_of, NULL);
    return m;
}

static size_t slots_used(gcweak_map *m)
{
    gcweak_stats st;
    REQUIRE(gcweak_map_stats(m, &st) == GCWEAK_OK);
    return st.entries + st.dead_slots;
}

static size_t capacity_of(gcweak_map *m)
{
    gcweak_stats st;
    REQUIRE(gcweak_map_stats(m, &st) == GCWEAK_OK);
    return st.capacity;
}

/* Keys die with removals pending, and the first operation after the
 * collection is an insert that must grow the table: the growth meets the
 * retired entries before they are delivered. An insert may reuse a dead slot
 * on its probe path instead of growing, so the dying are few among many
 * kept, and the round is repeated. */
static int callback_frees_keys(void)
{
    enum { ROUNDS = 20, DYING = 100, LARGE = 2048, KEPT_MAX = 1 << 14 };
    void **kept = key_array(KEPT_MAX);
    for (int r = 0; r < ROUNDS; r++) {
        gcweak_map *m = map_freeing_keys();
        /* No collection until the table is at the brink of growing. */
        GC_disable();
        size_t n_kept = 0;
        while (capacity_of(m) < LARGE && n_kept < KEPT_MAX - 1) {
            REQUIRE((kept[n_kept] = GC_MALLOC(16)) != NULL);
            CHECK(gcweak_map_set(m, kept[n_kept], (void *)1) == GCWEAK_OK);
            n_kept++;
        }
        fill_dying(m, DYING, 4096, true);
        /* The table grows when an insert into a never-used slot would leave
         * less than a quarter of them: stop one short of that. */
        /* The index grows when a set would fill more than four fifths. */
        while ((slots_used(m) + 1) * 5 <= capacity_of(m) * 4 && n_kept < KEPT_MAX - 1) {
            REQUIRE((kept[n_kept] = GC_MALLOC(16)) != NULL);
            CHECK(gcweak_map_set(m, kept[n_kept], (void *)1) == GCWEAK_OK);
            n_kept++;
        }
        REQUIRE((kept[n_kept] = GC_MALLOC(16)) != NULL);
        GC_enable();
        collect(1);
        CHECK(gcweak_map_set(m, kept[n_kept], (void *)1) == GCWEAK_OK);
        collect(2);
        (void)gcweak_map_size(m);
    }
    collect(2);
    long total = (long)ROUNDS * DYING;
    printf("callback_frees_keys: %ld of %ld delivered\n", atomic_load(&delivered), total);
    CHECK(atomic_load(&delivered) >= total - TOLERATED(total));
    return checks_exit_status("callback_frees_keys");
}

/* ----------------------------------- a collection inside a growing insert */

static void **doomed; /* roots of the keys that die inside the insert */
static size_t n_doomed;
static atomic_bool inserting;
static atomic_int collected_inside;

static NOINLINE void fill_doomed(gcweak_map *m, size_t n, size_t key_bytes)
{
    for (size_t i = 0; i < n; i++) {
        struct node *v = GC_MALLOC(sizeof *v);
        REQUIRE((doomed[i] = GC_MALLOC(key_bytes)) != NULL && v != NULL);
        v->key = doomed[i];
        v->tag = i;
        REQUIRE(gcweak_map_set(m, doomed[i], v) == GCWEAK_OK);
    }
    n_doomed = n;
}

static void drop_doomed(void)
{
    memset(doomed, 0, n_doomed * sizeof *doomed);
    n_doomed = 0;
}

/* A pending finalizer runs in the first large allocation: the insert's,
 * made with its mutex dropped while it grows the table. The doomed keys
 * lose their roots there and die in the collections it runs. Finalizers
 * that ran anywhere else do nothing. */
static void collect_inside(void *obj, void *arg)
{
    (void)obj;
    (void)arg;
    if (!atomic_load(&inserting) || n_doomed == 0)
        return;
    drop_doomed();
    atomic_fetch_add(&collected_inside, 1);
    for (int i = 0; i < 2; i++) {
        clear_stack();
        GC_gcollect();
    }
}

/* Several, so that one kept alive by a stale word does not matter. */
static NOINLINE void pending_finalizers(void)
{
    for (int i = 0; i < 8; i++) {
        void *p = GC_MALLOC(16);
        REQUIRE(p != NULL);
        GC_REGISTER_FINALIZER(p, collect_inside, NULL, NULL, NULL);
    }
}

/* Keys die in a collection that runs inside an insert growing the table, so
 * the growth meets entries the pass has just retired for the callback,
 * which frees each key through its value: no link may be left on them. */
static int collection_inside_growth(void)
{
    enum { ROUNDS = 5, DOOMED = 500, KEPT_MAX = 1 << 14 };
    doomed = key_array(DOOMED);
    void **kept = key_array(KEPT_MAX);
    for (int r = 0; r < ROUNDS; r++) {
        gcweak_map *m = map_freeing_keys();
        /* No collection until the table is at the brink of growing. */
        GC_disable();
        fill_doomed(m, DOOMED, 4096);
        size_t n_kept = 0;
        /* The index grows when a set would fill more than four fifths. */
        while ((slots_used(m) + 1) * 5 <= capacity_of(m) * 4 && n_kept < KEPT_MAX - 1) {
            REQUIRE((kept[n_kept] = GC_MALLOC(16)) != NULL);
            CHECK(gcweak_map_set(m, kept[n_kept], (void *)1) == GCWEAK_OK);
            n_kept++;
        }
        GC_enable();
        /* The finalizers become pending, not run, and the insert's key is
         * made before any allocation may run them. */
        GC_set_finalize_on_demand(1);
        pending_finalizers();
        clear_stack();
        GC_gcollect();
        REQUIRE((kept[n_kept] = GC_MALLOC(16)) != NULL);
        GC_set_finalize_on_demand(0);
        atomic_store(&inserting, true);
        CHECK(gcweak_map_set(m, kept[n_kept], (void *)1) == GCWEAK_OK);
        atomic_store(&inserting, false);
        drop_doomed(); /* if no finalizer ran inside */
        collect(2);
        (void)gcweak_map_size(m);
        collect(2);
    }
    long total = (long)ROUNDS * DOOMED;
    printf("collection_inside_growth: %d of %d rounds collected inside the insert, "
           "%ld of %ld delivered\n",
           atomic_load(&collected_inside), ROUNDS, atomic_load(&delivered), total);
    /* Otherwise the keys died elsewhere, and the scenario proved nothing. */
    CHECK(atomic_load(&collected_inside) == ROUNDS);
    CHECK(atomic_load(&delivered) >= total - TOLERATED(total));
    return checks_exit_status("collection_inside_growth");
}

/* ------------------------------------ a callback that uses its own map */

static gcweak_map *reentered;
static void **reentered_keys;
static uintptr_t deepest, shallowest;

static void reinsert(void *value, void *arg)
{
    (void)arg;
    char here;
    uintptr_t sp = (uintptr_t)&here;
    if (shallowest == 0 || sp > shallowest)
        shallowest = sp;
    if (deepest == 0 || sp < deepest)
        deepest = sp;
    atomic_fetch_add(&delivered, 1);
    /* An operation on the same map from inside its callback. */
    struct node *v = value;
    CHECK(gcweak_map_set(reentered, reentered_keys[v->tag % 64], value) == GCWEAK_OK);
}

/* Every delivery sets a key of the same map: deliveries must not nest (a
 * frame per batch would overflow a thread's stack, and cost quadratic
 * time). The stack the callbacks run on stays as deep as the first one's. */
static int reentrant_callback(void)
{
    enum { N = 60000 };
    reentered = gcweak_map_new();
    REQUIRE(reentered != NULL);
    reentered_keys = key_array(64);
    for (size_t i = 0; i < 64; i++)
        REQUIRE((reentered_keys[i] = GC_MALLOC(16)) != NULL);
    gcweak_map_on_removal(reentered, reinsert, NULL);
    fill_dying(reentered, N, 16, false);
    collect(2);
    (void)gcweak_map_has(reentered, reentered_keys[0]); /* delivers everything */
    printf("reentrant_callback: %ld of %d delivered, callback stack spread %lu bytes\n",
           atomic_load(&delivered), N, (unsigned long)(shallowest - deepest));
    CHECK(atomic_load(&delivered) >= N - TOLERATED(N));
    CHECK(shallowest - deepest < 16 * 1024);
    CHECK(gcweak_map_size(reentered) <= 64 + TOLERATED(N));
    return checks_exit_status("reentrant_callback");
}

/* ------------------------------ the first map, with finalizers pending */

static atomic_int finalizer_maps;

static void make_a_map(void *obj, void *arg)
{
    (void)obj;
    (void)arg;
    if (gcweak_map_new() != NULL)
        atomic_fetch_add(&finalizer_maps, 1);
}

static NOINLINE void objects_whose_finalizers_make_maps(int n)
{
    for (int i = 0; i < n; i++) {
        void *p = GC_MALLOC(32);
        REQUIRE(p != NULL);
        GC_REGISTER_FINALIZER(p, make_a_map, NULL, NULL, NULL);
    }
}

/* Finalizers that create maps are pending when the program creates its
 * first map: the finalizers may run inside that creation's allocations. */
static int first_map_with_finalizers_pending(void)
{
    GC_set_finalize_on_demand(1);
    objects_whose_finalizers_make_maps(1000);
    clear_stack();
    GC_gcollect();
    GC_gcollect();
    GC_set_finalize_on_demand(0);
    gcweak_map *m = gcweak_map_new();
    CHECK(m != NULL);
    GC_invoke_finalizers();
    printf("first_map_with_finalizers_pending: %d maps made by finalizers\n",
           atomic_load(&finalizer_maps));
    return checks_exit_status("first_map_with_finalizers_pending");
}

/* ---------------------------------- notifications never lost or doubled */

static void count_delivery(void *value, void *arg)
{
    (void)value;
    (void)arg;
    atomic_fetch_add(&delivered, 1);
}

/* Every entry ends either live or delivered exactly once, whatever op comes
 * first after a collection: an insert that reuses storage included. */
static int notifications_add_up(void)
{
    enum { ROUNDS = 20, PER_ROUND = 5000 };
    gcweak_map *m = gcweak_map_new();
    REQUIRE(m != NULL);
    gcweak_map_on_removal(m, count_delivery, NULL);
    void **kept = key_array(ROUNDS);
    for (int r = 0; r < ROUNDS; r++) {
        fill_dying(m, PER_ROUND, 16, false);
        collect(1);
        /* The first operation after the collection is an insert. */
        REQUIRE((kept[r] = GC_MALLOC(16)) != NULL);
        CHECK(gcweak_map_set(m, kept[r], (void *)(uintptr_t)1) == GCWEAK_OK);
    }
    collect(2);
    size_t live = gcweak_map_size(m);
    long inserted = (long)ROUNDS * (PER_ROUND + 1);
    printf("notifications_add_up: %zu live + %ld delivered of %ld\n", live,
           atomic_load(&delivered), inserted);
    CHECK((long)live + atomic_load(&delivered) == inserted);
    CHECK(atomic_load(&delivered) >= ROUNDS * PER_ROUND - TOLERATED(ROUNDS * PER_ROUND));
    return checks_exit_status("notifications_add_up");
}

/* --------------------------------------- clear keeps pending callbacks */

static int clear_delivers_pending(void)
{
    enum { N = 10000 };
    for (int kind = 0; kind < 2; kind++) {
        atomic_store(&delivered, 0);
        gcweak_map_options o = {kind ? GCWEAK_MAP_WEAK_KEYS : 0, 0};
        gcweak_map *m = gcweak_map_new_with(&o);
        REQUIRE(m != NULL);
        gcweak_map_on_removal(m, count_delivery, NULL);
        fill_dying(m, N, 16, false);
        collect(2);
        gcweak_map_clear(m);
        printf("clear_delivers_pending: %s map, %ld of %d delivered\n",
               kind ? "weak-key" : "ephemeron", atomic_load(&delivered), N);
        CHECK(atomic_load(&delivered) >= N - TOLERATED(N));
    }
    return checks_exit_status("clear_delivers_pending");
}

/* ---------------------------------------- a callback chain that loops */

static GC_on_collection_event_proc chained;
static atomic_long looping_calls;

static void looping_component(GC_EventType event)
{
    atomic_fetch_add(&looping_calls, 1);
    if (chained != NULL)
        chained(event);
}

/* A component installed before gcweak re-installs itself, chaining to the
 * callback it finds (gcweak's, which chains back to it). */
static int callback_chain_loops(void)
{
    chained = GC_get_on_collection_event();
    GC_set_on_collection_event(looping_component);
    gcweak_map *m = gcweak_map_new(); /* chains to looping_component */
    REQUIRE(m != NULL);
    chained = GC_get_on_collection_event();
    GC_set_on_collection_event(looping_component);
    void **keys = key_array(1);
    REQUIRE((keys[0] = GC_MALLOC(16)) != NULL);
    void *value = GC_MALLOC(16);
    REQUIRE(value != NULL);
    CHECK(gcweak_map_set(m, keys[0], value) == GCWEAK_OK);
    value = NULL;
    collect(3);
    CHECK(gcweak_map_get(m, keys[0]) != NULL);
    CHECK(atomic_load(&looping_calls) > 0);
    return checks_exit_status("callback_chain_loops");
}

/* ----------------------------- a warn proc that uses the map it is told of */

static gcweak_map *warned_map;
static atomic_int warnings;

static void warn_and_look(char *msg, GC_word arg)
{
    (void)arg;
    if (strstr(msg, "gcweak") == NULL)
        return;
    atomic_fetch_add(&warnings, 1);
    (void)gcweak_map_size(warned_map); /* the map being warned about */
}

static void rogue(GC_EventType event)
{
    (void)event;
}

static int warn_proc_uses_map(void)
{
    GC_set_warn_proc(warn_and_look);
    warned_map = gcweak_map_new();
    REQUIRE(warned_map != NULL);
    void **keys = key_array(100);
    for (size_t i = 0; i < 100; i++) {
        REQUIRE((keys[i] = GC_MALLOC(16)) != NULL);
        CHECK(gcweak_map_set(warned_map, keys[i], GC_MALLOC(16)) == GCWEAK_OK);
    }
    GC_set_on_collection_event(rogue); /* the pass stops running */
    for (int i = 0; i < 20; i++) {
        collect(1);
        CHECK(gcweak_map_get(warned_map, keys[i]) == NULL); /* dropped, not dangling */
    }
    printf("warn_proc_uses_map: %d warning(s)\n", atomic_load(&warnings));
    CHECK(atomic_load(&warnings) == 1);
    return checks_exit_status("warn_proc_uses_map");
}

/* ----------------------------- reads racing a replaced collection callback */

/* A value whose content says whether the collector gave it up: the magic
 * word changes when its finalizer runs, and a finalizer runs only for an
 * object a collection found unreachable. A value the map hands out while its
 * key lives must never be such an object. */
#define CANARY_LIVE ((uintptr_t)0x11fe11feu)
#define CANARY_FINALIZED ((uintptr_t)0xdeadc0deu)

struct canary {
    atomic_uintptr_t magic;
    void *key;      /* points back at its key: ephemeron food */
};

enum {
    RACE_READERS = 2,
    RACE_KEYS = 256,
    /* The driver's steps, each one collection: a third with the pass, two
     * thirds without it, each of these reclaiming the values stored since
     * the one before. */
    RACE_STEPS = 600,
    RACE_READS_PER_STEP = 2000,  /* the readers' progress each step waits for */
    RACE_CHUNK = 100,            /* reads between two progress reports */
    /* Per reader: at most one of its reads spans each collection, and only
     * those are held; implicit collections add a few. */
    RACE_HELD = 4 * RACE_STEPS
};

struct race_reader {
    void **held;        /* root array: values returned across a collection */
    size_t *held_key;   /* the index of the key each was read with */
    size_t n_held;
    size_t first_key;
    long reads, found, straddled, bad;
};

static struct {
    gcweak_map *map;
    void **keys;
    GC_on_collection_event_proc ours;
    GC_warn_proc previous_warn;
    atomic_long progress;
    atomic_bool done;
    atomic_long finalized;
    atomic_long warnings;
} race;

static void canary_finalized(void *obj, void *arg)
{
    (void)arg;
    atomic_store(&((struct canary *)obj)->magic, CANARY_FINALIZED);
    atomic_fetch_add(&race.finalized, 1);
}

static bool canary_intact(const struct canary *c, size_t key)
{
    return atomic_load(&c->magic) == CANARY_LIVE && c->key == race.keys[key];
}

/* gcweak's lost-values warning is expected here: counted, not printed. */
static void race_warn(char *msg, GC_word arg)
{
    if (strstr(msg, "gcweak") != NULL)
        atomic_fetch_add(&race.warnings, 1);
    else
        race.previous_warn(msg, arg);
}

/* Each reader reads every key in turn until the driver is done. A value
 * read while no collection completes is checked at once; one whose read a
 * collection interrupted is the case that matters (that collection, run
 * without the pass, may have found it unreachable), and its finalizer may
 * not have run yet: the reader holds it, which keeps its memory from reuse,
 * and it is checked again once every finalizer has run. */
static void *race_read(void *arg)
{
    struct race_reader *r = arg;
    size_t i = r->first_key;
    while (!atomic_load(&race.done)) {
        for (int n = 0; n < RACE_CHUNK; n++, i = (i + 1) % RACE_KEYS) {
            GC_word before = GC_get_gc_no();
            struct canary *c = gcweak_map_get(race.map, race.keys[i]);
            GC_word after = GC_get_gc_no();
            r->reads++;
            if (c == NULL)
                continue; /* dropped: allowed once collections ran without the pass */
            r->found++;
            if (!canary_intact(c, i)) {
                r->bad++;
                continue;
            }
            if (before != after) {
                r->straddled++;
                if (r->n_held < RACE_HELD) {
                    r->held[r->n_held] = c;
                    r->held_key[r->n_held++] = i;
                }
            }
        }
        atomic_fetch_add(&race.progress, RACE_CHUNK);
    }
    return NULL;
}

/* Values referenced by the map alone, made in a frame of their own. */
static NOINLINE void race_refill(void)
{
    for (size_t i = 0; i < RACE_KEYS; i++) {
        struct canary *c = GC_MALLOC(sizeof *c);
        REQUIRE(c != NULL);
        atomic_init(&c->magic, CANARY_LIVE);
        c->key = race.keys[i];
        GC_REGISTER_FINALIZER(c, canary_finalized, NULL, NULL, NULL);
        CHECK(gcweak_map_set(race.map, race.keys[i], c) == GCWEAK_OK);
    }
}

/* Lock-free readers while another thread takes gcweak's collection callback
 * away and puts it back, with collections between: a collection without
 * the pass reclaims values whose keys live. A read it interrupts must not
 * hand one out (it may find nothing once the map dropped its values). */
static int callback_replaced_mid_read(void)
{
    race.map = gcweak_map_new(); /* installs gcweak's callback */
    REQUIRE(race.map != NULL);
    race.ours = GC_get_on_collection_event();
    race.previous_warn = GC_get_warn_proc();
    GC_set_warn_proc(race_warn);
    race.keys = key_array(RACE_KEYS);
    for (size_t i = 0; i < RACE_KEYS; i++)
        REQUIRE((race.keys[i] = GC_MALLOC(16)) != NULL);
    race_refill();
    collect(1);

    struct race_reader readers[RACE_READERS];
    pthread_t threads[RACE_READERS];
    for (size_t t = 0; t < RACE_READERS; t++) {
        readers[t] = (struct race_reader){.held = key_array(RACE_HELD),
                                          .held_key = calloc(RACE_HELD, sizeof(size_t)),
                                          .first_key = t * RACE_KEYS / RACE_READERS};
        REQUIRE(readers[t].held_key != NULL);
        REQUIRE(pthread_create(&threads[t], NULL, race_read, &readers[t]) == 0);
    }
    /* The steps fix the length of the run. Each waits for reads, not for
     * time, so that collections fall among reads however the threads are
     * scheduled; readers never wait, so they are reading when the world
     * stops. */
    for (long step = 0; step < RACE_STEPS; step++) {
        while (atomic_load(&race.progress) < (step + 1) * RACE_READS_PER_STEP)
            nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 100 * 1000}, NULL);
        switch (step % 3) {
        case 0: /* the pass again: new values must survive while keys live */
            GC_set_on_collection_event(race.ours);
            race_refill();
            break;
        case 1: /* replaced without chaining: the pass stops running */
            GC_set_on_collection_event(rogue);
            break;
        default: /* values stored while the pass is off */
            race_refill();
            break;
        }
        collect(1);
    }
    atomic_store(&race.done, true);
    for (size_t t = 0; t < RACE_READERS; t++)
        REQUIRE(pthread_join(threads[t], NULL) == 0);
    GC_set_on_collection_event(race.ours);
    GC_invoke_finalizers();

    long reads = 0, found = 0, straddled = 0, bad_at_once = 0, bad_later = 0;
    for (size_t t = 0; t < RACE_READERS; t++) {
        struct race_reader *r = &readers[t];
        for (size_t h = 0; h < r->n_held; h++)
            bad_later += !canary_intact(r->held[h], r->held_key[h]);
        reads += r->reads;
        found += r->found;
        straddled += r->straddled;
        bad_at_once += r->bad;
    }

    /* With the pass back, kept keys and values stored since are exact. */
    race_refill();
    collect(2);
    size_t kept_bad = 0;
    for (size_t i = 0; i < RACE_KEYS; i++) {
        struct canary *c = gcweak_map_get(race.map, race.keys[i]);
        kept_bad += c == NULL || !canary_intact(c, i);
    }
    GC_set_warn_proc(race.previous_warn);
    printf("callback_replaced_mid_read: %d collections, %ld reads (%ld found a value, "
           "%ld of these across a collection), %ld canaries finalized, %ld warning(s); bad "
           "canaries handed out: %ld seen at once, %ld after finalizers ran; kept "
           "keys wrong %zu\n",
           RACE_STEPS, reads, found, straddled, atomic_load(&race.finalized),
           atomic_load(&race.warnings), bad_at_once, bad_later, kept_bad);
    CHECK(bad_at_once == 0);
    CHECK(bad_later == 0);
    CHECK(kept_bad == 0);
    CHECK(atomic_load(&race.finalized) > 0); /* the pass really was off */
    CHECK(atomic_load(&race.warnings) >= 1); /* and the drop was reported */
    return checks_exit_status("callback_replaced_mid_read");
}

/* ------------------------------------------------------------- main */

static const struct {
    const char *name;
    int (*run)(void);
} scenarios[] = {
    {"capacity_hint", capacity_hint},
    {"callback_frees_keys", callback_frees_keys},
    {"collection_inside_growth", collection_inside_growth},
    {"reentrant_callback", reentrant_callback},
    {"first_map_with_finalizers_pending", first_map_with_finalizers_pending},
    {"notifications_add_up", notifications_add_up},
    {"clear_delivers_pending", clear_delivers_pending},
    {"callback_chain_loops", callback_chain_loops},
    {"warn_proc_uses_map", warn_proc_uses_map},
    {"callback_replaced_mid_read", callback_replaced_mid_read},
};

int main(int argc, char **argv)
{
    GC_INIT();
    GC_allow_register_threads();
    for (size_t i = 0; argc > 1 && i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp(argv[1], scenarios[i].name) == 0)
            return scenarios[i].run();
    fprintf(stderr, "usage: hostile SCENARIO\n");
    return 2;
}
