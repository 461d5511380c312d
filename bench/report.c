/*
 * The human report: one table per size (ns per operation, bytes and GC cost
 * per entry, reclaim, thread scaling; ratios to the strong table of the same
 * run), the issue-3 targets checked at N = 10^6, where gcweak is not ahead of
 * a peer, and the notes (skipped peers, versions, wrong answers).
 */
#include "bench.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* Report order; systems without results are left out. */
static const char *const system_order[] = { "strong", "gcweak", "gcweak-wk",
                                            "naive", "guile", "v8" };
#define N_ORDER (sizeof system_order / sizeof *system_order)

static const char *system_label(const char *name)
{
  if (strcmp(name, "v8") == 0)
    return "V8 WeakMap (node)";
  const bench_system *sys = bench_system_find(name);
  if (sys != NULL)
    return sys->label;
  return strcmp(name, "guile") == 0 ? "Guile 3.0 weak-key table" : name;
}

typedef struct column {
  const char *title;
  const char *workload;
  const char *metric;
  bool ratio;        /* show the ratio to the strong table */
} column;

static const column columns[] = {
  { "insert", "insert", "ns_per_op", true },
  { "get hit", "get_hit", "ns_per_op", true },
  { "get miss", "get_miss", "ns_per_op", true },
  { "has", "has", "ns_per_op", true },
  { "delete", "delete", "ns_per_op", true },
  { "churn", "churn", "ns_per_op", true },
  { "bytes/entry", "memory", "bytes_per_entry", false },
  { "GC ns/entry", "gc_cost", "ns_per_entry", false },
  { "released", "reclaim", "released_pct", false },
  { "GCs to release", "reclaim", "collections", false },
  { "2-thread scaling", "threads", "scaling_t2", false },
};
#define N_COLUMNS (sizeof columns / sizeof *columns)

static bool system_present(const bench_results *r, const char *name)
{
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->items[i].system, name) == 0)
      return true;
  return false;
}

static bool column_present(const bench_results *r, const column *col, size_t n)
{
  for (size_t s = 0; s < N_ORDER; s++)
    if (results_find(r, system_order[s], col->workload, n, col->metric))
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
  if (base != NULL && base->median > 0)
    snprintf(out + strlen(out), cap - strlen(out), " (%.2fx)",
             it->median / base->median);
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
  for (size_t s = 0; s < N_ORDER; s++) {
    if (!system_present(r, system_order[s]))
      continue;
    fprintf(out, "| %s |", system_label(system_order[s]));
    for (size_t c = 0; c < N_COLUMNS; c++) {
      if (!column_present(r, &columns[c], n))
        continue;
      char cell[64];
      format_cell(cell, sizeof cell, r, system_order[s], &columns[c], n);
      fprintf(out, " %s |", cell);
    }
    fprintf(out, "\n");
  }
}

static void print_tables(FILE *out, const bench_config *cfg,
                         const bench_results *r)
{
  fprintf(out, "\n## Results\n\nMedians of %d repetitions, taken in %d round%s that "
          "each run every system in turn. insert ... churn: "
          "ns per operation, with the ratio to the strong table of the same run "
          "in parentheses. bytes/entry: reachable heap bytes per live entry, "
          "collector link records included. GC ns/entry: extra time of one full "
          "collection per live entry. released: share of dead entries' values "
          "finalized (worst repetition), and the full collections it took. "
          "2-thread scaling: get throughput with 2 threads over 1.\n", cfg->reps,
          cfg->rounds, cfg->rounds == 1 ? "" : "s");
  for (int i = 0; i < cfg->n_sizes; i++)
    print_size_table(out, r, cfg->sizes[i]);
}

/* ------------------------------------------------------------------ targets */

typedef struct target {
  const char *what;
  const char *workload;
  const char *metric;
  bool vs_strong;    /* limit applies to the ratio to the strong table */
  bool at_least;     /* limit is a floor, not a ceiling */
  bool use_min;      /* judge the worst repetition */
  double limit;
} target;

static const target targets[] = {
  { "get hit", "get_hit", "ns_per_op", true, false, false, 1.2 },
  { "get miss", "get_miss", "ns_per_op", true, false, false, 1.2 },
  { "has", "has", "ns_per_op", true, false, false, 1.2 },
  { "insert", "insert", "ns_per_op", true, false, false, 2.5 },
  { "delete", "delete", "ns_per_op", true, false, false, 3.0 },
  { "bytes per live entry", "memory", "bytes_per_entry", false, false, false, 64 },
  { "extra GC ns per live entry", "gc_cost", "ns_per_entry", false, false, false, 30 },
  { "values of dead entries released (%)", "reclaim", "released_pct", false, true, true, 100 },
  { "2-thread get scaling", "threads", "scaling_t2", false, true, false, 1.7 },
};
#define N_TARGETS (sizeof targets / sizeof *targets)

