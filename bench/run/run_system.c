/* SPDX-License-Identifier: MIT */
/*
 * Runs one system through every selected workload at every size, in the
 * order of enum bench_workload, with the keys of each size shared by all of
 * its workloads (memory excepted: see workloads/memory.c). Threads come last, in a
 * pass of their own: once a second thread exists the collector's lock and
 * marking change for good, and that must not colour the single-threaded
 * figures.
 */
#include "run.h"

#include "core/emit.h"
#include "core/progress.h"
#include "workloads/workloads.h"

static bool wants(const bench_config *cfg, int wl) { return cfg->workloads[wl]; }

static bool needs_read_table(const bench_config *cfg)
{
  return wants(cfg, WL_GET_HIT) || wants(cfg, WL_GET_MISS) || wants(cfg, WL_HAS);
}

void run_system(const bench_config *cfg, const bench_system *sys)
{
  for (int s = 0; s < cfg->n_sizes; s++) {
    wl_ctx c;
    wl_ctx_init(&c, cfg, sys, cfg->sizes[s]);
    if (wants(cfg, WL_INSERT) || wants(cfg, WL_DELETE))
      wl_insert_delete(&c, wants(cfg, WL_INSERT), wants(cfg, WL_DELETE));
    if (needs_read_table(cfg)) {
      c.table = wl_build(sys, c.keys, c.vals, c.n);
      full_collections(1);
      if (wants(cfg, WL_GET_HIT))
        wl_get_hit(&c);
      if (wants(cfg, WL_GET_MISS))
        wl_get_miss(&c);
      if (wants(cfg, WL_HAS))
        wl_has(&c);
      c.table = NULL;
      full_collections(1);
    }
    static const struct { int wl; void (*run)(wl_ctx *); } rest[] = {
      { WL_CHURN, wl_churn },
      { WL_RECLAIM, wl_reclaim }, { WL_GC_COST, wl_gc_cost },
      { WL_PAUSE, wl_pause },
    };
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
      if (wants(cfg, rest[i].wl))
        rest[i].run(&c);
    emit_progress(sys->name, c.n, progress_units(cfg, cfg->reps, c.n, PROGRESS_MAIN));
    wl_ctx_drop(&c);
  }
}

void run_threads(const bench_config *cfg, const bench_system *sys)
{
  if (!wants(cfg, WL_THREADS))
    return;
  for (int s = 0; s < cfg->n_sizes; s++) {
    wl_ctx c;
    wl_ctx_init(&c, cfg, sys, cfg->sizes[s]);
    c.table = wl_build(sys, c.keys, c.vals, c.n);
    full_collections(1);
    wl_threads(&c);
    emit_progress(sys->name, c.n,
                  progress_units(cfg, cfg->reps, c.n, PROGRESS_THREADS));
    wl_ctx_drop(&c);
  }
}
