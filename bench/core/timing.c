/* SPDX-License-Identifier: MIT */
/* Clocks, medians, random numbers and collector chores (see timing.h). */
#include "timing.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gc/gc.h>

uint64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double median_of(const double *samples, int count)
{
  double *copy = malloc((size_t)count * sizeof *copy);
  if (copy == NULL)
    abort();
  memcpy(copy, samples, (size_t)count * sizeof *copy);
  qsort(copy, (size_t)count, sizeof *copy, compare_doubles);
  double m = count % 2 ? copy[count / 2]
                       : (copy[count / 2 - 1] + copy[count / 2]) / 2;
  free(copy);
  return m;
}

uint64_t rng_next(rng *r)
{
  uint64_t z = (r->state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

size_t rng_below(rng *r, size_t bound)
{
  return (size_t)(rng_next(r) % bound);
}

void shuffle_ptrs(void **a, size_t n, rng *r)
{
  for (size_t i = n; i > 1; i--) {
    size_t j = rng_below(r, i);
    void *tmp = a[i - 1];
    a[i - 1] = a[j];
    a[j] = tmp;
  }
}

__attribute__((noinline)) void clear_stack(void)
{
  volatile char area[64 * 1024];
  memset((char *)area, 0, sizeof area);
}

void full_collections(int times)
{
  for (int i = 0; i < times; i++) {
    clear_stack();
    GC_gcollect();
  }
}

static atomic_size_t released_values;

static void count_release(void *obj, void *data)
{
  (void)obj;
  (void)data;
  atomic_fetch_add_explicit(&released_values, 1, memory_order_relaxed);
}

void *new_counted_value(void)
{
  void *v = GC_MALLOC_ATOMIC(16);
  if (v == NULL)
    abort();
  GC_REGISTER_FINALIZER(v, count_release, NULL, NULL, NULL);
  return v;
}

size_t counted_values_released(void)
{
  return atomic_load_explicit(&released_values, memory_order_relaxed);
}

size_t passes_for(size_t n, size_t min_ops)
{
  return n >= min_ops ? 1 : (min_ops + n - 1) / n;
}