static size_t target_size(const bench_config *cfg)
{
  for (int i = 0; i < cfg->n_sizes; i++)
    if (cfg->sizes[i] == 1000000)
      return 1000000;
  return cfg->sizes[cfg->n_sizes - 1];
}

static void print_targets(FILE *out, const bench_config *cfg,
                          const bench_results *r)
{
  size_t n = target_size(cfg);
  fprintf(out, "\n## Issue-3 targets for gcweak at N = %zu%s\n\n"
          "| target | limit | measured | verdict |\n|---|---:|---:|---|\n", n,
          n == 1000000 ? "" : " (N = 10^6 was not run: largest N used)");
  for (size_t i = 0; i < N_TARGETS; i++) {
    const target *t = &targets[i];
    const bench_result *g = results_find(r, "gcweak", t->workload, n, t->metric);
    const bench_result *s = t->vs_strong
        ? results_find(r, "strong", t->workload, n, t->metric) : NULL;
    char limit[32], measured[64];
    snprintf(limit, sizeof limit, "%s %g%s", t->at_least ? ">=" : "<=",
             t->limit, t->vs_strong ? "x strong" : "");
    if (g == NULL || (t->vs_strong && (s == NULL || s->median <= 0))) {
      fprintf(out, "| %s | %s | not measured | - |\n", t->what, limit);
      continue;
    }
    double v = t->use_min ? (t->at_least ? g->min : g->max) : g->median;
    if (t->vs_strong) {
      v /= s->median;
      snprintf(measured, sizeof measured, "%.2fx (%.3g vs %.3g ns)", v,
               g->median, s->median);
    } else {
      snprintf(measured, sizeof measured, "%.4g", v);
    }
    bool met = t->at_least ? v >= t->limit : v <= t->limit;
    fprintf(out, "| %s | %s | %s | %s |\n", t->what, limit, measured,
            met ? "met" : "**missed**");
  }
}

/* ------------------------------------------------------ ephemeron pass */

/* Issue 4: what the ephemeron pass adds to a full collection, per entry:
 * gcweak's default maps against its weak-key mode, same run. */
static void print_ephemeron_cost(FILE *out, const bench_config *cfg,
                                 const bench_results *r)
{
  bool header = false;
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    const bench_result *e = results_find(r, "gcweak", "gc_cost", n, "ns_per_entry");
    const bench_result *w = results_find(r, "gcweak-wk", "gc_cost", n, "ns_per_entry");
    if (e == NULL || w == NULL)
      continue;
    if (!header) {
      fprintf(out, "\n## Ephemeron pass cost\n\nExtra full-collection time per "
              "live entry of gcweak's default (ephemeron) maps, of its weak-key "
              "mode, and the difference: the pass's cost per entry per "
              "collection.\n\n| N | ephemeron maps | weak-key mode | pass |\n"
              "|---:|---:|---:|---:|\n");
      header = true;
    }
    fprintf(out, "| %zu | %.3g ns | %.3g ns | %.3g ns |\n", n, e->median,
            w->median, e->median - w->median);
  }
}

/* --------------------------------------------------------- ahead of peers */

typedef struct race {
  const char *workload;
  const char *metric;
  bool higher_wins;
} race;

static const race races[] = {
  { "insert", "ns_per_op", false },  { "get_hit", "ns_per_op", false },
  { "get_miss", "ns_per_op", false }, { "has", "ns_per_op", false },
  { "delete", "ns_per_op", false },  { "churn", "ns_per_op", false },
  { "gc_cost", "ns_per_entry", false }, { "memory", "bytes_per_entry", false },
  { "reclaim", "release_ms", false }, { "threads", "mops_t1", true },
  { "threads", "mops_t2", true },
};

