/* SPDX-License-Identifier: MIT */
/*
 * gcweak-bench: gcweak side by side with what a bdwgc user would pick
 * instead. Parses the command line, sorts the systems asked for that have
 * a selected workload into those of this binary (run in child processes of
 * their own, in rounds: run/), peers that are programs of their own (V8,
 * Python), and systems not built in (a skip note), gathers every figure,
 * and writes the report.
 */
#include <stdio.h>
#include <string.h>

#include "core/progress.h"
#include "core/results.h"
#include "options.h"
#include "report/report.h"
#include "run/run.h"
#include "systems/systems.h"

static bool any_warnings(const bench_results *r)
{
  for (size_t i = 0; i < r->n_notes; i++)
    if (strncmp(r->notes[i], "warn ", 5) == 0)
      return true;
  return false;
}

/* Adds sys to list[0..*count) unless it is there already. */
static void add_once(const bench_system **list, int *count, const bench_system *sys)
{
  for (int i = 0; i < *count; i++)
    if (list[i] == sys)
      return;
  list[(*count)++] = sys;
}

int main(int argc, char **argv)
{
  bench_config cfg;
  int rc = options_parse(argc, argv, &cfg);
  if (rc != 0)
    return rc;

  bench_results results = { 0 };
  const bench_system *builtin[BENCH_MAX_SYSTEMS], *peers[BENCH_MAX_SYSTEMS];
  int n_builtin = 0, n_peers = 0;
  for (int i = 0; i < cfg.n_systems; i++) {
    const bench_system *sys = systems_find(cfg.systems[i]);   /* checked */
    if (!systems_has_work(&cfg, sys))
      continue;   /* none of the selected workloads is of its kind */
    if (sys->run_peer != NULL) {
      add_once(peers, &n_peers, sys);
    } else if (sys->not_built != NULL) {
      char note[512];
      snprintf(note, sizeof note, "skip %s %s", sys->name, sys->not_built);
      fprintf(stderr, "gcweak-bench: %s\n", note + 5);
      results_add_note(&results, note);
    } else {
      builtin[n_builtin++] = sys;
    }
  }
  progress_start(run_total_units(&cfg, builtin, n_builtin, n_peers));
  run_systems(&cfg, builtin, n_builtin, peers, n_peers, &results);
  progress_finish();
  results_fold_samples(&results);

  report_print_summary(&cfg, &results);
  if (report_write_outputs(&cfg, &results) != 0)
    rc = 1;
  if (any_warnings(&results))
    rc = 1;
  results_free(&results);
  return rc;
}
