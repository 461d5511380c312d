/* SPDX-License-Identifier: MIT */
/*
 * gcweak-soak: mixed operations from N threads on shared containers for a
 * given time, while the collector runs (allocation-driven, plus a full
 * collection from the main thread every 100 ms).
 *
 *   gcweak-soak [--seconds S] [--threads N] [--keys K]
 *
 * Each thread owns K key slots (a root array) and remembers what it wrote for
 * each; every read of a key it owns is checked against that: a wrong value,
 * a missing entry or a deleted entry still present is an invariant violation.
 * Threads also replace keys (the old key dies with its entries), add and
 * delete in a shared set and in a private map they clear now and then. A
 * fraction of values carry a counting finalizer, to show values are
 * released. At the end every key is dropped: the shared containers must
 * shrink to at most 5% of what they held.
 *
 * Prints operations, collections (GC_get_gc_no), peak heap (GC_get_heap_size,
 * sampled), values released, and violations; exits non-zero if any.
 */
#define GC_THREADS
#include <gc/gc.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gcweak.h"

static gcweak_map *shared_map;
static gcweak_set *shared_set;
static atomic_int running = 1;
static atomic_ullong total_ops;
static atomic_ullong violations;
static atomic_ullong counted_values;  /* values given a finalizer */
static atomic_ullong released_values; /* ...and finalized */
static size_t keys_per_thread = 4096;

struct worker {
    pthread_t tid;
    int id;
    void **keys;       /* root array: the keys this thread owns */
    uintptr_t *wrote;  /* what it last stored for each (0: nothing) */
    unsigned char *in_set;
    uint64_t rng;
};

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void count_release(void *obj, void *unused)
{
    (void)obj;
    (void)unused;
    atomic_fetch_add(&released_values, 1);
}

static void violation(struct worker *w, const char *what, size_t i)
{
    if (atomic_fetch_add(&violations, 1) < 10)
        fprintf(stderr, "gcweak-soak: thread %d key %zu: %s\n", w->id, i, what);
}

/* Values: odd tagged integers, or (1 in 64) a counted heap object holding
 * the tag, so that a value the map failed to keep alive shows. */
static void *make_value(uintptr_t tag, int counted)
{
    if (!counted)
        return (void *)(tag << 1 | 1);
    uintptr_t *o = GC_MALLOC(sizeof *o);
    if (o == NULL)
        return NULL;
    *o = tag;
    GC_REGISTER_FINALIZER(o, count_release, NULL, NULL, NULL);
    atomic_fetch_add(&counted_values, 1);
    return o;
}

