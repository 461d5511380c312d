/* SPDX-License-Identifier: MIT */
/*
 * gcweak's goals, each stated as what it compares, with its limit, the
 * figure measured and a verdict ("within noise" when the medians and the
 * best repetitions fall on different sides of the limit).
 */
#include "sections.h"

#include <stdio.h>
#include <string.h>

/* GOAL_RATIO_EVERY_N: a GOAL_RATIO judged at every N of the run, not at
 * one. GOAL_RACE: ahead of every peer in every comparison of races.c. */
enum goal_kind { GOAL_LIMIT, GOAL_RATIO, GOAL_RATIO_EVERY_N, GOAL_PASS, GOAL_RACE };

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
  { "insert, time against the obvious weak table's, at every N",
    GOAL_RATIO_EVERY_N, "gcweak", "insert", "ns_per_op", "naive", NULL, false,
    false, 1.0, "x", 1 },
  { "insert, time against the card's table's, at every N", GOAL_RATIO_EVERY_N,
    "gcweak", "insert", "ns_per_op", "card", NULL, false, false, 1.0, "x", 1 },
  { "delete, time against the strong table's", GOAL_RATIO,
    "gcweak", "delete", "ns_per_op", "strong", NULL, false, false, 4.0, "x", 1 },
  { "visit-counter churn, time against the strong table's", GOAL_RATIO,
    "gcweak", "churn", "ns_per_op", "strong", NULL, false, false, 2.5, "x", 1 },
  { "visit-counter churn, time against the obvious weak table's, at every N",
    GOAL_RATIO_EVERY_N, "gcweak", "churn", "ns_per_op", "naive", NULL, false,
    false, 1.0, "x", 1 },
  { "visit-counter churn, time against the card's table's, at every N",
    GOAL_RATIO_EVERY_N, "gcweak", "churn", "ns_per_op", "card", NULL, false,
    false, 1.0, "x", 1 },
  { "heap bytes per live entry", GOAL_LIMIT,
    "gcweak", "memory", "bytes_per_entry", NULL, NULL, false, false, 88, " B", 1 },
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
  { "first insert of a new key after a full collection, median", GOAL_LIMIT,
    "gcweak", "pause", "first_insert_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "first delete after a full collection, median", GOAL_LIMIT,
    "gcweak", "pause", "first_delete_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first get", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_get_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first has", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_has_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first set", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_set_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first insert of a new key", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_insert_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "the same, weak-key mode: first delete", GOAL_LIMIT,
    "gcweak-wk", "pause", "first_delete_ns", NULL, NULL, false, false, 50, " us", 1000 },
  { "values of dead entries released within 5 full collections (worst "
    "repetition; the tests' 5% tolerance)", GOAL_LIMIT, "gcweak", "reclaim",
    "released_pct", NULL, NULL, true, true, RELEASED_PCT_OK, "%", 1 },
  { "get throughput with 2 threads against 1", GOAL_LIMIT,
    "gcweak", "threads", "scaling_t2", NULL, NULL, true, false, 1.7, "x", 1 },
  /* weak-value maps, against the strong byte-string table */
  { "weak-value map: get of a present key, time against the strong "
    "byte-string table's", GOAL_RATIO, "valmap", "get_hit", "ns_per_op",
    "strong-bytes", NULL, false, false, 1.5, "x", 1 },
  { "weak-value map: get of an absent key, time against the strong "
    "byte-string table's", GOAL_RATIO, "valmap", "get_miss", "ns_per_op",
    "strong-bytes", NULL, false, false, 1.5, "x", 1 },
  { "weak-value map: intern of a present key, time against the strong "
    "byte-string table's", GOAL_RATIO, "valmap", "intern_hit", "ns_per_op",
    "strong-bytes", NULL, false, false, 1.5, "x", 1 },
  { "weak-value map: set of a new key, time against the strong byte-string "
    "table's", GOAL_RATIO, "valmap", "insert", "ns_per_op", "strong-bytes", NULL,
    false, false, 2.5, "x", 1 },
  { "weak-value map: intern of a new key, time against the strong byte-string "
    "table's", GOAL_RATIO, "valmap", "intern_miss", "ns_per_op", "strong-bytes",
    NULL, false, false, 2.5, "x", 1 },
  { "weak-value map: set of a new key, time against the obvious weak-value "
    "table's", GOAL_RATIO, "valmap", "insert", "ns_per_op", "naive-val", NULL,
    false, false, 1.0, "x", 1 },
  { "weak-value map: intern of a new key, time against the obvious weak-value "
    "table's", GOAL_RATIO, "valmap", "intern_miss", "ns_per_op", "naive-val", NULL,
    false, false, 1.0, "x", 1 },
  { "weak-value map: heap bytes per live entry, 16-byte keys", GOAL_LIMIT,
    "valmap", "memory", "bytes_per_entry", NULL, NULL, false, false, 80, " B", 1 },
  { "weak-value map: extra full-collection time per live entry (values live), "
    "against the link floor's", GOAL_RATIO, "valmap", "gc_cost", "ns_per_entry",
    "floor", NULL, false, false, 1.25, "x", 1 },
  { "weak ref: get of a live target, time against a plain pointer load",
    GOAL_RATIO, "gcweak-ref", "ref_get", "ns_per_op", "plain", NULL, false, false,
    2.0, "x", 1 },
  { "weak ref: get throughput with 2 threads against 1", GOAL_LIMIT,
    "gcweak-ref", "ref_threads", "scaling_t2", NULL, NULL, true, false, 1.7, "x", 1 },
  { "weak ref: gcweak_ref_new, time against the link floor's per key",
    GOAL_RATIO, "gcweak-ref", "ref_new", "ns_per_op", "floor", NULL, false, false,
    1.5, "x", 1 },
  { "weak ref: extra full-collection time per live reference, against the "
    "link floor's", GOAL_RATIO, "gcweak-ref", "ref_gc_cost", "ns_per_entry",
    "floor", NULL, false, false, 1.25, "x", 1 },
  { "weak ref: ahead of the obvious weak reference, V8 and Python in every "
    "comparison, at every N", GOAL_RACE, "gcweak-ref", "ref_get", NULL, NULL,
    NULL, false, false, 0, "", 1 },
  { "registry: register, time against the link floor's per key", GOAL_RATIO,
    "gcweak-reg", "reg_register", "ns_per_op", "floor", NULL, false, false, 1.5,
    "x", 1 },
  { "registry: register, time against GC_register_finalizer's", GOAL_RATIO,
    "gcweak-reg", "reg_register", "ns_per_op", "finalizer", NULL, false, false,
    1.0, "x", 1 },
  { "registry: delivery per callback, from the collection through the last "
    "callback", GOAL_LIMIT, "gcweak-reg", "reg_delivery", "ns_per_callback",
    NULL, NULL, false, false, 200, " ns", 1 },
  { "registry: delivery per callback, against GC_register_finalizer's",
    GOAL_RATIO, "gcweak-reg", "reg_delivery", "ns_per_callback", "finalizer",
    NULL, false, false, 1.0, "x", 1 },
  { "registry: extra full-collection time per live registration, against the "
    "link floor's", GOAL_RATIO, "gcweak-reg", "reg_gc_cost", "ns_per_entry",
    "floor", NULL, false, false, 1.25, "x", 1 },
  { "registry: ahead of V8 and Python in every comparison, at every N",
    GOAL_RACE, "gcweak-reg", "reg_register", NULL, NULL, NULL, false, false, 0,
    "", 1 },
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
                         double *v, double *best, int *side, char *text, size_t cap)
{
  const bench_result *m = results_find(r, g->system, g->workload, n, g->metric);
  *side = 2;
  if (m == NULL)
    return false;
  if (g->kind == GOAL_RATIO || g->kind == GOAL_RATIO_EVERY_N) {
    const bench_result *b = results_find(r, g->base_system, g->base_workload
        ? g->base_workload : g->workload, n, g->metric);
    if (b == NULL || b->median <= 0)
      return false;
    *side = report_rounds_side(m, b, g->limit);
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
  /* A pause's spread is what it measures, not noise (report_goals). */
  if (!g->use_min && strncmp(g->metric, "first_", 6) != 0)
    *side = report_rounds_side(m, NULL, g->limit * g->scale);
  *v = (g->use_min ? m->min : m->median) / g->scale;
  *best = (g->at_least ? m->max : m->min) / g->scale;
  snprintf(text, cap, "%.4g%s", *v, g->unit);
  return true;
}

/* Whether v meets g's limit. */
static bool goal_met(const goal *g, double v)
{
  return g->at_least ? v >= g->limit : v <= g->limit;
}

/* The verdict of the medians (met) and of the best repetitions (best_met),
 * overruled, where the run kept its rounds apart, by the rounds: met or
 * not in every round, or else within noise (report_rounds_side). */
static void judge(const goal *g, int side, bool *met, bool *best_met)
{
  if (side == 2)
    return;
  if (side == 0) {
    *met = true;
    *best_met = false;
    return;
  }
  *met = *best_met = g->at_least ? side > 0 : side < 0;
}

/* GOAL_RATIO_EVERY_N: not met when the medians and the best repetitions
 * agree that some N misses the limit, within noise when they disagree at
 * some N and agree that none misses it; the worst N is shown. */
static void report_every_n_goal(FILE *out, const bench_config *cfg,
                                const bench_results *r, const goal *g,
                                const char *limit)
{
  int sizes = 0, missed = 0, noisy = 0;
  double worst = 0;
  size_t worst_n = 0;
  char worst_text[96] = "";
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    double v, best;
    int side;
    char text[96];
    if (!measure_goal(g, r, n, &v, &best, &side, text, sizeof text))
      continue;
    bool met = goal_met(g, v), best_met = goal_met(g, best);
    judge(g, side, &met, &best_met);
    missed += !met && !best_met;
    noisy += met != best_met;
    if (sizes++ == 0 || (g->at_least ? v < worst : v > worst)) {
      worst = v;
      worst_n = n;
      snprintf(worst_text, sizeof worst_text, "%s", text);
    }
  }
  if (sizes == 0) {
    fprintf(out, "| %s | %s | not measured | - |\n", g->statement, limit);
    return;
  }
  fprintf(out, "| %s | %s | worst at N=%zu: %s; met at %d of %d N | %s |\n",
          g->statement, limit, worst_n, worst_text,
          sizes - missed - noisy, sizes,
          missed != 0 ? "**not met**" : noisy != 0 ? "within noise" : "met");
}

