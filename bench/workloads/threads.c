/* SPDX-License-Identifier: MIT */
/*
 * Read throughput with 1, 2, ... reader threads sharing what they read: one
 * table (get of present keys, the threads workload) or one set of weak
 * references (gets of live targets, ref_threads, in refs.c). Threads are
 * collector-registered (GC_THREADS redirects pthread_create to
 * GC_pthread_create); each reads in its own random order, and the wall time
 * runs from the moment all are released to the last one's end.
 */
#include "workloads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <gc/gc.h>

#include "core/emit.h"
#include "keyset.h"

typedef struct reader_job {
  const wl_ctx *c;
  wl_read_fn read;
  void **order;
  size_t count, passes, found;
  uintptr_t sum;   /* of the targets or values read, over every pass */
  atomic_int *go;
  uint64_t end;
} reader_job;

static void *reader_body(void *arg)
{
  reader_job *job = arg;
  uintptr_t sum = 0;
  while (!atomic_load_explicit(job->go, memory_order_acquire))
    ;
  for (size_t p = 0; p < job->passes; p++)
    job->found += job->read(job->c, job->order, job->count, &sum);
  job->end = now_ns();
  job->sum = sum;
  return NULL;
}

static void *reader_thread(void *arg)
{
  reader_job *job = arg;
  const bench_system *sys = job->c->sys;
  return sys->in_thread ? sys->in_thread(reader_body, job) : reader_body(job);
}

void wl_register_threads(void)
{
  static bool registered;
  if (!registered) {
    GC_allow_register_threads();
    registered = true;
  }
}

/* Million reads per second with `count` readers, one repetition. */
static double readers_mops(wl_ctx *c, int workload, wl_read_fn read,
                           void **orders[], const uintptr_t *want_sums, int count,
                           bool *ok, bool *wrong_sum)
{
  reader_job jobs[BENCH_MAX_THREADS];
  pthread_t tids[BENCH_MAX_THREADS];
  atomic_int go = 0;
  /* as the single-threaded lookups: min_ops reads per thread, whole passes
   * for small N */
  wl_plan plan = wl_plan_lookups(c);
  for (int i = 0; i < count; i++) {
    jobs[i] = (reader_job){ c, read, orders[i], plan.count, plan.passes, 0, 0, &go, 0 };
    if (pthread_create(&tids[i], NULL, reader_thread, &jobs[i]) != 0) {
      *ok = false;
      /* the threads already started wait for go: release and reap them */
      atomic_store_explicit(&go, 1, memory_order_release);
      for (int k = 0; k < i; k++)
        pthread_join(tids[k], NULL);
      return 0;
    }
  }
  uint64_t t0 = now_ns();
  atomic_store_explicit(&go, 1, memory_order_release);
  uint64_t last = t0;
  for (int i = 0; i < count; i++) {
    pthread_join(tids[i], NULL);
    if (jobs[i].end > last)
      last = jobs[i].end;
    wl_check(c, workload, workload == WL_THREADS ? "keys found by a reader"
             : "targets found by a reader", jobs[i].found, plan.passes * plan.count);
    if (want_sums != NULL && jobs[i].sum != want_sums[i] * plan.passes)
      *wrong_sum = true;
  }
  double ops = (double)plan.passes * (double)plan.count * count;
  return ops / ((double)(last - t0) / 1e3);
}

void wl_reader_scaling(wl_ctx *c, int workload, wl_read_fn read, void **orders[],
                       const uintptr_t *want_sums)
{
  const bench_config *cfg = c->cfg;
  wl_register_threads();
  double single = 0;
  double *scaling = malloc((size_t)cfg->reps * sizeof *scaling);
  if (scaling == NULL)
    abort();
  for (int i = 0; i < cfg->n_threads; i++) {
    int count = cfg->threads[i];
    bool ok = true, wrong_sum = false;
    for (int r = 0; r < cfg->reps && ok; r++)
      c->samples[r] = readers_mops(c, workload, read, orders, want_sums, count,
                                   &ok, &wrong_sum);
    if (wrong_sum)
      emit_note("warn", c->sys->name, "%s at N=%zu with %d readers: what a "
                "reader read does not add up to the targets its references "
                "point to", bench_workload_name(workload), c->n, count);
    if (!ok) {
      emit_note("warn", c->sys->name, "could not start %d threads", count);
      continue;
    }
    char metric[24];
    snprintf(metric, sizeof metric, "mops_t%d", count);
    wl_emit(c, workload, metric, c->samples);
    if (count == 1)
      single = median_of(c->samples + cfg->warmup_reps, cfg->reps - cfg->warmup_reps);
    else if (single > 0) {
      for (int r = 0; r < cfg->reps; r++)
        scaling[r] = c->samples[r] / single;
      snprintf(metric, sizeof metric, "scaling_t%d", count);
      wl_emit(c, workload, metric, scaling);
    }
  }
  free(scaling);
}

int wl_max_threads(const bench_config *cfg)
{
  int max_threads = 1;
  for (int i = 0; i < cfg->n_threads; i++)
    if (cfg->threads[i] > max_threads)
      max_threads = cfg->threads[i];
  return max_threads;
}

static size_t table_read(const wl_ctx *c, void *const *keys, size_t n, uintptr_t *sum)
{
  return c->sys->get_all(c->table, keys, n, sum);
}

void wl_threads(wl_ctx *c)
{
  void **orders[BENCH_MAX_THREADS];
  int max_threads = wl_max_threads(c->cfg);
  for (int i = 0; i < max_threads; i++)
    orders[i] = shuffled_copy(c->keys, c->n, &c->rng);
  wl_reader_scaling(c, WL_THREADS, table_read, orders, NULL);
}
