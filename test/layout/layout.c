/* SPDX-License-Identifier: MIT */
/*
 * White-box checks of the table's layout, built against lib/ itself: the
 * properties the public API cannot see but the design stands on.
 *   - entries never move: rebuilds (growth, shrinking, dropping dead
 *     entries) leave every live key's entry, and so its link, where it was;
 *   - a key copy in the index is believed only while every collection ran
 *     the pass: one left by a collection without it (the entry's key word
 *     cleared, the copy not) finds nothing, and the next write drops it;
 *   - a fingerprint is never trusted: a byte-keyed slot whose fingerprint
 *     matches a key but names another key's entry finds nothing;
 *   - a byte-keyed slot's stored key's address is withdrawn before its
 *     entry is freed, while readers may still follow it;
 *   - storage dropped by clear() keeps no registration alive: the collector
 *     reclaims the chunks with their links, and never writes through them
 *     into memory reused afterwards.
 */
#define GC_THREADS
#include <gc/gc.h>

#include <stdio.h>
#include <string.h>

#include "../hardening/hardening.h"
#include "consistency.h"
#include "read.h"
#include "rebuild.h"

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
    struct gcw_index *ix = atomic_load(&t->indexes.published);
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
    size_t capacity_before = gcw_index_capacity(atomic_load(&t->indexes.published));
    /* Growth: the index is rebuilt several times over. */
    void **extra = key_array(EXTRA);
    for (size_t i = 0; i < EXTRA; i++) {
        extra[i] = GC_MALLOC(16);
        REQUIRE(extra[i] != NULL && gcw_table_set(t, extra[i], NULL) == GCWEAK_OK);
    }
    CHECK(gcw_index_capacity(atomic_load(&t->indexes.published)) > capacity_before);
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

static unsigned warnings;

static void count_warning(char *msg, GC_word arg)
{
    (void)msg;
    (void)arg;
    warnings++;
}

/* A collection that does not run the pass: the collection-event callback
 * replaced, as a component that does not chain would. */
static void collect_without_pass(void)
{
    GC_on_collection_event_proc ours = GC_get_on_collection_event();
    GC_set_on_collection_event(NULL);
    GC_gcollect();
    GC_set_on_collection_event(ours);
}

static void stale_copies_are_not_believed(void)
{
    struct gcw_table *t = new_table(GCW_KIND_EPHEMERON);
    void **keys = key_array(3);
    for (size_t i = 0; i < 3; i++)
        REQUIRE((keys[i] = GC_MALLOC(16)) != NULL);
    REQUIRE(gcw_table_set(t, keys[0], keys[2]) == GCWEAK_OK);
    size_t id = 0;
    REQUIRE(entry_of(t, keys[0], &id) != NULL);
    struct gcw_index *ix = atomic_load(&t->indexes.published);
    GC_warn_proc before = GC_get_warn_proc();
    GC_set_warn_proc(count_warning);
    /* What a collection without the pass leaves when keys[0] dies and a new
     * object takes its address: the key word cleared, the copy kept. */
    collect_without_pass();
    atomic_store(gcw_entry_key(&t->entries, id), GCW_KEY_CLEARED);
    CHECK(!gcw_table_get(t, keys[0], NULL));
    /* The pass runs again, and records the missed collection: the copies
     * stay disbelieved until a refresh, which the read under the mutex
     * makes. */
    GC_gcollect();
    CHECK(!gcw_table_get(t, keys[0], NULL));
    CHECK(atomic_load(&ix->built_gc_no) >= atomic_load(&gcw_pass_missed_gc_no));
    size_t at = 0;
    CHECK(!gcw_index_find_copy(ix, gcw_key_word(keys[0]), gcw_word_hash(gcw_key_word(keys[0])),
                               &at));
    REQUIRE(gcw_table_set(t, keys[1], keys[2]) == GCWEAK_OK);
    void *v = NULL;
    CHECK(gcw_table_get(t, keys[1], &v) && v == keys[2]);
    CHECK(!gcw_table_get(t, keys[0], NULL));
    CHECK(warnings == 1); /* the values were dropped, once, with a warning */
    GC_set_warn_proc(before);
    check_table(t);
}

