/* SPDX-License-Identifier: MIT */
/*
 * Heap bytes per live entry, measured in a fresh process for each
 * repetition: reachable bytes after full collections with the table, minus
 * the same with only the keys and values (small objects, as in gc_cost).
 *
 * A fresh process matters: bdwgc's table of disappearing links doubles and
 * never shrinks, so in a process that already registered as many links its
 * share would not show; here it is counted, with the 32-byte record of every
 * link. "heap_bytes_per_entry" counts whole heap blocks in use instead
 * (GC_get_memory_use), fragmentation included.
 *
 * The table is built by a thread of its own: when it exits, its stack goes
 * with every stale pointer to the arrays a growing table left behind, which
 * a conservative scan of this thread's stack could otherwise still find.
 */
#include "workloads.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <gc/gc.h>
#include <gc/gc_mark.h>

#include "core/emit.h"
#include "keyset.h"

static void GC_CALLBACK add_object_bytes(void *obj, size_t bytes, void *sum)
{
  (void)obj;
  *(size_t *)sum += bytes;
}

static void *sum_reachable_locked(void *sum)
{
  GC_enumerate_reachable_objects_inner(add_object_bytes, sum);
  return NULL;
}

/* Bytes in the objects the last collection found reachable, the
 * collector's own records included. */
static size_t reachable_bytes(void)
{
  size_t sum = 0;
  GC_call_with_alloc_lock(sum_reachable_locked, &sum);
  return sum;
}

typedef struct build_job {
  const bench_system *sys;
  void **holder, **keys, **vals;
  size_t n;
} build_job;

static void *build_body(void *arg)
{
  build_job *job = arg;
  job->holder[0] = wl_build(job->sys, job->keys, job->vals, job->n);
  return NULL;
}

static void *builder_thread(void *arg)
{
  build_job *job = arg;
  return job->sys->in_thread ? job->sys->in_thread(build_body, job)
                             : build_body(job);
}

/* holder[0] = a table of keys[i] -> vals[i], built by a thread that is gone
 * when this returns. */
static void build_in_thread(const bench_system *sys, void **holder,
                            void **keys, void **vals, size_t n)
{
  build_job job = { sys, holder, keys, vals, n };
  pthread_t tid;
  if (pthread_create(&tid, NULL, builder_thread, &job) != 0 ||
      pthread_join(tid, NULL) != 0) {
    fprintf(stderr, "gcweak-bench: cannot start the builder thread\n");
    abort();
  }
}

void bench_memory_probe(const bench_system *sys, size_t n)
{
  GC_allow_register_threads();   /* Guile's threads register themselves */
  rng r = { 0x5eed0000u + n };
  void **keys = new_keys(n);
  shuffle_ptrs(keys, n, &r);   /* random order, as in gc_cost */
  void **objvals = new_object_values(n);
  void **holder = new_ptr_array(1);

  full_collections(1);
  size_t reach0 = reachable_bytes(), heap0 = GC_get_memory_use();
  build_in_thread(sys, holder, keys, objvals, n);
  full_collections(1);
  size_t reach1 = reachable_bytes(), heap1 = GC_get_memory_use();

  emit_sample(sys->name, "memory", n, "bytes_per_entry",
              ((double)reach1 - (double)reach0) / (double)n);
  emit_sample(sys->name, "memory", n, "heap_bytes_per_entry",
              ((double)heap1 - (double)heap0) / (double)n);
}
