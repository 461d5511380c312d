/* SPDX-License-Identifier: MIT */
/*
 * White-box checks of the table's layout, built against lib/ itself: the
 * properties the public API cannot see but the design stands on.
 *   - entries never move: rebuilds (growth, shrinking, dropping dead
 *     entries) leave every live key's entry, and so its link, where it was;
 *   - a fingerprint is never trusted: an index slot whose fingerprint
 *     matches a key but names another key's entry, or a dead entry, finds
 *     nothing;
 *   - storage dropped by clear() keeps no registration alive: the collector
 *     reclaims the chunks with their links, and never writes through them
 *     into memory reused afterwards.
 */
#define GC_THREADS
#include <gc/gc.h>

#include <string.h>

#include "../hardening/hardening.h"
#include "consistency.h"
#include "read.h"

enum { KEPT = 3000, EXTRA = 20000, DYING = 20000 };

struct holder {
    struct gcw_table table;
};

static struct gcw_table *new_table(enum gcw_kind kind)
{
    struct holder *h = GC_MALLOC(sizeof *h);
    REQUIRE(h != NULL && gcw_table_init(&h->table, h, kind, 0) == GCWEAK_OK);
    return &h->table;
}

static _Atomic gcw_word *entry_of(struct gcw_table *t, const void *key, size_t *id)
{
    struct gcw_index *ix = atomic_load(&t->index);
    struct gcw_key k = gcw_key_of(key);
    return gcw_index_find(ix, &t->entries, &k, id);
}

/* The table's own consistency check (consistency.c), under the table mutex. It
 * exists in the test build only; a Release tree runs the rest of this test
 * against its optimised objects without it. */
static void check_table(struct gcw_table *t)
{
#ifdef GCWEAK_ASSERTS
    gcw_mutex_lock(&t->lock);
    gcw_table_check(t);
    gcw_mutex_unlock(&t->lock);
#else
    (void)t;
#endif
}

static NOINLINE void add_dying(struct gcw_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        REQUIRE(gcw_table_set(t, GC_MALLOC(16), (void *)(uintptr_t)(i + 1)) == GCWEAK_OK);
}

static void entries_never_move(enum gcw_kind kind)
{
    struct gcw_table *t = new_table(kind);
    void **keys = key_array(KEPT);
    _Atomic gcw_word **where = calloc(KEPT, sizeof *where);
    REQUIRE(where != NULL);
    for (size_t i = 0; i < KEPT; i++) {
        keys[i] = GC_MALLOC(16);
        REQUIRE(keys[i] != NULL && gcw_table_set(t, keys[i], hard_expected(i)) == GCWEAK_OK);
        size_t id = 0;
        where[i] = entry_of(t, keys[i], &id);
        CHECK(where[i] != NULL);
    }
    size_t capacity_before = gcw_index_capacity(atomic_load(&t->index));
    /* Growth: the index is rebuilt several times over. */
    void **extra = key_array(EXTRA);
    for (size_t i = 0; i < EXTRA; i++) {
        extra[i] = GC_MALLOC(16);
        REQUIRE(extra[i] != NULL && gcw_table_set(t, extra[i], NULL) == GCWEAK_OK);
    }
    CHECK(gcw_index_capacity(atomic_load(&t->index)) > capacity_before);
    /* Dead entries, dropped by the rebuilds the next inserts cause. */
    add_dying(t, DYING);
    collect(3);
    for (size_t i = 0; i < EXTRA / 2; i++) {
        CHECK(gcw_table_delete(t, extra[i]));
        extra[i] = GC_MALLOC(16);
        CHECK(gcw_table_set(t, extra[i], NULL) == GCWEAK_OK);
    }
    /* Shrinking: most entries deleted. */
    for (size_t i = 0; i < EXTRA; i++)
        CHECK(gcw_table_delete(t, extra[i]));
    check_table(t);
    for (size_t i = 0; i < KEPT; i++) {
        size_t id = 0;
        void *v = NULL;
        CHECK_MSG(entry_of(t, keys[i], &id) == where[i], "key %zu moved", i);
        CHECK(gcw_table_get(t, keys[i], &v) && (kind == GCW_KIND_SET || v == hard_expected(i)));
    }
    size_t count = gcw_table_size(t);
    CHECK(count >= KEPT && count <= KEPT + TOLERATED(DYING));
    free(where);
}

