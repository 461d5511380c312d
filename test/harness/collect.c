/* SPDX-License-Identifier: MIT */
#include "collect.h"

#include <gc/gc.h>

#include <stdbool.h>
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

/* One small heap mapping more; returns its size in bytes (0: none). */
static size_t expand_heap(void)
{
    size_t before = heap_mapped();
    (void)GC_expand_hp(64 * 1024);
    size_t added = heap_mapped() - before;
    hint_bytes += added;
    return added;
}

#ifdef __linux__
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

/* Address ranges of this process's mappings, ascending as the kernel lists
 * them. In malloc'd memory, which the collector does not scan: the ends of
 * mappings are the very addresses that must not be held. */
struct spans {
    uintptr_t (*span)[2];
    size_t n;
};

enum { MAX_SPANS = 1 << 16 };

/* Reads /proc/self/maps with read(2) into a stack buffer: stdio or a
 * growing array would allocate, and a malloc arena that grows between two
 * readings is a mapping that appears in the second. */
static bool read_spans(struct spans *s)
{
    int fd = open("/proc/self/maps", O_RDONLY);
    if (fd < 0)
        return false;
    char buf[4096];
    size_t have = 0;
    bool ok = true;
    s->n = 0;
    for (;;) {
        ssize_t got = read(fd, buf + have, sizeof buf - have);
        if (got <= 0)
            break;
        have += (size_t)got;
        size_t line = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] != '\n')
                continue;
            buf[i] = '\0';
            unsigned long lo, hi;
            if (sscanf(buf + line, "%lx-%lx", &lo, &hi) == 2) {
                if (s->n == MAX_SPANS) {
                    ok = false;
                    break;
                }
                s->span[s->n][0] = lo;
                s->span[s->n][1] = hi;
                s->n++;
            }
            line = i + 1;
        }
        memmove(buf, buf + line, have - line);
        have -= line;
        if (have == sizeof buf)
            ok = false; /* a line longer than the buffer */
        if (!ok)
            break;
    }
    close(fd);
    return ok;
}

/* Calls found(lo, hi) for each stretch that `after` maps and no range of
 * `before` covers. */
static void for_new_spans(const struct spans *before, const struct spans *after,
                          void (*found)(uintptr_t lo, uintptr_t hi, void *arg), void *arg)
{
    size_t j = 0;
    for (size_t i = 0; i < after->n; i++) {
        uintptr_t lo = after->span[i][0], hi = after->span[i][1];
        while (j < before->n && before->span[j][1] <= lo)
            j++;
        for (size_t k = j; lo < hi; k++) {
            bool inside = k < before->n && before->span[k][0] < hi;
            uintptr_t end = inside ? before->span[k][0] : hi;
            if (end > lo)
                found(lo, end, arg);
            if (!inside)
                break;
            lo = before->span[k][1];
        }
    }
}

struct new_mapping {
    size_t bytes;   /* the size looked for */
    uintptr_t end;  /* the end of the last stretch of that size */
    int count;      /* stretches of any size */
};

static void note_stretch(uintptr_t lo, uintptr_t hi, void *arg)
{
    struct new_mapping *m = arg;
    m->count++;
    if (hi - lo == m->bytes)
        m->end = hi;
}

static void note_any(uintptr_t lo, uintptr_t hi, void *arg)
{
    (void)lo;
    (void)hi;
    *(bool *)arg = true;
}
#endif

/*
 * bdwgc keeps the address where its newest mapping ends (the mmap hint, a
 * static of os_dep.c) in data it scans as a root, so the object that
 * starts there cannot die while the hint stays: a pinned node keeps the
 * whole tail of a chain alive, and an outgrown link table, pinned, keeps
 * whatever now lies where its stale buckets point. Every mapping the
 * collector makes moves the hint to its end: a heap expansion, and its own
 * bookkeeping too (headers, a larger mark stack), even in the middle of a
 * collection. That end is usually the start of the mapping made before
 * (they are placed top-down), which may hold objects, and a new mapping
 * can also fill a hole (one that free() or the collector unmapped) and end
 * where old objects start.
 *
 * So before every collection, where the process's mappings can be read,
 * the harness learns the hint whenever a mapping appeared since it last
 * looked: it expands the heap by one small mapping, whose end is the hint,
 * and expands again while an object lies at the hint, until the hint is at
 * a free block or at memory that is not the collector's. The hint is kept
 * disguised, as the library keeps its keys: this file's data is a root
 * too. Elsewhere, two expansions whenever the heap grew, which in the
 * usual top-down case leave the hint at the start of the first of them.
 */
static void move_mmap_hint(void)
{
    static size_t mapped;
    bool grew = heap_mapped() != mapped;
#ifdef __linux__
    /* Two readings: the last look's, and the one being taken. */
    static struct spans reading[2];
    static struct spans *seen = &reading[0], *now = &reading[1];
    static bool unreadable;
    static GC_word hidden_hint = GC_HIDE_POINTER(NULL);
    if (seen->span == NULL && !unreadable) {
        seen->span = malloc(MAX_SPANS * sizeof *seen->span);
        now->span = malloc(MAX_SPANS * sizeof *now->span);
        unreadable = seen->span == NULL || now->span == NULL;
    }
    if (!unreadable && read_spans(now)) {
        bool appeared = false;
        for_new_spans(seen, now, note_any, &appeared);
        if (appeared)
            hidden_hint = GC_HIDE_POINTER(NULL);
        for (int tries = 0; tries < 8; tries++) {
            void *hint = GC_REVEAL_POINTER(hidden_hint);
            if (hint != NULL && GC_base(hint) == NULL)
                break;
            /* The reading before the expansion becomes the one to compare
             * with; the other buffer takes the reading after it. */
            struct spans *before = now;
            now = seen;
            seen = before;
            struct new_mapping m = {expand_heap(), 0, 0};
            if (m.bytes == 0 || !read_spans(now)) {
                seen = now; /* keep the last good reading */
                now = before;
                break;
            }
            for_new_spans(before, now, note_stretch, &m);
            /* Another thread may have mapped memory as well. */
            hidden_hint = GC_HIDE_POINTER((void *)(m.count == 1 ? m.end : 0));
        }
        struct spans *latest = now; /* the next look compares with it */
        now = seen;
        seen = latest;
        mapped = heap_mapped();
        return;
    }
    unreadable = true;
#endif
    if (grew) {
        (void)expand_heap();
        (void)expand_heap();
    }
    mapped = heap_mapped();
}

size_t heap_size_needed(void)
{
    return heap_mapped() - hint_bytes;
}

void collect_rounds(int rounds)
{
    for (int i = 0; i < rounds; i++) {
        move_mmap_hint();
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
