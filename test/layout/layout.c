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
#include "table.h"

enum { KEPT = 3000, EXTRA = 20000, DYING = 20000 };

struct holder {
    struct gcw_table table;
};

static struct gcw_table *new_table(enum gcw_values values)
{
    struct holder *h = GC_MALLOC(sizeof *h);
    REQUIRE(h != NULL && gcw_table_init(&h->table, values, 0) == GCWEAK_OK);
    return &h->table;
}

static _Atomic gcw_word *entry_of(struct gcw_table *t, const void *key, size_t *id)
{
    struct gcw_index *ix = atomic_load(&t->index);
    return gcw_index_lookup(ix, &t->entries, gcw_key_word(key), id);
}

static void *check_locked(void *t)
{
    gcw_table_check(t);
    return NULL;
}

/* The table's own consistency check, in the lock order of lib/: the table
 * mutex, then the collector's lock (which stops key words changing). */
static void check_table(struct gcw_table *t)
{
    gcw_mutex_lock(&t->lock);
    (void)GC_call_with_alloc_lock(check_locked, t);
    gcw_mutex_unlock(&t->lock);
}

static NOINLINE void add_dying(struct gcw_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        REQUIRE(gcw_table_put(t, GC_MALLOC(16), (void *)(uintptr_t)(i + 1)) == GCWEAK_OK);
}

static void entries_never_move(enum gcw_values values)
{
    struct gcw_table *t = new_table(values);
    void **keys = key_array(KEPT);
    _Atomic gcw_word **where = calloc(KEPT, sizeof *where);
    REQUIRE(where != NULL);
    for (size_t i = 0; i < KEPT; i++) {
        keys[i] = GC_MALLOC(16);
        REQUIRE(keys[i] != NULL && gcw_table_put(t, keys[i], hard_expected(i)) == GCWEAK_OK);
        size_t id = 0;
        where[i] = entry_of(t, keys[i], &id);
        CHECK(where[i] != NULL);
    }
    size_t capacity_before = gcw_index_capacity(atomic_load(&t->index));
    /* Growth: the index is rebuilt several times over. */
    void **extra = key_array(EXTRA);
    for (size_t i = 0; i < EXTRA; i++) {
        extra[i] = GC_MALLOC(16);
        REQUIRE(extra[i] != NULL && gcw_table_put(t, extra[i], NULL) == GCWEAK_OK);
    }
    CHECK(gcw_index_capacity(atomic_load(&t->index)) > capacity_before);
    /* Dead entries, dropped by the rebuilds the next inserts cause. */
    add_dying(t, DYING);
    collect(3);
    for (size_t i = 0; i < EXTRA / 2; i++) {
        CHECK(gcw_table_remove(t, extra[i]));
        extra[i] = GC_MALLOC(16);
        CHECK(gcw_table_put(t, extra[i], NULL) == GCWEAK_OK);
    }
    /* Shrinking: most entries deleted. */
    for (size_t i = 0; i < EXTRA; i++)
        CHECK(gcw_table_remove(t, extra[i]));
    check_table(t);
    for (size_t i = 0; i < KEPT; i++) {
        size_t id = 0;
        void *v = NULL;
        CHECK_MSG(entry_of(t, keys[i], &id) == where[i], "key %zu moved", i);
        CHECK(gcw_table_get(t, keys[i], &v) && (values == GCW_NO_VALUES || v == hard_expected(i)));
    }
    size_t count = gcw_table_count(t);
    CHECK(count >= KEPT && count <= KEPT + TOLERATED(DYING));
    free(where);
}

static void fingerprints_are_never_trusted(void)
{
    struct gcw_table *t = new_table(GCW_EPHEMERON_VALUES);
    void **keys = key_array(3);
    for (size_t i = 0; i < 3; i++)
        REQUIRE((keys[i] = GC_MALLOC(16)) != NULL);
    REQUIRE(gcw_table_put(t, keys[0], keys[2]) == GCWEAK_OK);
    size_t id = 0;
    REQUIRE(entry_of(t, keys[0], &id) != NULL);
    /* A slot with keys[1]'s fingerprint, at keys[1]'s home, naming
     * keys[0]'s entry: a fingerprint collision. */
    struct gcw_index *ix = atomic_load(&t->index);
    gcw_word w1 = gcw_key_word(keys[1]);
    size_t at = gcw_index_home(ix, w1);
    while (atomic_load(&ix->slot[at]) != GCW_ISLOT_EMPTY)
        at = gcw_index_next(ix, at);
    atomic_store(&ix->slot[at], gcw_islot_make(gcw_word_fingerprint(w1), id));
    CHECK(!gcw_table_get(t, keys[1], NULL));
    void *v = NULL;
    CHECK(gcw_table_get(t, keys[0], &v) && v == keys[2]);
    atomic_store(&ix->slot[at], GCW_ISLOT_EMPTY);
    /* A dead entry: the collector zeroed its key word. The slot still has
     * the old key's fingerprint, which a new object at the same address
     * shares; the entry's key word is what counts. */
    atomic_store(gcw_entry_key(&t->entries, id), GCW_KEY_CLEARED);
    CHECK(!gcw_table_get(t, keys[0], NULL));
    CHECK(gcw_table_count(t) == 1 || gcw_table_count(t) == 0);
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
    entries_never_move(GCW_EPHEMERON_VALUES);
    entries_never_move(GCW_STRONG_VALUES);
    entries_never_move(GCW_NO_VALUES);
    fingerprints_are_never_trusted();
    cleared_storage_keeps_no_links();
    return checks_exit_status("layout");
}
