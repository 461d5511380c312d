/* SPDX-License-Identifier: MIT */
/*
 * A plugin with a private copy of gcweak (the static library linked into a
 * shared object): it makes a map, then the host unloads it.
 */
#define GC_THREADS
#include <gc/gc.h>

#include "gcweak.h"

__attribute__((visibility("default"))) int plugin_use_a_map(void);

int plugin_use_a_map(void)
{
    gcweak_map *m = gcweak_map_new();
    if (m == NULL)
        return -1;
    for (int i = 0; i < 1000; i++)
        if (gcweak_map_set(m, GC_MALLOC(16), GC_MALLOC(16)) != GCWEAK_OK)
            return -1;
    GC_gcollect();
    return 0;
}
