/* SPDX-License-Identifier: MIT */
/* The result store (see results.h). */
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "timing.h"

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return p;
  size_t cap2 = *cap ? *cap * 2 : 64;
  while (cap2 < need)
    cap2 *= 2;
  p = realloc(p, cap2 * elem);
  if (p == NULL)
    abort();
  *cap = cap2;
  return p;
}

void results_add(bench_results *r, const bench_result *item)
{
  r->items = grow(r->items, &r->cap, r->count + 1, sizeof *r->items);
  r->items[r->count++] = *item;
}

void results_add_note(bench_results *r, const char *line)
{
  /* Every round's child says the same things (versions, remarks): once is
   * enough. */
  for (size_t i = 0; i < r->n_notes; i++)
    if (strcmp(r->notes[i], line) == 0)
      return;
  r->notes = grow(r->notes, &r->notes_cap, r->n_notes + 1, sizeof *r->notes);
  r->notes[r->n_notes] = strdup(line);
  if (r->notes[r->n_notes] == NULL)
    abort();
  r->n_notes++;
}

/* Repetitions of one figure, gathered from "sample" lines. */
struct bench_samples {
  bench_result key;        /* system, workload, n, metric */
  double *values;
  int *rounds;             /* the round of each value */
  size_t count, cap, rounds_cap;
  bench_samples *next;
};

void results_add_sample(bench_results *r, const bench_result *key, double value)
{
  bench_samples *s = r->pending;
  while (s != NULL && !(s->key.n == key->n &&
                        strcmp(s->key.system, key->system) == 0 &&
                        strcmp(s->key.workload, key->workload) == 0 &&
                        strcmp(s->key.metric, key->metric) == 0))
    s = s->next;
  if (s == NULL) {
    s = calloc(1, sizeof *s);
    if (s == NULL)
      abort();
    s->key = *key;
    s->next = r->pending;
    r->pending = s;
  }
  s->values = grow(s->values, &s->cap, s->count + 1, sizeof *s->values);
  s->rounds = grow(s->rounds, &s->rounds_cap, s->count + 1, sizeof *s->rounds);
  s->rounds[s->count] = r->round;
  s->values[s->count++] = value;
}

/* The median of each round's values of s into item, when the run's rounds
 * are few enough to keep apart. */
static void fold_rounds(const bench_results *r, const bench_samples *s, bench_result *item)
{
  item->n_rounds = 0;
  if (r->rounds < 2 || r->rounds > BENCH_MAX_ROUNDS)
    return;
  double *mine = malloc(s->count * sizeof *mine);
  if (mine == NULL)
    abort();
  for (int k = 0; k < r->rounds; k++) {
    int m = 0;
    for (size_t i = 0; i < s->count; i++)
      if (s->rounds[i] == k)
        mine[m++] = s->values[i];
    item->round_median[k] = m > 0 ? median_of(mine, m) : NAN;
  }
  item->n_rounds = r->rounds;
  free(mine);
}

void results_fold_samples(bench_results *r)
{
  /* pending is newest first: reverse so results keep the order of arrival */
  bench_samples *list = NULL;
  while (r->pending != NULL) {
    bench_samples *s = r->pending;
    r->pending = s->next;
    s->next = list;
    list = s;
  }
  while (list != NULL) {
    bench_samples *s = list;
    list = s->next;
    bench_result item = s->key;
    item.median = median_of(s->values, (int)s->count);
    item.min = item.max = s->values[0];
    for (size_t i = 1; i < s->count; i++) {
      if (s->values[i] < item.min)
        item.min = s->values[i];
      if (s->values[i] > item.max)
        item.max = s->values[i];
    }
    item.reps = (int)s->count;
    fold_rounds(r, s, &item);
    results_add(r, &item);
    free(s->values);
    free(s->rounds);
    free(s);
  }
}

const bench_result *results_find(const bench_results *r, const char *system,
                                 const char *workload, size_t n,
                                 const char *metric)
{
  for (size_t i = 0; i < r->count; i++) {
    const bench_result *it = &r->items[i];
    if (it->n == n && strcmp(it->system, system) == 0 &&
        strcmp(it->workload, workload) == 0 && strcmp(it->metric, metric) == 0)
      return it;
  }
  return NULL;
}

void results_free(bench_results *r)
{
  results_fold_samples(r);
  for (size_t i = 0; i < r->n_notes; i++)
    free(r->notes[i]);
  free(r->notes);
  free(r->items);
  memset(r, 0, sizeof *r);
}