static void fingerprints_are_never_trusted(void)
{
    struct gcw_table *t = new_table(GCW_KIND_WEAK_VALUES);
    t->entries.byte_keys = true;
    void *value = GC_MALLOC(16);
    REQUIRE(value != NULL);
    struct gcw_bytes *stored[2];
    struct gcw_key k[2];
    static const char *const names[2] = {"a", "b"};
    for (int i = 0; i < 2; i++) {
        k[i] = gcw_key_of_bytes(names[i], 1);
        stored[i] = gcw_bytes_copy(&k[i]);
        REQUIRE(stored[i] != NULL);
        k[i].word = (gcw_word)stored[i];
    }
    REQUIRE(gcw_table_set_key(t, &k[0], stored[0], value, true, NULL) == GCWEAK_OK);
    size_t id = 0;
    struct gcw_index *ix = atomic_load(&t->indexes.published);
    REQUIRE(gcw_index_find(ix, &t->entries, &k[0], &id) != NULL);
    /* A slot with k[1]'s fingerprint, at its home, naming k[0]'s entry: a
     * fingerprint collision. */
    size_t at = gcw_index_home(ix, k[1].hash);
    while (atomic_load(gcw_islot(ix, at)) != GCW_SLOT_EMPTY)
        at = gcw_index_next(ix, at);
    atomic_store(gcw_islot_stored(ix, at), (gcw_word)stored[0]); /* the key that entry holds */
    if (GCW_PACKED_SECOND)
        atomic_store(&ix->second[at], (gcw_word)id + 1);
    atomic_store(gcw_islot(ix, at), gcw_packed_tag(k[1].fingerprint, id));
    CHECK(!gcw_table_get_key(t, &k[1], NULL));
    void *v = NULL;
    CHECK(gcw_table_get_key(t, &k[0], &v) && v == value);
    atomic_store(gcw_islot(ix, at), GCW_SLOT_EMPTY);
    GC_reachable_here(value);
}

static NOINLINE void drop_keys(void **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        keys[i] = NULL;
}

/* n byte-string keys "dying <i>" with fresh values, held in values[]. */
static NOINLINE void add_values(struct gcw_table *t, void **values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char name[32];
        int len = snprintf(name, sizeof name, "dying %zu", i);
        struct gcw_key k = gcw_key_of_bytes(name, (size_t)len);
        struct gcw_bytes *copy = gcw_bytes_copy(&k);
        REQUIRE(copy != NULL && (values[i] = GC_MALLOC(16)) != NULL);
        k.word = (gcw_word)copy;
        REQUIRE(gcw_table_set_key(t, &k, copy, values[i], true, NULL) == GCWEAK_OK);
    }
}

/* Slots of byte-keyed index ix naming entries whose values died. */
static size_t slots_of_dead(const struct gcw_table *t, const struct gcw_index *ix)
{
    size_t n = 0;
    for (size_t i = 0; i < ix->capacity; i++) {
        gcw_word s = atomic_load(gcw_islot(ix, i));
        if (s != GCW_SLOT_EMPTY && s != GCW_SLOT_DELETED)
            n += !gcw_entry_is_live(t->entries.kind,
                                    gcw_entry_key(&t->entries, gcw_packed_id(ix, i, s)));
    }
    return n;
}

/* A rebuild frees the dead entries it leaves out while readers may still
 * probe the published index and follow the stored keys' addresses there:
 * it withdraws each from that index first. So every slot of the old index
 * still naming an entry names one in use that holds the key whose address
 * the slot keeps, and the dead ones' slots are DELETED with no address. */
static void rebuilds_withdraw_what_they_free(void)
{
    struct gcw_table *t = new_table(GCW_KIND_WEAK_VALUES);
    t->entries.byte_keys = true;
    void **values = GC_MALLOC(DYING * sizeof *values);
    REQUIRE(values != NULL);
    add_values(t, values, DYING);
    /* An index that names every entry, all alive; then the values die. */
    gcw_mutex_lock(&t->lock);
    REQUIRE(gcw_rebuild(t, 0) == GCWEAK_OK);
    gcw_mutex_unlock(&t->lock);
    drop_keys(values, DYING);
    collect(3);
    gcw_mutex_lock(&t->lock);
    struct gcw_index *old = atomic_load(&t->indexes.published);
    size_t dead = slots_of_dead(t, old);
    REQUIRE(gcw_rebuild(t, 0) == GCWEAK_OK);
    CHECK(atomic_load(&t->indexes.published) != old);
    size_t named = 0, wrong = 0, withdrawn = 0;
    for (size_t i = 0; i < old->capacity; i++) {
        gcw_word s = atomic_load(gcw_islot(old, i));
        gcw_word stored = atomic_load(gcw_islot_stored(old, i));
        if (s == GCW_SLOT_DELETED)
            withdrawn += stored == 0;
        if (s == GCW_SLOT_EMPTY || s == GCW_SLOT_DELETED)
            continue;
        size_t id = gcw_packed_id(old, i, s);
        named++;
        wrong += !gcw_entries_in_use(&t->entries, id) ||
                 atomic_load(gcw_entry_key(&t->entries, id)) != stored;
    }
    gcw_mutex_unlock(&t->lock);
    CHECK_MSG(dead >= DYING * 95 / 100, "%zu of %d values died", dead, (int)DYING);
    CHECK_MSG(wrong == 0, "%zu of %zu slots name entries freed under them", wrong, named);
    CHECK_MSG(withdrawn == dead, "%zu of %zu dead entries withdrawn", withdrawn, dead);
}

static NOINLINE void fill_and_clear(gcweak_map *m, void **keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        REQUIRE(gcweak_map_set(m, keys[i], NULL) == GCWEAK_OK);
    gcweak_map_clear(m);
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
    stale_copies_are_not_believed();
    fingerprints_are_never_trusted();
    rebuilds_withdraw_what_they_free();
    cleared_storage_keeps_no_links();
    return checks_exit_status("layout");
}
