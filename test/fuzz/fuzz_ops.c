/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: random sequences of operations on one map and one set,
 * every answer checked against a model.
 *
 * The input is read as (opcode, argument) byte pairs. The model keeps up to
 * SLOTS live keys (in static arrays, which the collector scans as roots), the
 * value each has in the map and whether it is in the set. Dropping a key
 * removes the model's only reference, so the key may die at the next
 * collection; the model then remembers the dropped key only in disguise,
 * with what the containers held for it, as "maybe present":
 *   - a live key's answers must match the model exactly;
 *   - a dropped key may be found or not, but if the map finds it, with the
 *     value it had; once it is not found (or deleted) it is gone for good;
 *   - sizes must stay within [live present, live present + maybe present];
 *   - a new key at the address of a dropped one proves the dropped one died:
 *     it is forgotten, and the new key must not inherit its entry.
 * Map values are often collector objects held only by the map: each carries
 * its own expected tag, so a value the map failed to keep alive (and whose
 * memory was reused) shows up as a wrong tag.
 *
 * The input's first byte sets the run's shape: the map's capacity hint (from
 * none to absurd: a map that cannot be made is made without one), whether
 * the map has a removal callback, and whether every step is followed by a
 * little collection work. The callback checks it is only ever handed values
 * of dropped keys, re-enters the map (a lookup and a same-value set of a live
 * key, which change no answer), and may free the dead key through the value
 * (values carry a pointer back to their key).
 *
 * bdwgc is initialised in LLVMFuzzerInitialize, before libFuzzer starts its
 * helper threads (which never touch the collector's heap). libFuzzer's malloc
 * hooks only watch malloc, not the collector's allocations.
 */
#define GC_THREADS
#include <gc/gc.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcweak.h"

enum { SLOTS = 64, DROPPED = 256, MAX_COLLECTIONS = 3 };

struct value_obj {
    uintptr_t tag;
    void *key;      /* the key, and its object: the removal callback may */
    void *key_base; /* free the object of a key in no container */
    int key_collectable;
};

/* Live keys, in static data: the collector scans it as a root. */
struct slot {
    void *key;  /* what the containers are given; NULL: slot unused */
    void *base; /* the object's base: keeps it alive even when `key` is
                   past the first page of an ignore-off-page object */
    void *val;  /* what the map holds for key */
    int in_map, in_set, val_is_obj, uncollectable;
};
static struct slot slots[SLOTS];

/* Dropped keys, disguised: the model no longer keeps them alive. */
struct dropped {
    GC_word hidden;
    uintptr_t val_tag; /* the tag (or raw value) the map must give if found */
    int val_is_obj, in_map, in_set;
};
static struct dropped dropped[DROPPED];
static size_t ndropped;

static gcweak_map *map;
static gcweak_set *set;
static uintptr_t next_tag;

/* GCWEAK_FUZZ_FREE_KEYS=0: no uncollectable keys, hence no GC_FREE of keys
 * (deleting an entry, then freeing its large key, crashed the next
 * collection while delete left the slot's link registered). */
static bool free_keys = true;

#define FAIL(...)                                                              \
    do {                                                                       \
        fprintf(stderr, "fuzz_ops: model mismatch: " __VA_ARGS__);             \
        fputc('\n', stderr);                                                   \
        abort();                                                               \
    } while (0)

static void silent(char *msg, GC_word arg)
{
    (void)msg;
    (void)arg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    GC_INIT();
    GC_allow_register_threads();
    GC_set_warn_proc(silent);
    const char *fk = getenv("GCWEAK_FUZZ_FREE_KEYS");
    free_keys = fk == NULL || fk[0] != '0';
    return 0;
}

static void forget_dropped(size_t i)
{
    dropped[i] = dropped[--ndropped];
}

/* A dropped key at the address of a new key has died: forget it. */
static void forget_dropped_at(const void *addr)
{
    GC_word h = GC_HIDE_POINTER(addr);
    for (size_t i = 0; i < ndropped;) {
        if (dropped[i].hidden == h)
            forget_dropped(i);
        else
            i++;
    }
}

static void clear_map_model(void)
{
    for (size_t i = 0; i < SLOTS; i++) {
        slots[i].in_map = 0;
        slots[i].val = NULL;
    }
    for (size_t i = 0; i < ndropped; i++)
        dropped[i].in_map = 0;
}

static void clear_set_model(void)
{
    for (size_t i = 0; i < SLOTS; i++)
        slots[i].in_set = 0;
    for (size_t i = 0; i < ndropped; i++)
        dropped[i].in_set = 0;
}

static uintptr_t value_tag(const void *v, int is_obj)
{
    return is_obj ? ((const struct value_obj *)v)->tag : (uintptr_t)v;
}

static void check_live(size_t s)
{
    const struct slot *sl = &slots[s];
    void *v = (void *)1;
    bool found = gcweak_map_lookup(map, sl->key, &v);
    if (found != (sl->in_map != 0))
        FAIL("slot %zu: map_lookup %d, model %d", s, found, sl->in_map);
    if (found && v != sl->val)
        FAIL("slot %zu: map value %p, model %p", s, v, sl->val);
    if (!found && v != (void *)1)
        FAIL("slot %zu: lookup of an absent key wrote its output", s);
    if (gcweak_map_has(map, sl->key) != found)
        FAIL("slot %zu: map_has disagrees with map_lookup", s);
    if (gcweak_map_get(map, sl->key) != (found ? sl->val : NULL))
        FAIL("slot %zu: map_get disagrees", s);
    if (gcweak_set_has(set, sl->key) != (sl->in_set != 0))
        FAIL("slot %zu: set_has, model %d", s, sl->in_set);
}

static void check_dropped(size_t i)
{
    struct dropped *d = &dropped[i];
    void *k = (void *)GC_REVEAL_POINTER(d->hidden);
    void *v = NULL;
    bool in_m = gcweak_map_lookup(map, k, &v);
    if (in_m && !d->in_map)
        FAIL("dropped key reappeared in the map");
    if (in_m && value_tag(v, d->val_is_obj) != d->val_tag)
        FAIL("dropped key found with value tag %lx, expected %lx",
             (unsigned long)value_tag(v, d->val_is_obj), (unsigned long)d->val_tag);
    bool in_s = gcweak_set_has(set, k);
    if (in_s && !d->in_set)
        FAIL("dropped key reappeared in the set");
    d->in_map = in_m;
    d->in_set = in_s;
    if (!in_m && !in_s)
        forget_dropped(i); /* gone for good */
}

static void check_sizes(void)
{
    size_t lm = 0, ls = 0, dm = 0, ds = 0;
    for (size_t i = 0; i < SLOTS; i++) {
        lm += slots[i].key != NULL && slots[i].in_map;
        ls += slots[i].key != NULL && slots[i].in_set;
    }
    for (size_t i = 0; i < ndropped; i++) {
        dm += dropped[i].in_map != 0;
        ds += dropped[i].in_set != 0;
    }
    size_t sm = gcweak_map_size(map), ss = gcweak_set_size(set);
    if (sm < lm || sm > lm + dm)
        FAIL("map size %zu outside [%zu, %zu]", sm, lm, lm + dm);
    if (ss < ls || ss > ls + ds)
        FAIL("set size %zu outside [%zu, %zu]", ss, ls, ls + ds);
}

/* Stops using slot s's key. A collectable key goes to the dropped list and
 * may die; an uncollectable one is deleted from both containers and freed
 * (freeing a key with an entry is undefined, without one it is fine). */
static void drop_key(size_t s)
{
    struct slot *sl = &slots[s];
    if (sl->key == NULL)
        return;
    if (sl->uncollectable) {
        if (gcweak_map_delete(map, sl->key) != (sl->in_map != 0) ||
            gcweak_set_delete(set, sl->key) != (sl->in_set != 0))
            FAIL("slot %zu: delete of an uncollectable key disagrees", s);
        GC_FREE(sl->base);
    } else {
        if (ndropped == DROPPED) {
            /* Forgetting a maybe-present key would make the size bound
             * wrong: start both containers afresh instead. */
            gcweak_map_clear(map);
            gcweak_set_clear(set);
            clear_map_model();
            clear_set_model();
            ndropped = 0;
        }
        struct dropped *d = &dropped[ndropped++];
        d->hidden = GC_HIDE_POINTER(sl->key);
        d->in_map = sl->in_map;
        d->in_set = sl->in_set;
        d->val_is_obj = sl->val_is_obj;
        d->val_tag = sl->in_map ? value_tag(sl->val, sl->val_is_obj) : 0;
    }
    memset(sl, 0, sizeof *sl);
}

static void new_key(size_t s, uint8_t arg)
{
    static const size_t sizes[] = {8, 16, 24, 48, 100, 1000, 5000, 70000};
    size_t bytes = sizes[arg & 7];
    drop_key(s);
    struct slot *sl = &slots[s];
    char *k;
    switch ((arg >> 3) & 3) {
    case 0:
        k = GC_MALLOC(bytes);
        break;
    case 1:
        k = GC_MALLOC_ATOMIC(bytes);
        break;
    case 2:
        k = bytes >= 4096 ? GC_malloc_ignore_off_page(bytes) : GC_MALLOC(bytes);
        break;
    default:
        if (free_keys) {
            k = GC_MALLOC_UNCOLLECTABLE(bytes);
            sl->uncollectable = 1;
        } else {
            k = GC_MALLOC(bytes);
        }
        break;
    }
    if (k == NULL)
        abort();
    sl->base = k;
    /* Often an interior, possibly misaligned, key. */
    sl->key = k + ((arg >> 5) != 0 ? ((size_t)arg * 7u) % bytes : 0);
    forget_dropped_at(sl->key);
    check_live(s); /* a new key inherits nothing */
}

static void set_value(size_t s, uint8_t arg)
{
    struct slot *sl = &slots[s];
    uintptr_t tag = ++next_tag;
    void *v;
    if (arg & 1) {
        struct value_obj *o = GC_MALLOC(sizeof *o + (arg & 0x30));
        if (o == NULL)
            abort();
        o->tag = tag;
        o->key = sl->key;
        o->key_base = sl->base;
        o->key_collectable = !sl->uncollectable;
        v = o;
    } else {
        v = (void *)(tag << 4 | 2); /* a plain datum, not a heap pointer */
    }
    if (gcweak_map_set(map, sl->key, v) != GCWEAK_OK)
        FAIL("slot %zu: map_set failed", s);
    sl->val = v;
    sl->val_is_obj = arg & 1;
    sl->in_map = 1;
}

/* ------------------------------------------------- removal callback */

static bool free_in_callback;

/* Handed the value of an entry whose key died: no live key may still have
 * it (asked of the map itself: the model may be mid-update when an
 * operation delivers). It uses the map, changing nothing: a same-value set.
 * It may free the dead key, if the key is in no container any more (the set
 * may still hold it) and freeing it cannot leave a link dangling (a small
 * collectable object; see keys.c). */
static void on_removal(void *value, void *arg)
{
    (void)arg;
    bool reentered = false;
    for (size_t s = 0; s < SLOTS; s++) {
        struct slot *sl = &slots[s];
        void *v = NULL;
        if (sl->key == NULL || !gcweak_map_lookup(map, sl->key, &v))
            continue;
        if (v == value && value != NULL)
            FAIL("slot %zu: the removal callback got a live key's value", s);
        if (!reentered && gcweak_map_set(map, sl->key, v) != GCWEAK_OK)
            FAIL("slot %zu: set from the removal callback failed", s);
        reentered = true;
    }
    if (!free_in_callback || value == NULL || ((uintptr_t)value & 2) != 0)
        return;
    struct value_obj *o = GC_base(value) == value ? value : NULL;
    if (o != NULL && o->key_collectable && o->key_base != NULL &&
        GC_size(o->key_base) <= 256 && !gcweak_set_has(set, o->key)) {
        GC_FREE(o->key_base);
        o->key_base = NULL;
    }
}

static gcweak_map *new_map_shaped(uint8_t shape)
{
    static const size_t hints[] = {0, 1, 7, 100, 5000, (size_t)1 << 62, SIZE_MAX, 0};
    gcweak_map_options o = {0, hints[shape & 7]};
    gcweak_map *m = gcweak_map_new_with(&o);
    return m != NULL ? m : gcweak_map_new();
}

static void reset_model(void)
{
    memset(slots, 0, sizeof slots);
    ndropped = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reset_model();
    uint8_t shape = size > 0 ? data[0] : 0;
    map = new_map_shaped(shape);
    set = gcweak_set_new();
    if (map == NULL || set == NULL)
        abort();
    if (shape & 0x08)
        gcweak_map_on_removal(map, on_removal, NULL);
    free_in_callback = (shape & 0x10) != 0;
    bool little_collections = (shape & 0x20) != 0;
    int collections = 0;

    for (size_t p = 1; p + 1 < size; p += 2) {
        if (little_collections)
            (void)GC_collect_a_little();
        uint8_t op = data[p] % 16, arg = data[p + 1];
        size_t s = arg % SLOTS;
        struct slot *sl = &slots[s];
        switch (op) {
        case 0: /* a new key in slot s; the old one is dropped */
        case 1:
            new_key(s, data[p] ^ (uint8_t)(arg >> 2));
            break;
        case 2:
            if (sl->key != NULL)
                set_value(s, (uint8_t)(data[p] >> 4 ^ arg >> 6));
            break;
        case 3: /* lookup, has, get, set_has */
            if (sl->key != NULL)
                check_live(s);
            break;
        case 4:
            if (sl->key != NULL) {
                if (gcweak_map_delete(map, sl->key) != (sl->in_map != 0))
                    FAIL("slot %zu: map_delete disagrees", s);
                sl->in_map = 0;
                sl->val = NULL;
            }
            break;
        case 5:
            if (sl->key != NULL) {
                if (gcweak_set_add(set, sl->key) != GCWEAK_OK)
                    FAIL("slot %zu: set_add failed", s);
                sl->in_set = 1;
            }
            break;
        case 6:
            if (sl->key != NULL) {
                if (gcweak_set_delete(set, sl->key) != (sl->in_set != 0))
                    FAIL("slot %zu: set_delete disagrees", s);
                sl->in_set = 0;
            }
            break;
        case 7:
            check_sizes();
            break;
        case 8: /* the key may die now */
        case 9:
            drop_key(s);
            break;
        case 10:
            if (collections < MAX_COLLECTIONS) {
                collections++;
                if (arg & 1)
                    GC_gcollect();
                else
                    (void)GC_collect_a_little();
            }
            break;
        case 11:
            if (ndropped > 0)
                check_dropped(arg % ndropped);
            break;
        case 12: /* deleting a dropped key makes it absent for good */
            if (ndropped > 0) {
                size_t i = arg % ndropped;
                void *k = (void *)GC_REVEAL_POINTER(dropped[i].hidden);
                (void)gcweak_map_delete(map, k);
                (void)gcweak_set_delete(set, k);
                if (gcweak_map_has(map, k) || gcweak_set_has(set, k))
                    FAIL("deleted dropped key still present");
                forget_dropped(i);
            }
            break;
        case 13:
            if (arg & 1) {
                gcweak_map_clear(map);
                clear_map_model();
            } else {
                gcweak_set_clear(set);
                clear_set_model();
            }
            break;
        case 14: { /* bad keys are refused and change nothing */
            static int a_static;
            int local = 0;
            const void *bad = (arg & 3) == 0   ? NULL
                              : (arg & 3) == 1 ? (const void *)&local
                              : (arg & 3) == 2 ? (const void *)&a_static
                                               : (const void *)(uintptr_t)UINTPTR_MAX;
            if (gcweak_map_set(map, bad, (void *)1) != GCWEAK_EINVAL ||
                gcweak_set_add(set, bad) != GCWEAK_EINVAL || gcweak_map_has(map, bad) ||
                gcweak_set_has(set, bad) || gcweak_map_delete(map, bad) ||
                gcweak_set_delete(set, bad))
                FAIL("bad key kind %d accepted", arg & 3);
            break;
        }
        default: /* a burst of new keys with values, soon dropped again */
            for (size_t i = 0; i <= (size_t)(arg % 32); i++) {
                size_t t = (s + i) % SLOTS;
                new_key(t, (uint8_t)(arg + i));
                set_value(t, (uint8_t)i);
            }
            break;
        }
    }
    /* Final full check. */
    for (size_t s = 0; s < SLOTS; s++)
        if (slots[s].key != NULL)
            check_live(s);
    check_sizes();
    for (size_t i = ndropped; i-- > 0;)
        check_dropped(i);
    check_sizes();
    for (size_t s = 0; s < SLOTS; s++)
        if (slots[s].uncollectable)
            drop_key(s); /* deleted, then freed: nothing leaks across inputs */
    return 0;
}
