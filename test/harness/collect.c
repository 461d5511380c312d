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

void collect_rounds(int rounds)
{
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
