/* SPDX-License-Identifier: MIT */
/*
 * The schedule of a run (see run.h): the timed workloads in rounds that take
 * every system in turn, then the memory probes, one fresh process each.
 */
#include "run.h"

#include <unistd.h>

#include "core/emit.h"
#include "core/progress.h"

/* Whether a timed child of sys has anything to do: memory is measured by
 * probes of its own. */
static bool needs_timed_job(const bench_config *cfg, const bench_system *sys)
{
  return run_has_main_work(cfg, sys) || run_has_thread_work(cfg, sys);
}

/* Memory is a table's figure (byte-string tables included: values.h). */
static bool needs_memory_jobs(const bench_config *cfg, const bench_system *sys)
{
  return cfg->workloads[WL_MEMORY] && (sys->create != NULL || sys->bytes != NULL);
}

/* The timed workloads of one system, `reps` repetitions of each, in a
 * child of their own (or in this process with --no-fork). */
static void run_timed_job(const bench_config *cfg, const bench_system *sys, int reps,
                          bench_results *r)
{
  bench_config round_cfg = *cfg;
  /* A child's first repetition runs on a fresh heap that is still growing
   * (and may or may not take a collection): with one or two repetitions per
   * child it would colour every figure, so in rounds it is run, not
   * reported (cfg->warmup_reps). */
  round_cfg.reps = reps + round_cfg.warmup_reps;
  run_job j = { false, 0 };
  run_child c;
  if (!cfg->fork_systems) {
    emit_set_sink(r);
    run_job_here(&round_cfg, sys, j);
  } else if (run_spawn(&round_cfg, sys, j, &c)) {
    (void)run_collect(sys, c, r);
  }
}

/* Memory repetitions of one system, each in a fresh child. Memory figures do
 * not depend on timing, so those children run as many at a time as there
 * are cores. */
static void run_memory_jobs(const bench_config *cfg, const bench_system *sys,
                            bench_results *r)
{
  if (!cfg->fork_systems)
    emit_set_sink(r);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int width = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
  for (int s = 0; s < cfg->n_sizes; s++) {
    progress_label("%s N=%zu memory", sys->name, cfg->sizes[s]);
    run_job j = { true, cfg->sizes[s] };
    bool ok = true;
    for (int rep = 0; rep < cfg->reps && ok; rep += width) {
      run_child batch[8];
      int started = 0;
      if (!cfg->fork_systems) {
        run_job_here(cfg, sys, j);
        progress_add(progress_units(cfg, 1, j.n, PROGRESS_MEMORY));
        rep -= width - 1;
        continue;
      }
      while (started < width && rep + started < cfg->reps &&
             run_spawn(cfg, sys, j, &batch[started]))
        started++;
      if (started == 0)
        ok = false;
      for (int k = 0; k < started; k++) {
        ok &= run_collect(sys, batch[k], r);
        progress_add(progress_units(cfg, 1, j.n, PROGRESS_MEMORY));
      }
    }
    if (!ok)
      break;
  }
}

/* The share of cfg's repetitions that round `round` runs, its warm-up
 * repetition not counted. */
static int round_reps(const bench_config *cfg, int round)
{
  return cfg->reps / cfg->rounds + (round < cfg->reps % cfg->rounds);
}

/* cfg for one size of one round: `reps` repetitions, plus a warm-up one
 * in runs of several rounds (see run_timed_job). */
static bench_config one_size(const bench_config *cfg, int size, int reps)
{
  bench_config c = *cfg;
  c.sizes[0] = cfg->sizes[size];
  c.n_sizes = 1;
  c.warmup_reps = cfg->rounds > 1;
  c.reps = reps;
  return c;
}

/*
 * The timed workloads run in rounds, and each round size by size: every
 * built-in system, then every peer, with its share of the repetitions at
 * that size, in turn (reversed every other round). This machine's speed
 * may drift by a factor of two within minutes (a shared virtual machine);
 * run one system after the other and a ratio compares two different
 * machines. Two systems' figures of one size and round are taken seconds
 * apart, and the report compares them round by round (report/common.c).
 * Every child reports each repetition as a sample, and the medians are
 * taken over all rounds.
 */
void run_systems(const bench_config *cfg, const bench_system *const *systems,
                 int count, const bench_system *const *peers, int n_peers,
                 bench_results *r)
{
  r->rounds = cfg->rounds;
  for (int round = 0; round < cfg->rounds; round++) {
    r->round = round;
    int reps = round_reps(cfg, round);
    if (reps == 0)
      continue;
    for (int size = 0; size < cfg->n_sizes; size++) {
      bench_config c = one_size(cfg, size, reps);
      for (int k = 0; k < count; k++) {
        const bench_system *sys = systems[round % 2 == 0 ? k : count - 1 - k];
        if (!needs_timed_job(cfg, sys))
          continue;
        progress_label("round %d of %d: %s N=%zu", round + 1, cfg->rounds, sys->name,
                       c.sizes[0]);
        run_timed_job(&c, sys, reps, r);
      }
      /* A peer takes its warm-up repetition in its reps, as a child does. */
      c.reps = reps + c.warmup_reps;
      for (int p = 0; p < n_peers; p++) {
        const bench_system *peer = peers[round % 2 == 0 ? p : n_peers - 1 - p];
        progress_label("round %d of %d: %s N=%zu", round + 1, cfg->rounds, peer->name,
                       c.sizes[0]);
        peer->run_peer(&c, r);
      }
    }
  }
  r->round = 0;
  for (int k = 0; k < count; k++)
    if (needs_memory_jobs(cfg, systems[k]))
      run_memory_jobs(cfg, systems[k], r);
}

double run_total_units(const bench_config *cfg, const bench_system *const *systems,
                       int count, int n_peers)
{
  double total = 0;
  for (int s = 0; s < cfg->n_sizes; s++) {
    size_t n = cfg->sizes[s];
    for (int k = 0; k < count; k++) {
      const bench_system *sys = systems[k];
      for (int round = 0; round < cfg->rounds; round++) {
        int reps = round_reps(cfg, round) + (cfg->rounds > 1);
        if (run_has_main_work(cfg, sys))
          total += progress_units(cfg, reps, n, PROGRESS_MAIN);
        if (run_has_thread_work(cfg, sys))
          total += progress_units(cfg, reps, n, PROGRESS_THREADS);
      }
      if (needs_memory_jobs(cfg, sys))
        total += cfg->reps * progress_units(cfg, 1, n, PROGRESS_MEMORY);
    }
    for (int p = 0; p < n_peers; p++)   /* a peer reports like one child */
      total += progress_units(cfg, cfg->reps, n, PROGRESS_MAIN);
  }
  return total;
}
