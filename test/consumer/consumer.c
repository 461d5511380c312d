/* SPDX-License-Identifier: MIT */
/* An out-of-tree program using the installed gcweak: built by run.sh once
 * through find_package(gcweak) and once through pkg-config. It uses only
 * gcweak.h and bdwgc's public headers. */
#define GC_THREADS                  /* before gc.h: redirects pthread_create */
#include <gc.h>
#include <gcweak.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)

typedef struct object { uintptr_t id; char pad[40]; } object;

static object *new_object(uintptr_t id)
{
    object *o = GC_MALLOC(sizeof *o);
    CHECK(o != NULL);
    o->id = id;
    return o;
}

/* A GC-allocated value whose release is counted by a finalizer. */
static volatile long values_released;
static void count_release(void *obj, void *data) { (void)obj; (void)data; values_released++; }

static uintptr_t *new_value(uintptr_t v, int counted)
{
    uintptr_t *box = GC_MALLOC_ATOMIC(sizeof *box);
    CHECK(box != NULL);
    *box = v;
    if (counted)
        GC_REGISTER_FINALIZER(box, count_release, NULL, NULL, NULL);
    return box;
}

__attribute__((noinline)) static void clear_stack(void)
{
    volatile char junk[64 * 1024];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0;
}

/* Stack cleared, several collections; any call on a container lets it
 * drop its dead entries and so release their values. */
/* Always inlined, and clearing first from the caller's frame: a frame of
 * its own would lie, uncleared, over the stale pointers a helper the
 * caller called just before left there. */
static inline __attribute__((always_inline)) void collect(gcweak_map *m, gcweak_set *s)
{
    clear_stack();
    for (int round = 0; round < 4; round++) {
        clear_stack();
        GC_gcollect();
        if (m)
            gcweak_map_size(m);
        if (s)
            gcweak_set_size(s);
        GC_invoke_finalizers();
    }
}

/* ------------------------------------------------------------ use cases */
static void use_cases(void)
{
    gcweak_map *visits = gcweak_map_new(), *cache = gcweak_map_new();
    gcweak_set *unread = gcweak_set_new();
    CHECK(visits && cache && unread);
    object *alice = new_object(1), *msg = new_object(2);

    for (int i = 0; i < 3; i++)               /* visit counter */
        CHECK(gcweak_map_set(visits, alice,
              (void *)((uintptr_t)gcweak_map_get(visits, alice) + 1)) == GCWEAK_OK);
    CHECK((uintptr_t)gcweak_map_get(visits, alice) == 3);

    CHECK(gcweak_map_set(cache, alice, new_value(42, 0)) == GCWEAK_OK);   /* cache */
    collect(cache, NULL);
    CHECK(*(uintptr_t *)gcweak_map_get(cache, alice) == 42);  /* value kept alive */

    CHECK(gcweak_set_add(unread, msg) == GCWEAK_OK);           /* unread flags */
    CHECK(gcweak_set_has(unread, msg) && gcweak_set_size(unread) == 1);
    CHECK(gcweak_set_delete(unread, msg) && !gcweak_set_has(unread, msg));
    CHECK(!gcweak_set_delete(unread, msg) && gcweak_set_size(unread) == 0);

    void *out = &out;                                          /* read dates */
    CHECK(!gcweak_map_lookup(visits, msg, &out) && out == &out);
    CHECK(gcweak_map_set(visits, msg, NULL) == GCWEAK_OK);    /* a stored NULL */
    CHECK(gcweak_map_lookup(visits, msg, &out) && out == NULL);
    CHECK(gcweak_map_has(visits, msg) && gcweak_map_size(visits) == 2);
    CHECK(gcweak_map_delete(visits, msg) && !gcweak_map_has(visits, msg));
    gcweak_map_clear(visits);
    CHECK(gcweak_map_size(visits) == 0 && !gcweak_map_has(visits, alice));
    puts("consumer: use cases ok");
}

/* ------------------------------------------------------------- bad keys */
static int static_object;

