/* SPDX-License-Identifier: MIT */
/*
 * Weak-value maps: byte-string keys copied and compared by their bytes,
 * values held weakly, intern as the atomic get-or-create, notifications
 * that never hide a newer entry, and get, size, foreach and intern agreeing
 * right after collections.
 */
#include "readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gcweak_valmap *new_valmap(void)
{
    gcweak_valmap *m = gcweak_valmap_new();
    ck_assert_ptr_nonnull(m);
    return m;
}

static int on_static;

START_TEST(keys_are_bytes_copied_in)
{
    gcweak_valmap *m = new_valmap();
    void *a = new_key(16), *b = new_key(16), *c = new_key(16), *d = new_key(16);
    char buf[8] = "abc";
    ck_assert_int_eq(gcweak_valmap_set(m, buf, 3, a), GCWEAK_OK);
    memcpy(buf, "xyz", 3); /* the caller's buffer is not kept */
    ck_assert_ptr_eq(gcweak_valmap_get(m, "abc", 3), a);
    ck_assert_ptr_null(gcweak_valmap_get(m, "xyz", 3));
    ck_assert_ptr_null(gcweak_valmap_get(m, "ab", 2));
    /* Embedded NULs, and the empty key in both spellings. */
    ck_assert_int_eq(gcweak_valmap_set(m, "a\0b", 3, b), GCWEAK_OK);
    ck_assert_ptr_eq(gcweak_valmap_get(m, "a\0b", 3), b);
    ck_assert_ptr_null(gcweak_valmap_get(m, "a\0c", 3));
    ck_assert_int_eq(gcweak_valmap_set(m, NULL, 0, c), GCWEAK_OK);
    ck_assert_ptr_eq(gcweak_valmap_get(m, "", 0), c);
    /* A long key, and one differing only in its last byte. */
    enum { LONG = 100000 };
    char *big = malloc(LONG);
    ck_assert_ptr_nonnull(big);
    memset(big, 'k', LONG);
    ck_assert_int_eq(gcweak_valmap_set(m, big, LONG, d), GCWEAK_OK);
    big[LONG - 1] = 'j';
    ck_assert_ptr_null(gcweak_valmap_get(m, big, LONG));
    big[LONG - 1] = 'k';
    ck_assert_ptr_eq(gcweak_valmap_get(m, big, LONG), d);
    free(big);
    ck_assert_uint_eq(gcweak_valmap_size(m), 4);
    /* Replace, delete. */
    ck_assert_int_eq(gcweak_valmap_set(m, "abc", 3, b), GCWEAK_OK);
    ck_assert_ptr_eq(gcweak_valmap_get(m, "abc", 3), b);
    ck_assert(gcweak_valmap_delete(m, "abc", 3));
    ck_assert(!gcweak_valmap_delete(m, "abc", 3));
    ck_assert_uint_eq(gcweak_valmap_size(m), 3);
    gcweak_valmap_clear(m);
    ck_assert_uint_eq(gcweak_valmap_size(m), 0);
    ck_assert_ptr_null(gcweak_valmap_get(m, "", 0));
}
END_TEST

static void *make_nothing(const void *key, size_t len, void *arg)
{
    (void)key;
    (void)len;
    return arg;
}

