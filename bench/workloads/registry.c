/* SPDX-License-Identifier: MIT */
/*
 * Workloads of finalization registries: registering targets
 * (reg_register), dropping registrations by token (reg_unregister), the
 * cost per callback of delivering what a collection reclaimed
 * (reg_delivery), and what live registrations add to a full collection
 * (reg_gc_cost).
 *
 * Every registration carries a held word naming it (bench_held), and every
 * callback notes the word it was handed (bench_delivery): a callback for a
 * target that lives, for one that never registered, or twice for the same
 * registration, makes the run fail, and so does a delivery that leaves more
 * than the tolerated share of the dead targets' callbacks unrun.
 */
#include "workloads.h"

#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

#include "core/emit.h"
#include "keyset.h"

#define DELIVERY_MAX_COLLECTIONS BENCH_DELIVERY_MAX_COLLECTIONS
/* Full collections after which a dropped registry should be gone. */
#define WATCH_COLLECTIONS 3

/* A delivery record that stays allocated for the life of the process: a
 * late callback (a registry dropped with registrations pending) may still
 * note into it. n = 0: every callback counts as wrong. */
static bench_delivery *new_delivery(size_t n)
{
  bench_delivery *d = calloc(1, sizeof *d);
  if (d == NULL)
    abort();
  d->n = n;
  return d;
}

static void check_no_callback(const wl_ctx *c, int workload, const bench_delivery *d)
{
  if (d->calls != 0)
    emit_note("warn", c->sys->name, "%s at N=%zu: %zu callbacks ran while "
              "every target was alive", bench_workload_name(workload), c->n,
              d->calls);
}

/* -------------------------------------------------- register, unregister */

/*
 * Registrations of N targets in a fresh registry (no token), the targets
 * in the order they were allocated; with N below min_ops, several
 * registries per repetition, each on targets of its own (bdwgc allows one
 * finalizer per object, so registries cannot share targets), all kept
 * until the repetition ends, as the insert workload keeps its tables. The
 * registry's creation is timed with its registrations, as a table's is
 * with its inserts.
 *
 * Unregister: the same, each registration made with its target as token
 * (untimed), then every token dropped in a random order (timed), as the
 * delete workload deletes. A collection before each timed phase.
 */
void wl_reg_register_unregister(wl_ctx *c, bool reg, bool unreg)
{
  const bench_registry_ops *ops = c->sys->registry;
  size_t n = c->n, passes = passes_for(n, c->cfg->min_ops);
  void **targets = new_keys(passes * n);
  /* per registry, its targets in one random order: the tokens to drop */
  void **tokens = new_ptr_array(passes * n);
  size_t *perm = wl_random_permutation(n, &c->rng);
  for (size_t p = 0; p < passes; p++)
    for (size_t i = 0; i < n; i++)
      tokens[p * n + i] = targets[p * n + perm[i]];
  free(perm);
  void **regs = new_ptr_array(passes);
  bench_delivery *d = new_delivery(0);
  double *unreg_samples = malloc((size_t)c->cfg->reps * sizeof *unreg_samples);
  if (unreg_samples == NULL)
    abort();

  for (int r = 0; r < c->cfg->reps; r++) {
    if (reg) {
      full_collections(1);
      uint64_t t0 = now_ns();
      for (size_t p = 0; p < passes; p++) {
        regs[p] = ops->create(d);
        ops->register_all(regs[p], targets + p * n, NULL, p * n, n);
      }
      uint64_t t1 = now_ns();
      c->samples[r] = (double)(t1 - t0) / (double)(passes * n);
      for (size_t p = 0; p < passes; p++)
        if (ops->drop != NULL)
          ops->drop(regs[p], targets + p * n, n);
      memset(regs, 0, passes * sizeof *regs);
    }
    if (unreg) {
      for (size_t p = 0; p < passes; p++) {
        regs[p] = ops->create(d);
        ops->register_all(regs[p], targets + p * n, targets + p * n, p * n, n);
      }
      full_collections(1);
      size_t dropped = 0;
      uint64_t t0 = now_ns();
      for (size_t p = 0; p < passes; p++)
        dropped += ops->unregister_all(regs[p], tokens + p * n, n);
      uint64_t t1 = now_ns();
      wl_check(c, WL_REG_UNREGISTER, "registrations dropped", dropped, passes * n);
      unreg_samples[r] = (double)(t1 - t0) / (double)(passes * n);
      /* Dropped twice: nothing left to drop. */
      if (r == 0)
        wl_check(c, WL_REG_UNREGISTER, "registrations dropped again",
                 ops->unregister_all(regs[0], tokens, n), 0);
      memset(regs, 0, passes * sizeof *regs);
    }
  }
  /* Any callback so far was for a live target; a registration left behind
   * by mistake may run one only now. */
  full_collections(1);
  GC_invoke_finalizers();
  check_no_callback(c, reg ? WL_REG_REGISTER : WL_REG_UNREGISTER, d);
  if (reg)
    wl_emit(c, WL_REG_REGISTER, "ns_per_op", c->samples);
  if (unreg)
    wl_emit(c, WL_REG_UNREGISTER, "ns_per_op", unreg_samples);
  free(unreg_samples);
}