static void bad_keys(void)
{
    gcweak_map *m = gcweak_map_new();
    gcweak_set *s = gcweak_set_new();
    CHECK(m && s);
    object *good = new_object(7);
    CHECK(gcweak_map_set(m, good, (void *)7) == GCWEAK_OK);
    CHECK(gcweak_set_add(s, good) == GCWEAK_OK);

    int on_stack = 0;
    void *malloced = malloc(64);
    CHECK(malloced != NULL);
    const void *bad[] = { NULL, &on_stack, &static_object, malloced, "literal" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        void *out = &out;
        CHECK(gcweak_map_set(m, bad[i], (void *)1) == GCWEAK_EINVAL);
        CHECK(gcweak_map_get(m, bad[i]) == NULL && !gcweak_map_has(m, bad[i]));
        CHECK(!gcweak_map_lookup(m, bad[i], &out) && out == &out);
        CHECK(!gcweak_map_delete(m, bad[i]) && gcweak_map_size(m) == 1);
        CHECK(gcweak_set_add(s, bad[i]) == GCWEAK_EINVAL);
        CHECK(!gcweak_set_has(s, bad[i]) && !gcweak_set_delete(s, bad[i]));
        CHECK(gcweak_set_size(s) == 1);
    }
    CHECK(gcweak_map_set(NULL, good, NULL) == GCWEAK_EINVAL);
    collect(m, NULL);                           /* nothing bad was registered */
    CHECK((uintptr_t)gcweak_map_get(m, good) == 7 && gcweak_set_has(s, good));
    free(malloced);

    const char *ok = gcweak_strerror(GCWEAK_OK), *inval = gcweak_strerror(GCWEAK_EINVAL),
               *nomem = gcweak_strerror(GCWEAK_ENOMEM), *other = gcweak_strerror(12345);
    CHECK(ok && inval && nomem && other && *ok && *inval && *nomem && *other);
    CHECK(strcmp(ok, inval) != 0 && strcmp(inval, nomem) != 0);
    printf("consumer: bad keys ok (EINVAL: \"%s\")\n", inval);
}

/* ------------------------------------------------------- kinds of keys */
static char *keys[5];                        /* static: reachable roots */

static void key_kinds(void)
{
    gcweak_map *m = gcweak_map_new();
    CHECK(m != NULL);
    keys[0] = GC_MALLOC_ATOMIC(64);
    keys[1] = GC_MALLOC_UNCOLLECTABLE(64);
    keys[2] = GC_MALLOC(64);
    keys[3] = keys[2] + 40;                  /* interior pointer: another key */
    keys[4] = GC_MALLOC(200000);             /* a large object... */
    CHECK(keys[0] && keys[1] && keys[2] && keys[4]);
    keys[4] += 150000;                       /* ...keyed deep inside */
    for (int i = 0; i < 5; i++)
        CHECK(gcweak_map_set(m, keys[i], (void *)(uintptr_t)(i + 1)) == GCWEAK_OK);
    CHECK(gcweak_map_size(m) == 5);
    collect(m, NULL);                           /* all five objects still live */
    CHECK(gcweak_map_size(m) == 5);
    for (int i = 0; i < 5; i++)
        CHECK((uintptr_t)gcweak_map_get(m, keys[i]) == (uintptr_t)(i + 1));
    CHECK(gcweak_map_delete(m, keys[1]));    /* delete before GC_FREE */
    GC_FREE(keys[1]);
    keys[1] = NULL;
    puts("consumer: key kinds ok");
}

/* ------------------------------------------------------- mass key death */
#define MASS 20000
static object *mass_keys[MASS];

__attribute__((noinline)) static void fill(gcweak_map *m, gcweak_set *s)
{
    for (uintptr_t i = 0; i < MASS; i++) {
        object *o = new_object(i);
        mass_keys[i] = o;
        CHECK(gcweak_map_set(m, o, new_value(i, (int)(i % 2))) == GCWEAK_OK);
        CHECK(gcweak_set_add(s, o) == GCWEAK_OK);
    }
}

__attribute__((noinline)) static void kill_odd_keys(void)
{
    for (int i = 1; i < MASS; i += 2)
        mass_keys[i] = NULL;
}

static void mass_death(void)
{
    gcweak_map *m = gcweak_map_new();
    gcweak_set *s = gcweak_set_new();
    CHECK(m && s);
    fill(m, s);
    CHECK(gcweak_map_size(m) == MASS && gcweak_set_size(s) == MASS);
    long released_before = values_released;
    CHECK(released_before == 0);
    kill_odd_keys();                         /* every other key dies */
    collect(m, s);
    collect(m, s);

    size_t dead = MASS / 2, tolerance = dead / 20;
    size_t map_left = gcweak_map_size(m) - MASS / 2, set_left = gcweak_set_size(s) - MASS / 2;
    long released = values_released;
    printf("consumer: mass death: %zu/%zu dead keys left in map, %zu in set, "
           "%ld values released\n", map_left, dead, set_left, released);
    CHECK(gcweak_map_size(m) >= MASS / 2 && gcweak_set_size(s) >= MASS / 2);
    CHECK(map_left <= tolerance && set_left <= tolerance);
    CHECK(released >= (long)(dead - tolerance) && released <= (long)dead);

    for (uintptr_t i = 0; i < MASS; i += 2) {        /* survivors intact */
        uintptr_t *v = gcweak_map_get(m, mass_keys[i]);
        CHECK(v != NULL && *v == i && mass_keys[i]->id == i);
        CHECK(gcweak_set_has(s, mass_keys[i]));
    }
    for (uintptr_t i = 0; i < MASS; i += 4) {        /* refill amid dead slots */
        object *o = new_object(i);
        CHECK(gcweak_map_set(m, o, new_value(i, 0)) == GCWEAK_OK);
        CHECK(gcweak_map_delete(m, mass_keys[i]));
        mass_keys[i] = o;
    }
    for (uintptr_t i = 0; i < MASS; i += 2) {
        uintptr_t *v = gcweak_map_get(m, mass_keys[i]);
        CHECK(v != NULL && *v == i);
    }
    puts("consumer: mass death ok");
}

