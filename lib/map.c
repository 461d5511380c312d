/* gcweak_map: the public map API over the table (table.c). A NULL map is
 * refused like a bad key: an error from set, "absent" from the queries. */
#include "internal.h"

struct gcweak_map {
    struct gcw_table table;
};

gcweak_map *gcweak_map_new_with(const gcweak_map_options *options)
{
    static const gcweak_map_options defaults = {0, 0};
    if (options == NULL)
        options = &defaults;
    if ((options->flags & ~GCWEAK_MAP_WEAK_KEYS) != 0)
        return NULL;
    gcweak_map *m = GC_MALLOC(sizeof *m);
    if (m == NULL)
        return NULL;
    enum gcw_values values = (options->flags & GCWEAK_MAP_WEAK_KEYS)
                                 ? GCW_STRONG_VALUES : GCW_EPHEMERON_VALUES;
    if (gcw_table_init(&m->table, values, options->capacity_hint) != GCWEAK_OK)
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
    return gcw_table_put(&m->table, key, value);
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
    return m != NULL && gcw_table_remove(&m->table, key);
}

size_t gcweak_map_size(gcweak_map *m)
{
    return m != NULL ? gcw_table_count(&m->table) : 0;
}

void gcweak_map_clear(gcweak_map *m)
{
    if (m != NULL)
        gcw_table_clear(&m->table);
}
