/* SPDX-License-Identifier: MIT */
/*
 * Configuration: GC_set_all_interior_pointers(0), called before GC_INIT.
 *
 * The collector then keeps an object alive only through pointers to its
 * base (or to a displacement registered with GC_register_displacement;
 * GC_DEBUG allocation registers its header size itself). What gcweak promises
 * does not change: a key is any pointer into a collector object, at its start
 * or inside it, and the entry lives as long as the object. Under this mode a
 * program must keep its objects alive through base (or registered
 * displacement) pointers; an interior key is still a valid key of an object
 * kept that way. Checked here:
 *   - the standard scenario with base keys and with GC_DEBUG keys (user
 *     pointer = base + header, kept alive through the registered
 *     displacement);
 *   - interior keys (base + 8, base + 17, last byte) of objects kept by their
 *     bases: all found with their values across collections, and gone once
 *     the objects are dropped.
 */
#define GC_THREADS
#include <gc/gc.h>

#include "hardening.h"

static void *debug_key(size_t index)
{
    (void)index;
    void *k = GC_debug_malloc(32, GC_EXTRAS);
    REQUIRE(k != NULL);
    return k;
}

enum { OBJECTS = 3000, OBJ_BYTES = 48 };
static const size_t offsets[] = {8, 17, OBJ_BYTES - 1};
#define NOFFSETS (sizeof offsets / sizeof offsets[0])

static void *interior_value(size_t obj, size_t off)
{
    return (void *)(uintptr_t)(obj * 64 + off + 1);
}

static NOINLINE void fill_interior(gcweak_map *m, void **bases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *b = GC_MALLOC(OBJ_BYTES);
        REQUIRE(b != NULL);
        bases[i] = b;
        for (size_t o = 0; o < NOFFSETS; o++)
            CHECK(gcweak_map_set(m, b + offsets[o], interior_value(i, o)) == GCWEAK_OK);
    }
}

static size_t count_interior_wrong(gcweak_map *m, void **bases, size_t from, size_t to)
{
    size_t bad = 0;
    for (size_t i = from; i < to; i++)
        for (size_t o = 0; o < NOFFSETS; o++) {
            void *v = NULL;
            if (!gcweak_map_lookup(m, (char *)bases[i] + offsets[o], &v) ||
                v != interior_value(i, o))
                bad++;
        }
    return bad;
}

int main(void)
{
    GC_set_all_interior_pointers(0);
    GC_INIT();
    REQUIRE(GC_get_all_interior_pointers() == 0);

    hard_standard_checks("interior_off base keys", NULL);
    hard_standard_checks("interior_off GC_DEBUG keys", debug_key);

    gcweak_map *m = gcweak_map_new();
    REQUIRE(m != NULL);
    void **bases = key_array(OBJECTS);
    fill_interior(m, bases, OBJECTS);
    collect(3);
    size_t wrong = count_interior_wrong(m, bases, 0, OBJECTS);
    size_t size = gcweak_map_size(m);
    printf("interior_off interior keys: %zu entries, %zu wrong after collections\n",
           size, wrong);
    CHECK(wrong == 0);
    CHECK(size == OBJECTS * NOFFSETS);

    /* Drop the second half of the objects: their interior keys must go. */
    for (size_t i = OBJECTS / 2; i < OBJECTS; i++)
        bases[i] = NULL;
    collect(4);
    size = gcweak_map_size(m);
    size_t dropped = (OBJECTS - OBJECTS / 2) * NOFFSETS;
    wrong = count_interior_wrong(m, bases, 0, OBJECTS / 2);
    printf("interior_off after dropping half: %zu entries (%zu kept, %zu dropped), "
           "%zu kept wrong\n",
           size, (size_t)(OBJECTS / 2) * NOFFSETS, dropped, wrong);
    CHECK(wrong == 0);
    CHECK(size >= (OBJECTS / 2) * NOFFSETS);
    CHECK(size <= (OBJECTS / 2) * NOFFSETS + TOLERATED(dropped));
    return checks_exit_status("interior_off");
}
