/* SPDX-License-Identifier: MIT */
/*
 * The byte-string systems in the report: one table per N of every figure
 * of the weak-value maps and their ceiling, the hash-flooding key shapes,
 * gcweak's weak-value map against the other weak-value tables, and the
 * goals that span every workload and N (the rows at the end of the goals
 * table: the weak-value map ahead of each peer, the doubly-weak map within
 * its limit of the ephemeron map).
 */
#include "sections.h"

#include <stdio.h>
#include <string.h>

#include "systems/systems.h"

typedef struct vcolumn {
  const char *title, *workload, *metric;
  bool ratio;        /* ratio to the strong byte-string table */
} vcolumn;

static const vcolumn vcolumns[] = {
  { "set (new key)", "insert", "ns_per_op", true },
  { "intern miss", "intern_miss", "ns_per_op", true },
  { "intern hit", "intern_hit", "ns_per_op", true },
  { "get hit", "get_hit", "ns_per_op", true },
  { "get miss", "get_miss", "ns_per_op", true },
  { "delete", "delete", "ns_per_op", true },
  { "churn", "churn", "ns_per_op", true },
  { "bytes/entry", "memory", "bytes_per_entry", false },
  { "GC ns/entry", "gc_cost", "ns_per_entry", false },
  { "half-reclaiming GC, ms", "reclaim_half", "gc_ms_table", false },
};
#define N_VCOLUMNS (sizeof vcolumns / sizeof *vcolumns)

/* The weak-value tables gcweak's is compared with. */
static const char *const vpeers[] = { "naive-val", "guile-val", "python" };
#define N_VPEERS (sizeof vpeers / sizeof *vpeers)

static bool has_results(const bench_results *r, const char *system, size_t n)
{
  for (size_t i = 0; i < r->count; i++)
    if (r->items[i].n == n && strcmp(r->items[i].system, system) == 0)
      return true;
  return false;
}

static bool is_bytes_system(const char *name)
{
  const bench_system *sys = systems_find(name);
  return sys != NULL && sys->bytes != NULL;
}

static void vcell(char *out, size_t cap, const bench_results *r, const char *system,
                  const vcolumn *col, size_t n)
{
  const bench_result *it = results_find(r, system, col->workload, n, col->metric);
  if (it == NULL) {
    snprintf(out, cap, "-");
    return;
  }
  snprintf(out, cap, "%.3g", it->median);
  const bench_result *base = col->ratio && strcmp(system, "strong-bytes") != 0
      ? results_find(r, "strong-bytes", col->workload, n, col->metric) : NULL;
  if (base != NULL && base->median > 0)
    snprintf(out + strlen(out), cap - strlen(out), " (%.2fx)", it->median / base->median);
  const bench_result *floor = strcmp(col->workload, "gc_cost") == 0 &&
      strcmp(system, "valmap") == 0
      ? results_find(r, "floor", "gc_cost", n, "ns_per_entry") : NULL;
  if (floor != NULL && floor->median > 0)
    snprintf(out + strlen(out), cap - strlen(out), " (%.2fx floor)",
             it->median / floor->median);
}

