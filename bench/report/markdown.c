/* SPDX-License-Identifier: MIT */
/*
 * The human report, written for someone deciding whether to use gcweak:
 * one table per size (ns per operation, bytes and collection cost per entry,
 * reclaim, thread scaling; ratios to the strong table and, for gcweak, to
 * the link floor of the same run), gcweak's goals stated as what they
 * compare, the cost of a full collection, the first operation after a
 * collection, gcweak against the other weak tables (differences inside the
 * measurement noise counted as ties), and the notes (skipped peers,
 * versions, wrong answers).
 */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "systems/systems.h"

/* The share of dead entries' values that must be released for "released":
 * the test suite's tolerance for a conservative collector (at most 5% of
 * what should die may survive). */
#define RELEASED_PCT_OK 95.0

static const char *system_label(const char *name)
{
  const bench_system *sys = systems_find(name);
  return sys != NULL ? sys->label : name;
}

static bool is_gcweak(const char *system)
{
  return strncmp(system, "gcweak", 6) == 0;
}

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

static bool system_present(const bench_results *r, const char *name)
{
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->items[i].system, name) == 0)
      return true;
  return false;
}

static bool column_present(const bench_results *r, const column *col, size_t n)
{
  for (size_t s = 0; s < systems_count(); s++)
    if (results_find(r, systems_at(s)->name, col->workload, n, col->metric))
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
  const bench_result *floor = col->floor_ratio && is_gcweak(system)
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
    if (!system_present(r, systems_at(s)->name))
      continue;
    fprintf(out, "| %s |", system_label(systems_at(s)->name));
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

static void print_tables(FILE *out, const bench_config *cfg,
                         const bench_results *r)
{
  fprintf(out, "\n## Results\n\nMedians of %d repetitions, taken in %d round%s that "
          "each run every system in turn. insert ... churn: "
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

/* -------------------------------------------------------------- noise */

/* A difference inside the measurement noise: each median lies within the
 * other figure's spread (min..max of its repetitions), so the repetitions of
 * each reached the other's typical value; or a collection cost below zero
 * (the collection with the table ran faster than without it: the cost is
 * lost in the noise of timing a collection). */
static bool within_noise(const bench_result *a, const bench_result *b)
{
  if (strcmp(a->metric, "ns_per_entry") == 0 && (a->median < 0 || b->median < 0))
    return true;
  return a->median >= b->min && a->median <= b->max &&
         b->median >= a->min && b->median <= a->max;
}

/* -------------------------------------------------------------- goals */

enum goal_kind { GOAL_LIMIT, GOAL_RATIO, GOAL_PASS };

typedef struct goal {
  const char *statement;    /* what is compared, in plain words */
  enum goal_kind kind;
  const char *system;       /* the gcweak map measured */
  const char *workload, *metric;
  const char *base_system;  /* GOAL_RATIO: divided by this system's ... */
  const char *base_workload;/* ... figure of this workload (NULL: the same) */
  bool at_least;            /* the limit is a floor, not a ceiling */
  bool use_min;             /* judge the worst repetition (lowest) */
  double limit;
  const char *unit;
  double scale;             /* GOAL_LIMIT: the figure is divided by this */
} goal;

static const goal goals[] = {
  { "get of a present key, time against the strong table's", GOAL_RATIO,
    "gcweak", "get_hit", "ns_per_op", "strong", NULL, false, false, 1.2, "x", 1 },
  { "get of an absent key, time against the strong table's", GOAL_RATIO,
    "gcweak", "get_miss", "ns_per_op", "strong", NULL, false, false, 1.2, "x", 1 },
  { "has, time against the strong table's get of a present key", GOAL_RATIO,
    "gcweak", "has", "ns_per_op", "strong", "get_hit", false, false, 1.2, "x", 1 },
  { "insert, time against the strong table's", GOAL_RATIO,
    "gcweak", "insert", "ns_per_op", "strong", NULL, false, false, 2.5, "x", 1 },
  { "insert, time against the obvious weak table's", GOAL_RATIO,
    "gcweak", "insert", "ns_per_op", "naive", NULL, false, false, 1.0, "x", 1 },
  { "delete, time against the strong table's", GOAL_RATIO,
    "gcweak", "delete", "ns_per_op", "strong", NULL, false, false, 2.0, "x", 1 },
  { "visit-counter churn, time against the strong table's", GOAL_RATIO,
    "gcweak", "churn", "ns_per_op", "strong", NULL, false, false, 2.5, "x", 1 },
  { "heap bytes per live entry", GOAL_LIMIT,
    "gcweak", "memory", "bytes_per_entry", NULL, NULL, false, false, 72, " B", 1 },
  { "extra full-collection time per live entry, against the link floor's",
    GOAL_RATIO, "gcweak", "gc_cost", "ns_per_entry", "floor", NULL, false, false,
    1.25, "x", 1 },
  { "ephemeron tracing per live entry per collection (values reachable only "
    "through the map)", GOAL_PASS, "gcweak", "gc_cost", "ns_per_entry", NULL,
    NULL, false, false, 20, " ns", 1 },
  { "first get after a full collection, median", GOAL_LIMIT,
    "gcweak", "pause", "first_get_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "first has after a full collection, median", GOAL_LIMIT,
    "gcweak", "pause", "first_has_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "first set after a full collection, median", GOAL_LIMIT,
    "gcweak", "pause", "first_set_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "first delete after a full collection, median", GOAL_LIMIT,
    "gcweak", "pause", "first_delete_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first get", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_get_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first has", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_has_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first set", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_set_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first delete", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_delete_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "values of dead entries released within 5 full collections (worst "
    "repetition; the tests' 5% tolerance)", GOAL_LIMIT, "gcweak", "reclaim",
    "released_pct", NULL, NULL, true, true, RELEASED_PCT_OK, "%", 1 },
  { "get throughput with 2 threads against 1", GOAL_LIMIT,
    "gcweak", "threads", "scaling_t2", NULL, NULL, true, false, 1.7, "x", 1 },
};
#define N_GOALS (sizeof goals / sizeof *goals)

static size_t goal_size(const bench_config *cfg)
{
  for (int i = 0; i < cfg->n_sizes; i++)
    if (cfg->sizes[i] == 1000000)
      return 1000000;
  return cfg->sizes[cfg->n_sizes - 1];
}

/* The measured value of g at n (from the medians) and the same from the
 * best repetitions; false if not measured. */
static bool measure_goal(const goal *g, const bench_results *r, size_t n,
                         double *v, double *best, char *text, size_t cap)
{
  const bench_result *m = results_find(r, g->system, g->workload, n, g->metric);
  if (m == NULL)
    return false;
  if (g->kind == GOAL_RATIO) {
    const bench_result *b = results_find(r, g->base_system, g->base_workload
        ? g->base_workload : g->workload, n, g->metric);
    if (b == NULL || b->median <= 0)
      return false;
    *v = m->median / b->median;
    /* a base whose best repetition is not positive is noise itself */
    *best = b->min > 0 ? m->min / b->min : *v;
    snprintf(text, cap, "%.2fx (%.3g against %.3g)", *v, m->median, b->median);
    return true;
  }
  if (g->kind == GOAL_PASS) {
    const bench_result *w = results_find(r, "gcweak-wk", g->workload, n, g->metric);
    if (w == NULL)
      return false;
    *v = m->median - w->median;
    *best = m->min - w->min;
    snprintf(text, cap, "%.3g ns (%.3g ephemeron, %.3g weak-key)", *v,
             m->median, w->median);
    return true;
  }
  *v = (g->use_min ? m->min : m->median) / g->scale;
  *best = (g->at_least ? m->max : m->min) / g->scale;
  snprintf(text, cap, "%.4g%s", *v, g->unit);
  return true;
}

static void print_goals(FILE *out, const bench_config *cfg, const bench_results *r)
{
  size_t n = goal_size(cfg);
  fprintf(out, "\n## gcweak's goals at N = %zu%s\n\n"
          "Each line compares one gcweak figure with a limit, most of them "
          "relative to another system of the same run. \"within noise\": the "
          "medians and the best repetitions of the same figures fall on "
          "different sides of the limit, so this run cannot tell.\n\n"
          "| what is compared | goal | measured | verdict |\n|---|---:|---:|---|\n",
          n, n == 1000000 ? "" : " (N = 10^6 was not run: largest N used)");
  for (size_t i = 0; i < N_GOALS; i++) {
    const goal *g = &goals[i];
    char limit[32], measured[96];
    snprintf(limit, sizeof limit, "%s %g%s", g->at_least ? "at least" : "at most",
             g->limit, g->unit);
    double v, best;
    if (!measure_goal(g, r, n, &v, &best, measured, sizeof measured)) {
      fprintf(out, "| %s | %s | not measured | - |\n", g->statement, limit);
      continue;
    }
    bool met = g->at_least ? v >= g->limit : v <= g->limit;
    bool best_met = g->at_least ? best >= g->limit : best <= g->limit;
    /* A pause's spread is what it measures (median and worst), not noise. */
    bool noisy = !g->use_min && strncmp(g->metric, "first_", 6) != 0;
    bool noise = noisy && met != best_met;
    fprintf(out, "| %s | %s | %s | %s |\n", g->statement, limit, measured,
            noise ? "within noise" : met ? "met" : "**not met**");
  }
}

/* ------------------------------------------------------ collection cost */

static void print_collection_cost(FILE *out, const bench_config *cfg,
                                  const bench_results *r)
{
  bool header = false;
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    const bench_result *floor = results_find(r, "floor", "gc_cost", n, "ns_per_entry");
    for (size_t s = 0; s < systems_count(); s++) {
      const char *sys = systems_at(s)->name;
      const bench_result *with = results_find(r, sys, "gc_cost", n, "gc_ms_with_table");
      const bench_result *base = results_find(r, sys, "gc_cost", n, "gc_ms_baseline");
      const bench_result *per = results_find(r, sys, "gc_cost", n, "ns_per_entry");
      if (with == NULL || base == NULL || per == NULL)
        continue;
      if (!header) {
        fprintf(out, "\n## Collection cost\n\nOne full collection (GC_gcollect; "
                "for V8, gc()) with N live entries in the table, whose values "
                "are small objects reachable only through the table, against "
                "one with the same keys and as many values held in a plain "
                "array. Medians, ms; extra ns per live entry; for gcweak, the "
                "extra against the link floor's.\n\n"
                "| N | system | full collection with the table | without | "
                "extra ns per entry |\n|---:|---|---:|---:|---:|\n");
        header = true;
      }
      char extra[64];
      snprintf(extra, sizeof extra, "%.3g", per->median);
      if (is_gcweak(sys) && floor != NULL && floor->median > 0)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                 " (%.2fx floor)", per->median / floor->median);
      fprintf(out, "| %zu | %s | %.3g ms | %.3g ms | %s |\n", n, system_label(sys),
              with->median, base->median, extra);
    }
  }
}

/* What the ephemeron pass adds to a full collection, per entry: gcweak's
 * default maps against its weak-key mode, same run. */
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
              "collection, with values reachable only through the map.\n\n"
              "| N | ephemeron maps | weak-key mode | pass |\n"
              "|---:|---:|---:|---:|\n");
      header = true;
    }
    fprintf(out, "| %zu | %.3g ns | %.3g ns | %.3g ns%s |\n", n, e->median,
            w->median, e->median - w->median,
            within_noise(e, w) ? " (within noise)" : "");
  }
}

