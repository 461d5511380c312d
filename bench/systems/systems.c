/* SPDX-License-Identifier: MIT */
/* The table of systems (see systems.h). */
#include "systems.h"

#include <string.h>

#ifndef BENCH_HAVE_GUILE
/* Guile is optional: without it the name stays known, so that asking for
 * it is a skip with the reason rather than a usage error. */
static const bench_system guile_not_built = {
  .name = "guile",
  .label = "Guile 3.0 weak-key table",
  .families = BENCH_FAMILY_MAP,
  .not_built = "not built in: pkg-config found no guile-3.0 when this binary "
               "was configured (apt-get install guile-3.0-dev, then configure "
               "again)",
};
static const bench_system guile_values_not_built = {
  .name = "guile-val",
  .label = "Guile 3.0 weak-value table",
  .families = BENCH_FAMILY_MAP,
  .not_built = "not built in: pkg-config found no guile-3.0 when this binary "
               "was configured (apt-get install guile-3.0-dev, then configure "
               "again)",
};
#endif

static const bench_system *const table[] = {
  &bench_sys_strong,
  &bench_sys_floor,
  &bench_sys_gcweak,
  &bench_sys_gcweak_weak_keys,
  &bench_sys_naive,
  &bench_sys_card,
#ifdef BENCH_HAVE_GUILE
  &bench_sys_guile,
#else
  &guile_not_built,
#endif
  &bench_sys_v8,
  &bench_sys_gcweak_dw,
  &bench_sys_naive_dw,
  &bench_sys_valmap,
  &bench_sys_strong_bytes,
  &bench_sys_naive_values,
#ifdef BENCH_HAVE_GUILE
  &bench_sys_guile_values,
#else
  &guile_values_not_built,
#endif
  &bench_sys_python,
  &bench_sys_plain,
  &bench_sys_box,
  &bench_sys_gcweak_ref,
  &bench_sys_v8_ref,
  &bench_sys_python_ref,
  &bench_sys_gcweak_registry,
  &bench_sys_finalizer,
  &bench_sys_v8_registry,
  &bench_sys_python_registry,
};

/* Every system fits a --systems list and the default one. */
_Static_assert(sizeof table / sizeof *table <= BENCH_MAX_SYSTEMS,
               "BENCH_MAX_SYSTEMS is below the number of systems");

size_t systems_count(void)
{
  return sizeof table / sizeof *table;
}

const bench_system *systems_at(size_t i)
{
  return i < systems_count() ? table[i] : NULL;
}

const bench_system *systems_find(const char *name)
{
  for (size_t i = 0; i < systems_count(); i++)
    if (strcmp(table[i]->name, name) == 0)
      return table[i];
  return NULL;
}

unsigned systems_families(const bench_system *sys)
{
  /* a byte-string table's operations are in sys->bytes (values.h) */
  return sys->families |
         (sys->create != NULL || sys->bytes != NULL ? BENCH_FAMILY_MAP : 0u) |
         (sys->ref != NULL ? BENCH_FAMILY_REF : 0u) |
         (sys->registry != NULL ? BENCH_FAMILY_REGISTRY : 0u);
}

bool systems_has_work(const bench_config *cfg, const bench_system *sys)
{
  return bench_config_wants_family(cfg, systems_families(sys));
}