static void shapes_table(FILE *out, const bench_config *cfg, const bench_results *r)
{
  static const char *const shape[] = { "random16", "lastbyte16", "prefix72", "random72" };
  bool header = false;
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    for (size_t s = 0; s < systems_count(); s++) {
      const char *sys = systems_at(s)->name;
      char metric[24];
      snprintf(metric, sizeof metric, "%s_set_ns", shape[0]);
      if (results_find(r, sys, "key_shapes", n, metric) == NULL)
        continue;
      if (!header) {
        fprintf(out, "\n### Key shapes (hash flooding)\n\nInsert (set of a new "
                "key into a fresh table) and get of a present key, ns, with keys "
                "of four shapes in random order: random 16-byte keys; 16-byte "
                "keys that differ only in their last byte (zeros, then a "
                "big-endian count); 72-byte keys sharing a 64-byte prefix, then a "
                "count; random 72-byte keys. With a keyed hash each shape costs "
                "what random keys of its length cost.\n\n"
                "| N | system | random16 set / get | lastbyte16 set / get | "
                "prefix72 set / get | random72 set / get |\n"
                "|---:|---|---:|---:|---:|---:|\n");
        header = true;
      }
      fprintf(out, "| %zu | %s |", n, report_label(sys));
      for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
        snprintf(metric, sizeof metric, "%s_set_ns", shape[k]);
        const bench_result *set = results_find(r, sys, "key_shapes", n, metric);
        snprintf(metric, sizeof metric, "%s_get_ns", shape[k]);
        const bench_result *get = results_find(r, sys, "key_shapes", n, metric);
        if (set == NULL || get == NULL)
          fprintf(out, " - |");
        else
          fprintf(out, " %.3g / %.3g |", set->median, get->median);
      }
      fprintf(out, "\n");
    }
  }
}

/* gcweak's weak-value map against peer on every figure at every N: how many
 * comparisons, how many behind (the first few listed into behind_list). */
static int race(const bench_config *cfg, const bench_results *r, const char *peer,
                int *behind, char *behind_list, size_t cap)
{
  int run = 0;
  *behind = 0;
  if (behind_list != NULL)
    behind_list[0] = '\0';
  for (size_t c = 0; c < N_VCOLUMNS; c++) {
    for (int i = 0; i < cfg->n_sizes; i++) {
      size_t n = cfg->sizes[i];
      const bench_result *g = results_find(r, "valmap", vcolumns[c].workload, n,
                                           vcolumns[c].metric);
      const bench_result *o = results_find(r, peer, vcolumns[c].workload, n,
                                           vcolumns[c].metric);
      if (g == NULL || o == NULL)
        continue;
      run++;
      if (g->median < o->median)
        continue;
      ++*behind;
      if (behind_list != NULL && strlen(behind_list) + 80 < cap)
        snprintf(behind_list + strlen(behind_list), cap - strlen(behind_list),
                 "%s%s at N=%zu (%.3g against %.3g)", behind_list[0] ? "; " : "",
                 vcolumns[c].title, n, g->median, o->median);
    }
  }
  return run;
}

void report_values(FILE *out, const bench_config *cfg, const bench_results *r)
{
  bool any = false;
  for (int i = 0; i < cfg->n_sizes && !any; i++)
    for (size_t s = 0; s < systems_count() && !any; s++)
      any = is_bytes_system(systems_at(s)->name) &&
            has_results(r, systems_at(s)->name, cfg->sizes[i]);
  if (!any)
    return;
  fprintf(out, "\n## Weak-value maps (byte-string keys)\n\nInterning tables keyed "
          "by random 16-byte strings in random order, values small collector "
          "objects that the workload holds (Python: instances of a small "
          "class). ns per operation, with the ratio to the strong byte-string "
          "table (the ceiling: the same seeded SipHash-1-3, keys copied, values "
          "held strongly) in parentheses. intern miss makes a small object; "
          "churn deletes one key and interns another (one operation each). "
          "bytes/entry: reachable heap bytes per live entry, link records "
          "included (Python: its allocations, by tracemalloc). GC ns/entry: "
          "extra time of one full collection per live entry, values live in an "
          "array, against the same values in the array and no table (for "
          "gcweak, also against the link floor's figure). Half-reclaiming GC: "
          "one full collection right after the workload dropped the values of "
          "every other key (Python: the drop and gc.collect()).\n");
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    bool header = false;
    for (size_t s = 0; s < systems_count(); s++) {
      const char *sys = systems_at(s)->name;
      if (!is_bytes_system(sys) || !has_results(r, sys, n))
        continue;
      if (!header) {
        fprintf(out, "\n### N = %zu, byte-string keys\n\n| system |", n);
        for (size_t c = 0; c < N_VCOLUMNS; c++)
          fprintf(out, " %s |", vcolumns[c].title);
        fprintf(out, "\n|---|");
        for (size_t c = 0; c < N_VCOLUMNS; c++)
          fprintf(out, "---:|");
        fprintf(out, "\n");
        header = true;
      }
      fprintf(out, "| %s |", report_label(sys));
      for (size_t c = 0; c < N_VCOLUMNS; c++) {
        char cell[96];
        vcell(cell, sizeof cell, r, sys, &vcolumns[c], n);
        fprintf(out, " %s |", cell);
      }
      fprintf(out, "\n");
    }
  }
  shapes_table(out, cfg, r);
  fprintf(out, "\n### gcweak's weak-value map against the other weak-value tables\n\n"
          "Every figure of the table above, at every N (lower wins).\n\n");
  for (size_t p = 0; p < N_VPEERS; p++) {
    int behind;
    char list[1024];
    int run = race(cfg, r, vpeers[p], &behind, list, sizeof list);
    if (run == 0)
      continue;
    fprintf(out, "- %s: ahead in %d of %d%s%s\n", report_label(vpeers[p]),
            run - behind, run, behind ? "; behind in " : "", list);
  }
}

