/* SPDX-License-Identifier: MIT */
/*
 * Key rules: what may be a key, how it is stored, how it is hashed.
 *
 * A key is stored as its disguised form (GC_HIDE_POINTER), a word the marker
 * does not take for a pointer. Two words can never be the disguise of a key:
 *   0          what the collector writes into a link slot when the key's
 *              object dies;
 *   all ones   GC_HIDE_POINTER(NULL): a slot that holds no key.
 * Keys are compared in disguised form, so a lookup never reveals a pointer
 * and needs no collector lock.
 */
#ifndef GCWEAK_KEYS_H
#define GCWEAK_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gc/gc.h>

#include "gcweak.h"
#include "lock.h"

typedef GC_word gcw_word;

#define GCW_KEY_CLEARED ((gcw_word)0)
#define GCW_KEY_NONE ((gcw_word)GC_HIDE_POINTER(NULL))
#define GCW_WORD_BITS (sizeof(gcw_word) * 8u)

static inline gcw_word gcw_key_word(const void *key)
{
    return (gcw_word)GC_HIDE_POINTER(key);
}

/* false for the two reserved words: such a "key" is never stored. */
static inline bool gcw_word_is_key(gcw_word w)
{
    return w != GCW_KEY_CLEARED && w != GCW_KEY_NONE;
}

/* Fibonacci hashing: the top bits of the product spread the low zero bits of
 * aligned pointers over the whole range. An index of 2^b slots takes the top
 * b bits. */
static inline gcw_word gcw_word_hash(gcw_word w)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    return w * (gcw_word)0x9E3779B97F4A7C15u;
#else
    return w * (gcw_word)0x9E3779B9u;
#endif
}

/* A second, independent 32-bit hash: the fingerprint the index keeps beside
 * each entry number. Independent of the position bits, so that neighbours in
 * a probe run rarely share it. Never the whole truth: a match is confirmed
 * against the entry's key word. */
static inline uint32_t gcw_word_fingerprint(gcw_word w)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    return (uint32_t)((w * (gcw_word)0xD6E8FEB86659FD93u) >> 32);
#else
    return (uint32_t)(w * (gcw_word)0x85EBCA6Bu) ^ (uint32_t)(w >> 16);
#endif
}

/* What a lookup or an insert needs of a key, computed once where the key
 * comes in and carried down: the disguised word that the entry stores and
 * the index compares, the hash that places it in the index, and the
 * fingerprint the index keeps beside its entry number. */
struct gcw_key {
    gcw_word word;
    gcw_word hash;
    uint32_t fingerprint;
    /* Byte-string keys (bytes.h) only: what the entry's key is compared
     * with; the word is then the stored copy, when there is one. */
    const unsigned char *bytes;
    size_t len;
};

static inline struct gcw_key gcw_key_of_word(gcw_word w)
{
    struct gcw_key k = {w, gcw_word_hash(w), gcw_word_fingerprint(w), NULL, 0};
    return k;
}

static inline struct gcw_key gcw_key_of(const void *key)
{
    return gcw_key_of_word(gcw_key_word(key));
}

/* The base of the collector object containing key, or NULL when key does not
 * point into the collector's heap. */
void *gcw_key_object(const void *key);

/* Whether a link must not stay registered on obj once its entry is deleted:
 * freeing such an object explicitly would crash the next collection. */
bool gcw_key_object_needs_unlink(const void *obj);

/* Learns what gcw_key_object_needs_unlink needs; allocates, so call with no
 * table mutex held. Until it succeeds, every key is unlinked. */
void gcw_keys_learn_kinds(void);

#endif /* GCWEAK_KEYS_H */
