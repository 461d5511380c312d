/* SPDX-License-Identifier: MIT */
/*
 * Finalization registries: every system's figures at every size, gcweak's
 * against the link floor's and bdwgc's own finalizers'.
 */
#include "sections.h"

#include <stdio.h>
#include <string.h>

#include "systems/systems.h"

static const char *const reg_workloads[] = {
  "reg_register", "reg_unregister", "reg_delivery", "reg_gc_cost",
};
#define N_REG_WORKLOADS (sizeof reg_workloads / sizeof *reg_workloads)

void report_registries(FILE *out, const bench_config *cfg, const bench_results *r)
{
  bool header = false;
  for (int i = 0; i < cfg->n_sizes; i++) {
    size_t n = cfg->sizes[i];
    for (size_t s = 0; s < systems_count(); s++) {
      const char *sys = systems_at(s)->name;
      if (!report_system_has_any(r, sys, reg_workloads, N_REG_WORKLOADS, n))
        continue;
      if (!header) {
        fprintf(out, "\n## Finalization registries\n\nMedians. register: ns "
                "per registration of a live target (no token); unregister: ns "
                "per registration dropped by its token (the target itself; "
                "for Python, the weakref.finalize object); delivery: with N "
                "targets registered and half of them dropped, ns from the "
                "start of a full collection to the end of the last callback, "
                "per callback run; callbacks: the part after the collection, "
                "per callback; collections: how many it took (at most %d) for "
                "%.0f%% of the callbacks to run, and delivered: the share "
                "that ran (worst repetition); GC ns/reg: extra time of one "
                "full collection per live registration. For gcweak, the "
                "ratios to the link floor (one link per target and nothing "
                "else, no callbacks) and to GC_register_finalizer "
                "(\"finalizer\").\n\n| N | system | register | unregister | "
                "delivery | callbacks | collections | delivered | GC ns/reg |\n"
                "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n",
                BENCH_DELIVERY_MAX_COLLECTIONS, RELEASED_PCT_OK);
        header = true;
      }
      bool gcweak = report_is_gcweak(sys);
      const char *floor = gcweak ? "floor" : NULL, *fin = gcweak ? "finalizer" : NULL;
      char reg[64], unreg[64], per[64], cb[64], gcs[32], pct[32], gc[64];
      report_figure(reg, sizeof reg, r, sys, "reg_register", n, "ns_per_op", floor, fin);
      report_figure(unreg, sizeof unreg, r, sys, "reg_unregister", n, "ns_per_op",
                    floor, fin);
      report_figure(per, sizeof per, r, sys, "reg_delivery", n, "ns_per_callback",
                    fin, NULL);
      report_figure(cb, sizeof cb, r, sys, "reg_delivery", n, "callback_ns", fin, NULL);
      report_figure(gcs, sizeof gcs, r, sys, "reg_delivery", n, "collections", NULL, NULL);
      const bench_result *d = results_find(r, sys, "reg_delivery", n, "delivered_pct");
      if (d != NULL)
        snprintf(pct, sizeof pct, "%.4g%%", d->min);
      else
        snprintf(pct, sizeof pct, "-");
      report_figure(gc, sizeof gc, r, sys, "reg_gc_cost", n, "ns_per_entry", floor, NULL);
      fprintf(out, "| %zu | %s | %s | %s | %s | %s | %s | %s | %s |\n", n,
              report_label(sys), reg, unreg, per, cb, gcs, pct, gc);
    }
  }
}
