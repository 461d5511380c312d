/* SPDX-License-Identifier: MIT */
/*
 * Workloads about the collector: how fully and how fast values are released
 * once their keys die (reclaim) and what a table adds to a full collection
 * (gc_cost). Memory per entry is measured in fresh processes (memory.c).
 *
 * Tables here are built by noinline helpers into holder slots, and dropped by
 * clearing the slot and the stack, so that no stale pointer on the stack keeps
 * a table (or its keys) alive behind the measurement's back.
 */
#include "workloads.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

#include "core/emit.h"
#include "keyset.h"

#define RECLAIM_MAX_COLLECTIONS 5

/* --------------------------------------------------------------- reclaim */

static void GC_CALLBACK count_release(void *obj, void *counter)
{
  (void)obj;
  atomic_fetch_add_explicit((atomic_size_t *)counter, 1, memory_order_relaxed);
}

/* N fresh keys, recorded only in hold[], each mapped to a fresh value that
 * bumps *counter when the collector releases it. Returns nothing that points
 * at keys or values. */
static __attribute__((noinline)) void
fill_counted(const bench_system *sys, void **holder, void **hold, size_t n,
             atomic_size_t *counter)
{
  void **vals = new_ptr_array(n);
  for (size_t i = 0; i < n; i++) {
    hold[i] = GC_MALLOC(KEY_BYTES);
    vals[i] = GC_MALLOC_ATOMIC(16);
    if (hold[i] == NULL || vals[i] == NULL)
      abort();
    GC_REGISTER_FINALIZER(vals[i], count_release, counter, NULL, NULL);
  }
  *holder = wl_build(sys, hold, vals, n);
  memset(vals, 0, n * sizeof *vals);
}

typedef struct reclaim_outcome {
  int collections;
  size_t released, entries_left;
  double ms;
} reclaim_outcome;

/* One repetition. The table is created and used only in this frame and
 * below, so nothing the caller keeps points at it or at its keys. */
static __attribute__((noinline)) reclaim_outcome
reclaim_once(const bench_system *sys, size_t n, atomic_size_t *counter)
{
  reclaim_outcome out = { 0, 0, 0, 0 };
  void **holder = new_ptr_array(1);
  void **hold = new_ptr_array(n);
  GC_disable();   /* N finalizers would otherwise force collections here */
  fill_counted(sys, holder, hold, n, counter);
  GC_enable();
  memset(hold, 0, n * sizeof *hold);

  uint64_t t0 = now_ns();
  while (out.collections < RECLAIM_MAX_COLLECTIONS && out.released < n) {
    clear_stack();
    GC_gcollect();
    out.collections++;
    GC_invoke_finalizers();
    sys->size(holder[0]);
    out.released = atomic_load(counter);
  }
  out.ms = (double)(now_ns() - t0) / 1e6;
  out.entries_left = sys->size(holder[0]);
  holder[0] = NULL;
  return out;
}

/*
 * Values carry counting finalizers; all keys are dropped at once, then full
 * collections run (each followed by finalizers and one call to the table,
 * which lets a lazy table drop its dead entries) until every value has been
 * released or RECLAIM_MAX_COLLECTIONS have run.
 *
 * No warm-up repetition: the workloads before this one grew the child's heap
 * already, and each repetition builds N keys, N values with finalizers and a
 * table from nothing, the longest step of a child at 10^6 after the pause.
 */