/* ---------------------------------------------------------- reg_delivery */

/* n fresh targets into hold[], registered (held value = index) in a
 * registry put into holder[0]. Nothing this returns points elsewhere. */
static __attribute__((noinline)) void
register_fresh(const bench_registry_ops *ops, void **holder, void **hold,
               size_t n, bench_delivery *d)
{
  for (size_t i = 0; i < n; i++) {
    hold[i] = GC_MALLOC(KEY_BYTES);
    if (hold[i] == NULL)
      abort();
  }
  holder[0] = ops->create(d);
  ops->register_all(holder[0], hold, NULL, 0, n);
}

typedef struct delivery_outcome {
  double gc_ns, callback_ns;
  int collections;
} delivery_outcome;

/* Collections (at most DELIVERY_MAX_COLLECTIONS) each followed by the
 * system's delivery, until the tolerated share of `dead` callbacks ran.
 * Finalizers run on demand meanwhile, so that the collection and the
 * callbacks are timed apart. */
static delivery_outcome deliver_after_collection(const bench_registry_ops *ops,
                                                 void *reg, bench_delivery *d,
                                                 size_t dead)
{
  delivery_outcome out = { 0, 0, 0 };
  int was_on_demand = GC_get_finalize_on_demand();
  GC_set_finalize_on_demand(1);
  size_t want = (size_t)((double)dead * BENCH_RELEASED_PCT_OK / 100.0);
  do {
    clear_stack();
    uint64_t t0 = now_ns();
    GC_gcollect();
    uint64_t t1 = now_ns();
    ops->deliver(reg);
    uint64_t t2 = now_ns();
    out.gc_ns += (double)(t1 - t0);
    out.callback_ns += (double)(t2 - t1);
    out.collections++;
  } while (d->calls < want && out.collections < DELIVERY_MAX_COLLECTIONS);
  GC_set_finalize_on_demand(was_on_demand);
  return out;
}

/* What the callbacks noted against what should have run: targets at odd
 * indices died. Warns once per workload (*warned). */
static void check_delivery(const wl_ctx *c, const bench_delivery *d, size_t n,
                           bool *warned)
{
  size_t live_called = 0, twice = 0, noted = 0;
  for (size_t i = 0; i < n; i++) {
    noted += d->seen[i];
    if (i % 2 == 0)
      live_called += d->seen[i] != 0;
    else
      twice += d->seen[i] > 1;
  }
  bool wrong = d->bad != 0 || live_called != 0 || twice != 0 ||
               noted + d->bad != d->calls;
  if (wrong && !*warned)
    emit_note("warn", c->sys->name, "reg_delivery at N=%zu: %zu callbacks with "
              "a held value never registered, %zu for live targets, %zu "
              "registrations called more than once, %zu calls counted for %zu "
              "noted", c->n, d->bad, live_called, twice, d->calls, noted);
  *warned |= wrong;
}

