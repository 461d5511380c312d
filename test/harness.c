/* SPDX-License-Identifier: MIT */
#include "harness.h"

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