void wl_reclaim(wl_ctx *c)
{
  if (!c->sys->weak) {
    if (c->n == c->cfg->sizes[0])
      emit_note("info", c->sys->name,
                "reclaim skipped: a strong table never releases entries by itself");
    return;
  }
  if (c->sys->values_untraced && c->n == c->cfg->sizes[0])
    emit_note("info", c->sys->name, "reclaim: keeps no value alive, so its "
              "values go at the first collection; its time is that of one "
              "collection clearing N links");
  int reps = c->cfg->reps - c->cfg->warmup_reps;
  double *collections = malloc((size_t)reps * 4 * sizeof *collections);
  /* Late finalizers may still run after this workload: the counters stay
   * allocated for the life of the process. */
  atomic_size_t *counters = calloc((size_t)reps, sizeof *counters);
  if (collections == NULL || counters == NULL)
    abort();
  double *released_pct = collections + reps, *release_ms = collections + 2 * reps,
         *left = collections + 3 * reps;
  for (int r = 0; r < reps; r++) {
    reclaim_outcome out = reclaim_once(c->sys, c->n, &counters[r]);
    collections[r] = out.collections;
    released_pct[r] = 100.0 * (double)out.released / (double)c->n;
    release_ms[r] = out.ms;
    left[r] = (double)out.entries_left;
    full_collections(2);
    GC_invoke_finalizers();
  }
  wl_emit_all(c, WL_RECLAIM, "collections", collections, reps);
  wl_emit_all(c, WL_RECLAIM, "released_pct", released_pct, reps);
  wl_emit_all(c, WL_RECLAIM, "release_ms", release_ms, reps);
  wl_emit_all(c, WL_RECLAIM, "entries_left", left, reps);
  free(collections);
}

/* --------------------------------------------------------------- gc cost */

static __attribute__((noinline)) void
build_into(const bench_system *sys, void **holder, void *const *keys,
           void *const *vals, size_t n)
{
  *holder = wl_build(sys, keys, vals, n);
}

/* With the table alive: the collections timed into with[]. The values are
 * fresh objects reachable only through the table (unless the system keeps
 * no value alive: then an array here holds them, as the baseline's does).
 * Everything that ever holds the table pointer lives in this frame or below
 * it, so the caller's clear_stack() erases it before the baseline is
 * timed. */
static __attribute__((noinline)) void
time_with_table(const wl_ctx *c, double *with)
{
  void **holder = new_ptr_array(2);
  void **objvals = new_object_values(c->n);
  build_into(c->sys, holder, c->order, objvals, c->n);
  if (c->sys->values_untraced)
    holder[1] = objvals;
  else
    memset(objvals, 0, c->n * sizeof *objvals);
  objvals = NULL;
  full_collections(2);
  for (int r = 0; r < c->cfg->reps; r++)
    with[r] = wl_timed_collection_ms();
  holder[0] = holder[1] = NULL;
}

/* The baseline: the same keys, and as many values held in a plain array. */
static __attribute__((noinline)) void time_baseline(const wl_ctx *c, double *base)
{
  void **objvals = new_object_values(c->n);
  full_collections(2);
  for (int r = 0; r < c->cfg->reps; r++)
    base[r] = wl_timed_collection_ms();
  memset(objvals, 0, c->n * sizeof *objvals);
}

/*
 * One full collection with N live entries whose values are small objects
 * reachable only through the table (what an ephemeron table must trace
 * itself), minus one full collection with the same keys and as many values
 * held in a plain array, per entry. Repetition r pairs the r-th timing of
 * each state. The full-collection time with the table is reported too.
 *
 * Keys go in in random order, not in the order they were allocated: what the
 * collector pays per entry depends on locality (bdwgc walks its links in
 * link-address order and looks up each key's mark), and entries of a
 * long-running program do not arrive in allocation order.
 */
void wl_gc_cost(wl_ctx *c)
{
  int reps = c->cfg->reps;
  double *with = malloc((size_t)reps * 3 * sizeof *with);
  if (with == NULL)
    abort();
  double *base = with + reps, *per_entry = with + 2 * reps;

  time_with_table(c, with);
  full_collections(3);
  time_baseline(c, base);

  for (int r = 0; r < reps; r++)
    per_entry[r] = (with[r] - base[r]) * 1e6 / (double)c->n;
  wl_emit(c, WL_GC_COST, "ns_per_entry", per_entry);
  wl_emit(c, WL_GC_COST, "gc_ms_with_table", with);
  wl_emit(c, WL_GC_COST, "gc_ms_baseline", base);
  free(with);
}