static uintptr_t value_tag(void *v)
{
    return ((uintptr_t)v & 1) ? (uintptr_t)v >> 1 : *(uintptr_t *)v;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    gcweak_map *own = gcweak_map_new();
    uintptr_t tag = (uintptr_t)w->id << 40;
    unsigned long long ops = 0;
    while (atomic_load_explicit(&running, memory_order_relaxed)) {
        for (int batch = 0; batch < 256; batch++) {
            uint64_t r = next_rand(&w->rng);
            size_t i = (size_t)(r >> 8) % keys_per_thread;
            void *k = w->keys[i];
            switch (r % 16) {
            case 0: /* replace the key: the old one dies with its entries */
                w->keys[i] = k = GC_MALLOC(16 + (r >> 60) * 8);
                w->wrote[i] = 0;
                w->in_set[i] = 0;
                break;
            case 1:
            case 2:
            case 3: { /* set */
                if (k == NULL)
                    break;
                void *v = make_value(++tag, (r >> 20) % 64 == 0);
                if (v == NULL || gcweak_map_set(shared_map, k, v) != GCWEAK_OK) {
                    violation(w, "map_set failed", i);
                    break;
                }
                w->wrote[i] = tag;
                break;
            }
            case 4:
            case 5:
            case 6:
            case 7:
            case 8: { /* read and check */
                if (k == NULL)
                    break;
                void *v = NULL;
                bool found = gcweak_map_lookup(shared_map, k, &v);
                if (found != (w->wrote[i] != 0))
                    violation(w, found ? "deleted entry found" : "entry missing", i);
                else if (found && value_tag(v) != w->wrote[i])
                    violation(w, "wrong value", i);
                break;
            }
            case 9: /* delete */
                if (k == NULL)
                    break;
                if (gcweak_map_delete(shared_map, k) != (w->wrote[i] != 0))
                    violation(w, "map_delete disagrees", i);
                w->wrote[i] = 0;
                break;
            case 10: /* set membership */
                if (k == NULL)
                    break;
                if (gcweak_set_has(shared_set, k) != (w->in_set[i] != 0))
                    violation(w, "set_has disagrees", i);
                if (w->in_set[i]) {
                    if (!gcweak_set_delete(shared_set, k))
                        violation(w, "set_delete disagrees", i);
                    w->in_set[i] = 0;
                } else {
                    if (gcweak_set_add(shared_set, k) != GCWEAK_OK)
                        violation(w, "set_add failed", i);
                    w->in_set[i] = 1;
                }
                break;
            case 11: /* private map, with garbage keys */
                if (own != NULL && gcweak_map_set(own, GC_MALLOC(24), k) != GCWEAK_OK)
                    violation(w, "private map_set failed", i);
                break;
            case 12:
                if (own != NULL && (r >> 32) % 64 == 0)
                    gcweak_map_clear(own);
                break;
            case 13:
                if ((r >> 32) % 16 == 0)
                    (void)gcweak_map_size(shared_map);
                break;
            default: /* garbage entries in the shared map */
                if (gcweak_map_set(shared_map, GC_MALLOC(16), (void *)1) != GCWEAK_OK)
                    violation(w, "garbage map_set failed", i);
                break;
            }
            ops++;
        }
    }
    atomic_fetch_add(&total_ops, ops);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static __attribute__((noinline)) void clear_stack(void)
{
    volatile char pad[64 * 1024];
    memset((char *)pad, 0, sizeof pad);
    __asm__ __volatile__("" : : "r"(pad) : "memory");
}

static void usage(void)
{
    fprintf(stderr, "usage: gcweak-soak [--seconds S] [--threads N] [--keys K]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    double seconds = 60;
    int nthreads = 4;
    for (int a = 1; a < argc; a++) {
        if (a + 1 < argc && strcmp(argv[a], "--seconds") == 0)
            seconds = atof(argv[++a]);
        else if (a + 1 < argc && strcmp(argv[a], "--threads") == 0)
            nthreads = atoi(argv[++a]);
        else if (a + 1 < argc && strcmp(argv[a], "--keys") == 0)
            keys_per_thread = (size_t)atol(argv[++a]);
        else
            usage();
    }
    if (seconds <= 0 || nthreads < 1 || keys_per_thread < 1)
        usage();

    GC_INIT();
    GC_allow_register_threads();
    shared_map = gcweak_map_new();
    shared_set = gcweak_set_new();
    if (shared_map == NULL || shared_set == NULL)
        return 1;
    GC_word gc_start = GC_get_gc_no();

    struct worker *ws = calloc((size_t)nthreads, sizeof *ws);
    if (ws == NULL)
        return 1;
    for (int t = 0; t < nthreads; t++) {
        ws[t].id = t + 1;
        ws[t].rng = 0x9E3779B97F4A7C15u * (uint64_t)(t + 1);
        ws[t].keys = calloc(keys_per_thread, sizeof *ws[t].keys);
        ws[t].wrote = calloc(keys_per_thread, sizeof *ws[t].wrote);
        ws[t].in_set = calloc(keys_per_thread, 1);
        if (ws[t].keys == NULL || ws[t].wrote == NULL || ws[t].in_set == NULL)
            return 1;
        GC_add_roots(ws[t].keys, ws[t].keys + keys_per_thread);
        if (pthread_create(&ws[t].tid, NULL, worker_main, &ws[t]) != 0)
            return 1;
    }

    size_t peak_heap = GC_get_heap_size();
    double start = now(), end = start + seconds;
    while (now() < end) {
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000}, NULL);
        GC_gcollect();
        GC_invoke_finalizers();
        size_t h = GC_get_heap_size();
        if (h > peak_heap)
            peak_heap = h;
    }
    atomic_store(&running, 0);
    for (int t = 0; t < nthreads; t++)
        pthread_join(ws[t].tid, NULL);
    double elapsed = now() - start;
    GC_word collections = GC_get_gc_no() - gc_start;

    /* Everything dropped: the shared containers must (nearly) empty. */
    size_t map_before = gcweak_map_size(shared_map), set_before = gcweak_set_size(shared_set);
    for (int t = 0; t < nthreads; t++)
        memset(ws[t].keys, 0, keys_per_thread * sizeof *ws[t].keys);
    for (int i = 0; i < 4; i++) {
        clear_stack();
        GC_gcollect();
        GC_invoke_finalizers();
    }
    size_t map_after = gcweak_map_size(shared_map), set_after = gcweak_set_size(shared_set);
    for (int i = 0; i < 2; i++) { /* the purge above released values */
        clear_stack();
        GC_gcollect();
        GC_invoke_finalizers();
    }
    unsigned long long counted = atomic_load(&counted_values);
    unsigned long long released = atomic_load(&released_values);
    if (map_after > map_before / 20 + 1 || set_after > set_before / 20 + 1) {
        fprintf(stderr, "gcweak-soak: after dropping every key, map %zu of %zu, set %zu of %zu\n",
                map_after, map_before, set_after, set_before);
        atomic_fetch_add(&violations, 1);
    }
    if (released < counted - counted / 20) {
        fprintf(stderr, "gcweak-soak: only %llu of %llu counted values released\n",
                released, counted);
        atomic_fetch_add(&violations, 1);
    }

    unsigned long long ops = atomic_load(&total_ops);
    printf("gcweak-soak: %d threads, %zu keys each, %.1f s\n", nthreads, keys_per_thread,
           elapsed);
    printf("operations:            %llu (%.0f per second)\n", ops, (double)ops / elapsed);
    printf("collections:           %lu\n", (unsigned long)collections);
    printf("peak heap:             %zu bytes (%.1f MiB)\n", peak_heap,
           (double)peak_heap / (1024.0 * 1024.0));
    printf("entries at end:        map %zu, set %zu; after dropping all keys: map %zu, set %zu\n",
           map_before, set_before, map_after, set_after);
    printf("values released:       %llu of %llu counted\n", released, counted);
    printf("invariant violations:  %llu\n", (unsigned long long)atomic_load(&violations));
    return atomic_load(&violations) == 0 ? 0 : 1;
}
