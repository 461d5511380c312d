/* SPDX-License-Identifier: MIT */
/* gcweak_map: the public map API over the engine's table (table.h). A NULL
 * map is refused like a bad key: an error from set, "absent" from the
 * queries. */
#include "foreach.h"
#include "read.h"

struct gcweak_map {
    struct gcw_table table;
};

gcweak_map *gcweak_map_new_with(const gcweak_map_options *options)
{
    static const gcweak_map_options defaults = {0, 0};
    if (options == NULL)
        options = &defaults;
    enum gcw_kind kind;
    switch (options->flags) {
    case 0:
        kind = GCW_KIND_EPHEMERON;
        break;
    case GCWEAK_MAP_WEAK_KEYS:
        kind = GCW_KIND_WEAK_KEYS;
        break;
    case GCWEAK_MAP_POINTER_FREE_VALUES:
        kind = GCW_KIND_POINTER_FREE_VALUES;
        break;
    case GCWEAK_MAP_WEAK_VALUES:
        kind = GCW_KIND_WEAK_VALUES;
        break;
    default: /* unknown bits, or two value modes */
        return NULL;
    }
    gcweak_map *m = GC_MALLOC(sizeof *m);
    if (m == NULL)
        return NULL;
    if (gcw_table_init(&m->table, m, kind, options->capacity_hint) != GCWEAK_OK)
        return NULL;
    return m;
}

gcweak_map *gcweak_map_new(void)
{
    return gcweak_map_new_with(NULL);
}

int gcweak_map_set(gcweak_map *m, const void *key, void *value)
{
    if (m == NULL)
        return GCWEAK_EINVAL;
    return gcw_table_set(&m->table, key, value);
}

void *gcweak_map_get(gcweak_map *m, const void *key)
{
    void *v = NULL;
    if (m != NULL)
        (void)gcw_table_get(&m->table, key, &v);
    return v;
}

bool gcweak_map_lookup(gcweak_map *m, const void *key, void **value_out)
{
    return m != NULL && gcw_table_get(&m->table, key, value_out);
}

bool gcweak_map_has(gcweak_map *m, const void *key)
{
    return m != NULL && gcw_table_get(&m->table, key, NULL);
}

bool gcweak_map_delete(gcweak_map *m, const void *key)
{
    return m != NULL && gcw_table_delete(&m->table, key);
}

size_t gcweak_map_size(gcweak_map *m)
{
    return m != NULL ? gcw_table_size(&m->table) : 0;
}

void gcweak_map_clear(gcweak_map *m)
{
    if (m != NULL)
        gcw_table_clear(&m->table);
}

int gcweak_map_get_or_create(gcweak_map *m, const void *key, gcweak_create_fn create,
                             void *arg, void **value_out)
{
    if (m == NULL || create == NULL || value_out == NULL)
        return GCWEAK_EINVAL;
    return gcw_table_get_or_create(&m->table, key, create, arg, value_out);
}

int gcweak_map_foreach(gcweak_map *m, gcweak_map_visit_fn visit, void *arg)
{
    if (m == NULL || visit == NULL)
        return GCWEAK_EINVAL;
    return gcw_table_foreach(&m->table, visit, arg);
}

int gcweak_map_stats(gcweak_map *m, gcweak_stats *out)
{
    if (m == NULL || out == NULL)
        return GCWEAK_EINVAL;
    gcw_table_stats(&m->table, out);
    out->bytes += GC_size(m);
    return GCWEAK_OK;
}

int gcweak_map_on_removal(gcweak_map *m, gcweak_removal_fn fn, void *arg)
{
    /* A doubly-weak map's dead entry may have lost its value: nothing to
     * hand over. */
    if (m == NULL || m->table.entries.kind == GCW_KIND_WEAK_VALUES)
        return GCWEAK_EINVAL;
    gcw_table_on_removal(&m->table, fn, arg);
    return GCWEAK_OK;
}
