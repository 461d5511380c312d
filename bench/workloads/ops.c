/* SPDX-License-Identifier: MIT */
/*
 * Workloads timed per operation: insert, get hit, get miss, has, delete and
 * the visit-counter churn. Each repetition times at least cfg->min_ops
 * operations and yields ns per operation.
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

/*
 * Fresh tables filled with the N keys (insert), then emptied again in random
 * order (delete). With N below min_ops, several tables per repetition. A
 * collection before each timed phase, so that every repetition starts from
 * the same heap.
 */
void wl_insert_delete(wl_ctx *c, bool insert, bool delete)
{
  size_t passes = passes_for(c->n, c->cfg->min_ops);
  void **tables = new_ptr_array(passes);
  double *del_samples = malloc((size_t)c->cfg->reps * sizeof *del_samples);
  if (del_samples == NULL)
    abort();
  for (int r = 0; r < c->cfg->reps; r++) {
    full_collections(1);
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < passes; p++) {
      tables[p] = c->sys->create();
      c->sys->set_all(tables[p], c->keys, c->vals, c->n);
    }
    uint64_t t1 = now_ns();
    c->samples[r] = ns_per_op(t0, t1, passes * c->n);
    if (r == 0)
      wl_check(c, WL_INSERT, "size after insert", c->sys->size(tables[0]), c->n);
    if (delete) {
      full_collections(1);
      size_t deleted = 0;
      t0 = now_ns();
      for (size_t p = 0; p < passes; p++)
        deleted += c->sys->del_all(tables[p], c->order, c->n);
      t1 = now_ns();
      wl_check(c, WL_DELETE, "keys deleted", deleted, passes * c->n);
      if (r == 0)
        wl_check(c, WL_DELETE, "size after deleting all",
                 c->sys->size(tables[0]), 0);
      del_samples[r] = ns_per_op(t0, t1, passes * c->n);
    }
    memset(tables, 0, passes * sizeof *tables);
  }
  if (insert)
    wl_emit(c, WL_INSERT, "ns_per_op", c->samples);
  if (delete)
    wl_emit(c, WL_DELETE, "ns_per_op", del_samples);
  free(del_samples);
}

/* Lookups of present keys in random order. */
void wl_get_hit(wl_ctx *c)
{
  wl_plan plan = wl_plan_lookups(c);
  uintptr_t sum = 0;
  for (int r = 0; r < c->cfg->reps; r++) {
    size_t found = 0;
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < plan.passes; p++)
      found += c->sys->get_all(c->table, c->order, plan.count, &sum);
    uint64_t t1 = now_ns();
    wl_check(c, WL_GET_HIT, "keys found", found, plan.passes * plan.count);
    c->samples[r] = ns_per_op(t0, t1, plan.passes * plan.count);
  }
  if (sum == 1)   /* keeps sum, and so the lookups, alive */
    emit_note("info", c->sys->name, "checksum 1");
  wl_emit(c, WL_GET_HIT, "ns_per_op", c->samples);
}

/* Lookups of live keys that were never inserted. */
void wl_get_miss(wl_ctx *c)
{
  if (c->sys->no_miss) {
    if (c->n == c->cfg->sizes[0])
      emit_note("info", c->sys->name, "get miss not measured: a key that "
                "carries no entry number is absent at no cost, which no "
                "table could match");
    return;
  }
  wl_plan plan = wl_plan_lookups(c);
  void **misses = new_keys(plan.count);
  uintptr_t sum = 0;
  for (int r = 0; r < c->cfg->reps; r++) {
    size_t found = 0;
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < plan.passes; p++)
      found += c->sys->get_all(c->table, misses, plan.count, &sum);
    uint64_t t1 = now_ns();
    wl_check(c, WL_GET_MISS, "absent keys found", found, 0);
    c->samples[r] = ns_per_op(t0, t1, plan.passes * plan.count);
  }
  wl_emit(c, WL_GET_MISS, "ns_per_op", c->samples);
}

/* Membership tests of present keys in random order. */
void wl_has(wl_ctx *c)
{
  wl_plan plan = wl_plan_lookups(c);
  for (int r = 0; r < c->cfg->reps; r++) {
    size_t found = 0;
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < plan.passes; p++)
      found += c->sys->has_all(c->table, c->order, plan.count);
    uint64_t t1 = now_ns();
    wl_check(c, WL_HAS, "keys found", found, plan.passes * plan.count);
    c->samples[r] = ns_per_op(t0, t1, plan.passes * plan.count);
  }
  wl_emit(c, WL_HAS, "ns_per_op", c->samples);
}

/*
 * The visit counter: N users are around at any time; users keep arriving
 * (a new key, counted at its first visit) while the oldest leave (their keys
 * become garbage; a strong table must delete them by hand), and each arrival
 * comes with CHURN_VISITS visits of random present users (count = get + 1,
 * set). One operation is an arrival or a visit; key allocation is included,
 * as it is part of the shape. 2 * min_ops operations per repetition,
 * whatever N: the cost of an operation depends on N, not on how many run.
 */
#define CHURN_BATCH 64
#define CHURN_VISITS 4

void wl_churn(wl_ctx *c)
{
  size_t n = c->n, batch = n < CHURN_BATCH ? n : CHURN_BATCH;
  size_t arrivals = 2 * c->cfg->min_ops / (1 + CHURN_VISITS);
  arrivals = (arrivals + batch - 1) / batch * batch;
  size_t n_visits = arrivals * CHURN_VISITS;
  uint32_t *pick = malloc(n_visits * sizeof *pick);
  if (pick == NULL)
    abort();
  for (size_t i = 0; i < n_visits; i++)
    pick[i] = (uint32_t)rng_below(&c->rng, n);

  void **ring = new_keys(n);
  void **fresh = new_ptr_array(batch);
  void **gone = new_ptr_array(batch);
  void **visits = new_ptr_array(batch * CHURN_VISITS);
  void *t = c->sys->create();
  c->sys->bump_all(t, ring, n);
  size_t oldest = 0;

  for (int r = 0; r < c->cfg->reps; r++) {
    full_collections(1);
    const uint32_t *next_pick = pick;
    uint64_t t0 = now_ns();
    for (size_t a = 0; a < arrivals; a += batch) {
      for (size_t j = 0; j < batch; j++) {
        fresh[j] = GC_MALLOC(KEY_BYTES);
        size_t slot = (oldest + j) % n;
        gone[j] = ring[slot];
        ring[slot] = fresh[j];
      }
      oldest = (oldest + batch) % n;
      if (!c->sys->weak)
        c->sys->del_all(t, gone, batch);
      c->sys->bump_all(t, fresh, batch);
      for (size_t j = 0; j < batch * CHURN_VISITS; j++)
        visits[j] = ring[*next_pick++];
      c->sys->bump_all(t, visits, batch * CHURN_VISITS);
    }
    uint64_t t1 = now_ns();
    c->samples[r] = ns_per_op(t0, t1, arrivals * (1 + CHURN_VISITS));
  }
  memset(gone, 0, batch * sizeof *gone);
  free(pick);
  wl_emit(c, WL_CHURN, "ns_per_op", c->samples);
}
