/* SPDX-License-Identifier: MIT */
/*
 * The index on its own: capacities, probes, deletes and the slots they
 * leave, the four-fifths limit, key copies and when they are dropped, the
 * stored keys' addresses of byte-keyed slots, and the load a table keeps
 * it at between rebuilds.
 */
#if defined(__unix__) && !defined(_DEFAULT_SOURCE)
#  define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#endif
#include "engine.h"

#include "read.h"

#include <stdint.h>
#include <stdio.h>
#if defined(__unix__)
#  include <sys/mman.h>
#endif

static void *new_object(void)
{
    void *p = GC_MALLOC(16);
    ck_assert_ptr_nonnull(p);
    return p;
}

START_TEST(capacities_are_twice_the_entries_in_whole_lines)
{
    ck_assert_uint_eq(gcw_index_capacity_for(0), 8);
    ck_assert_uint_eq(gcw_index_capacity_for(4), 8);
    ck_assert_uint_eq(gcw_index_capacity_for(5), 16);
    ck_assert_uint_eq(gcw_index_capacity_for(100), 200);
    ck_assert_uint_eq(gcw_index_capacity_for(1000001), 2000008);
    for (size_t n = 0; n < 10000; n++) {
        size_t cap = gcw_index_capacity_for(n);
        ck_assert(cap % 8 == 0 && cap >= 2 * n && cap < 2 * n + 16);
    }
    ck_assert_uint_eq(gcw_index_capacity_for(GCW_MAX_ENTRIES + 1), 0);
}
END_TEST

/* Keys set through probes are found, each at its own entry; others not. */
START_TEST(probes_find_what_was_set)
{
    enum { N = 3000 };
    struct gcw_entries *e = new_entries(GCW_KIND_EPHEMERON, N);
    struct gcw_index *ix = gcw_index_new(e, gcw_index_capacity_for(N));
    ck_assert_ptr_nonnull(ix);
    void **keys = GC_MALLOC(N * sizeof *keys);
    ck_assert_ptr_nonnull(keys);
    for (size_t i = 0; i < N; i++) {
        keys[i] = new_object();
        struct gcw_key k = gcw_key_of(keys[i]);
        size_t at = 0, id = 0;
        ck_assert(!gcw_index_probe(ix, e, &k, false, &at, &id));
        ck_assert(!gcw_index_too_full_for(ix, at));
        size_t n = add_entry(e, keys[i], NULL);
        gcw_index_set(ix, at, &k, n, 0);
    }
    ck_assert_uint_eq(ix->used, N);
    ck_assert_uint_eq(check_index(ix, e), N * (check_index(ix, e) != 0));
    for (size_t i = 0; i < N; i++) {
        struct gcw_key k = gcw_key_of(keys[i]);
        size_t id = SIZE_MAX;
        ck_assert_ptr_eq(gcw_index_find(ix, e, &k, &id), gcw_entry_key(e, i));
        ck_assert_uint_eq(id, i);
    }
    for (int i = 0; i < 1000; i++) {
        struct gcw_key k = gcw_key_of(new_object());
        size_t id = 0;
        ck_assert_ptr_null(gcw_index_find(ix, e, &k, &id));
    }
}
END_TEST

/* An index for n new keys of e, each set with value i + 1 (maps) as entry
 * i: keys[i] and its slot[i]. */
static struct gcw_index *new_filled_index(struct gcw_entries *e, void **keys, size_t *slot,
                                          size_t n)
{
    struct gcw_index *ix = gcw_index_new(e, gcw_index_capacity_for(n));
    ck_assert_ptr_nonnull(ix);
    bool values = e->kind != GCW_KIND_SET;
    for (size_t i = 0; i < n; i++) {
        keys[i] = new_object();
        struct gcw_key k = gcw_key_of(keys[i]);
        size_t id = 0;
        ck_assert(!gcw_index_probe(ix, e, &k, false, &slot[i], &id));
        size_t entry = add_entry(e, keys[i], values ? (void *)(i + 1) : NULL);
        ck_assert_uint_eq(entry, i);
        gcw_index_set(ix, slot[i], &k, entry, values ? i + 1 : 0);
    }
    return ix;
}

/* Deletes entries 0, step, 2 step, ... of the n that new_filled_index set. */
static void delete_every(struct gcw_index *ix, struct gcw_entries *e, const size_t *slot,
                         size_t n, size_t step)
{
    for (size_t i = 0; i < n; i += step) {
        gcw_index_delete(ix, slot[i]);
        (void)gcw_entries_delete(e, i);
    }
}

/* A deleted key's slot stays DELETED: later probes pass over it, and a set
 * of a key whose probe meets it reuses it. */