static void fingerprints_are_never_trusted(void)
{
    struct gcw_table *t = new_table(GCW_KIND_EPHEMERON);
    void **keys = key_array(3);
    for (size_t i = 0; i < 3; i++)
        REQUIRE((keys[i] = GC_MALLOC(16)) != NULL);
    REQUIRE(gcw_table_set(t, keys[0], keys[2]) == GCWEAK_OK);
    size_t id = 0;
    REQUIRE(entry_of(t, keys[0], &id) != NULL);
    /* A slot with keys[1]'s fingerprint, at keys[1]'s home, naming
     * keys[0]'s entry: a fingerprint collision. */
    struct gcw_index *ix = atomic_load(&t->index);
    struct gcw_key k1 = gcw_key_of(keys[1]);
    size_t at = gcw_index_home(ix, k1.hash);
    while (atomic_load(&ix->slot[at]) != GCW_ISLOT_EMPTY)
        at = gcw_index_next(ix, at);
    atomic_store(&ix->slot[at], gcw_islot_make(k1.fingerprint, id));
    CHECK(!gcw_table_get(t, keys[1], NULL));
    void *v = NULL;
    CHECK(gcw_table_get(t, keys[0], &v) && v == keys[2]);
    atomic_store(&ix->slot[at], GCW_ISLOT_EMPTY);
    /* A dead entry: the collector zeroed its key word. The slot still has
     * the old key's fingerprint, which a new object at the same address
     * shares; the entry's key word is what counts. */
    atomic_store(gcw_entry_key(&t->entries, id), GCW_KEY_CLEARED);
    CHECK(!gcw_table_get(t, keys[0], NULL));
    CHECK(gcw_table_size(t) == 1 || gcw_table_size(t) == 0);
}

static NOINLINE void fill_and_clear(gcweak_map *m, void **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        REQUIRE(gcweak_map_set(m, keys[i], NULL) == GCWEAK_OK);
    gcweak_map_clear(m);
}

static NOINLINE void drop_keys(void **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        keys[i] = NULL;
}

static void cleared_storage_keeps_no_links(void)
{
    enum { N = 20000, FILL = 4000, FILL_BYTES = 1024 };
    gcweak_map *m = gcweak_map_new();
    REQUIRE(m != NULL);
    void **keys = key_array(N);
    for (size_t i = 0; i < N; i++)
        REQUIRE((keys[i] = GC_MALLOC(16)) != NULL);
    /* The chunks now hold N links on live keys, and the map no longer
     * points to them: the collector reclaims them with their links. */
    fill_and_clear(m, keys, N);
    collect(3);
    /* Memory reused for pointer-free data full of a pattern... */
    unsigned char **fill = (unsigned char **)key_array(FILL);
    for (size_t i = 0; i < FILL; i++) {
        REQUIRE((fill[i] = GC_MALLOC_ATOMIC(FILL_BYTES)) != NULL);
        memset(fill[i], 0xA5, FILL_BYTES);
    }
    /* ...must not be zeroed when the keys die: a link left behind in a
     * reclaimed chunk would write there. */
    drop_keys(keys, N);
    collect(3);
    size_t zeroed = 0;
    for (size_t i = 0; i < FILL; i++)
        for (size_t b = 0; b < FILL_BYTES; b += sizeof(GC_word))
            zeroed += *(GC_word *)(fill[i] + b) == 0;
    CHECK_MSG(zeroed == 0, "%zu words zeroed", zeroed);
    CHECK(gcweak_map_size(m) == 0);
}

int main(void)
{
    GC_INIT();
    GC_allow_register_threads();
    entries_never_move(GCW_KIND_EPHEMERON);
    entries_never_move(GCW_KIND_WEAK_KEYS);
    entries_never_move(GCW_KIND_SET);
    fingerprints_are_never_trusted();
    cleared_storage_keeps_no_links();
    return checks_exit_status("layout");
}