START_TEST(bad_keys_and_values_are_refused_with_nothing_stored)
{
    gcweak_valmap *m = new_valmap();
    void *v = new_key(16);
    int on_stack = 0;
    void *in_malloc = malloc(16);
    ck_assert_ptr_nonnull(in_malloc);
    ck_assert_int_eq(gcweak_valmap_set(m, NULL, 3, v), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_set(m, "k", 1, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_set(m, "k", 1, &on_stack), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_set(m, "k", 1, &on_static), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_set(m, "k", 1, in_malloc), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_set(NULL, "k", 1, v), GCWEAK_EINVAL);
    ck_assert_uint_eq(gcweak_valmap_size(m), 0);
    ck_assert_ptr_null(gcweak_valmap_get(m, NULL, 3));
    ck_assert(!gcweak_valmap_delete(m, NULL, 3));
    ck_assert_ptr_null(gcweak_valmap_get(NULL, "k", 1));
    ck_assert(!gcweak_valmap_delete(NULL, "k", 1));
    ck_assert_uint_eq(gcweak_valmap_size(NULL), 0);
    void *untouched = &on_static;
    void *out = untouched;
    ck_assert_int_eq(gcweak_valmap_intern(m, "k", 1, NULL, NULL, &out), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_intern(m, "k", 1, make_nothing, v, NULL), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_intern(m, NULL, 1, make_nothing, v, &out), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_intern(m, "k", 1, make_nothing, NULL, &out), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_intern(m, "k", 1, make_nothing, in_malloc, &out),
                     GCWEAK_EINVAL);
    ck_assert_ptr_eq(out, untouched);
    ck_assert_uint_eq(gcweak_valmap_size(m), 0);
    ck_assert_int_eq(gcweak_valmap_on_removal(NULL, NULL, NULL), GCWEAK_EINVAL);
    gcweak_stats st;
    ck_assert_int_eq(gcweak_valmap_stats(NULL, &st), GCWEAK_EINVAL);
    ck_assert_int_eq(gcweak_valmap_stats(m, NULL), GCWEAK_EINVAL);
    free(in_malloc);
}
END_TEST

enum { DYING = 10000, KEPT = 1000 };

static void name_of(char *buf, size_t n, const char *prefix, size_t i)
{
    (void)snprintf(buf, n, "%s-%zu", prefix, i);
}

static NOINLINE void fill_dying(gcweak_valmap *m, size_t n)
{
    char name[32];
    for (size_t i = 0; i < n; i++) {
        name_of(name, sizeof name, "dying", i);
        ck_assert_int_eq(gcweak_valmap_set(m, name, strlen(name), new_tagged_key(i)), GCWEAK_OK);
    }
}

struct tally {
    size_t visited, bad;
};

static int tally_entry(const void *key, size_t len, void *value, void *arg)
{
    struct tally *t = arg;
    t->visited++;
    t->bad += key == NULL || len == 0 || value == NULL ||
              ((struct key *)value)->magic != KEY_MAGIC;
    return 0;
}

/* The four never disagree, right after collections. */
START_TEST(entries_go_with_their_values_and_everyone_agrees)
{
    gcweak_valmap *m = new_valmap();
    void **kept = key_array(KEPT);
    char name[32];
    for (size_t i = 0; i < KEPT; i++) {
        kept[i] = new_tagged_key(i);
        name_of(name, sizeof name, "kept", i);
        ck_assert_int_eq(gcweak_valmap_set(m, name, strlen(name), kept[i]), GCWEAK_OK);
    }
    fill_dying(m, DYING);
    collect(4);
    size_t size = gcweak_valmap_size(m);
    size_t found = 0;
    for (size_t i = 0; i < DYING; i++) {
        name_of(name, sizeof name, "dying", i);
        struct key *v = gcweak_valmap_get(m, name, strlen(name));
        if (v != NULL) {
            ck_assert_uint_eq(v->magic, KEY_MAGIC);
            found++;
        }
    }
    struct tally t = {0, 0};
    ck_assert_int_eq(gcweak_valmap_foreach(m, tally_entry, &t), GCWEAK_OK);
    ck_assert_msg(found <= TOLERATED(DYING), "%zu of %d entries outlived their values", found,
                  DYING);
    ck_assert_uint_eq(t.bad, 0);
    ck_assert_uint_eq(size, KEPT + found);
    ck_assert_uint_eq(t.visited, size);
    for (size_t i = 0; i < KEPT; i++) {
        name_of(name, sizeof name, "kept", i);
        ck_assert_ptr_eq(gcweak_valmap_get(m, name, strlen(name)), kept[i]);
    }
    /* intern makes a new value where the old one died. */
    size_t created = 0;
    for (size_t i = 0; i < DYING; i++) {
        name_of(name, sizeof name, "dying", i);
        void *before = gcweak_valmap_get(m, name, strlen(name));
        void *v = NULL;
        ck_assert_int_eq(gcweak_valmap_intern(m, name, strlen(name), make_nothing, kept[0], &v),
                         GCWEAK_OK);
        ck_assert_ptr_eq(v, before != NULL ? before : kept[0]);
        created += before == NULL;
    }
    /* Collections meanwhile only kill more of the conservative survivors. */
    ck_assert_uint_ge(created, DYING - found);
}
END_TEST

/* Notifications: once per entry whose value died; none for delete, clear
 * or replace; an old value's never hides a newer entry for its key. */
static atomic_long notified;
static atomic_long notified_k;

static void count_removal(const void *key, size_t len, void *arg)
{
    (void)arg;
    atomic_fetch_add(&notified, 1);
    if (len == 1 && memcmp(key, "k", 1) == 0)
        atomic_fetch_add(&notified_k, 1);
}

static NOINLINE void set_dying_value(gcweak_valmap *m, const char *key)
{
    ck_assert_int_eq(gcweak_valmap_set(m, key, strlen(key), new_key(16)), GCWEAK_OK);
}

START_TEST(notifications_never_hide_a_newer_entry)
{
    gcweak_valmap *m = new_valmap();
    atomic_store(&notified, 0);
    atomic_store(&notified_k, 0);
    ck_assert_int_eq(gcweak_valmap_on_removal(m, count_removal, NULL), GCWEAK_OK);
    fill_dying(m, DYING);
    set_dying_value(m, "k"); /* v1 */
    collect(4);
    (void)gcweak_valmap_size(m); /* an operation: delivery */
    void **v2 = key_array(1);
    v2[0] = new_key(16);
    ck_assert_int_eq(gcweak_valmap_set(m, "k", 1, v2[0]), GCWEAK_OK);
    collect(4);
    (void)gcweak_valmap_size(m);
    ck_assert_ptr_eq(gcweak_valmap_get(m, "k", 1), v2[0]);
    ck_assert_int_le(atomic_load(&notified_k), 1);
    ck_assert_int_ge(atomic_load(&notified), DYING - TOLERATED(DYING));
    ck_assert_int_le(atomic_load(&notified), DYING + 1);
    /* Delete, clear and replace say nothing. */
    long before = atomic_load(&notified);
    void **keep = key_array(3);
    for (int i = 0; i < 3; i++)
        keep[i] = new_key(16);
    ck_assert_int_eq(gcweak_valmap_set(m, "a", 1, keep[0]), GCWEAK_OK);
    ck_assert_int_eq(gcweak_valmap_set(m, "a", 1, keep[1]), GCWEAK_OK);
    ck_assert(gcweak_valmap_delete(m, "a", 1));
    ck_assert_int_eq(gcweak_valmap_set(m, "b", 1, keep[2]), GCWEAK_OK);
    gcweak_valmap_clear(m);
    collect(3);
    (void)gcweak_valmap_size(m);
    ck_assert_int_eq(atomic_load(&notified), before);
}
END_TEST

/* A value revived by its own finalizer does not come back to the map. */
enum { REVIVED = 1000 };
static void *revived[REVIVED];

static void revive(void *obj, void *slot)
{
    *(void **)slot = obj;
}

static NOINLINE void fill_revivable(gcweak_valmap *m)
{
    char name[32];
    for (size_t i = 0; i < REVIVED; i++) {
        void *v = new_key(16);
        GC_REGISTER_FINALIZER(v, revive, &revived[i], NULL, NULL);
        name_of(name, sizeof name, "rev", i);
        ck_assert_int_eq(gcweak_valmap_set(m, name, strlen(name), v), GCWEAK_OK);
    }
}

START_TEST(a_revived_value_is_not_given_back)
{
    gcweak_valmap *m = new_valmap();
    fill_revivable(m);
    collect(3);
    size_t back = 0;
    char name[32];
    for (size_t i = 0; i < REVIVED; i++) {
        name_of(name, sizeof name, "rev", i);
        if (revived[i] != NULL)
            ck_assert_ptr_null(gcweak_valmap_get(m, name, strlen(name)));
        back += revived[i] != NULL;
    }
    ck_assert_uint_ge(back, REVIVED - TOLERATED(REVIVED));
}
END_TEST

#ifndef GCWEAK_TEST_NO_THREADS
#include <pthread.h>

/* Threads interning the same names at once end with one object a name. */
enum { NAMES = 1000, INTERNERS = 4 };
static gcweak_valmap *symbols;
static void **interned[INTERNERS];

static void *make_symbol(const void *key, size_t len, void *arg)
{
    (void)arg;
    char *s = GC_MALLOC_ATOMIC(len + 1);
    if (s != NULL) {
        memcpy(s, key, len);
        s[len] = '\0';
    }
    return s;
}

static void *intern_all(void *which)
{
    void **out = interned[(uintptr_t)which];
    char name[32];
    for (size_t i = 0; i < NAMES; i++) {
        name_of(name, sizeof name, "sym", i);
        void *v = NULL;
        if (gcweak_valmap_intern(symbols, name, strlen(name), make_symbol, NULL, &v) ==
            GCWEAK_OK)
            out[i] = v;
    }
    return NULL;
}

START_TEST(racing_interns_agree_on_one_object_per_name)
{
    symbols = new_valmap();
    for (int t = 0; t < INTERNERS; t++)
        interned[t] = key_array(NAMES);
    pthread_t th[INTERNERS];
    for (uintptr_t t = 0; t < INTERNERS; t++)
        ck_assert_int_eq(pthread_create(&th[t], NULL, intern_all, (void *)t), 0);
    for (int t = 0; t < INTERNERS; t++)
        pthread_join(th[t], NULL);
    char name[32];
    for (size_t i = 0; i < NAMES; i++) {
        name_of(name, sizeof name, "sym", i);
        ck_assert_ptr_nonnull(interned[0][i]);
        ck_assert_str_eq(interned[0][i], name);
        for (int t = 1; t < INTERNERS; t++)
            ck_assert_ptr_eq(interned[t][i], interned[0][i]);
        ck_assert_ptr_eq(gcweak_valmap_get(symbols, name, strlen(name)), interned[0][i]);
    }
    ck_assert_uint_eq(gcweak_valmap_size(symbols), NAMES);
}
END_TEST

enum { SLOTS = 512, ROUNDS = 300 };

static void publish_named(size_t slot, struct canary *c, void *arg)
{
    char name[32];
    name_of(name, sizeof name, "slot", slot);
    ck_assert_int_eq(gcweak_valmap_set(arg, name, strlen(name), c), GCWEAK_OK);
}

static struct canary *read_named(size_t slot, void *arg)
{
    char name[32];
    name_of(name, sizeof name, "slot", slot);
    return gcweak_valmap_get(arg, name, strlen(name));
}

START_TEST(readers_never_get_a_value_being_reclaimed)
{
    gcweak_valmap **m = GC_MALLOC_UNCOLLECTABLE(sizeof *m);
    ck_assert_ptr_nonnull(m);
    GC_PTR_STORE_AND_DIRTY(m, new_valmap()); /* heap memory: dirty its page */
    struct race r = {publish_named, read_named, *m};
    race_readers_with_collections(&r, SLOTS, ROUNDS);
}
END_TEST
#endif

Suite *valmap_suite(void)
{
    Suite *s = suite_create("valmap");
    TCase *tc = tcase_create("weak-value maps");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, keys_are_bytes_copied_in);
    tcase_add_test(tc, bad_keys_and_values_are_refused_with_nothing_stored);
    tcase_add_test(tc, entries_go_with_their_values_and_everyone_agrees);
    tcase_add_test(tc, notifications_never_hide_a_newer_entry);
    tcase_add_test(tc, a_revived_value_is_not_given_back);
#ifndef GCWEAK_TEST_NO_THREADS
    tcase_add_test(tc, racing_interns_agree_on_one_object_per_name);
    tcase_add_test(tc, readers_never_get_a_value_being_reclaimed);
#endif
    suite_add_tcase(s, tc);
    return s;
}