START_TEST(deleted_slots_keep_probes_going_and_are_reused)
{
    enum { N = 12 };
    struct gcw_entries *e = new_entries(GCW_KIND_SET, N);
    void *keys[N];
    size_t slot[N];
    struct gcw_index *ix = new_filled_index(e, keys, slot, N);
    delete_every(ix, e, slot, N, 2);
    for (size_t i = 0; i < N; i++) {
        struct gcw_key k = gcw_key_of(keys[i]);
        size_t at = 0, id = 0;
        ck_assert(gcw_index_probe(ix, e, &k, false, &at, &id) == (i % 2 == 1));
        if (i % 2 == 0)
            ck_assert_uint_eq(at, slot[i]); /* its own DELETED slot comes first */
        else
            ck_assert(at == slot[i] && id == i);
        /* Believing the copies finds the same, without the entries. */
        size_t at2 = 0, id2 = 0;
        ck_assert(gcw_index_probe(ix, e, &k, true, &at2, &id2) == (i % 2 == 1));
        ck_assert_uint_eq(at2, at);
        if (i % 2 == 1)
            ck_assert_uint_eq(id2, id);
    }
    ck_assert_uint_eq(ix->used, N);
    check_entries(e);
    ck_assert_uint_eq(check_index(ix, e), (N / 2) * (check_index(ix, e) != 0));
}
END_TEST

/* A larger index filled from the slots of another holds exactly the keys
 * those slots name, each found with its entry and value, and no DELETED
 * slot. */
START_TEST(an_index_filled_from_another_holds_its_named_slots)
{
    enum { N = 300 };
    struct gcw_entries *e = new_entries(GCW_KIND_EPHEMERON, N);
    void *keys[N];
    size_t slot[N];
    struct gcw_index *ix = new_filled_index(e, keys, slot, N);
    delete_every(ix, e, slot, N, 3);
    struct gcw_index *big = gcw_index_new(e, gcw_index_capacity_for(3 * N));
    ck_assert_ptr_nonnull(big);
    size_t added = gcw_index_add_slots_of(big, ix);
    ck_assert_uint_eq(added, N - (N + 2) / 3);
    ck_assert_uint_eq(big->used, added);
    for (size_t i = 0; i < N; i++) {
        struct gcw_key k = gcw_key_of(keys[i]);
        size_t at = 0, id = 0;
        bool found = gcw_index_find_copy(big, k.word, k.hash, &at);
        ck_assert(found == (i % 3 != 0));
        if (!found)
            continue;
        ck_assert_uint_eq(atomic_load(gcw_islot_value(big, at)), i + 1);
        ck_assert_ptr_nonnull(gcw_index_find(big, e, &k, &id));
        ck_assert_uint_eq(id, i);
    }
    for (size_t i = 0; i < gcw_index_capacity(big); i++)
        ck_assert(atomic_load(gcw_islot(big, i)) != GCW_SLOT_DELETED);
    check_entries(e);
    ck_assert_uint_eq(check_index(big, e), added * (check_index(big, e) != 0));
}
END_TEST

/* Eight slots hold six keys; a seventh would need a rebuild. */
START_TEST(at_most_four_fifths_of_the_slots_are_used)
{
    struct gcw_entries *e = new_entries(GCW_KIND_SET, 16);
    struct gcw_index *ix = gcw_index_new(e, gcw_index_capacity_for(3));
    ck_assert_ptr_nonnull(ix);
    ck_assert_uint_eq(gcw_index_capacity(ix), 8);
    for (int i = 0; i < 7; i++) {
        void *key = new_object();
        struct gcw_key k = gcw_key_of(key);
        size_t at = 0, id = 0;
        ck_assert(!gcw_index_probe(ix, e, &k, false, &at, &id));
        if (i == 6) {
            ck_assert(gcw_index_too_full_for(ix, at));
            break;
        }
        ck_assert(!gcw_index_too_full_for(ix, at));
        gcw_index_set(ix, at, &k, add_entry(e, key, NULL), 0);
    }
    ck_assert_uint_eq(ix->used, 6);
}
END_TEST

/* A word-keyed slot holds copies of its entry's key word and value, which
 * the lookup answers from alone. When the collector clears the key word the
 * copy stays (the pass must drop it, ephemeron.c): the checked find and
 * the writer's probe then find nothing, the probe drops the stale copy,
 * and a refresh drops stale copies and takes new values. */
