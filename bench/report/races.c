/* SPDX-License-Identifier: MIT */
/*
 * gcweak against the other weak tables, and its weak references and
 * registries against the other ones: every figure at every size, a
 * difference inside the measurement noise counted as a tie (common.c).
 */
#include "sections.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct race {
  const char *workload;
  const char *metric;
  const char *what;      /* in the report */
  const char *unit;
  bool higher_wins;
} race;

static const race map_races[] = {
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

static const race ref_races[] = {
  { "ref_new", "ns_per_op", "making a reference", "ns", false },
  { "ref_get", "ns_per_op", "get of a live target", "ns", false },
  { "ref_get_dead", "ns_per_op", "get after the target died", "ns", false },
  { "ref_gc_cost", "ns_per_entry", "extra collection time per reference", "ns", false },
  { "ref_threads", "mops_t1", "gets per second, 1 thread", "M/s", true },
  { "ref_threads", "mops_t2", "gets per second, 2 threads", "M/s", true },
};

static const race registry_races[] = {
  { "reg_register", "ns_per_op", "register", "ns", false },
  { "reg_unregister", "ns_per_op", "unregister", "ns", false },
  { "reg_delivery", "ns_per_callback", "delivery per callback", "ns", false },
  { "reg_gc_cost", "ns_per_entry", "extra collection time per registration", "ns", false },
};

static const char *const map_peers[] = { "naive", "card", "guile", "v8" };
static const char *const ref_peers[] = { "box", "v8-ref", "python-ref" };
static const char *const registry_peers[] = { "v8-reg", "python-reg" };

#define COUNT(a) (sizeof (a) / sizeof *(a))

typedef struct race_group {
  const char *gcweak;      /* the gcweak system racing */
  const char *const *peers;
  size_t n_peers;
  const race *races;
  size_t n_races;
  const char *title;       /* the section's heading */
  const char *whose;       /* "each other weak table": what it is against */
  const char *held;        /* what a collection cost is of: "table" */
} race_group;

static const race_group groups[] = {
  { "gcweak", map_peers, COUNT(map_peers), map_races, COUNT(map_races),
    "gcweak against the other weak tables",
    "Every figure of gcweak (default maps) against the same figure of each "
    "other weak table", "table" },
  { "gcweak-ref", ref_peers, COUNT(ref_peers), ref_races, COUNT(ref_races),
    "gcweak_ref against the other weak references",
    "Every figure of gcweak_ref against the same figure of the obvious weak "
    "reference, V8's WeakRef and Python's weakref.ref", "references" },
  { "gcweak-reg", registry_peers, COUNT(registry_peers), registry_races,
    COUNT(registry_races), "gcweak_registry against the other registries",
    "Every figure of gcweak_registry against the same figure of V8's "
    "FinalizationRegistry and Python's weakref.finalize", "registrations" },
};

/* One comparison in a list: both medians with their spreads (min..max of
 * the repetitions), and, in a run of several rounds, the ratio in each. */
static void print_race_line(FILE *out, const race *rc, size_t n, const char *gcweak,
                            const bench_result *mine, const char *peer,
                            const bench_result *o)
{
  fprintf(out, "- %s at N=%zu: %s %.3g %s (%.3g-%.3g), %s %.3g %s (%.3g-%.3g)", rc->what, n,
          report_label(gcweak), mine->median, rc->unit, mine->min, mine->max,
          report_label(peer), o->median, rc->unit, o->min, o->max);
  if (mine->n_rounds >= 2 && mine->n_rounds == o->n_rounds) {
    fputs("; by round:", out);
    for (int k = 0; k < mine->n_rounds; k++)
      if (!isnan(mine->round_median[k]) && !isnan(o->round_median[k]) &&
          o->round_median[k] > 0)
        fprintf(out, " %.2fx", mine->round_median[k] / o->round_median[k]);
  }
  fputc('\n', out);
}

/* Counts the comparisons of g; with out, lists those behind (pass 0) or
 * tied (pass 1). */
static void run_group(FILE *out, int pass, const race_group *g, const bench_config *cfg,
                      const bench_results *r, int *run, int *lost, int *tied)
{
  bool listed = false;
  for (size_t p = 0; p < g->n_peers; p++) {
    for (size_t w = 0; w < g->n_races; w++) {
      const race *rc = &g->races[w];
      for (int i = 0; i < cfg->n_sizes; i++) {
        size_t n = cfg->sizes[i];
        const bench_result *mine = results_find(r, g->gcweak, rc->workload, n, rc->metric);
        const bench_result *o = results_find(r, g->peers[p], rc->workload, n, rc->metric);
        if (mine == NULL || o == NULL)
          continue;
        /* A verdict needs the medians apart and, where the run kept its
         * rounds, every round on the side the medians say. */
        bool lower = mine->median < o->median;
        int side = report_rounds_side(mine, o, 1.0);
        bool tie = report_within_noise(mine, o) || side == 0 ||
                   (side != 2 && (side < 0) != lower);
        bool ahead = !tie && (rc->higher_wins ? !lower : lower);
        if (pass == 0) {
          (*run)++;
          *tied += tie;
          *lost += !tie && !ahead;
        }
        if (out != NULL && ((pass == 0 && !tie && !ahead) || (pass == 1 && tie))) {
          if (!listed)
            fputs(pass == 0 ? "Behind in:\n\n"
                  : *lost ? "\nTies (inside the noise):\n\n"
                  : "Ties (inside the noise):\n\n", out);
          listed = true;
          print_race_line(out, rc, n, g->gcweak, mine, g->peers[p], o);
        }
      }
    }
  }
}

static const race_group *group_of(const char *gcweak_system)
{
  for (size_t k = 0; k < COUNT(groups); k++)
    if (strcmp(groups[k].gcweak, gcweak_system) == 0)
      return &groups[k];
  return NULL;
}

bool report_race_tally(const bench_config *cfg, const bench_results *r,
                       const char *gcweak_system, int *run, int *lost, int *tied)
{
  const race_group *g = group_of(gcweak_system);
  *run = *lost = *tied = 0;
  if (g == NULL)
    return false;
  run_group(NULL, 0, g, cfg, r, run, lost, tied);
  return *run > 0;
}

static bool measured(const bench_results *r, const char *system)
{
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->items[i].system, system) == 0)
      return true;
  return false;
}

