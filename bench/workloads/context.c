/* SPDX-License-Identifier: MIT */
/*
 * What every workload shares (see workloads.h): the context of one size,
 * building a table, and reporting figures and wrong answers under the
 * context's system and size.
 */
#include "workloads.h"

#include <stdlib.h>

#include <gc/gc.h>

#include "core/emit.h"
#include "keyset.h"

void wl_ctx_init(wl_ctx *c, const bench_config *cfg, const bench_system *sys,
                 size_t n)
{
  c->cfg = cfg;
  c->sys = sys;
  c->n = n;
  c->rng.state = 0x5eed0000u + n;
  c->keys = new_keys(n);
  /* A doubly-weak map refuses words: objects, held here, so that they live */
  c->vals = sys->object_values ? new_object_values(n) : new_word_values(n);
  c->order = shuffled_copy(c->keys, n, &c->rng);
  c->table = NULL;
  c->samples = malloc((size_t)cfg->reps * sizeof *c->samples);
  if (c->samples == NULL)
    abort();
}

void wl_ctx_drop(wl_ctx *c)
{
  free(c->samples);
  c->keys = c->vals = c->order = NULL;
  c->table = NULL;
  full_collections(2);
}

void wl_emit_all(const wl_ctx *c, int workload, const char *metric,
                 const double *samples, int count)
{
  emit_samples(c->sys->name, bench_workload_name(workload), c->n, metric, samples,
               count);
}

void wl_emit(const wl_ctx *c, int workload, const char *metric,
             const double *samples)
{
  wl_emit_all(c, workload, metric, samples + c->cfg->warmup_reps,
              c->cfg->reps - c->cfg->warmup_reps);
}

void *wl_build(const bench_system *sys, void *const *keys, void *const *vals,
               size_t n)
{
  void *t = sys->create();
  sys->set_all(t, keys, vals, n);
  return t;
}

void wl_check(const wl_ctx *c, int workload, const char *what, size_t got,
              size_t want)
{
  if (got != want)
    emit_note("warn", c->sys->name, "%s at N=%zu: %s %zu, expected %zu",
              bench_workload_name(workload), c->n, what, got, want);
}

wl_plan wl_plan_lookups(const wl_ctx *c)
{
  wl_plan p = { 1, c->n };
  if (c->n >= c->cfg->min_ops)
    p.count = c->cfg->min_ops;
  else
    p.passes = passes_for(c->n, c->cfg->min_ops);
  return p;
}

double wl_timed_collection_ms(void)
{
  clear_stack();
  uint64_t t0 = now_ns();
  GC_gcollect();
  return (double)(now_ns() - t0) / 1e6;
}

size_t *wl_random_permutation(size_t n, rng *r)
{
  size_t *perm = malloc((n ? n : 1) * sizeof *perm);
  if (perm == NULL)
    abort();
  for (size_t i = 0; i < n; i++)
    perm[i] = i;
  for (size_t i = n; i > 1; i--) {
    size_t j = rng_below(r, i), tmp = perm[i - 1];
    perm[i - 1] = perm[j];
    perm[j] = tmp;
  }
  return perm;
}