/* ------------------------------------------------------------ pauses */

static const struct { const char *metric, *title; } pause_ops[] = {
  { "first_get_ns", "get" }, { "first_has_ns", "has" },
  { "first_set_ns", "set (present key)" }, { "first_insert_ns", "set (new key)" },
  { "first_delete_ns", "delete" },
};
#define N_PAUSE_OPS (sizeof pause_ops / sizeof *pause_ops)

static void format_us(char *out, size_t cap, double ns)
{
  if (ns < 10000)
    snprintf(out, cap, "%.2g", ns / 1000);
  else
    snprintf(out, cap, "%.0f", ns / 1000);
}

static void print_pauses(FILE *out, const bench_config *cfg, const bench_results *r)
{
  bool header = false;
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    for (size_t s = 0; s < systems_count(); s++) {
      const char *sys = systems_at(s)->name;
      if (results_find(r, sys, "pause", n, pause_ops[0].metric) == NULL)
        continue;
      if (!header) {
        fprintf(out, "\n## First operation after a collection\n\nWith N "
                "entries in the table, a full collection, then one operation "
                "timed on its own (a table that leaves clean-up work to its "
                "next caller shows it here). Each operation had a collection "
                "of its own; median / worst over every collection, in "
                "microseconds.\n\n| N | system |");
        for (size_t k = 0; k < N_PAUSE_OPS; k++)
          fprintf(out, " %s |", pause_ops[k].title);
        fprintf(out, "\n|---:|---|");
        for (size_t k = 0; k < N_PAUSE_OPS; k++)
          fprintf(out, "---:|");
        fprintf(out, "\n");
        header = true;
      }
      fprintf(out, "| %zu | %s |", n, system_label(sys));
      for (size_t k = 0; k < N_PAUSE_OPS; k++) {
        const bench_result *it = results_find(r, sys, "pause", n, pause_ops[k].metric);
        char med[32], worst[32];
        if (it == NULL) {
          fprintf(out, " - |");
          continue;
        }
        format_us(med, sizeof med, it->median);
        format_us(worst, sizeof worst, it->max);
        fprintf(out, " %s / %s |", med, worst);
      }
      fprintf(out, "\n");
    }
  }
}

