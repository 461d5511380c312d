/* SPDX-License-Identifier: MIT */
/*
 * Runs one system through every selected workload it has the operations of
 * (a table's, weak references', a registry's) at every size, in the order
 * of enum bench_workload (but reg_gc_cost and reg_delivery before the
 * registrations: see below), with the keys of each size shared by all of
 * its workloads (memory excepted: see workloads/memory.c). Reader threads come
 * last, in a pass of their own: once a second thread exists the collector's
 * lock and marking change for good, and that must not colour the
 * single-threaded figures.
 */
#include "run.h"

#include "core/emit.h"
#include "core/progress.h"
#include "systems/systems.h"
#include "workloads/workloads.h"

static bool wants(const bench_config *cfg, int wl) { return cfg->workloads[wl]; }

static bool needs_read_table(const bench_config *cfg)
{
  return wants(cfg, WL_GET_HIT) || wants(cfg, WL_GET_MISS) || wants(cfg, WL_HAS);
}

/* The table workloads of one size. */
static void run_map_workloads(const bench_config *cfg, const bench_system *sys,
                              wl_ctx *c)
{
  if (wants(cfg, WL_INSERT) || wants(cfg, WL_DELETE))
    wl_insert_delete(c, wants(cfg, WL_INSERT), wants(cfg, WL_DELETE));
  if (needs_read_table(cfg)) {
    c->table = wl_build(sys, c->keys, c->vals, c->n);
    full_collections(1);
    if (wants(cfg, WL_GET_HIT))
      wl_get_hit(c);
    if (wants(cfg, WL_GET_MISS))
      wl_get_miss(c);
    if (wants(cfg, WL_HAS))
      wl_has(c);
    c->table = NULL;
    full_collections(1);
  }
  static const struct { int wl; void (*run)(wl_ctx *); } rest[] = {
    { WL_CHURN, wl_churn },
    { WL_RECLAIM, wl_reclaim }, { WL_GC_COST, wl_gc_cost },
    { WL_PAUSE, wl_pause },
  };
  for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
    if (wants(cfg, rest[i].wl))
      rest[i].run(c);
}

/* The weak reference and registry workloads of one size, but ref_threads. */
static void run_ref_registry_workloads(const bench_config *cfg,
                                       const bench_system *sys, wl_ctx *c)
{
  static const struct { int wl; void (*run)(wl_ctx *); } refs[] = {
    { WL_REF_NEW, wl_ref_new }, { WL_REF_GET, wl_ref_get },
    { WL_REF_GET_DEAD, wl_ref_get_dead }, { WL_REF_GC_COST, wl_ref_gc_cost },
  }, regs[] = {
    { WL_REG_GC_COST, wl_reg_gc_cost }, { WL_REG_DELIVERY, wl_reg_delivery },
  };
  if (sys->ref != NULL)
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
      if (wants(cfg, refs[i].wl)) {
        refs[i].run(c);
        full_collections(1);
      }
  if (sys->registry == NULL)
    return;
  /* Collection cost and delivery first: delivery's figure includes a full
   * collection, whose time grows with the heap, and the registration
   * workloads leave a heap grown for max(N, min_ops) targets behind them;
   * collection cost before delivery, whose last registry may still be
   * reachable for a while (see workloads/registry.c). */
  for (size_t i = 0; i < sizeof regs / sizeof *regs; i++)
    if (wants(cfg, regs[i].wl)) {
      regs[i].run(c);
      full_collections(1);
    }
  if (wants(cfg, WL_REG_REGISTER) || wants(cfg, WL_REG_UNREGISTER)) {
    wl_reg_register_unregister(c, wants(cfg, WL_REG_REGISTER),
                               wants(cfg, WL_REG_UNREGISTER));
    full_collections(1);
  }
}

bool run_has_main_work(const bench_config *cfg, const bench_system *sys)
{
  unsigned families = systems_families(sys);
  for (int wl = 0; wl < WL_COUNT; wl++)
    if (wants(cfg, wl) && wl != WL_THREADS && wl != WL_REF_THREADS &&
        wl != WL_MEMORY && (bench_workload_family(wl) & families) != 0)
      return true;
  return false;
}

bool run_has_thread_work(const bench_config *cfg, const bench_system *sys)
{
  return (wants(cfg, WL_THREADS) && sys->create != NULL) ||
         (wants(cfg, WL_REF_THREADS) && sys->ref != NULL);
}

void run_system(const bench_config *cfg, const bench_system *sys)
{
  if (!run_has_main_work(cfg, sys))
    return;
  for (int s = 0; s < cfg->n_sizes; s++) {
    wl_ctx c;
    wl_ctx_init(&c, cfg, sys, cfg->sizes[s]);
    if (sys->create != NULL)
      run_map_workloads(cfg, sys, &c);
    run_ref_registry_workloads(cfg, sys, &c);
    emit_progress(sys->name, c.n, progress_units(cfg, cfg->reps, c.n, PROGRESS_MAIN));
    wl_ctx_drop(&c);
  }
}

/* The reader threads of a table (threads) or of references (ref_threads). */
void run_threads(const bench_config *cfg, const bench_system *sys)
{
  bool table = wants(cfg, WL_THREADS) && sys->create != NULL;
  bool refs = wants(cfg, WL_REF_THREADS) && sys->ref != NULL;
  if (!run_has_thread_work(cfg, sys))
    return;
  for (int s = 0; s < cfg->n_sizes; s++) {
    wl_ctx c;
    wl_ctx_init(&c, cfg, sys, cfg->sizes[s]);
    if (table) {
      c.table = wl_build(sys, c.keys, c.vals, c.n);
      full_collections(1);
      wl_threads(&c);
      c.table = NULL;
    }
    if (refs)
      wl_ref_threads(&c);
    emit_progress(sys->name, c.n,
                  progress_units(cfg, cfg->reps, c.n, PROGRESS_THREADS));
    wl_ctx_drop(&c);
  }
}
