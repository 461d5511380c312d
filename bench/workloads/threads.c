/* SPDX-License-Identifier: MIT */
/*
 * Get throughput with 1, 2, ... reader threads sharing one table. Threads
 * are collector-registered (GC_THREADS redirects pthread_create to
 * GC_pthread_create); each reads every key in its own random order, and the
 * wall time runs from the moment all are released to the last one's end.
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
  const bench_system *sys;
  void *table;
  void **order;
  size_t count, passes, found;
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
    job->found += job->sys->get_all(job->table, job->order, job->count, &sum);
  job->end = now_ns();
  return (void *)sum;
}

static void *reader_thread(void *arg)
{
  reader_job *job = arg;
  return job->sys->in_thread ? job->sys->in_thread(reader_body, job)
                             : reader_body(job);
}

/* Million gets per second with `count` readers, one repetition. */
static double readers_mops(wl_ctx *c, void **orders[], int count, bool *ok)
{
  reader_job jobs[BENCH_MAX_THREADS];
  pthread_t tids[BENCH_MAX_THREADS];
  atomic_int go = 0;
  /* as plan_lookups: min_ops gets per thread, whole passes for small N */
  size_t passes = 1, keys = c->cfg->min_ops;
  if (c->n < keys) {
    passes = passes_for(c->n, keys);
    keys = c->n;
  }
  for (int i = 0; i < count; i++) {
    jobs[i] = (reader_job){ c->sys, c->table, orders[i], keys, passes, 0, &go, 0 };
    if (pthread_create(&tids[i], NULL, reader_thread, &jobs[i]) != 0) {
      *ok = false;
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
    wl_check(c, WL_THREADS, "keys found by a reader", jobs[i].found, passes * keys);
  }
  double ops = (double)passes * (double)keys * count;
  return ops / ((double)(last - t0) / 1e3);
}

void wl_threads(wl_ctx *c)
{
  static bool registered;
  if (!registered) {
    GC_allow_register_threads();
    registered = true;
  }
  const bench_config *cfg = c->cfg;
  void **orders[BENCH_MAX_THREADS];
  int max_threads = 1;
  for (int i = 0; i < cfg->n_threads; i++)
    if (cfg->threads[i] > max_threads)
      max_threads = cfg->threads[i];
  for (int i = 0; i < max_threads; i++)
    orders[i] = shuffled_copy(c->keys, c->n, &c->rng);

  double single = 0;
  double *scaling = malloc((size_t)cfg->reps * sizeof *scaling);
  if (scaling == NULL)
    abort();
  for (int i = 0; i < cfg->n_threads; i++) {
    int count = cfg->threads[i];
    bool ok = true;
    for (int r = 0; r < cfg->reps && ok; r++)
      c->samples[r] = readers_mops(c, orders, count, &ok);
    if (!ok) {
      emit_note("warn", c->sys->name, "could not start %d threads", count);
      continue;
    }
    char metric[24];
    snprintf(metric, sizeof metric, "mops_t%d", count);
    wl_emit(c, WL_THREADS, metric, c->samples);
    if (count == 1)
      single = median_of(c->samples + cfg->warmup_reps, cfg->reps - cfg->warmup_reps);
    else if (single > 0) {
      for (int r = 0; r < cfg->reps; r++)
        scaling[r] = c->samples[r] / single;
      snprintf(metric, sizeof metric, "scaling_t%d", count);
      wl_emit(c, WL_THREADS, metric, scaling);
    }
  }
  free(scaling);
}
