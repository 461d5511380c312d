/* SPDX-License-Identifier: MIT */
/*
 * The first operation after a collection, per system and size: median and
 * worst, in microseconds.
 */
#include "sections.h"

#include <stdio.h>

#include "systems/systems.h"

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

void report_pauses(FILE *out, const bench_config *cfg, const bench_results *r)
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
      fprintf(out, "| %zu | %s |", n, report_label(sys));
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
