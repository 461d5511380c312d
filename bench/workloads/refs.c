/* SPDX-License-Identifier: MIT */
/*
 * Workloads of weak references: making one per target (ref_new), reading
 * one whose target lives (ref_get) or died (ref_get_dead), what live
 * references add to a full collection (ref_gc_cost), and reads from 1, 2,
 * ... threads (ref_threads, in the threads pass).
 *
 * References are held in scanned arrays, as a program holds its
 * references; targets are the context's keys (16-byte collector objects),
 * alive throughout, except for ref_get_dead's, which are fresh and dropped.
 * Every read is checked against the target its reference was made to:
 * a reference handing back another pointer, or a target after it died,
 * makes the run fail.
 */
#include "workloads.h"

#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

#include "core/emit.h"
#include "keyset.h"

static double ns_per_op(uint64_t t0, uint64_t t1, size_t ops)
{
  return (double)(t1 - t0) / (double)ops;
}

/* Reads every reference on its own and compares it with its target
 * (targets[i] for refs[i]; NULL entries of targets: the target died, and
 * the reference must read NULL unless the target survived, which
 * *survivors counts when given). Returns the number of wrong reads. */
static size_t check_each(const bench_ref_ops *ops, void *const *refs,
                         void *const *targets, size_t n, size_t *survivors)
{
  size_t wrong = 0;
  for (size_t i = 0; i < n; i++) {
    uintptr_t sum = 0;
    size_t found = ops->get_all(&refs[i], 1, &sum);
    if (targets[i] != NULL)
      wrong += found != 1 || sum != (uintptr_t)targets[i];
    else if (found != 0 && survivors != NULL)
      (*survivors)++;
  }
  return wrong;
}

static void report_wrong(const wl_ctx *c, int workload, size_t wrong)
{
  if (wrong != 0)
    emit_note("warn", c->sys->name, "%s at N=%zu: %zu references read another "
              "pointer than their live target", bench_workload_name(workload),
              c->n, wrong);
}

/* --------------------------------------------------------------- ref_new */

/*
 * References to the N keys, made in the order the keys were allocated;
 * with N below min_ops, several batches per repetition (each with fresh
 * state, for the floor a storage of its own), all kept until the
 * repetition ends, as the insert workload keeps its tables. A collection
 * before each repetition, so that every one starts from the same heap.
 */
void wl_ref_new(wl_ctx *c)
{
  const bench_ref_ops *ops = c->sys->ref;
  size_t n = c->n, passes = passes_for(n, c->cfg->min_ops);
  void **refs = new_ptr_array(passes * n);
  void **states = new_ptr_array(passes);
  for (int r = 0; r < c->cfg->reps; r++) {
    full_collections(1);
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < passes; p++) {
      states[p] = ops->create != NULL ? ops->create() : NULL;
      ops->new_all(states[p], refs + p * n, c->keys, n);
    }
    uint64_t t1 = now_ns();
    c->samples[r] = ns_per_op(t0, t1, passes * n);
    if (r == 0 && ops->get_all != NULL)
      report_wrong(c, WL_REF_NEW, check_each(ops, refs, c->keys, n, NULL));
    memset(refs, 0, passes * n * sizeof *refs);
    memset(states, 0, passes * sizeof *states);
  }
  wl_emit(c, WL_REF_NEW, "ns_per_op", c->samples);
}

/* --------------------------------------------------------------- ref_get */

/* Whether the system's references can be read; one note for every read
 * workload otherwise (notes are kept once). */
static bool can_read(const wl_ctx *c)
{
  if (c->sys->ref->get_all != NULL)
    return true;
  if (c->n == c->cfg->sizes[0])
    emit_note("info", c->sys->name, "reads (ref_get, ref_get_dead, "
              "ref_threads) not measured: the floor's slots have no safe read "
              "(revealing one outside the collector's lock is what a weak "
              "reference must not do)");
  return false;
}

/* refs[i] = a reference to keys[i], the state kept in *state. */
static void **refs_to_keys(const wl_ctx *c, void **state)
{
  const bench_ref_ops *ops = c->sys->ref;
  void **refs = new_ptr_array(c->n);
  *state = ops->create != NULL ? ops->create() : NULL;
  ops->new_all(*state, refs, c->keys, c->n);
  return refs;
}

/* orders[k] = refs in the order perm, and the sum of the targets of its
 * first `count` references. */
