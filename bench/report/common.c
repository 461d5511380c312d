/* SPDX-License-Identifier: MIT */
/* What the sections of report.md share (see sections.h). */
#include "sections.h"

#include <string.h>

#include "systems/systems.h"

const char *report_label(const char *name)
{
  const bench_system *sys = systems_find(name);
  return sys != NULL ? sys->label : name;
}

bool report_is_gcweak(const char *system)
{
  return strncmp(system, "gcweak", 6) == 0;
}

bool report_within_noise(const bench_result *a, const bench_result *b)
{
  if (strcmp(a->metric, "ns_per_entry") == 0 && (a->median < 0 || b->median < 0))
    return true;
  return a->median >= b->min && a->median <= b->max &&
         b->median >= a->min && b->median <= a->max;
}
