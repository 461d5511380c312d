/* SPDX-License-Identifier: MIT */
/*
 * Weak references: every system's figures at every size, reads against
 * the plain pointer load and gcweak's creation and collection cost against
 * the link floor's.
 */
#include "sections.h"

#include <stdio.h>
#include <string.h>

#include "systems/systems.h"

static const char *const ref_workloads[] = {
  "ref_new", "ref_get", "ref_get_dead", "ref_gc_cost", "ref_threads",
};
#define N_REF_WORKLOADS (sizeof ref_workloads / sizeof *ref_workloads)

/* The largest reader count other than 1, for the threads columns (0: none). */
static int most_threads(const bench_config *cfg)
{
  int most = 0;
  for (int i = 0; i < cfg->n_threads; i++)
    if (cfg->threads[i] > 1 && cfg->threads[i] > most)
      most = cfg->threads[i];
  return most;
}

void report_refs(FILE *out, const bench_config *cfg, const bench_results *r)
{
  bool header = false;
  int k = most_threads(cfg);
  char mops_k[24], scaling_k[24];
  snprintf(mops_k, sizeof mops_k, "mops_t%d", k);
  snprintf(scaling_k, sizeof scaling_k, "scaling_t%d", k);
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    for (size_t s = 0; s < systems_count(); s++) {
      const char *sys = systems_at(s)->name;
      if (!report_system_has_any(r, sys, ref_workloads, N_REF_WORKLOADS, n))
        continue;
      if (!header) {
        fprintf(out, "\n## Weak references\n\nMedians, ns per operation. "
                "create: one reference to a live target; get: a read of a "
                "reference whose target lives, in a random order, with the "
                "ratio to a plain pointer load from the same kind of memory "
                "(the ceiling); get, dead: a read once the target was "
                "collected; GC ns/ref: extra time of one full collection per "
                "live reference (targets alive either way); for gcweak, "
                "create and GC against the link floor's (one link per "
                "target, no object). M gets/s: million reads per second, all "
                "reader threads together, and the speed-up of %d threads over "
                "one.\n\n| N | system | create | get | get, dead | GC ns/ref | "
                "M gets/s, 1 thread | %d threads | scaling |\n"
                "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n", k, k);
        header = true;
      }
      bool gcweak = report_is_gcweak(sys);
      char create[64], get[64], dead[64], gc[64], t1[32], tk[32], scaling[32];
      report_figure(create, sizeof create, r, sys, "ref_new", n, "ns_per_op",
                    gcweak ? "floor" : NULL, NULL);
      report_figure(get, sizeof get, r, sys, "ref_get", n, "ns_per_op", "plain", NULL);
      report_figure(dead, sizeof dead, r, sys, "ref_get_dead", n, "ns_per_op",
                    NULL, NULL);
      report_figure(gc, sizeof gc, r, sys, "ref_gc_cost", n, "ns_per_entry",
                    gcweak ? "floor" : NULL, NULL);
      report_figure(t1, sizeof t1, r, sys, "ref_threads", n, "mops_t1", NULL, NULL);
      report_figure(tk, sizeof tk, r, sys, "ref_threads", n, mops_k, NULL, NULL);
      const bench_result *sc = results_find(r, sys, "ref_threads", n, scaling_k);
      if (sc != NULL)
        snprintf(scaling, sizeof scaling, "%.2fx", sc->median);
      else
        snprintf(scaling, sizeof scaling, "-");
      fprintf(out, "| %zu | %s | %s | %s | %s | %s | %s | %s | %s |\n", n,
              report_label(sys), create, get, dead, gc, t1, tk, scaling);
    }
  }
}