/* One repetition of reg_delivery, the registry created, used and dropped
 * in this frame and below it (so that no register of the caller's keeps a
 * copy of it into the next repetition's collections). Returns a slot the
 * collector clears once the registry is reclaimed (NULL when the registry
 * is no collector object). */
static __attribute__((noinline)) GC_hidden_pointer *
delivery_once(const wl_ctx *c, bench_delivery *d, delivery_outcome *out, bool *warned)
{
  const bench_registry_ops *ops = c->sys->registry;
  size_t n = c->n;
  void **holder = new_ptr_array(1);
  void **hold = new_ptr_array(n);
  GC_disable();   /* N registrations would otherwise force collections */
  register_fresh(ops, holder, hold, n, d);
  GC_enable();
  for (size_t i = 1; i < n; i += 2)
    hold[i] = NULL;
  *out = deliver_after_collection(ops, holder[0], d, n / 2);
  check_delivery(c, d, n, warned);
  if (ops->drop != NULL)
    ops->drop(holder[0], hold, n);
  GC_hidden_pointer *watch = NULL;
  if (GC_base(holder[0]) == holder[0]) {
    watch = GC_MALLOC_ATOMIC(sizeof *watch);
    if (watch == NULL)
      abort();
    *watch = GC_HIDE_POINTER(holder[0]);
    if (GC_general_register_disappearing_link((void **)watch, holder[0]) != GC_SUCCESS)
      abort();
  }
  holder[0] = NULL;
  memset(hold, 0, n * sizeof *hold);
  return watch;
}

/*
 * N fresh targets registered (untimed, collections off meanwhile), every
 * other one dropped, then a full collection and the system's delivery (its
 * callbacks, in this thread), timed from the start of the collection to
 * the end of the last callback, per callback run (ns_per_callback; the
 * goal's figure). Also reported: the callbacks alone, per callback
 * (callback_ns), the collections (gc_ms, collections), and the share of
 * the dead targets' callbacks that ran (delivered_pct). The remaining
 * registrations are dropped, untimed, after each repetition, and the
 * registry should be gone WATCH_COLLECTIONS collections later: a note says
 * when it is not, since the next repetition's collection then also traces
 * it (seen with gcweak_registry, the latest registry only, released during
 * the next repetition, though nothing on the heap, in static data or on
 * the stack above the workload points to it; run in a thread of its own,
 * the same sequence leaves nothing behind).
 */
