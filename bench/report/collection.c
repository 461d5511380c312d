/* SPDX-License-Identifier: MIT */
/*
 * What a table adds to a full collection: the collection cost of every
 * system, and the cost of gcweak's ephemeron pass (its default maps against
 * its weak-key mode).
 */
#include "sections.h"

#include <stdio.h>
#include <string.h>

#include "systems/systems.h"

void report_collection_cost(FILE *out, const bench_config *cfg,
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
      if (report_is_gcweak(sys) && floor != NULL && floor->median > 0)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                 " (%.2fx floor)", per->median / floor->median);
      fprintf(out, "| %zu | %s | %.3g ms | %.3g ms | %s |\n", n, report_label(sys),
              with->median, base->median, extra);
    }
  }
}

/* What the ephemeron pass adds to a full collection, per entry: gcweak's
 * default maps against its weak-key mode, same run. */
void report_ephemeron_cost(FILE *out, const bench_config *cfg,
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
            report_within_noise(e, w) ? " (within noise)" : "");
  }
}
