/* SPDX-License-Identifier: MIT */
/*
 * Bad and unusual keys not covered by test/test_keys.c. For each kind the
 * header's promise is checked: a pointer anywhere inside a collector object
 * is a key of that object (lives and dies with it), anything else is refused
 * with GCWEAK_EINVAL; nothing crashes, and entries stored before survive.
 *   - misaligned pointers into objects (base + 1, + 3, + 7, ...);
 *   - a pointer just past the requested size (inside the allocation: bdwgc
 *     adds a byte to every object so such pointers keep it alive) and one past
 *     the allocation's end (GC_size: the next object's address; undefined if
 *     that memory is not an allocated object, so only "no crash" is checked);
 *   - very large objects from GC_malloc_ignore_off_page and
 *     GC_malloc_atomic_ignore_off_page: keys at the base, in the first page,
 *     pages further in, and the last byte;
 *   - GC_MALLOC_ATOMIC keys, which the collector never scans.
 */
#define GC_THREADS
#include <gc/gc.h>

#include "hardening.h"

enum { KEPT = 1000, MISALIGNED = 3000, LARGE = 40, LARGE_BYTES = 256 * 1024 };

static const size_t odd_offsets[] = {1, 3, 7, 9, 15, 31};
#define NODD (sizeof odd_offsets / sizeof odd_offsets[0])

static void *tag(size_t a, size_t b)
{
    return (void *)(uintptr_t)((a << 8) | b | 0x100000);
}

/* Entries stored first, which nothing below may disturb. */
static void **kept;
static void store_kept(gcweak_map *m, gcweak_set *s)
{
    kept = key_array(KEPT);
    for (size_t i = 0; i < KEPT; i++) {
        kept[i] = GC_MALLOC(40);
        REQUIRE(kept[i] != NULL);
        CHECK(gcweak_map_set(m, kept[i], hard_expected(i)) == GCWEAK_OK);
        CHECK(gcweak_set_add(s, kept[i]) == GCWEAK_OK);
    }
}

static void check_kept(gcweak_map *m, gcweak_set *s, const char *when)
{
    size_t bad_m = hard_check_kept_map(m, kept, KEPT);
    size_t bad_s = hard_check_kept_set(s, kept, KEPT);
    CHECK_MSG(bad_m == 0 && bad_s == 0, "%s: %zu map / %zu set kept entries wrong",
              when, bad_m, bad_s);
}

/* ------------------------------------------------- misaligned pointers */

static NOINLINE void store_misaligned(gcweak_map *m, gcweak_set *s, void **objs,
                                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *o = GC_MALLOC(40);
        REQUIRE(o != NULL);
        objs[i] = o;
        for (size_t j = 0; j < NODD; j++) {
            CHECK(gcweak_map_set(m, o + odd_offsets[j], tag(i, j)) == GCWEAK_OK);
            CHECK(gcweak_set_add(s, o + odd_offsets[j]) == GCWEAK_OK);
        }
    }
}

static size_t misaligned_wrong(gcweak_map *m, gcweak_set *s, void **objs, size_t from,
                               size_t to)
{
    size_t bad = 0;
    for (size_t i = from; i < to; i++)
        for (size_t j = 0; j < NODD; j++) {
            char *k = (char *)objs[i] + odd_offsets[j];
            bad += gcweak_map_get(m, k) != tag(i, j) || !gcweak_set_has(s, k);
            /* The next address is another key, never stored. */
            bad += gcweak_map_has(m, k + 1);
        }
    return bad;
}

static void misaligned(gcweak_map *m, gcweak_set *s)
{
    void **objs = key_array(MISALIGNED);
    size_t before_m = gcweak_map_size(m);
    store_misaligned(m, s, objs, MISALIGNED);
    collect(3);
    CHECK(misaligned_wrong(m, s, objs, 0, MISALIGNED) == 0);
    CHECK(gcweak_map_size(m) == before_m + MISALIGNED * NODD);
    for (size_t i = MISALIGNED / 2; i < MISALIGNED; i++)
        objs[i] = NULL;
    collect(4);
    size_t dropped = (MISALIGNED - MISALIGNED / 2) * NODD;
    size_t size = gcweak_map_size(m);
    size_t expect = before_m + (MISALIGNED / 2) * NODD;
    printf("bad_input misaligned: %zu keys, after dropping %zu: map size %zu "
           "(expected %zu + at most %zu), wrong %zu\n",
           (size_t)MISALIGNED * NODD, dropped, size, expect, TOLERATED(dropped),
           misaligned_wrong(m, s, objs, 0, MISALIGNED / 2));
    CHECK(misaligned_wrong(m, s, objs, 0, MISALIGNED / 2) == 0);
    CHECK(size >= expect && size <= expect + TOLERATED(dropped));
    CHECK(gcweak_set_size(s) <= expect + TOLERATED(dropped));
    /* Leave the map as it was. */
    for (size_t i = 0; i < MISALIGNED / 2; i++)
        for (size_t j = 0; j < NODD; j++) {
            CHECK(gcweak_map_delete(m, (char *)objs[i] + odd_offsets[j]));
            CHECK(gcweak_set_delete(s, (char *)objs[i] + odd_offsets[j]));
        }
}

/* ------------------------------------------------- just past the end */

