/* gcweak_map: the public map API over the table (table.c). A NULL map is
 * refused like a bad key: an error from set, "absent" from the queries. */
#include "internal.h"

struct gcweak_map {
    struct gcw_table table;
};

gcweak_map *gcweak_map_new(void)
{
    gcweak_map *m = GC_MALLOC(sizeof *m);
    if (m != NULL)
        gcw_table_init(&m->table, true);
    return m;
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