static void **permuted(const wl_ctx *c, void *const *refs, const size_t *perm,
                       size_t count, uintptr_t *want_sum)
{
  void **order = new_ptr_array(c->n);
  uintptr_t sum = 0;
  for (size_t k = 0; k < c->n; k++) {
    order[k] = refs[perm[k]];
    if (k < count)
      sum += (uintptr_t)c->keys[perm[k]];
  }
  *want_sum = sum;
  return order;
}

/* Reads of references whose targets live, in a random order (references
 * made in the keys' order, so a read touches memory as a lookup of the
 * get_hit workload does). */
void wl_ref_get(wl_ctx *c)
{
  if (!can_read(c))
    return;
  const bench_ref_ops *ops = c->sys->ref;
  void **holder = new_ptr_array(1);
  void **refs = refs_to_keys(c, &holder[0]);
  report_wrong(c, WL_REF_GET, check_each(ops, refs, c->keys, c->n, NULL));
  wl_plan plan = wl_plan_lookups(c);
  size_t *perm = wl_random_permutation(c->n, &c->rng);
  uintptr_t want;
  void **order = permuted(c, refs, perm, plan.count, &want);
  free(perm);
  full_collections(1);
  bool wrong_sum = false;
  for (int r = 0; r < c->cfg->reps; r++) {
    size_t found = 0;
    uintptr_t sum = 0;
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < plan.passes; p++)
      found += ops->get_all(order, plan.count, &sum);
    uint64_t t1 = now_ns();
    wl_check(c, WL_REF_GET, "live targets found", found, plan.passes * plan.count);
    wrong_sum |= sum != want * plan.passes;
    c->samples[r] = ns_per_op(t0, t1, plan.passes * plan.count);
  }
  if (wrong_sum)
    emit_note("warn", c->sys->name, "ref_get at N=%zu: the targets read do not "
              "add up to the ones the references point to", c->n);
  wl_emit(c, WL_REF_GET, "ns_per_op", c->samples);
  holder[0] = NULL;
}

/* ---------------------------------------------------------- ref_get_dead */

/* n fresh targets, their references into refs[] (state into holder[0]),
 * and the targets disguised into hidden[]: nothing this returns points at
 * a target. */
static __attribute__((noinline)) void
refs_to_fresh(const bench_ref_ops *ops, void **holder, void **refs,
              GC_hidden_pointer *hidden, size_t n)
{
  void **targets = new_keys(n);
  holder[0] = ops->create != NULL ? ops->create() : NULL;
  ops->new_all(holder[0], refs, targets, n);
  for (size_t i = 0; i < n; i++)
    hidden[i] = GC_HIDE_POINTER(targets[i]);
  memset(targets, 0, n * sizeof *targets);
}

/*
 * Reads of references whose targets were dropped and collected (two full
 * collections), in a random order. A conservative collector may keep a
 * few targets: such a reference must still read its own target; more than
 * the tolerated share of survivors means the references do not let go.
 */
void wl_ref_get_dead(wl_ctx *c)
{
  if (!c->sys->ref->knows_death) {
    if (c->n == c->cfg->sizes[0])
      emit_note("info", c->sys->name, "ref_get_dead not measured: a plain "
                "pointer does not learn that its target died (it dangles)");
    return;
  }
  if (!can_read(c))
    return;
  const bench_ref_ops *ops = c->sys->ref;
  size_t n = c->n;
  void **holder = new_ptr_array(1);
  void **refs = new_ptr_array(n);
  GC_hidden_pointer *hidden = malloc(n * sizeof *hidden);
  if (hidden == NULL)
    abort();
  refs_to_fresh(ops, holder, refs, hidden, n);
  full_collections(2);

  size_t *perm = wl_random_permutation(n, &c->rng);
  void **order = new_ptr_array(n);
  for (size_t k = 0; k < n; k++)
    order[k] = refs[perm[k]];
  /* What each reference must read: its target if that survived (a
   * reference that reads anything else is wrong), NULL otherwise. */
  size_t survivors = 0, wrong = 0;
  for (size_t k = 0; k < n; k++) {
    uintptr_t sum = 0;
    if (ops->get_all(&order[k], 1, &sum) == 0)
      continue;
    survivors++;
    wrong += sum != (uintptr_t)GC_REVEAL_POINTER(hidden[perm[k]]);
  }
  free(perm);
  free(hidden);
  report_wrong(c, WL_REF_GET_DEAD, wrong);
  double survived_pct = 100.0 * (double)survivors / (double)n;
  if (survived_pct > WL_SURVIVORS_PCT_OK)
    emit_note("warn", c->sys->name, "ref_get_dead at N=%zu: %zu of %zu "
              "references still read their dropped target after 2 full "
              "collections", n, survivors, n);

  wl_plan plan = wl_plan_lookups(c);
  for (int r = 0; r < c->cfg->reps; r++) {
    size_t found = 0;
    uintptr_t sum = 0;
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < plan.passes; p++)
      found += ops->get_all(order, plan.count, &sum);
    uint64_t t1 = now_ns();
    if (found > plan.passes * survivors)
      emit_note("warn", c->sys->name, "ref_get_dead at N=%zu: a dead target "
                "came back (%zu found, %zu survivors per pass)", n, found,
                survivors);
    c->samples[r] = ns_per_op(t0, t1, plan.passes * plan.count);
  }
  wl_emit(c, WL_REF_GET_DEAD, "ns_per_op", c->samples);
  for (int r = 0; r < c->cfg->reps; r++)
    c->samples[r] = survived_pct;
  wl_emit(c, WL_REF_GET_DEAD, "survived_pct", c->samples);
  holder[0] = NULL;
}

