/* SPDX-License-Identifier: MIT */
/*
 * gcweak against the other weak tables: every figure at every size, a
 * difference inside the measurement noise counted as a tie.
 */
#include "sections.h"

#include <stdio.h>

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

void report_peer_races(FILE *out, const bench_config *cfg,
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
          bool tie = report_within_noise(g, o);
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
                    report_label(peers[p]), o->median, races[w].unit);
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