/* ---------------------------------------------------------------- goals */

static const char *const dw_workloads[][2] = {
  { "insert", "ns_per_op" }, { "get_hit", "ns_per_op" }, { "get_miss", "ns_per_op" },
  { "has", "ns_per_op" }, { "delete", "ns_per_op" }, { "churn", "ns_per_op" },
  { "memory", "bytes_per_entry" }, { "gc_cost", "ns_per_entry" },
};

#define DW_LIMIT 1.3

void report_values_goal_rows(FILE *out, const bench_config *cfg, const bench_results *r)
{
  for (size_t p = 0; p < N_VPEERS; p++) {
    int behind;
    char list[600];
    int run = race(cfg, r, vpeers[p], &behind, list, sizeof list);
    if (run == 0) {
      fprintf(out, "| weak-value map ahead of the %s on every byte-string figure "
              "at every N | all | not measured | - |\n", report_label(vpeers[p]));
      continue;
    }
    fprintf(out, "| weak-value map ahead of the %s on every byte-string figure at "
            "every N | all | ahead in %d of %d%s%s | %s |\n", report_label(vpeers[p]),
            run - behind, run, behind ? "; behind in " : "", list,
            behind ? "**not met**" : "met");
  }
  /* Doubly-weak against ephemeron maps: the worst ratio over every map
   * figure at every N, and every figure above the limit. */
  double worst = 0;
  int run = 0, over = 0;
  char list[600] = "", where[64] = "";
  for (size_t w = 0; w < sizeof dw_workloads / sizeof *dw_workloads; w++) {
    for (int i = 0; i < cfg->n_sizes; i++) {
      size_t n = cfg->sizes[i];
      const bench_result *d = results_find(r, "gcweak-dw", dw_workloads[w][0], n,
                                           dw_workloads[w][1]);
      const bench_result *e = results_find(r, "gcweak", dw_workloads[w][0], n,
                                           dw_workloads[w][1]);
      if (d == NULL || e == NULL || e->median <= 0)
        continue;
      double ratio = d->median / e->median;
      run++;
      if (ratio > worst) {
        worst = ratio;
        snprintf(where, sizeof where, "%s at N=%zu", dw_workloads[w][0], n);
      }
      if (ratio > DW_LIMIT) {
        over++;
        if (strlen(list) + 60 < sizeof list)
          snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s at N=%zu "
                   "%.2fx", list[0] ? "; " : "", dw_workloads[w][0], n, ratio);
      }
    }
  }
  if (run == 0)
    fprintf(out, "| doubly-weak map against the ephemeron map, every map figure "
            "at every N | at most %gx | not measured | - |\n", DW_LIMIT);
  else
    fprintf(out, "| doubly-weak map against the ephemeron map, every map figure "
            "at every N | at most %gx | worst %.2fx (%s)%s%s | %s |\n", DW_LIMIT,
            worst, where, over ? "; over: " : "", list, over ? "**not met**" : "met");
}
