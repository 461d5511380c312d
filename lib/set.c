/* gcweak_set: the public set API over the table (table.c), without values.
 * A NULL set is refused like a bad key. */
#include "internal.h"

struct gcweak_set {
    struct gcw_table table;
};

gcweak_set *gcweak_set_new(void)
{
    gcweak_set *s = GC_MALLOC(sizeof *s);
    if (s == NULL || gcw_table_init(&s->table, GCW_NO_VALUES, 0) != GCWEAK_OK)
        return NULL;
    return s;
}

int gcweak_set_add(gcweak_set *s, const void *key)
{
    if (s == NULL)
        return GCWEAK_EINVAL;
    return gcw_table_put(&s->table, key, NULL);
}

bool gcweak_set_has(gcweak_set *s, const void *key)
{
    return s != NULL && gcw_table_get(&s->table, key, NULL);
}

bool gcweak_set_delete(gcweak_set *s, const void *key)
{
    return s != NULL && gcw_table_remove(&s->table, key);
}

size_t gcweak_set_size(gcweak_set *s)
{
    return s != NULL ? gcw_table_count(&s->table) : 0;
}

void gcweak_set_clear(gcweak_set *s)
{
    if (s != NULL)
        gcw_table_clear(&s->table);
}
