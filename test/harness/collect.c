/* SPDX-License-Identifier: MIT */
#include "collect.h"

#include <gc/gc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A test that cannot get the memory it needs has nothing left to check. */
static void *required(void *p, const char *what)
{
    if (p == NULL) {
        fprintf(stderr, "test harness: out of memory for %s\n", what);
        exit(EXIT_FAILURE);
    }
    return p;
}

NOINLINE void clear_stack(void)
{
    volatile char pad[64 * 1024];
    memset((char *)pad, 0, sizeof pad);
    __asm__ __volatile__("" : : "r"(pad) : "memory");
}

static void invoke_finalizers(void)
{
    GC_invoke_finalizers();
}

void (*run_finalizers)(void) = invoke_finalizers;

/* Bytes the collector has taken from the system: unlike GC_get_heap_size,
 * which subtracts what it unmapped, it changes only when a mapping is
 * added. */
static size_t heap_mapped(void)
{
    struct GC_prof_stats_s stats;
    (void)GC_get_prof_stats(&stats, sizeof stats);
    return stats.heapsize_full;
}

static size_t hint_bytes; /* what move_mmap_hint added, all told */

/*
 * bdwgc keeps the address where its newest heap mapping ends (the mmap
 * hint, a static of os_dep.c) in data it scans as a root. Mappings are
 * placed top-down, so that address is where the mapping made before the
 * newest one starts, and the object allocated first there cannot die while
 * the hint stays: a pinned node keeps the whole tail of a chain alive, and
 * an outgrown link table, pinned, keeps whatever now lies where its stale
 * buckets point. Two small expansions of the heap, whenever a mapping was
 * added since the last time, leave the hint at the start of the first of
 * them, where nothing the test made before the collection lives.
 */
static void move_mmap_hint(void)
{
    static size_t mapped;
    size_t before = heap_mapped();
    if (before == mapped)
        return;
    (void)GC_expand_hp(64 * 1024);
    (void)GC_expand_hp(64 * 1024);
    mapped = heap_mapped();
    hint_bytes += mapped - before;
}

size_t heap_size_needed(void)
{
    return heap_mapped() - hint_bytes;
}

void collect_rounds(int rounds)
{
    move_mmap_hint();
    for (int i = 0; i < rounds; i++) {
        clear_stack();
        GC_gcollect();
        run_finalizers();
    }
}

void **key_array(size_t n)
{
    void **a = required(calloc(n, sizeof *a), "a root array");
    GC_add_roots(a, a + n);
    return a;
}

static void count_finalization(void *obj, void *counter)
{
    (void)obj;
    atomic_fetch_add((atomic_long *)counter, 1);
}

void *new_counted_value(size_t bytes, atomic_long *counter)
{
    void *v = required(GC_MALLOC(bytes), "a counted value");
    GC_REGISTER_FINALIZER(v, count_finalization, counter, NULL, NULL);
    return v;
}
