/* SPDX-License-Identifier: MIT */
/*
 * The result store, the line protocol that fills it (see bench.h), and the
 * child-side writer of that protocol.
 */
#include "bench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
  size_t count, cap;
  bench_samples *next;
};

static void add_sample(bench_results *r, const bench_result *key, double value)
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
  s->values[s->count++] = value;
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
    results_add(r, &item);
    free(s->values);
    free(s);
  }
}

bool results_parse_line(bench_results *r, const char *line)
{
  char kind[16];
  if (sscanf(line, "%15s", kind) != 1)
    return false;
  if (strcmp(kind, "info") == 0 || strcmp(kind, "skip") == 0 ||
      strcmp(kind, "warn") == 0) {
    char copy[512];
    snprintf(copy, sizeof copy, "%s", line);
    copy[strcspn(copy, "\r\n")] = '\0';
    results_add_note(r, copy);
    return true;
  }
  bench_result item;
  memset(&item, 0, sizeof item);
  if (strcmp(kind, "progress") == 0) {
    double units;
    if (sscanf(line, "progress %23s %zu %lf", item.system, &item.n, &units) != 3)
      return false;
    progress_add(units);
    return true;
  }
  if (strcmp(kind, "sample") == 0) {
    double value;
    if (sscanf(line, "sample %23s %15s %zu %23s %lf", item.system,
               item.workload, &item.n, item.metric, &value) != 5)
      return false;
    add_sample(r, &item, value);
    return true;
  }
  if (strcmp(kind, "result") != 0)
    return false;
  if (sscanf(line, "result %23s %15s %zu %23s %lf %lf %lf %d", item.system,
             item.workload, &item.n, item.metric, &item.median, &item.min,
             &item.max, &item.reps) != 8)
    return false;
  results_add(r, &item);
  return true;
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

/* ------------------------------------------------------------ child side */

static int emit_fd = -1;          /* -1: straight into emit_sink */
static bench_results *emit_sink;

void emit_set_stream(int fd) { emit_fd = fd; }
void emit_set_sink(bench_results *r) { emit_sink = r; emit_fd = -1; }

static void emit_line(const char *line)
{
  if (emit_fd >= 0) {
    size_t len = strlen(line), done = 0;
    while (done < len) {
      ssize_t w = write(emit_fd, line + done, len - done);
      if (w <= 0)
        abort();
      done += (size_t)w;
    }
  } else if (emit_sink != NULL) {
    results_parse_line(emit_sink, line);
  }
}

void emit_samples(const char *system, const char *workload, size_t n,
                 const char *metric, const double *samples, int count)
{
  for (int i = 0; i < count; i++)
    emit_sample(system, workload, n, metric, samples[i]);
}

void emit_sample(const char *system, const char *workload, size_t n,
                 const char *metric, double value)
{
  char line[256];
  snprintf(line, sizeof line, "sample %s %s %zu %s %.6g\n", system, workload,
           n, metric, value);
  emit_line(line);
}

void emit_note(const char *kind, const char *system, const char *fmt, ...)
{
  char text[400], line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  snprintf(line, sizeof line, "%s %s %s\n", kind, system, text);
  emit_line(line);
  if (strcmp(kind, "warn") == 0) {
    progress_clear();
    fprintf(stderr, "gcweak-bench: warning: %s: %s\n", system, text);
  }
}

void emit_progress(const char *system, size_t n, double units)
{
  char line[128];
  snprintf(line, sizeof line, "progress %s %zu %.6g\n", system, n, units);
  emit_line(line);
}