START_TEST(copies_answer_lookups_and_stale_ones_are_dropped)
{
    struct gcw_entries *e = new_entries(GCW_KIND_EPHEMERON, 16);
    struct gcw_index *ix = gcw_index_new(e, gcw_index_capacity_for(4));
    ck_assert_ptr_nonnull(ix);
    ck_assert(ix->copies && ix->values);
    void *a = new_object(), *b = new_object(), *c = new_object();
    struct gcw_key ka = gcw_key_of(a), kb = gcw_key_of(b);
    size_t at = 0, id = 0, found_at = SIZE_MAX;
    ck_assert(!gcw_index_probe(ix, e, &ka, false, &at, &id));
    size_t ida = add_entry(e, a, b);
    gcw_index_set(ix, at, &ka, ida, (gcw_word)b);
    ck_assert(gcw_index_find_copy(ix, ka.word, ka.hash, &found_at) && found_at == at);
    ck_assert_ptr_eq((void *)atomic_load(gcw_islot_value(ix, at)), b);
    ck_assert(!gcw_index_find_copy(ix, kb.word, kb.hash, &found_at));
    ck_assert_ptr_eq(gcw_index_find(ix, e, &ka, &id), gcw_entry_key(e, ida));
    /* A new value in the entry reaches the copy by a refresh. */
    atomic_store(gcw_entry_value(gcw_entry_key(e, ida)), c);
    gcw_index_refresh(ix, e);
    ck_assert_ptr_eq((void *)atomic_load(gcw_islot_value(ix, at)), c);
    ck_assert_uint_eq(check_index(ix, e), 1 * (check_index(ix, e) != 0));
    /* The collector clears a's key word: the copy alone would still answer
     * for a new object at a's address. */
    atomic_store(gcw_entry_key(e, ida), GCW_KEY_CLEARED);
    ck_assert(gcw_index_find_copy(ix, ka.word, ka.hash, &found_at));
    ck_assert_ptr_null(gcw_index_find(ix, e, &ka, &id));
    size_t again = 0;
    ck_assert(!gcw_index_probe(ix, e, &ka, false, &again, &id));
    ck_assert_uint_eq(again, at); /* the stale slot, now DELETED, is reused */
    ck_assert(!gcw_index_find_copy(ix, ka.word, ka.hash, &found_at));
    /* The pass's drop and the refresh reach the same state. */
    gcw_entries_delete(e, ida);
    size_t idb = add_entry(e, b, c);
    ck_assert(!gcw_index_probe(ix, e, &kb, false, &at, &id));
    gcw_index_set(ix, at, &kb, idb, (gcw_word)c);
    gcw_index_drop_copy(ix, kb.word, kb.hash);
    ck_assert(!gcw_index_find_copy(ix, kb.word, kb.hash, &found_at));
    ck_assert_uint_eq(atomic_load(gcw_islot(ix, at)), GCW_SLOT_DELETED);
    gcw_index_set(ix, at, &kb, idb, (gcw_word)c);
    atomic_store(gcw_entry_key(e, idb), GCW_KEY_CLEARED);
    gcw_index_refresh(ix, e);
    ck_assert_uint_eq(atomic_load(gcw_islot(ix, at)), GCW_SLOT_DELETED);
}
END_TEST

struct holder {
    struct gcw_table table;
};

/* A table rebuilds its index for twice its live entries (load one half)
 * when a set would take it past four fifths, and never otherwise. */
/* A byte-keyed index of n keys "key <i>", entry i holding stored copy i
 * and a value word (no link: nothing here collects). */
static struct gcw_index *new_bytes_index(struct gcw_entries *e, struct gcw_key *keys,
                                         size_t *slot, size_t n)
{
    struct gcw_index *ix = gcw_index_new(e, gcw_index_capacity_for(n));
    ck_assert_ptr_nonnull(ix);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        int len = snprintf(name, sizeof name, "key %zu", i);
        keys[i] = gcw_key_of_bytes(name, (size_t)len);
        struct gcw_bytes *copy = gcw_bytes_copy(&keys[i]);
        ck_assert_ptr_nonnull(copy);
        keys[i].word = (gcw_word)copy;
        keys[i].bytes = copy->data; /* the caller's buffer is gone */
        size_t id = 0;
        ck_assert(!gcw_index_probe(ix, e, &keys[i], false, &slot[i], &id));
        size_t entry = gcw_entries_next_free(e);
        gcw_entries_set(e, entry, keys[i].word, (void *)(i + 1), false, false);
        ck_assert_uint_eq(entry, i);
        gcw_index_set(ix, slot[i], &keys[i], entry, 0);
    }
    return ix;
}

/* A byte-keyed slot keeps the address of the key its entry stores, and a
 * lookup compares through it; an entry whose value is gone is no match; a
 * reader whose sample a writer overtook follows no address (a page no one
 * may read stands in for a freed key); a withdrawn slot is DELETED and
 * its address 0. */