/* Ahead in every comparison: met; behind in none but tied in some: within
 * noise. */
static void report_race_goal(FILE *out, const bench_config *cfg,
                             const bench_results *r, const goal *g)
{
  int run, lost, tied;
  if (!report_race_tally(cfg, r, g->system, &run, &lost, &tied)) {
    fprintf(out, "| %s | ahead in all | not measured | - |\n", g->statement);
    return;
  }
  fprintf(out, "| %s | ahead in all | ahead in %d of %d, behind in %d, tied in %d "
          "| %s |\n", g->statement, run - lost - tied, run, lost, tied,
          lost != 0 ? "**not met**" : tied != 0 ? "within noise" : "met");
}

void report_goals(FILE *out, const bench_config *cfg, const bench_results *r)
{
  size_t n = goal_size(cfg);
  fprintf(out, "\n## gcweak's goals at N = %zu%s\n\n"
          "Each line compares one gcweak figure with a limit, most of them "
          "relative to another system of the same run. \"within noise\": the "
          "medians and the best repetitions of the same figures fall on "
          "different sides of the limit, or, in a run of several rounds, the "
          "rounds do (each measures both figures seconds apart; a round "
          "within 10%% of the limit decides nothing), so this run cannot tell. "
          "A line "
          "\"at every N\" is judged at each N of the run, its worst N "
          "shown.\n\n"
          "| what is compared | goal | measured | verdict |\n|---|---:|---:|---|\n",
          n, n == 1000000 ? "" : " (N = 10^6 was not run: largest N used)");
  for (size_t i = 0; i < N_GOALS; i++) {
    const goal *g = &goals[i];
    /* A goal of a kind of workload this run did not select is left out. */
    if (!bench_config_wants_family(cfg, bench_workload_family(
            bench_workload_from_name(g->workload))))
      continue;
    if (g->kind == GOAL_RACE) {
      report_race_goal(out, cfg, r, g);
      continue;
    }
    char limit[32], measured[96];
    snprintf(limit, sizeof limit, "%s %g%s", g->at_least ? "at least" : "at most",
             g->limit, g->unit);
    if (g->kind == GOAL_RATIO_EVERY_N) {
      report_every_n_goal(out, cfg, r, g, limit);
      continue;
    }
    double v, best;
    int side;
    if (!measure_goal(g, r, n, &v, &best, &side, measured, sizeof measured)) {
      fprintf(out, "| %s | %s | not measured | - |\n", g->statement, limit);
      continue;
    }
    bool met = goal_met(g, v), best_met = goal_met(g, best);
    judge(g, side, &met, &best_met);
    /* A pause's spread is what it measures (median and worst), not noise. */
    bool noisy = !g->use_min && strncmp(g->metric, "first_", 6) != 0;
    bool noise = noisy && met != best_met;
    fprintf(out, "| %s | %s | %s | %s |\n", g->statement, limit, measured,
            noise ? "within noise" : met ? "met" : "**not met**");
  }
  /* the byte-string and doubly-weak rows are the tables' goals too */
  if (bench_config_wants_family(cfg, BENCH_FAMILY_MAP))
    report_values_goal_rows(out, cfg, r);
}
