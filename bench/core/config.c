/* SPDX-License-Identifier: MIT */
/* Workload names (see config.h). */
#include "config.h"

#include <string.h>

const char *bench_workload_name(int wl)
{
  static const char *const names[WL_COUNT] = {
    "insert", "get_hit", "get_miss", "has", "delete", "churn",
    "reclaim", "gc_cost", "pause", "memory", "threads",
    "intern_miss", "intern_hit", "reclaim_half", "key_shapes",
    "ref_new", "ref_get", "ref_get_dead", "ref_gc_cost", "ref_threads",
    "reg_register", "reg_unregister", "reg_delivery", "reg_gc_cost",
  };
  return wl >= 0 && wl < WL_COUNT ? names[wl] : "?";
}

int bench_workload_from_name(const char *name)
{
  for (int wl = 0; wl < WL_COUNT; wl++)
    if (strcmp(bench_workload_name(wl), name) == 0)
      return wl;
  return -1;
}

/* The byte-string workloads (intern_miss ... key_shapes) are the tables':
 * byte-string systems are weak tables too, and run them with the map
 * workloads of the same names (workloads/values.h). */
unsigned bench_workload_family(int wl)
{
  if (wl >= WL_REF_NEW && wl <= WL_REF_THREADS)
    return BENCH_FAMILY_REF;
  if (wl >= WL_REG_REGISTER && wl <= WL_REG_GC_COST)
    return BENCH_FAMILY_REGISTRY;
  return BENCH_FAMILY_MAP;
}

bool bench_config_wants_family(const bench_config *cfg, unsigned families)
{
  for (int wl = 0; wl < WL_COUNT; wl++)
    if (cfg->workloads[wl] && (bench_workload_family(wl) & families) != 0)
      return true;
  return false;
}
