/* SPDX-License-Identifier: MIT */
/*
 * The Python peers: systems/python_weakref.py (weakref.ref for the ref
 * workloads, weakref.finalize for the registry workloads) under python3,
 * with the same sizes, workloads, repetitions and reader threads; its
 * protocol lines (see core/protocol.h) come from its standard output. A
 * missing python3 or script is a skip, never a failure.
 */
#include "systems.h"

#include <stdio.h>
#include <unistd.h>

#include "core/peer.h"

/* -B: the script's folder is the source tree, where no bytecode cache
 * belongs. */
static int run_python(const bench_config *cfg, bench_results *r, const char *system,
                      unsigned family, const char *what)
{
  if (access(cfg->python_script, R_OK) != 0) {
    char why[500];
    snprintf(why, sizeof why, "script %.400s not readable", cfg->python_script);
    peer_skip(r, system, why);
    return 0;
  }
  char sizes[256], workloads[512], threads[64], reps[16], min_ops[32];
  peer_join_sizes(cfg, sizes, sizeof sizes);
  peer_join_workloads(cfg, family, workloads, sizeof workloads);
  peer_join_threads(cfg, threads, sizeof threads);
  snprintf(reps, sizeof reps, "%d", cfg->reps);
  snprintf(min_ops, sizeof min_ops, "%zu", cfg->min_ops);
  char *argv[] = {
    (char *)cfg->python, "-B", (char *)cfg->python_script, "--sizes", sizes,
    "--workloads", workloads, "--threads", threads, "--reps", reps,
    "--min-ops", min_ops, NULL,
  };
  char not_found[500];
  snprintf(not_found, sizeof not_found, "'%.300s' not found: install Python 3 "
           "(apt-get install python3) to compare with Python's %s", cfg->python,
           what);
  return peer_run(system, argv, not_found, r);
}

static int python_ref_run(const bench_config *cfg, bench_results *r)
{
  return run_python(cfg, r, "python-ref", BENCH_FAMILY_REF, "weakref.ref");
}

static int python_registry_run(const bench_config *cfg, bench_results *r)
{
  return run_python(cfg, r, "python-reg", BENCH_FAMILY_REGISTRY, "weakref.finalize");
}

const bench_system bench_sys_python_ref = {
  .name = "python-ref",
  .label = "Python weakref.ref",
  .weak = true,
  .families = BENCH_FAMILY_REF,
  .run_peer = python_ref_run,
};

const bench_system bench_sys_python_registry = {
  .name = "python-reg",
  .label = "Python weakref.finalize",
  .weak = true,
  .families = BENCH_FAMILY_REGISTRY,
  .run_peer = python_registry_run,
};
