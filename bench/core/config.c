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
