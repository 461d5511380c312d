/* SPDX-License-Identifier: MIT */
/* What the sections of report.md share (see sections.h). */
#include "sections.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "systems/systems.h"

const char *report_label(const char *name)
{
  const bench_system *sys = systems_find(name);
  return sys != NULL ? sys->label : name;
}

bool report_is_gcweak(const char *system)
{
  return strncmp(system, "gcweak", 6) == 0;
}

bool report_within_noise(const bench_result *a, const bench_result *b)
{
  if (strcmp(a->metric, "ns_per_entry") == 0 && (a->median < 0 || b->median < 0))
    return true;
  return a->median >= b->min && a->median <= b->max &&
         b->median >= a->min && b->median <= a->max;
}

/* A round's ratio this close to the limit decides nothing: two runs must
 * not call it on opposite sides. */
#define ROUND_MARGIN 0.10

int report_rounds_side(const bench_result *a, const bench_result *b, double limit)
{
  if (a->n_rounds < 2 || (b != NULL && a->n_rounds != b->n_rounds) || limit <= 0)
    return 2;
  int below = 0, above = 0, paired = 0;
  for (int k = 0; k < a->n_rounds; k++) {
    double x = a->round_median[k], y = b != NULL ? b->round_median[k] : 1;
    if (isnan(x) || isnan(y) || y <= 0)
      continue;
    paired++;
    double ratio = x / (y * limit);
    below += ratio < 1 - ROUND_MARGIN;
    above += ratio > 1 + ROUND_MARGIN;
  }
  if (paired < 2)
    return 2;
  return below == paired ? -1 : above == paired ? 1 : 0;
}

void report_figure(char *out, size_t cap, const bench_results *r, const char *system,
                   const char *workload, size_t n, const char *metric,
                   const char *base1, const char *base2)
{
  const bench_result *it = results_find(r, system, workload, n, metric);
  if (it == NULL) {
    snprintf(out, cap, "-");
    return;
  }
  snprintf(out, cap, "%.3g", it->median);
  const char *bases[2] = { base1, base2 };
  bool open = false;
  for (int k = 0; k < 2; k++) {
    if (bases[k] == NULL || strcmp(bases[k], system) == 0)
      continue;
    const bench_result *b = results_find(r, bases[k], workload, n, metric);
    if (b == NULL || b->median <= 0 || it->median < 0)
      continue;
    size_t len = strlen(out);
    snprintf(out + len, cap - len, "%s%.2fx %s", open ? "; " : " (",
             it->median / b->median, bases[k]);
    open = true;
  }
  if (open) {
    size_t len = strlen(out);
    snprintf(out + len, cap - len, ")");
  }
}

bool report_has_workload(const bench_results *r, const char *workload, size_t n)
{
  for (size_t i = 0; i < r->count; i++)
    if (r->items[i].n == n && strcmp(r->items[i].workload, workload) == 0)
      return true;
  return false;
}

bool report_system_has_any(const bench_results *r, const char *system,
                           const char *const *workloads, size_t count, size_t n)
{
  for (size_t i = 0; i < r->count; i++) {
    const bench_result *it = &r->items[i];
    if (it->n != n || strcmp(it->system, system) != 0)
      continue;
    for (size_t w = 0; w < count; w++)
      if (strcmp(it->workload, workloads[w]) == 0)
        return true;
  }
  return false;
}