void wl_reg_delivery(wl_ctx *c)
{
  const bench_registry_ops *ops = c->sys->registry;
  if (ops->deliver == NULL) {
    if (c->n == c->cfg->sizes[0])
      emit_note("info", c->sys->name, "reg_delivery not measured: the floor "
                "runs no callbacks");
    return;
  }
  size_t n = c->n, dead = n / 2;
  int reps = c->cfg->reps;
  double *per_callback = malloc((size_t)reps * 5 * sizeof *per_callback);
  if (per_callback == NULL)
    abort();
  double *callback_ns = per_callback + reps, *gc_ms = per_callback + 2 * reps,
         *collections = per_callback + 3 * reps, *delivered_pct = per_callback + 4 * reps;
  bool short_delivery = false, warned = false;
  int lingered = 0;
  for (int r = 0; r < reps; r++) {
    bench_delivery *d = new_delivery(n);
    d->seen = calloc(n, 1);
    if (d->seen == NULL)
      abort();
    delivery_outcome out;
    GC_hidden_pointer *watch = delivery_once(c, d, &out, &warned);
    size_t ran = d->calls;
    double per = ran != 0 ? 1.0 / (double)ran : 0;
    per_callback[r] = (out.gc_ns + out.callback_ns) * per;
    callback_ns[r] = out.callback_ns * per;
    gc_ms[r] = out.gc_ns / 1e6;
    collections[r] = out.collections;
    delivered_pct[r] = dead != 0 ? 100.0 * (double)ran / (double)dead : 100;
    short_delivery |= delivered_pct[r] < BENCH_RELEASED_PCT_OK;
    /* A late callback notes into d, which stays; not into seen. */
    d->n = 0;
    free(d->seen);
    d->seen = NULL;
    full_collections(WATCH_COLLECTIONS);
    GC_invoke_finalizers();
    lingered += watch != NULL && *watch != 0;
  }
  if (lingered != 0)
    emit_note("info", c->sys->name, "reg_delivery at N=%zu: the registry dropped "
              "after a repetition was still reachable %d full collections later, "
              "in %d of %d repetitions (later collections of this process pay for "
              "it)", n, WATCH_COLLECTIONS, lingered, reps);
  if (short_delivery)
    emit_note("warn", c->sys->name, "reg_delivery at N=%zu: fewer than %.0f%% "
              "of the dead targets' callbacks ran after %d collections", n,
              BENCH_RELEASED_PCT_OK, DELIVERY_MAX_COLLECTIONS);
  wl_emit(c, WL_REG_DELIVERY, "ns_per_callback", per_callback);
  wl_emit(c, WL_REG_DELIVERY, "callback_ns", callback_ns);
  wl_emit(c, WL_REG_DELIVERY, "gc_ms", gc_ms);
  wl_emit(c, WL_REG_DELIVERY, "collections", collections);
  wl_emit(c, WL_REG_DELIVERY, "delivered_pct", delivered_pct);
  free(per_callback);
}

/* ----------------------------------------------------------- reg_gc_cost */

/* With N live registrations of the keys (registered in a random order, as
 * gc_cost inserts its keys), the collections timed into with[]. Everything
 * that holds the registry lives in this frame or below it. */
static __attribute__((noinline)) void
time_with_registrations(const wl_ctx *c, bench_delivery *d, double *with)
{
  const bench_registry_ops *ops = c->sys->registry;
  void **holder = new_ptr_array(1);
  holder[0] = ops->create(d);
  ops->register_all(holder[0], c->order, NULL, 0, c->n);
  full_collections(2);
  for (int r = 0; r < c->cfg->reps; r++)
    with[r] = wl_timed_collection_ms();
  if (ops->drop != NULL)
    ops->drop(holder[0], c->order, c->n);
  holder[0] = NULL;
}

/*
 * One full collection with N live registrations (targets alive) minus one
 * with the same targets and none (timed first), per registration, as
 * ref_gc_cost does for references.
 */
void wl_reg_gc_cost(wl_ctx *c)
{
  int reps = c->cfg->reps;
  double *with = malloc((size_t)reps * 3 * sizeof *with);
  if (with == NULL)
    abort();
  double *base = with + reps, *per_reg = with + 2 * reps;
  bench_delivery *d = new_delivery(0);
  /* The baseline first: a registry dropped may stay reachable for a few
   * collections (see wl_reg_delivery), which would put it in a baseline
   * timed after it. */
  full_collections(2);
  for (int r = 0; r < reps; r++)
    base[r] = wl_timed_collection_ms();
  time_with_registrations(c, d, with);
  full_collections(3);
  GC_invoke_finalizers();
  check_no_callback(c, WL_REG_GC_COST, d);
  for (int r = 0; r < reps; r++)
    per_reg[r] = (with[r] - base[r]) * 1e6 / (double)c->n;
  wl_emit(c, WL_REG_GC_COST, "ns_per_entry", per_reg);
  wl_emit(c, WL_REG_GC_COST, "gc_ms_with_regs", with);
  wl_emit(c, WL_REG_GC_COST, "gc_ms_baseline", base);
  free(with);
}
