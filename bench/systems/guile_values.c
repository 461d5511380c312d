/* SPDX-License-Identifier: MIT */
/*
 * Guile 3.0's weak-value hash tables (make-weak-value-hash-table) keyed by
 * strings (hash-set!, hash-ref: equal? keys), built only when pkg-config
 * finds guile-3.0. Each operation makes the key's string from the bytes
 * (scm_from_latin1_stringn), as a C caller of Guile holding bytes must; the
 * figures include it. Values are the same small collector objects as the
 * other systems': Guile runs on the same libgc, registers a disappearing
 * link on a weak value that is a heap pointer, and never looks inside it.
 */
#include "systems.h"

#include <libguile.h>

#include "bytes.h"

static SCM absent;       /* a fresh pair: the "not found" default */
static SCM count_one;    /* (lambda (k v n) (+ n 1)), for hash-fold */

static const char *gv_setup(void)
{
  scm_init_guile();
  absent = scm_permanent_object(scm_cons(SCM_BOOL_F, SCM_BOOL_F));
  count_one = scm_permanent_object(scm_c_eval_string("(lambda (k v n) (+ n 1))"));
  return NULL;
}

static void *gv_create(void)
{
  return SCM_UNPACK_POINTER(scm_make_weak_value_hash_table(SCM_UNDEFINED));
}

static inline SCM as_table(void *t) { return SCM_PACK_POINTER(t); }

static inline SCM key_string(const unsigned char *k, size_t len)
{
  return scm_from_latin1_stringn((const char *)k, len);
}

static void gv_set_all(void *t, const unsigned char *keys, size_t len, size_t n,
                       void *const *vals)
{
  SCM table = as_table(t);
  for (size_t i = 0; i < n; i++)
    scm_hash_set_x(table, key_string(keys + i * len, len), SCM_PACK_POINTER(vals[i]));
}

static size_t gv_intern_all(void *t, const unsigned char *keys, size_t len, size_t n,
                            void **out)
{
  SCM table = as_table(t);
  size_t made = 0;
  for (size_t i = 0; i < n; i++) {
    SCM k = key_string(keys + i * len, len);
    SCM v = scm_hash_ref(table, k, absent);
    if (scm_is_eq(v, absent)) {
      out[i] = bench_new_value();
      scm_hash_set_x(table, k, SCM_PACK_POINTER(out[i]));
      made++;
    } else {
      out[i] = SCM_UNPACK_POINTER(v);
    }
  }
  return made;
}

static size_t gv_get_all(void *t, const unsigned char *keys, size_t len, size_t n,
                         uintptr_t *sum)
{
  SCM table = as_table(t);
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    SCM v = scm_hash_ref(table, key_string(keys + i * len, len), absent);
    if (!scm_is_eq(v, absent)) {
      found++;
      s += (uintptr_t)SCM_UNPACK(v);
    }
  }
  *sum += s;
  return found;
}

/* hash-remove! on a weak table answers #f whatever it removed, so this
 * reports n; the workloads check the size afterwards. */
static size_t gv_del_all(void *t, const unsigned char *keys, size_t len, size_t n)
{
  SCM table = as_table(t);
  for (size_t i = 0; i < n; i++)
    scm_hash_remove_x(table, key_string(keys + i * len, len));
  return n;
}

static size_t gv_size(void *t)
{
  /* hash-count rejects weak tables; hash-fold visits their live entries */
  return scm_to_size_t(scm_hash_fold(count_one, SCM_INUM0, as_table(t)));
}

static void *gv_in_thread(void *(*fn)(void *), void *arg)
{
  return scm_with_guile(fn, arg);
}

static const bench_bytes_ops gv_ops = {
  .create = gv_create,
  .set_all = gv_set_all,
  .intern_all = gv_intern_all,
  .get_all = gv_get_all,
  .del_all = gv_del_all,
  .size = gv_size,
  .weak = true,
};

const bench_system bench_sys_guile_values = {
  .name = "guile-val",
  .label = "Guile 3.0 weak-value table",
  .weak = true,
  .setup = gv_setup,
  .in_thread = gv_in_thread,
  .bytes = &gv_ops,
};