static void past_the_end(gcweak_map *m, gcweak_set *s)
{
    static const size_t requested[] = {8, 16, 24, 40, 100, 1000, 5000};
    for (size_t r = 0; r < sizeof requested / sizeof requested[0]; r++) {
        char *o = GC_MALLOC(requested[r]);
        REQUIRE(o != NULL);
        size_t alloc = GC_size(o);
        /* One past the requested size: still inside the allocation. */
        char *past = o + requested[r];
        CHECK_MSG(GC_base(past) == o, "requested %zu, GC_size %zu", requested[r], alloc);
        CHECK(gcweak_map_set(m, past, tag(r, 1)) == GCWEAK_OK);
        CHECK(gcweak_set_add(s, past) == GCWEAK_OK);
        /* One past the allocation: the next slot of the block, or beyond the
         * heap. Whatever the library answers, no crash and no loss. */
        char *beyond = o + alloc;
        int rc = gcweak_map_set(m, beyond, tag(r, 2));
        CHECK(rc == GCWEAK_OK || rc == GCWEAK_EINVAL);
        rc = gcweak_set_add(s, beyond);
        CHECK(rc == GCWEAK_OK || rc == GCWEAK_EINVAL);
        collect(1);
        CHECK(gcweak_map_get(m, past) == tag(r, 1));
        CHECK(gcweak_set_has(s, past));
        (void)gcweak_map_delete(m, beyond);
        (void)gcweak_set_delete(s, beyond);
        CHECK(gcweak_map_delete(m, past));
        CHECK(gcweak_set_delete(s, past));
        GC_reachable_here(o);
    }
}

/* ------------------------------------------------- very large objects */

static size_t large_offsets(size_t *out)
{
    size_t n = 0;
    out[n++] = 0;
    out[n++] = 8;
    out[n++] = 4095;
    out[n++] = 4096 + 24;
    out[n++] = LARGE_BYTES / 2 + 3;
    out[n++] = LARGE_BYTES - 1;
    return n;
}

static NOINLINE void store_large(gcweak_map *m, gcweak_set *s, void **objs)
{
    size_t off[8];
    size_t noff = large_offsets(off);
    for (size_t i = 0; i < LARGE; i++) {
        char *o = i % 2 == 0 ? GC_malloc_ignore_off_page(LARGE_BYTES)
                             : GC_malloc_atomic_ignore_off_page(LARGE_BYTES);
        REQUIRE(o != NULL);
        objs[i] = o;
        for (size_t j = 0; j < noff; j++) {
            CHECK_MSG(gcweak_map_set(m, o + off[j], tag(i, j)) == GCWEAK_OK,
                      "large object %zu offset %zu", i, off[j]);
            CHECK(gcweak_set_add(s, o + off[j]) == GCWEAK_OK);
        }
    }
}

static size_t large_wrong(gcweak_map *m, gcweak_set *s, void **objs, size_t from,
                          size_t to)
{
    size_t off[8];
    size_t noff = large_offsets(off), bad = 0;
    for (size_t i = from; i < to; i++)
        for (size_t j = 0; j < noff; j++)
            bad += gcweak_map_get(m, (char *)objs[i] + off[j]) != tag(i, j) ||
                   !gcweak_set_has(s, (char *)objs[i] + off[j]);
    return bad;
}

static void large(gcweak_map *m, gcweak_set *s)
{
    size_t off[8];
    size_t noff = large_offsets(off);
    void **objs = key_array(LARGE);
    size_t before = gcweak_map_size(m);
    store_large(m, s, objs);
    collect(3);
    CHECK(large_wrong(m, s, objs, 0, LARGE) == 0);
    CHECK(gcweak_map_size(m) == before + LARGE * noff);
    for (size_t i = LARGE / 2; i < LARGE; i++)
        objs[i] = NULL;
    collect(4);
    size_t size = gcweak_map_size(m), expect = before + (LARGE / 2) * noff;
    printf("bad_input large objects: %d x %d bytes, %zu keys each; after dropping "
           "half: map size %zu (expected %zu), wrong %zu\n",
           LARGE, LARGE_BYTES, noff, size, expect, large_wrong(m, s, objs, 0, LARGE / 2));
    CHECK(large_wrong(m, s, objs, 0, LARGE / 2) == 0);
    /* Large objects are few: allow two conservative survivors of 20. */
    CHECK(size >= expect && size <= expect + 2 * noff);
    for (size_t i = 0; i < LARGE / 2; i++)
        for (size_t j = 0; j < noff; j++) {
            CHECK(gcweak_map_delete(m, (char *)objs[i] + off[j]));
            CHECK(gcweak_set_delete(s, (char *)objs[i] + off[j]));
        }
}

/* ------------------------------------------------- atomic keys */

static void *atomic_key(size_t index)
{
    void *k = GC_MALLOC_ATOMIC(8 + index % 64);
    REQUIRE(k != NULL);
    return k;
}

int main(void)
{
    GC_INIT();
    GC_allow_register_threads();
    gcweak_map *m = gcweak_map_new();
    gcweak_set *s = gcweak_set_new();
    REQUIRE(m != NULL && s != NULL);
    store_kept(m, s);

    misaligned(m, s);
    check_kept(m, s, "after misaligned keys");
    past_the_end(m, s);
    check_kept(m, s, "after past-the-end keys");
    large(m, s);
    check_kept(m, s, "after large objects");
    hard_standard_checks("bad_input atomic keys", atomic_key);
    check_kept(m, s, "after atomic keys");

    collect(2);
    CHECK(gcweak_map_size(m) == KEPT);
    CHECK(gcweak_set_size(s) == KEPT);
    check_kept(m, s, "at the end");
    return checks_exit_status("bad_input");
}