/* --------------------------------------------------------- ahead of peers */

typedef struct race {
  const char *workload;
  const char *metric;
  const char *what;      /* in the report */
  const char *unit;
  bool higher_wins;
} race;

static const race races[] = {
  { "insert", "ns_per_op", "insert", "ns", false },
  { "get_hit", "ns_per_op", "get of a present key", "ns", false },
  { "get_miss", "ns_per_op", "get of an absent key", "ns", false },
  { "has", "ns_per_op", "has", "ns", false },
  { "delete", "ns_per_op", "delete", "ns", false },
  { "churn", "ns_per_op", "visit-counter churn", "ns", false },
  { "gc_cost", "ns_per_entry", "extra collection time per entry", "ns", false },
  { "memory", "bytes_per_entry", "bytes per entry", "B", false },
  { "reclaim", "release_ms", "time to release dead entries' values", "ms", false },
  { "threads", "mops_t1", "gets per second, 1 thread", "M/s", true },
  { "threads", "mops_t2", "gets per second, 2 threads", "M/s", true },
};

static void print_peer_races(FILE *out, const bench_config *cfg,
                             const bench_results *r)
{
  static const char *const peers[] = { "naive", "guile", "v8" };
  int lost = 0, tied = 0, run = 0;
  fprintf(out, "\n## gcweak against the other weak tables\n\n"
          "Every figure of gcweak (default maps) against the same figure of "
          "each other weak table, at every N. A difference is inside the "
          "measurement noise, and counted as a tie, when each median lies "
          "within the other figure's spread (min..max of its repetitions), or "
          "when a collection cost is negative (the collection ran faster "
          "with the table than without it).\n\n");
  for (int pass = 0; pass < 2; pass++) {
    bool listed = false;
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
          bool tie = within_noise(g, o);
          bool ahead = !tie && (races[w].higher_wins ? g->median > o->median
                                                     : g->median < o->median);
          if (pass == 0) {
            run++;
            tied += tie;
            lost += !tie && !ahead;
          }
          if ((pass == 0 && !tie && !ahead) || (pass == 1 && tie)) {
            if (!listed)
              fputs(pass == 0 ? "Behind in:\n\n"
                    : lost ? "\nTies (inside the noise):\n\n"
                    : "Ties (inside the noise):\n\n", out);
            listed = true;
            fprintf(out, "- %s at N=%zu: gcweak %.3g %s, %s %.3g %s\n",
                    races[w].what, n, g->median, races[w].unit,
                    system_label(peers[p]), o->median, races[w].unit);
          }
        }
      }
    }
  }
  if (run == 0)
    fprintf(out, "No peer was measured.\n");
  else
    fprintf(out, "%sgcweak ahead in %d of %d comparisons, behind in %d, "
            "tied in %d.\n", lost || tied ? "\n" : "", run - lost - tied, run,
            lost, tied);
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
  print_goals(out, cfg, r);
  print_tables(out, cfg, r);
  print_collection_cost(out, cfg, r);
  print_ephemeron_cost(out, cfg, r);
  print_pauses(out, cfg, r);
  print_peer_races(out, cfg, r);
  fprintf(out, "\n## Chart\n\n![ns per operation against N](chart.svg)\n");
  print_notes(out, r, true);
  return fclose(out) == 0 ? 0 : 1;
}

void report_print_summary(const bench_config *cfg, const bench_results *r)
{
  print_tables(stdout, cfg, r);
  print_goals(stdout, cfg, r);
  print_collection_cost(stdout, cfg, r);
  print_ephemeron_cost(stdout, cfg, r);
  print_pauses(stdout, cfg, r);
  print_peer_races(stdout, cfg, r);
  print_notes(stdout, r, false);
  fflush(stdout);
}