/* ----------------------------------------------------------- ref_gc_cost */

/* With N live references to the keys (made in a random order, as gc_cost
 * inserts its keys), the collections timed into with[]. Everything that
 * holds the references lives in this frame or below it. */
static __attribute__((noinline)) void time_with_refs(const wl_ctx *c, double *with)
{
  const bench_ref_ops *ops = c->sys->ref;
  void **holder = new_ptr_array(1);
  void **refs = new_ptr_array(c->n);
  holder[0] = ops->create != NULL ? ops->create() : NULL;
  ops->new_all(holder[0], refs, c->order, c->n);
  full_collections(2);
  for (int r = 0; r < c->cfg->reps; r++)
    with[r] = wl_timed_collection_ms();
  if (ops->get_all != NULL)
    report_wrong(c, WL_REF_GC_COST, check_each(ops, refs, c->order, c->n, NULL));
  memset(refs, 0, c->n * sizeof *refs);
  holder[0] = NULL;
}

/*
 * One full collection with N live references (targets alive; references
 * in an array, as a program keeps them) minus one with the same targets
 * and no references (timed first), per reference. Repetition r pairs the r-th timing of
 * each state; both collections are reported too.
 */
void wl_ref_gc_cost(wl_ctx *c)
{
  int reps = c->cfg->reps;
  double *with = malloc((size_t)reps * 3 * sizeof *with);
  if (with == NULL)
    abort();
  double *base = with + reps, *per_ref = with + 2 * reps;
  /* The baseline first, as reg_gc_cost times it (what the references
   * leave behind cannot colour it). */
  full_collections(2);
  for (int r = 0; r < reps; r++)
    base[r] = wl_timed_collection_ms();
  time_with_refs(c, with);
  full_collections(3);
  for (int r = 0; r < reps; r++)
    per_ref[r] = (with[r] - base[r]) * 1e6 / (double)c->n;
  wl_emit(c, WL_REF_GC_COST, "ns_per_entry", per_ref);
  wl_emit(c, WL_REF_GC_COST, "gc_ms_with_refs", with);
  wl_emit(c, WL_REF_GC_COST, "gc_ms_baseline", base);
  free(with);
}

/* ----------------------------------------------------------- ref_threads */

static size_t ref_read(const wl_ctx *c, void *const *refs, size_t n, uintptr_t *sum)
{
  return c->sys->ref->get_all(refs, n, sum);
}

/* Gets of live targets from 1, 2, ... reader threads sharing the
 * references, each reader in its own random order. */
void wl_ref_threads(wl_ctx *c)
{
  if (!can_read(c))
    return;
  void **holder = new_ptr_array(1);
  void **refs = refs_to_keys(c, &holder[0]);
  wl_plan plan = wl_plan_lookups(c);
  void **orders[BENCH_MAX_THREADS];
  uintptr_t want[BENCH_MAX_THREADS];
  int max_threads = wl_max_threads(c->cfg);
  for (int i = 0; i < max_threads; i++) {
    size_t *perm = wl_random_permutation(c->n, &c->rng);
    orders[i] = permuted(c, refs, perm, plan.count, &want[i]);
    free(perm);
  }
  full_collections(1);
  wl_reader_scaling(c, WL_REF_THREADS, ref_read, orders, want);
  holder[0] = NULL;
}