static void print_group(FILE *out, const race_group *g, const bench_config *cfg,
                        const bench_results *r)
{
  int lost = 0, tied = 0, run = 0;
  fprintf(out, "\n## %s\n\n%s, at every N. A difference is inside the "
          "measurement noise, and counted as a tie, when each median lies "
          "within the other figure's spread (min..max of its repetitions), "
          "when a collection cost is negative (the collection ran faster "
          "with the %s than without it), or, in a run of several rounds, "
          "when some round, which measures both seconds apart, has them "
          "within 10%% of each other or the other way round.\n\n",
          g->title, g->whose, g->held);
  for (int pass = 0; pass < 2; pass++)
    run_group(out, pass, g, cfg, r, &run, &lost, &tied);
  if (run == 0)
    fprintf(out, "No peer was measured.\n");
  else
    fprintf(out, "%s%s ahead in %d of %d comparisons, behind in %d, "
            "tied in %d.\n", lost || tied ? "\n" : "", report_label(g->gcweak),
            run - lost - tied, run, lost, tied);
}

/* The tables' race as it always was (whenever table workloads ran); those
 * of references and registries when gcweak's were measured. */
void report_peer_races(FILE *out, const bench_config *cfg,
                       const bench_results *r)
{
  if (bench_config_wants_family(cfg, BENCH_FAMILY_MAP))
    print_group(out, &groups[0], cfg, r);
  for (size_t k = 1; k < COUNT(groups); k++)
    if (measured(r, groups[k].gcweak))
      print_group(out, &groups[k], cfg, r);
}