static void print_peer_races(FILE *out, const bench_config *cfg,
                             const bench_results *r)
{
  static const char *const peers[] = { "naive", "guile", "v8" };
  int lost = 0, run = 0;
  fprintf(out, "\n## gcweak against the other weak tables\n\n");
  for (size_t p = 0; p < sizeof peers / sizeof *peers; p++) {
    for (size_t w = 0; w < sizeof races / sizeof *races; w++) {
      for (int i = 0; i < cfg->n_sizes; i++) {
        size_t n = cfg->sizes[i];
        const bench_result *g = results_find(r, "gcweak", races[w].workload, n,
                                             races[w].metric);
        const bench_result *o = results_find(r, peers[p], races[w].workload, n,
                                             races[w].metric);
        if (g == NULL || o == NULL)
          continue;
        run++;
        bool ahead = races[w].higher_wins ? g->median > o->median
                                          : g->median < o->median;
        if (!ahead) {
          if (lost++ == 0)
            fprintf(out, "Not ahead in:\n\n");
          fprintf(out, "- %s %s at N=%zu: gcweak %.3g, %s %.3g\n",
                  races[w].workload, races[w].metric, n, g->median,
                  system_label(peers[p]), o->median);
        }
      }
    }
  }
  if (run == 0)
    fprintf(out, "No peer was measured.\n");
  else if (lost == 0)
    fprintf(out, "gcweak is ahead in all %d comparisons (every workload, every "
            "N, every peer measured).\n", run);
  else
    fprintf(out, "\n%d of %d comparisons not won.\n", lost, run);
}

static void print_notes(FILE *out, const bench_results *r, bool all)
{
  bool header = false;
  for (size_t i = 0; i < r->n_notes; i++) {
    const char *note = r->notes[i];
    bool important = strncmp(note, "info", 4) != 0;
    if (!all && !important)
      continue;
    if (!header) {
      fprintf(out, "\n## Notes\n\n");
      header = true;
    }
    char kind[8], system[24];
    int used = 0;
    if (sscanf(note, "%7s %23s %n", kind, system, &used) >= 2)
      fprintf(out, "- %s: %s: %s\n", kind, system, note + used);
  }
}

static void print_header(FILE *out, const bench_config *cfg)
{
  struct utsname u;
  char cpu[256] = "unknown";
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f != NULL) {
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
      if (strncmp(line, "model name", 10) == 0) {
        const char *colon = strchr(line, ':');
        snprintf(cpu, sizeof cpu, "%.200s", colon ? colon + 2 : line);
        cpu[strcspn(cpu, "\n")] = '\0';
        break;
      }
    }
    fclose(f);
  }
  time_t now = time(NULL);
  char date[64];
  strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
  fprintf(out, "# gcweak-bench report\n\n");
  if (uname(&u) == 0)
    fprintf(out, "- machine: %s %s %s, %ld cores, %s\n", u.sysname, u.release,
            u.machine, sysconf(_SC_NPROCESSORS_ONLN), cpu);
  fprintf(out, "- date: %s\n- sizes:", date);
  for (int i = 0; i < cfg->n_sizes; i++)
    fprintf(out, " %zu", cfg->sizes[i]);
  fprintf(out, "; repetitions: %d in %d round%s; at least %zu operations timed per "
          "repetition%s\n", cfg->reps, cfg->rounds, cfg->rounds == 1 ? "" : "s", cfg->min_ops,
          cfg->quick ? "; **quick smoke run: figures are not meaningful**" : "");
#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif
#ifdef BENCH_LIB_ASSERTS
  const char *asserts = "on (figures are slower than a user's build)";
#else
  const char *asserts = "off";
#endif
  fprintf(out, "- build: CMake build type %s, gcweak internal assertions %s\n",
          BENCH_BUILD_TYPE[0] ? BENCH_BUILD_TYPE : "(none)", asserts);
  fprintf(out, "- each system ran in a process of its own, on the same keys "
          "(16-byte collector objects) and the same allocator (bdwgc); V8 "
          "allocates its own keys with `{}`\n");
}

int report_write_markdown(const bench_config *cfg, const bench_results *r,
                          const char *path)
{
  FILE *out = fopen(path, "w");
  if (out == NULL) {
    perror(path);
    return 1;
  }
  print_header(out, cfg);
  print_targets(out, cfg, r);
  print_tables(out, cfg, r);
  print_ephemeron_cost(out, cfg, r);
  print_peer_races(out, cfg, r);
  fprintf(out, "\n## Chart\n\n![ns per operation against N](chart.svg)\n");
  print_notes(out, r, true);
  return fclose(out) == 0 ? 0 : 1;
}

void report_print_summary(const bench_config *cfg, const bench_results *r)
{
  print_tables(stdout, cfg, r);
  print_targets(stdout, cfg, r);
  print_ephemeron_cost(stdout, cfg, r);
  print_peer_races(stdout, cfg, r);
  print_notes(stdout, r, false);
  fflush(stdout);
}
