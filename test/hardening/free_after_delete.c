/* SPDX-License-Identifier: MIT */
/*
 * gcweak.h makes a key freed with GC_FREE undefined only "while an entry for
 * it exists". Once the entries are deleted (or the containers cleared),
 * freeing the key must be fine, including a large object whose heap block
 * the collector merges with its free neighbours at once.
 *
 * A disappearing link left registered on such a key makes the next
 * collection crash (SIGSEGV in GC_is_marked): the collector reads the header
 * of a block that no longer exists. Delete and clear leave links registered
 * on ordinary keys, and must drop them on large and uncollectable ones.
 */
#define GC_THREADS
#include <gc/gc.h>

#include "hardening.h"

enum { LARGE_KEYS = 16, SMALL_KEYS = 1000 };

int main(void)
{
    GC_INIT();
    gcweak_map *m = gcweak_map_new();
    gcweak_set *s = gcweak_set_new();
    REQUIRE(m != NULL && s != NULL);
    void **keys = key_array(LARGE_KEYS + SMALL_KEYS);
    for (size_t i = 0; i < LARGE_KEYS + SMALL_KEYS; i++) {
        keys[i] = i < LARGE_KEYS ? GC_MALLOC(70000) : GC_MALLOC_UNCOLLECTABLE(24);
        REQUIRE(keys[i] != NULL);
        CHECK(gcweak_map_set(m, keys[i], (void *)(uintptr_t)(i + 1)) == GCWEAK_OK);
        CHECK(gcweak_set_add(s, keys[i]) == GCWEAK_OK);
    }
    /* Kept entries, which must survive. */
    void **kept = key_array(100);
    for (size_t i = 0; i < 100; i++) {
        kept[i] = GC_MALLOC(16);
        REQUIRE(kept[i] != NULL);
        CHECK(gcweak_map_set(m, kept[i], hard_expected(i)) == GCWEAK_OK);
    }
    for (size_t i = 0; i < LARGE_KEYS + SMALL_KEYS; i++) {
        CHECK(gcweak_map_delete(m, keys[i]));
        CHECK(gcweak_set_delete(s, keys[i]));
    }
    for (size_t i = 0; i < LARGE_KEYS + SMALL_KEYS; i++) {
        GC_FREE(keys[i]);
        keys[i] = NULL;
    }
    collect(3);
    CHECK(hard_check_kept_map(m, kept, 100) == 0);
    CHECK(gcweak_map_size(m) == 100);
    CHECK(gcweak_set_size(s) == 0);

    /* The same after clear: the cleared storage is not reclaimed before the
     * next collection, and the keys are freed before it. */
    for (size_t i = 0; i < LARGE_KEYS + SMALL_KEYS; i++) {
        keys[i] = i < LARGE_KEYS ? GC_MALLOC(70000) : GC_MALLOC_UNCOLLECTABLE(24);
        REQUIRE(keys[i] != NULL);
        CHECK(gcweak_map_set(m, keys[i], (void *)(uintptr_t)(i + 1)) == GCWEAK_OK);
        CHECK(gcweak_set_add(s, keys[i]) == GCWEAK_OK);
    }
    gcweak_map_clear(m);
    gcweak_set_clear(s);
    for (size_t i = 0; i < LARGE_KEYS + SMALL_KEYS; i++) {
        GC_FREE(keys[i]);
        keys[i] = NULL;
    }
    collect(3);
    CHECK(gcweak_map_size(m) == 0);
    CHECK(gcweak_set_size(s) == 0);
    return checks_exit_status("free_after_delete");
}
