/* SPDX-License-Identifier: MIT */
/*
 * The V8 peers: systems/v8_weakmap.js (WeakMap, the table workloads) and
 * systems/v8_weakref.js (WeakRef and FinalizationRegistry, the ref and
 * registry workloads) under `node --expose-gc`, with the same sizes,
 * workloads and repetitions; their protocol lines (see core/protocol.h)
 * come from the script's standard output. A missing node or script is a
 * skip, never a failure.
 */
#include "systems.h"

#include <stdio.h>
#include <unistd.h>

#include "core/peer.h"

/* node SCRIPT with the run's options, the workloads those of `family`. */
static int run_node(const bench_config *cfg, bench_results *r, const char *system,
                    const char *script, unsigned family, const char *what)
{
  if (access(script, R_OK) != 0) {
    char why[500];
    snprintf(why, sizeof why, "script %.400s not readable", script);
    peer_skip(r, system, why);
    return 0;
  }
  char sizes[256], workloads[512], reps[16], warmup[16], rounds[16], min_ops[32];
  peer_join_sizes(cfg, sizes, sizeof sizes);
  peer_join_workloads(cfg, family, workloads, sizeof workloads);
  snprintf(reps, sizeof reps, "%d", cfg->reps);
  snprintf(warmup, sizeof warmup, "%d", cfg->warmup_reps);
  snprintf(rounds, sizeof rounds, "%d", cfg->rounds);
  snprintf(min_ops, sizeof min_ops, "%zu", cfg->min_ops);
  char *argv[] = {
    (char *)cfg->node, "--expose-gc", "--max-old-space-size=8192", (char *)script,
    "--sizes", sizes, "--workloads", workloads, "--reps", reps, "--warmup", warmup,
    "--rounds", rounds, "--min-ops", min_ops, NULL,
  };
  char not_found[500];
  snprintf(not_found, sizeof not_found, "'%.300s' not found: install Node.js "
           "(apt-get install nodejs) to compare with V8's %s", cfg->node, what);
  return peer_run(system, argv, not_found, r);
}

static int v8_run(const bench_config *cfg, bench_results *r)
{
  return run_node(cfg, r, "v8", cfg->v8_script, BENCH_FAMILY_MAP, "WeakMap");
}

static int v8_ref_run(const bench_config *cfg, bench_results *r)
{
  return run_node(cfg, r, "v8-ref", cfg->v8_ref_script, BENCH_FAMILY_REF, "WeakRef");
}

static int v8_registry_run(const bench_config *cfg, bench_results *r)
{
  return run_node(cfg, r, "v8-reg", cfg->v8_ref_script, BENCH_FAMILY_REGISTRY,
                  "FinalizationRegistry");
}

const bench_system bench_sys_v8 = {
  .name = "v8",
  .label = "V8 WeakMap (node)",
  .weak = true,
  .families = BENCH_FAMILY_MAP,
  .run_peer = v8_run,
};

const bench_system bench_sys_v8_ref = {
  .name = "v8-ref",
  .label = "V8 WeakRef (node)",
  .weak = true,
  .families = BENCH_FAMILY_REF,
  .run_peer = v8_ref_run,
};

const bench_system bench_sys_v8_registry = {
  .name = "v8-reg",
  .label = "V8 FinalizationRegistry (node)",
  .weak = true,
  .families = BENCH_FAMILY_REGISTRY,
  .run_peer = v8_registry_run,
};
