/* SPDX-License-Identifier: MIT */
/*
 * gcweak_valmap: the public weak-value map over the engine's table, with
 * byte-string keys (bytes.h) and values on links of their own, read as a
 * doubly-weak map's are (read.h). A NULL map is refused like a bad key.
 */
#include "foreach.h"
#include "read.h"

struct gcweak_valmap {
    struct gcw_table table;
};

/* The callback and its arg as one record: replacing the callback swaps the
 * record under the table's mutex, so a delivery sees one or the other. */
struct removal {
    gcweak_valmap_removal_fn fn;
    void *arg;
};

gcweak_valmap *gcweak_valmap_new(void)
{
    gcweak_valmap *m = GC_MALLOC(sizeof *m);
    if (m == NULL || gcw_table_init(&m->table, m, GCW_KIND_WEAK_VALUES, 0) != GCWEAK_OK)
        return NULL;
    m->table.entries.byte_keys = true;
    return m;
}

/* The key's bytes as the engine takes them; false for NULL with len > 0. */
static bool key_of(const void *key, size_t len, struct gcw_key *out)
{
    if (key == NULL && len > 0)
        return false;
    *out = gcw_key_of_bytes(key, len);
    return true;
}

/* Stores value for k unless `replace` is false and a live value exists,
 * which is then reported. The copy of the key is made first, outside any
 * lock; an update leaves it to the collector. */
static int store(gcweak_valmap *m, struct gcw_key *k, void *value, bool replace,
                 void **existing)
{
    struct gcw_bytes *copy = gcw_bytes_copy(k);
    if (copy == NULL)
        return GCWEAK_ENOMEM;
    k->word = (gcw_word)copy;
    return gcw_table_set_key(&m->table, k, copy, value, replace, existing);
}

int gcweak_valmap_set(gcweak_valmap *m, const void *key, size_t len, void *value)
{
    struct gcw_key k;
    if (m == NULL || !key_of(key, len, &k) || gcw_key_object(value) == NULL)
        return GCWEAK_EINVAL;
    int rc = store(m, &k, value, true, NULL);
    GC_reachable_here(value);
    return rc;
}

void *gcweak_valmap_get(gcweak_valmap *m, const void *key, size_t len)
{
    struct gcw_key k;
    void *v = NULL;
    if (m != NULL && key_of(key, len, &k))
        (void)gcw_table_get_key(&m->table, &k, &v);
    return v;
}

bool gcweak_valmap_delete(gcweak_valmap *m, const void *key, size_t len)
{
    struct gcw_key k;
    return m != NULL && key_of(key, len, &k) && gcw_table_delete_key(&m->table, &k);
}

size_t gcweak_valmap_size(gcweak_valmap *m)
{
    return m != NULL ? gcw_table_size(&m->table) : 0;
}

void gcweak_valmap_clear(gcweak_valmap *m)
{
    if (m != NULL)
        gcw_table_clear(&m->table);
}

int gcweak_valmap_intern(gcweak_valmap *m, const void *key, size_t len,
                         gcweak_valmap_create_fn create, void *arg, void **value_out)
{
    struct gcw_key k;
    if (m == NULL || create == NULL || value_out == NULL || !key_of(key, len, &k))
        return GCWEAK_EINVAL;
    for (;;) {
        void *v = NULL;
        if (gcw_table_get_key(&m->table, &k, &v)) {
            *value_out = v;
            return GCWEAK_OK;
        }
        /* No lock held: create may allocate, collect and use this map. */
        void *created = create(key, len, arg);
        if (gcw_key_object(created) == NULL)
            return GCWEAK_EINVAL;
        v = NULL;
        int rc = store(m, &k, created, false, &v);
        GC_reachable_here(created);
        if (rc != GCWEAK_OK)
            return rc;
        /* The racer's value that won may have died before it was read:
         * then the key is absent again, and this round starts over. */
        if (v != NULL) {
            *value_out = v;
            return GCWEAK_OK;
        }
    }
}

/* The table hands over the stored key of an entry whose value died. */
static void removed(void *stored, void *arg)
{
    const struct removal *r = arg;
    const struct gcw_bytes *b = stored;
    r->fn(b->data, b->len, r->arg);
}

int gcweak_valmap_on_removal(gcweak_valmap *m, gcweak_valmap_removal_fn fn, void *arg)
{
    if (m == NULL)
        return GCWEAK_EINVAL;
    if (fn == NULL) {
        gcw_table_on_removal(&m->table, NULL, NULL);
        return GCWEAK_OK;
    }
    struct removal *r = GC_MALLOC(sizeof *r);
    if (r == NULL)
        return GCWEAK_ENOMEM;
    r->fn = fn;
    GC_PTR_STORE_AND_DIRTY(&r->arg, arg);
    gcw_table_on_removal(&m->table, removed, r);
    return GCWEAK_OK;
}

struct visit {
    gcweak_valmap_visit_fn visit;
    void *arg;
};

static int visit_entry(const void *stored, void *value, void *arg)
{
    const struct visit *v = arg;
    const struct gcw_bytes *b = stored;
    return v->visit(b->data, b->len, value, v->arg);
}

int gcweak_valmap_foreach(gcweak_valmap *m, gcweak_valmap_visit_fn visit, void *arg)
{
    if (m == NULL || visit == NULL)
        return GCWEAK_EINVAL;
    struct visit v = {visit, arg};
    return gcw_table_foreach(&m->table, visit_entry, &v);
}

int gcweak_valmap_stats(gcweak_valmap *m, gcweak_stats *out)
{
    if (m == NULL || out == NULL)
        return GCWEAK_EINVAL;
    gcw_table_stats(&m->table, out);
    out->bytes += GC_size(m);
    return GCWEAK_OK;
}
