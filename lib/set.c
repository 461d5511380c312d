/* SPDX-License-Identifier: MIT */
/* gcweak_set: the public set API over the engine's table (table.h), without
 * values. A NULL set is refused like a bad key. */
#include "foreach.h"
#include "read.h"

struct gcweak_set {
    struct gcw_table table;
};

gcweak_set *gcweak_set_new(void)
{
    gcweak_set *s = GC_MALLOC(sizeof *s);
    if (s == NULL || gcw_table_init(&s->table, s, GCW_KIND_SET, 0) != GCWEAK_OK)
        return NULL;
    return s;
}

int gcweak_set_add(gcweak_set *s, const void *key)
{
    if (s == NULL)
        return GCWEAK_EINVAL;
    return gcw_table_set(&s->table, key, NULL);
}

bool gcweak_set_has(gcweak_set *s, const void *key)
{
    return s != NULL && gcw_table_get(&s->table, key, NULL);
}

bool gcweak_set_delete(gcweak_set *s, const void *key)
{
    return s != NULL && gcw_table_delete(&s->table, key);
}

size_t gcweak_set_size(gcweak_set *s)
{
    return s != NULL ? gcw_table_size(&s->table) : 0;
}

void gcweak_set_clear(gcweak_set *s)
{
    if (s != NULL)
        gcw_table_clear(&s->table);
}

/* foreach's visitor for sets, adapting the table's (key, value) walk. */
struct set_visit {
    gcweak_set_visit_fn visit;
    void *arg;
};

static int visit_key(const void *key, void *value, void *arg)
{
    (void)value;
    struct set_visit *sv = arg;
    return sv->visit(key, sv->arg);
}

int gcweak_set_foreach(gcweak_set *s, gcweak_set_visit_fn visit, void *arg)
{
    if (s == NULL || visit == NULL)
        return GCWEAK_EINVAL;
    struct set_visit sv = {visit, arg};
    return gcw_table_foreach(&s->table, visit_key, &sv);
}

int gcweak_set_stats(gcweak_set *s, gcweak_stats *out)
{
    if (s == NULL || out == NULL)
        return GCWEAK_EINVAL;
    gcw_table_stats(&s->table, out);
    out->bytes += GC_size(s);
    return GCWEAK_OK;
}
