/* SPDX-License-Identifier: MIT */
/*
 * The Python peers, under python3 (--python, or the environment variable
 * BENCH_PYTHON, if set), with the same sizes, workloads and repetitions;
 * their protocol lines (see core/protocol.h) come from the script's
 * standard output, as the V8 peers' do:
 *
 *  - python-ref and python-reg: systems/python_weakref.py (weakref.ref for
 *    the ref workloads, weakref.finalize for the registry workloads), with
 *    the run's reader threads too;
 *  - python: systems/python_weakvalue.py, weakref.WeakValueDictionary on
 *    the byte-string workloads (filed with the byte-string systems).
 *
 * A missing python3 or script is a skip, never a failure.
 */
#include "systems.h"

#include <stdio.h>
#include <unistd.h>

#include "core/peer.h"
#include "bytes.h"

#ifndef BENCH_SOURCE_DIR
#define BENCH_SOURCE_DIR "bench"
#endif

static int script_missing(bench_results *r, const char *system, const char *script)
{
  char why[500];
  snprintf(why, sizeof why, "script %.400s not readable", script);
  peer_skip(r, system, why);
  return 0;
}

static void not_found_note(char *out, size_t cap, const bench_config *cfg,
                           const char *what)
{
  snprintf(out, cap, "'%.300s' not found: install Python 3 (apt-get install "
           "python3) to compare with Python's %s", cfg->python, what);
}

/* -B: the script's folder is the source tree, where no bytecode cache
 * belongs. */
static int run_python(const bench_config *cfg, bench_results *r, const char *system,
                      unsigned family, const char *what)
{
  if (access(cfg->python_script, R_OK) != 0)
    return script_missing(r, system, cfg->python_script);
  char sizes[256], workloads[512], threads[64], reps[16], warmup[16], min_ops[32];
  peer_join_sizes(cfg, sizes, sizeof sizes);
  peer_join_workloads(cfg, family, workloads, sizeof workloads);
  peer_join_threads(cfg, threads, sizeof threads);
  snprintf(reps, sizeof reps, "%d", cfg->reps);
  snprintf(warmup, sizeof warmup, "%d", cfg->warmup_reps);
  snprintf(min_ops, sizeof min_ops, "%zu", cfg->min_ops);
  char *argv[] = {
    (char *)cfg->python, "-B", (char *)cfg->python_script, "--sizes", sizes,
    "--workloads", workloads, "--threads", threads, "--reps", reps, "--warmup", warmup,
    "--min-ops", min_ops, NULL,
  };
  char not_found[500];
  not_found_note(not_found, sizeof not_found, cfg, what);
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

/* The WeakValueDictionary script takes no --threads: it runs no readers. */
static int python_values_run(const bench_config *cfg, bench_results *r)
{
  const char *script = BENCH_SOURCE_DIR "/systems/python_weakvalue.py";
  if (access(script, R_OK) != 0)
    return script_missing(r, "python", script);
  char sizes[256], workloads[512], reps[16], warmup[16], min_ops[32];
  peer_join_sizes(cfg, sizes, sizeof sizes);
  peer_join_workloads(cfg, BENCH_FAMILY_MAP, workloads, sizeof workloads);
  snprintf(reps, sizeof reps, "%d", cfg->reps);
  snprintf(warmup, sizeof warmup, "%d", cfg->warmup_reps);
  snprintf(min_ops, sizeof min_ops, "%zu", cfg->min_ops);
  char *argv[] = {
    (char *)cfg->python, "-B", (char *)script, "--sizes", sizes,
    "--workloads", workloads, "--reps", reps, "--warmup", warmup, "--min-ops", min_ops, NULL,
  };
  char not_found[500];
  not_found_note(not_found, sizeof not_found, cfg, "weakref.WeakValueDictionary");
  return peer_run("python", argv, not_found, r);
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

/* No operations in this binary: the script runs the workloads. Set so that
 * the report files the peer with the byte-string systems. */
static const bench_bytes_ops python_values_ops = { .weak = true };

const bench_system bench_sys_python = {
  .name = "python",
  .label = "Python WeakValueDictionary",
  .weak = true,
  .families = BENCH_FAMILY_MAP,
  .run_peer = python_values_run,
  .bytes = &python_values_ops,
};
