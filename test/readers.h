/* SPDX-License-Identifier: MIT */
/*
 * Readers racing collections (readers.c): the check, shared by every weak
 * container that hands out objects (weak references, doubly-weak and
 * weak-value maps), that a read never returns an object the collector is
 * reclaiming.
 */
#ifndef GCWEAK_TEST_READERS_H
#define GCWEAK_TEST_READERS_H

#include "harness.h"

#ifndef GCWEAK_TEST_NO_THREADS
/* An object whose finalizer spoils it: one handed out after its collection
 * decided it dies reads spoiled once finalizers ran (or reads memory reused
 * by something else). */
struct canary {
    uintptr_t state;
};

/* A container under test: publish puts canary c in slot i (replacing what
 * was there, which nothing else holds), read returns slot i's canary or
 * NULL. Both may be called from any thread. */
struct race {
    void (*publish)(size_t slot, struct canary *c, void *arg);
    struct canary *(*read)(size_t slot, void *arg);
    void *arg;
};

/* Two reader threads read every slot over and over, each keeping what it
 * was handed in a root of its own and checking it again later, while this
 * thread publishes `rounds` rounds of fresh canaries into `slots` slots and
 * collects after each. The rounds, not a clock, decide how long it runs.
 * Each round waits until the readers made a whole pass over the slots
 * before it collects. Fails the test on any spoiled read, or when no read
 * found a canary. */
void race_readers_with_collections(const struct race *r, size_t slots, int rounds);
#endif

#endif
