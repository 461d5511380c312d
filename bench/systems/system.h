/* SPDX-License-Identifier: MIT */
/*
 * What a system under test is: the descriptor each file of systems/ fills
 * in, and the workloads drive: a weak table, weak references, a
 * finalization registry, or several of these. The table of them is
 * systems.h.
 */
#ifndef GCWEAK_BENCH_SYSTEM_H
#define GCWEAK_BENCH_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/results.h"

/*
 * Weak references under test (the ref workloads). A reference is whatever
 * pointer-sized handle the system makes; the workloads keep the handles in
 * scanned arrays, as a program keeps its references, so the collector keeps
 * each handle (and nothing it points to weakly) alive.
 */
typedef struct bench_ref_ops {
  /* State shared by the references of one batch (the link floor's slot
   * storage); NULL when the system needs none. */
  void *(*create)(void);
  /* refs[i] = a new reference to targets[i], for i < n. */
  void (*new_all)(void *state, void **refs, void *const *targets, size_t n);
  /* Reads refs[0..n): returns how many targets were there, and adds each
   * target found, as a number, to *sum (so that the workloads can check
   * that every read returned its own target). NULL: reads not measured. */
  size_t (*get_all)(void *const *refs, size_t n, uintptr_t *sum);
  /* A reference reads NULL once its target is reclaimed (a plain pointer
   * does not: it dangles). */
  bool knows_death;
} bench_ref_ops;

/*
 * What the registry workloads hand a registry's callbacks: every callback
 * notes its held value here. Held values are words made by bench_held(i)
 * from the index of the registration, never pointers, so that the checks
 * can tell which registrations were delivered, and how often.
 */
typedef struct bench_delivery {
  size_t calls;            /* callbacks run */
  size_t bad;              /* held values no registration of this run had */
  unsigned char *seen;     /* per index, how many callbacks (saturating); may be NULL */
  size_t n;                /* indices below n are this run's */
} bench_delivery;

static inline void *bench_held(size_t i)
{
  return (void *)(((uintptr_t)i << 2) | 2);
}

static inline void bench_delivery_note(bench_delivery *d, void *held)
{
  uintptr_t w = (uintptr_t)held;
  size_t i = (size_t)(w >> 2);
  d->calls++;
  if ((w & 3) != 2 || i >= d->n)
    d->bad++;
  else if (d->seen != NULL && d->seen[i] < 255)
    d->seen[i]++;
}

/*
 * Finalization registries under test (the reg workloads). Registration i of
 * a batch carries the held value bench_held(first + i).
 */
typedef struct bench_registry_ops {
  /* A registry whose callbacks note into d (which outlives it). */
  void *(*create)(bench_delivery *d);
  /* Registers targets[i], for i < n, with held value bench_held(first + i)
   * and, when tokens is not NULL, token tokens[i] (the workloads pass the
   * targets themselves: bdwgc's finalizers are found by their object). */
  void (*register_all)(void *reg, void *const *targets, void *const *tokens,
                       size_t first, size_t n);
  /* Drops the registrations made with tokens[0..n); returns how many. */
  size_t (*unregister_all)(void *reg, void *const *tokens, size_t n);
  /* Runs the callbacks that are due, after a collection (in this thread).
   * NULL: the system has no callbacks (the link floor). */
  void (*deliver)(void *reg);
  /* Untimed clean-up of a registry that the workload drops while
   * targets[0..n) (NULL entries skipped) may outlive it, so that no callback
   * of it runs later; NULL when dropping the registry is enough. */
  void (*drop)(void *reg, void *const *targets, size_t n);
} bench_registry_ops;

/*
 * A table under test. Operations come in batches so that each system's inner
 * loop calls its own API directly: one indirect call per batch, none per
 * operation. Keys are collector objects; values are pointer-sized data.
 *
 * A system is one of three kinds: in this binary (its operations are set:
 * create and the table operations, ref, registry, any of them; it runs in
 * child processes of its own), a peer that is a program of its own
 * (run_peer), or not built into this binary (not_built). The last two set
 * nothing but name, label, families and their own field.
 */
typedef struct bench_system {
  const char *name;    /* command-line and JSON name */
  const char *label;   /* name in the report */
  bool weak;           /* entries die with their keys */
  bool no_miss;        /* a lookup of an absent key is not defined (the floor) */
  bool values_untraced;/* keeps no value alive: the caller must */
  /* Once per process before anything else: NULL when usable, otherwise why the
   * system is skipped. May be NULL. */
  const char *(*setup)(void);
  void *(*create)(void);
  void (*set_all)(void *t, void *const *keys, void *const *vals, size_t n);
  /* Returns how many keys were found; *sum accumulates the values found so
   * that the compiler cannot drop the lookups. */
  size_t (*get_all)(void *t, void *const *keys, size_t n, uintptr_t *sum);
  size_t (*has_all)(void *t, void *const *keys, size_t n);
  size_t (*del_all)(void *t, void *const *keys, size_t n);
  /* For each key: value = get(key) + 1 (absent counts as 0), stored back. */
  void (*bump_all)(void *t, void *const *keys, size_t n);
  /* Live entries; also the call that lets lazy tables drop dead entries. */
  size_t (*size)(void *t);
  /* Runs fn(arg) in a thread made usable by the system (Guile needs
   * scm_with_guile); NULL means call fn directly. */
  void *(*in_thread)(void *(*fn)(void *), void *arg);
  /* Reads may run concurrently with each other (no writer present). */
  bool concurrent_reads;
  /* Values must be collector objects (a doubly-weak map refuses words): the
   * workloads then store small objects they keep alive themselves. */
  bool object_values;
  /* Keyed by byte strings rather than objects (a weak-value map): only the
   * byte-string workloads run it (workloads/values.h); NULL otherwise. */
  const struct bench_bytes_ops *bytes;
  /* A peer outside this binary: runs every selected workload itself, after
   * the systems of this binary, and puts its figures and notes into r (a
   * peer that cannot run is a skip note, never a failure). */
  int (*run_peer)(const bench_config *cfg, bench_results *r);
  /* Not built into this binary: why, as the skip note says it. */
  const char *not_built;
  /* Weak references and finalization registries (NULL: none). */
  const bench_ref_ops *ref;
  const bench_registry_ops *registry;
  /* The workload families of a peer or a system not built in, which have
   * no operations here to tell (systems_families). */
  unsigned families;
} bench_system;

#endif
