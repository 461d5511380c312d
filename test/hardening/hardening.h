/* SPDX-License-Identifier: MIT */
/*
 * The standard scenario of the hardening programs (the .c files of
 * test/hardening), which each runs under its own configuration. Each program
 * configures the collector its own way, so this header is self-contained:
 * static functions only, compiled into each program with that program's
 * macros (GC_THREADS or not, GC_DEBUG or not).
 *
 * The includer must include <gc/gc.h> (with its own macros) before this file.
 *
 * Collecting, root arrays and counted values are the shared harness's
 * (../harness/collect.h), checks those of every program without Check
 * (../harness/report.h): keys that must die are made in noinline frames that
 * keep no pointer to them, the stack is cleared before every collection,
 * survivors are counted with a 5% tolerance, kept keys are checked exactly,
 * and value release is observed through counting finalizers.
 */
#ifndef GCWEAK_HARDENING_H
#define GCWEAK_HARDENING_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "../harness/collect.h"
#include "../harness/report.h"
#include "gcweak.h"

#define HARD_UNUSED __attribute__((unused))

/* Finalizations of the standard scenario's values. */
static atomic_long hard_finalized;

/* ------------------------------------------------------ standard checks
 *
 * The scenario every configuration must pass, for a map and for a set:
 *   - KEPT keys held in a root array are all found afterwards, each with its
 *     own value (exact);
 *   - DYING keys made and dropped in a noinline frame vanish: at most 5% are
 *     still found, and size stays within [KEPT, KEPT + 5%];
 *   - the DYING entries' values (counted finalizers) are released: at least
 *     95% finalized.
 * The key allocator is a parameter so a program can test its own kind of key
 * (GC_DEBUG, atomic, base-only...). */

enum { HARD_KEPT = 2000, HARD_DYING = 10000 };

typedef void *(*hard_key_fn)(size_t index);

static void *hard_plain_key(size_t index)
{
    (void)index;
    void *k = GC_MALLOC(32);
    REQUIRE(k != NULL);
    return k;
}

static void *hard_expected(size_t i)
{
    return (void *)(uintptr_t)(~i);
}

/* Disguised addresses of the dying keys: asking for them reads no memory. */
static GC_word *hard_hidden_dead;

/* Collections are held off while recording, or a dead key's address could be
 * reused by a later key and be counted as a survivor. */
static NOINLINE void hard_fill_dying(gcweak_map *m, gcweak_set *s,
                                     hard_key_fn make_key, size_t n)
{
    GC_disable();
    for (size_t i = 0; i < n; i++) {
        void *k = make_key(i);
        hard_hidden_dead[i] = GC_HIDE_POINTER(k);
        if (m != NULL)
            CHECK(gcweak_map_set(m, k, new_counted_value(32, &hard_finalized)) == GCWEAK_OK);
        if (s != NULL)
            CHECK(gcweak_set_add(s, k) == GCWEAK_OK);
    }
    GC_enable();
}

static size_t hard_count_dead_found(gcweak_map *m, gcweak_set *s, size_t n)
{
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        void *k = (void *)GC_REVEAL_POINTER(hard_hidden_dead[i]);
        found += m != NULL ? gcweak_map_has(m, k) : gcweak_set_has(s, k);
    }
    return found;
}

static NOINLINE void **hard_fill_kept(gcweak_map *m, gcweak_set *s,
                                      hard_key_fn make_key, size_t n)
{
    void **kept = key_array(n);
    for (size_t i = 0; i < n; i++) {
        kept[i] = make_key(i);
        if (m != NULL)
            CHECK(gcweak_map_set(m, kept[i], hard_expected(i)) == GCWEAK_OK);
        if (s != NULL)
            CHECK(gcweak_set_add(s, kept[i]) == GCWEAK_OK);
    }
    return kept;
}

static HARD_UNUSED size_t hard_check_kept_map(gcweak_map *m, void **kept, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        void *v = NULL;
        if (!gcweak_map_lookup(m, kept[i], &v) || v != hard_expected(i))
            bad++;
    }
    return bad;
}

static HARD_UNUSED size_t hard_check_kept_set(gcweak_set *s, void **kept, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += !gcweak_set_has(s, kept[i]);
    return bad;
}

/* Runs the standard scenario on a fresh map and a fresh set. `label` names
 * the configuration in messages. */
static HARD_UNUSED void hard_standard_checks(const char *label, hard_key_fn make_key)
{
    if (make_key == NULL)
        make_key = hard_plain_key;
    if (hard_hidden_dead == NULL) {
        hard_hidden_dead = GC_MALLOC_ATOMIC(HARD_DYING * sizeof *hard_hidden_dead);
        REQUIRE(hard_hidden_dead != NULL);
    }

    /* map */
    gcweak_map *m = gcweak_map_new();
    REQUIRE(m != NULL);
    void **kept = hard_fill_kept(m, NULL, make_key, HARD_KEPT);
    long before = atomic_load(&hard_finalized);
    hard_fill_dying(m, NULL, make_key, HARD_DYING);
    collect(3);
    size_t size = gcweak_map_size(m); /* also purges: values dropped here */
    collect(3);
    size_t dead_found = hard_count_dead_found(m, NULL, HARD_DYING);
    long released = atomic_load(&hard_finalized) - before;
    size_t kept_bad = hard_check_kept_map(m, kept, HARD_KEPT);
    printf("%s map: size %zu (kept %d, dying %d), dead keys found %zu, values "
           "released %ld, kept keys wrong %zu\n",
           label, size, HARD_KEPT, HARD_DYING, dead_found, released, kept_bad);
    CHECK(size >= HARD_KEPT);
    CHECK(size <= HARD_KEPT + TOLERATED(HARD_DYING));
    CHECK(dead_found <= TOLERATED(HARD_DYING));
    CHECK(released >= HARD_DYING - TOLERATED(HARD_DYING));
    CHECK(kept_bad == 0);

    /* set */
    gcweak_set *s = gcweak_set_new();
    REQUIRE(s != NULL);
    void **kept_s = hard_fill_kept(NULL, s, make_key, HARD_KEPT);
    hard_fill_dying(NULL, s, make_key, HARD_DYING);
    collect(3);
    size = gcweak_set_size(s);
    dead_found = hard_count_dead_found(NULL, s, HARD_DYING);
    kept_bad = hard_check_kept_set(s, kept_s, HARD_KEPT);
    printf("%s set: size %zu, dead keys found %zu, kept keys missing %zu\n",
           label, size, dead_found, kept_bad);
    CHECK(size >= HARD_KEPT);
    CHECK(size <= HARD_KEPT + TOLERATED(HARD_DYING));
    CHECK(dead_found <= TOLERATED(HARD_DYING));
    CHECK(kept_bad == 0);
}

#endif /* GCWEAK_HARDENING_H */
