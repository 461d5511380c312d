/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

void *new_key(size_t bytes)
{
    void *p = GC_MALLOC(bytes);
    ck_assert_ptr_nonnull(p);
    return p;
}

void *new_tagged_key(uintptr_t id)
{
    struct key *k = new_key(sizeof *k);
    k->magic = KEY_MAGIC;
    k->id = id;
    return k;
}

void **key_array(size_t n)
{
    void **a = calloc(n, sizeof *a);
    ck_assert_ptr_nonnull(a);
    GC_add_roots(a, a + n);
    return a;
}

NOINLINE void clear_stack(void)
{
    volatile char pad[64 * 1024];
    memset((char *)pad, 0, sizeof pad);
    __asm__ __volatile__("" : : "r"(pad) : "memory");
}

void collect_rounds(int rounds)
{
    for (int i = 0; i < rounds; i++) {
        clear_stack();
        GC_gcollect();
        GC_invoke_finalizers();
    }
}

static void count_finalization(void *obj, void *counter)
{
    (void)obj;
    atomic_fetch_add((atomic_long *)counter, 1);
}

void *new_counted_value(size_t bytes, atomic_long *counter)
{
    void *v = GC_MALLOC(bytes);
    ck_assert_ptr_nonnull(v);
    GC_REGISTER_FINALIZER(v, count_finalization, counter, NULL, NULL);
    return v;
}
