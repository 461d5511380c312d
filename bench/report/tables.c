/* SPDX-License-Identifier: MIT */
/*
 * The table of every figure at each size: one row per system, one column
 * per figure, each with its ratio to the strong table and, for gcweak, to
 * the link floor of the same run.
 */
#include "sections.h"

#include <stdio.h>
#include <string.h>

#include "systems/systems.h"

typedef struct column {
  const char *title;
  const char *workload;
  const char *metric;
  bool ratio;        /* show the ratio to the strong table */
  bool floor_ratio;  /* gcweak rows: show the ratio to the link floor */
} column;

static const column columns[] = {
  { "insert", "insert", "ns_per_op", true, true },
  { "get hit", "get_hit", "ns_per_op", true, true },
  { "get miss", "get_miss", "ns_per_op", true, false },
  { "has", "has", "ns_per_op", true, true },
  { "delete", "delete", "ns_per_op", true, true },
  { "churn", "churn", "ns_per_op", true, true },
  { "bytes/entry", "memory", "bytes_per_entry", false, true },
  { "GC ns/entry", "gc_cost", "ns_per_entry", false, true },
  { "released", "reclaim", "released_pct", false, false },
  { "GCs to release", "reclaim", "collections", false, false },
  { "2-thread scaling", "threads", "scaling_t2", false, false },
};
#define N_COLUMNS (sizeof columns / sizeof *columns)

/* A row for every system with a figure in one of the columns at n (systems
 * of weak references and registries have none); byte-string systems have a
 * section of their own (values.c). */
static bool system_present(const bench_results *r, const char *name, size_t n)
{
  const bench_system *sys = systems_find(name);
  if (sys != NULL && sys->bytes != NULL)
    return false;
  for (size_t c = 0; c < N_COLUMNS; c++)
    if (results_find(r, name, columns[c].workload, n, columns[c].metric) != NULL)
      return true;
  return false;
}

static bool column_present(const bench_results *r, const column *col, size_t n)
{
  for (size_t s = 0; s < systems_count(); s++)
    if (systems_at(s)->bytes == NULL &&
        results_find(r, systems_at(s)->name, col->workload, n, col->metric))
      return true;
  return false;
}

static void format_cell(char *out, size_t cap, const bench_results *r,
                        const char *system, const column *col, size_t n)
{
  const bench_result *it = results_find(r, system, col->workload, n, col->metric);
  if (it == NULL) {
    snprintf(out, cap, "-");
    return;
  }
  if (strcmp(col->metric, "released_pct") == 0)
    snprintf(out, cap, "%.4g%%", it->min);   /* the worst repetition */
  else if (strncmp(col->metric, "scaling", 7) == 0)
    snprintf(out, cap, "%.2fx", it->median);
  else
    snprintf(out, cap, "%.3g", it->median);
  const bench_result *base = col->ratio && strcmp(system, "strong") != 0
      ? results_find(r, "strong", col->workload, n, col->metric) : NULL;
  const bench_result *floor = col->floor_ratio && report_is_gcweak(system)
      ? results_find(r, "floor", col->workload, n, col->metric) : NULL;
  bool with_base = base != NULL && base->median > 0;
  bool with_floor = floor != NULL && floor->median > 0;
  if (!with_base && !with_floor)
    return;
  size_t len = strlen(out);
  snprintf(out + len, cap - len, " (");
  if (with_base) {
    len = strlen(out);
    snprintf(out + len, cap - len, "%.2fx", it->median / base->median);
  }
  if (with_floor) {
    len = strlen(out);
    snprintf(out + len, cap - len, "%s%.2fx floor", with_base ? "; " : "",
             it->median / floor->median);
  }
  len = strlen(out);
  snprintf(out + len, cap - len, ")");
}

static void print_size_table(FILE *out, const bench_results *r, size_t n)
{
  fprintf(out, "\n### N = %zu\n\n| system |", n);
  for (size_t c = 0; c < N_COLUMNS; c++)
    if (column_present(r, &columns[c], n))
      fprintf(out, " %s |", columns[c].title);
  fprintf(out, "\n|---|");
  for (size_t c = 0; c < N_COLUMNS; c++)
    if (column_present(r, &columns[c], n))
      fprintf(out, "---:|");
  fprintf(out, "\n");
  for (size_t s = 0; s < systems_count(); s++) {
    if (!system_present(r, systems_at(s)->name, n))
      continue;
    fprintf(out, "| %s |", report_label(systems_at(s)->name));
    for (size_t c = 0; c < N_COLUMNS; c++) {
      if (!column_present(r, &columns[c], n))
        continue;
      char cell[96];
      format_cell(cell, sizeof cell, r, systems_at(s)->name, &columns[c], n);
      fprintf(out, " %s |", cell);
    }
    fprintf(out, "\n");
  }
}

void report_tables(FILE *out, const bench_config *cfg, const bench_results *r)
{
  /* Nothing of a table measured (a run of references or registries only):
   * no section. */
  bool any = false;
  for (int i = 0; i < cfg->n_sizes && !any; i++)
    for (size_t c = 0; c < N_COLUMNS && !any; c++)
      any = column_present(r, &columns[c], cfg->sizes[i]);
  if (!any)
    return;
  fprintf(out, "\n## Results\n\nMedians of %d repetitions, taken in %d round%s that "
          "each run every system in turn, size by size. insert ... churn: "
          "ns per operation, with the ratio to the strong table of the same run "
          "in parentheses, and for gcweak also the ratio to the link floor "
          "(\"floor\"). The strong table keeps its keys alive: it is the "
          "ceiling for speed. The link floor is one collector link per key at "
          "ascending addresses and nothing else, no lookup structure: the "
          "least any weak table built on bdwgc's links can cost. "
          "bytes/entry: reachable heap bytes per live entry, "
          "collector link records included. GC ns/entry: extra time of one full "
          "collection per live entry. released: share of dead entries' values "
          "finalized (worst repetition; %.0f%% or more counts as released, "
          "as the tests allow for a conservative collector), and the full "
          "collections it took. 2-thread scaling: get throughput with 2 "
          "threads over 1.\n", cfg->reps, cfg->rounds,
          cfg->rounds == 1 ? "" : "s", RELEASED_PCT_OK);
  for (int i = 0; i < cfg->n_sizes; i++)
    print_size_table(out, r, cfg->sizes[i]);
}