/* -------------------------------------------------------------- threads */
#define THREADS   4
#define PER       500
#define ROUNDS    40
#define SHARED    64
static gcweak_map *tmap;
static object *thread_keys[THREADS][PER];
static object *shared_keys[SHARED];

static void *worker(void *arg)
{
    uintptr_t t = (uintptr_t)arg;
    for (int i = 0; i < PER; i++)
        thread_keys[t][i] = new_object(t * PER + i);
    for (uintptr_t r = 0; r < ROUNDS; r++) {
        for (uintptr_t i = 0; i < PER; i++) {
            object *k = thread_keys[t][i];
            CHECK(gcweak_map_set(tmap, k, new_value(k->id * ROUNDS + r, 0)) == GCWEAK_OK);
            uintptr_t *v = gcweak_map_get(tmap, k);
            CHECK(v != NULL && *v == k->id * ROUNDS + r);
            if (i % 3 == 0) {
                CHECK(gcweak_map_delete(tmap, k) && !gcweak_map_has(tmap, k));
                CHECK(gcweak_map_set(tmap, k, new_value(k->id * ROUNDS + r, 0)) == GCWEAK_OK);
            }
        }
        for (uintptr_t i = 0; i < SHARED; i++) {     /* contended keys */
            CHECK(gcweak_map_set(tmap, shared_keys[i],
                                 (void *)((i << 8) | t)) == GCWEAK_OK);
            uintptr_t v = (uintptr_t)gcweak_map_get(tmap, shared_keys[i]);
            CHECK(v >> 8 == i && (v & 0xff) < THREADS);
        }
        for (int i = 0; i < 200; i++)                /* keys that die at once */
            CHECK(gcweak_map_set(tmap, new_object(0), (void *)1) == GCWEAK_OK);
        if (t == 0 && r % 8 == 0)
            GC_gcollect();
    }
    return NULL;
}

/* A thread the collector did not start (say, by another library) must
 * register itself; main() called GC_allow_register_threads(). */
static void *foreign_worker(void *arg)
{
    struct GC_stack_base sb;
    CHECK(GC_get_stack_base(&sb) == GC_SUCCESS);
    CHECK(GC_register_my_thread(&sb) == GC_SUCCESS);
    worker(arg);
    GC_unregister_my_thread();
    return NULL;
}

static int start_foreign_thread(pthread_t *th, void *arg);
static int join_foreign_thread(pthread_t th);

__attribute__((noinline)) static void run_threads(void)
{
    pthread_t th[THREADS];
    for (uintptr_t t = 0; t < THREADS; t++) {
        int rc = t == THREADS - 1 ? start_foreign_thread(&th[t], (void *)t)
                                  : pthread_create(&th[t], NULL, worker, (void *)t);
        CHECK(rc == 0);
    }
    for (int t = 0; t < THREADS; t++)
        CHECK((t == THREADS - 1 ? join_foreign_thread(th[t]) : pthread_join(th[t], NULL)) == 0);
}

static void threads(void)
{
    GC_allow_register_threads();
    tmap = gcweak_map_new();
    CHECK(tmap != NULL);
    for (int i = 0; i < SHARED; i++)
        shared_keys[i] = new_object(i);
    run_threads();
    collect(tmap, NULL);

    size_t live = THREADS * PER + SHARED, dead = (size_t)THREADS * ROUNDS * 200;
    size_t size = gcweak_map_size(tmap);
    printf("consumer: threads: map size %zu (%zu live keys, %zu dead)\n", size, live, dead);
    CHECK(size >= live && size - live <= dead / 20);
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < PER; i++) {
            object *k = thread_keys[t][i];
            uintptr_t *v = gcweak_map_get(tmap, k);
            CHECK(k->id == (uintptr_t)(t * PER + i));
            CHECK(v != NULL && *v == k->id * ROUNDS + ROUNDS - 1);
        }
    for (uintptr_t i = 0; i < SHARED; i++)
        CHECK((uintptr_t)gcweak_map_get(tmap, shared_keys[i]) >> 8 == i);
    puts("consumer: threads ok");
}

int main(void)
{
    GC_INIT();
    use_cases();
    bad_keys();
    key_kinds();
    mass_death();
    threads();
    puts("consumer: all ok");
    return 0;
}

/* Below here pthread_create and pthread_join are the C library's own. */
#undef pthread_create
#undef pthread_join

static int start_foreign_thread(pthread_t *th, void *arg)
{
    return pthread_create(th, NULL, foreign_worker, arg);
}

static int join_foreign_thread(pthread_t th)
{
    return pthread_join(th, NULL);
}