START_TEST(byte_keys_are_compared_through_the_address_in_their_slot)
{
    enum { N = 500 };
    struct gcw_entries *e = new_entries(GCW_KIND_WEAK_VALUES, N);
    e->byte_keys = true;
    struct gcw_key *keys = GC_MALLOC(N * sizeof *keys);
    size_t *slot = GC_MALLOC_ATOMIC(N * sizeof *slot);
    ck_assert(keys != NULL && slot != NULL);
    struct gcw_index *ix = new_bytes_index(e, keys, slot, N);
    ck_assert_uint_eq(check_index(ix, e), N * (check_index(ix, e) != 0));
    for (size_t i = 0; i < N; i++) {
        ck_assert_uint_eq(atomic_load(gcw_islot_stored(ix, slot[i])), keys[i].word);
        size_t id = SIZE_MAX;
        ck_assert_ptr_eq(gcw_index_find(ix, e, &keys[i], &id), gcw_entry_key(e, i));
        ck_assert_uint_eq(id, i);
    }
    struct gcw_key absent = gcw_key_of_bytes("key", 3);
    size_t id = 0;
    ck_assert_ptr_null(gcw_index_find(ix, e, &absent, &id));

    /* The value died: the entry is no match, and the probe goes past it. */
    atomic_store((_Atomic gcw_word *)(gcw_entry_key(e, 1) + 1), 0);
    ck_assert_ptr_null(gcw_index_find(ix, e, &keys[1], &id));

    atomic_uint seq = 4;
#if defined(__unix__)
    void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(page != MAP_FAILED);
    atomic_store(gcw_islot_stored(ix, slot[2]), (gcw_word)page);
    /* Sampled at 2: a writer began since. Following the address faults. */
    ck_assert_ptr_null(gcw_index_find_keyed(ix, e, &keys[2], &id, true, &seq, 2));
    atomic_store(gcw_islot_stored(ix, slot[2]), keys[2].word);
    munmap(page, 4096);
#endif
    ck_assert_ptr_eq(gcw_index_find_keyed(ix, e, &keys[2], &id, true, &seq, 4),
                     gcw_entry_key(e, 2));

    gcw_index_withdraw(ix, &keys[3], 3);
    ck_assert_uint_eq(atomic_load(gcw_islot(ix, slot[3])), GCW_SLOT_DELETED);
    ck_assert_uint_eq(atomic_load(gcw_islot_stored(ix, slot[3])), 0);
    ck_assert_ptr_null(gcw_index_find(ix, e, &keys[3], &id));
    for (size_t i = 4; i < N; i++)
        ck_assert_ptr_eq(gcw_index_find(ix, e, &keys[i], &id), gcw_entry_key(e, i));
}
END_TEST

START_TEST(tables_keep_the_load_between_a_half_and_four_fifths)
{
    enum { N = 20000 };
    struct holder *h = GC_MALLOC(sizeof *h);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(gcw_table_init(&h->table, h, GCW_KIND_SET, 0), GCWEAK_OK);
    struct gcw_table *t = &h->table;
    void **keys = GC_MALLOC_UNCOLLECTABLE(N * sizeof *keys);
    ck_assert_ptr_nonnull(keys);
    struct gcw_index *ix = NULL;
    size_t rebuilds = 0;
    for (size_t n = 0; n < N; n++) {
        keys[n] = new_object();
        size_t used_before = ix != NULL ? ix->used : 0;
        ck_assert_int_eq(gcw_table_set(t, keys[n], NULL), GCWEAK_OK);
        struct gcw_index *now = atomic_load(&t->indexes.published);
        if (now != ix) {
            if (ix != NULL) /* grown only past four fifths */
                ck_assert_uint_gt((used_before + 1) * 5, gcw_index_capacity(ix) * 4);
            ck_assert_uint_eq(gcw_index_capacity(now), gcw_index_capacity_for(n + 1));
            ix = now;
            rebuilds++;
        }
        ck_assert_uint_le(ix->used * 5, gcw_index_capacity(ix) * 4);
    }
    /* From a load of one half to four fifths: the capacity grows 1.6x a
     * rebuild, about log1.6(2N / 8) = 18 rebuilds, not one per set. */
    ck_assert_uint_le(rebuilds, 24);
    for (size_t n = 0; n < N; n++)
        ck_assert(gcw_table_get(t, keys[n], NULL));
    GC_FREE(keys);
}
END_TEST

Suite *index_suite(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("index");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, capacities_are_twice_the_entries_in_whole_lines);
    tcase_add_test(tc, probes_find_what_was_set);
    tcase_add_test(tc, deleted_slots_keep_probes_going_and_are_reused);
    tcase_add_test(tc, an_index_filled_from_another_holds_its_named_slots);
    tcase_add_test(tc, at_most_four_fifths_of_the_slots_are_used);
    tcase_add_test(tc, copies_answer_lookups_and_stale_ones_are_dropped);
    tcase_add_test(tc, byte_keys_are_compared_through_the_address_in_their_slot);
    tcase_add_test(tc, tables_keep_the_load_between_a_half_and_four_fifths);
    suite_add_tcase(s, tc);
    return s;
}
