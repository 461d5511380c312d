/* SPDX-License-Identifier: MIT */
/*
 * Guile 3.0's weak-key hash tables (scm_make_weak_key_hash_table), keyed by
 * the same collector objects: Guile runs on the same libgc, and a weak-key
 * table accepts any heap pointer as an eq? key. Values go in as raw words, as
 * the other systems store them; Guile never looks inside a value.
 *
 * Guile sets collector parameters of its own when it starts (no interior
 * pointers, finalization on demand), which is one reason every system runs
 * in a process of its own.
 */
#include "systems.h"

#include <libguile.h>

static SCM absent;       /* a fresh pair: the "not found" default */
static SCM count_one;    /* (lambda (k v n) (+ n 1)), for hash-fold */

static const char *guile_setup(void)
{
  scm_init_guile();
  absent = scm_permanent_object(scm_cons(SCM_BOOL_F, SCM_BOOL_F));
  count_one = scm_permanent_object(scm_c_eval_string("(lambda (k v n) (+ n 1))"));
  return NULL;
}

static void *guile_create(void)
{
  return SCM_UNPACK_POINTER(scm_make_weak_key_hash_table(SCM_UNDEFINED));
}

static inline SCM as_table(void *t) { return SCM_PACK_POINTER(t); }
static inline SCM as_scm(const void *p) { return SCM_PACK((scm_t_bits)p); }

static void guile_set_all(void *t, void *const *keys, void *const *vals, size_t n)
{
  SCM table = as_table(t);
  for (size_t i = 0; i < n; i++)
    scm_hashq_set_x(table, as_scm(keys[i]), as_scm(vals[i]));
}

static size_t guile_get_all(void *t, void *const *keys, size_t n, uintptr_t *sum)
{
  SCM table = as_table(t);
  size_t found = 0;
  uintptr_t s = 0;
  for (size_t i = 0; i < n; i++) {
    SCM v = scm_hashq_ref(table, as_scm(keys[i]), absent);
    if (!scm_is_eq(v, absent)) {
      found++;
      s += (uintptr_t)SCM_UNPACK(v);
    }
  }
  *sum += s;
  return found;
}

static size_t guile_has_all(void *t, void *const *keys, size_t n)
{
  SCM table = as_table(t);
  size_t found = 0;
  for (size_t i = 0; i < n; i++)
    found += !scm_is_eq(scm_hashq_ref(table, as_scm(keys[i]), absent), absent);
  return found;
}

/* hashq-remove! on a weak table always answers #f, so this reports n. */
static size_t guile_del_all(void *t, void *const *keys, size_t n)
{
  SCM table = as_table(t);
  for (size_t i = 0; i < n; i++)
    scm_hashq_remove_x(table, as_scm(keys[i]));
  return n;
}

static void guile_bump_all(void *t, void *const *keys, size_t n)
{
  SCM table = as_table(t);
  for (size_t i = 0; i < n; i++) {
    SCM k = as_scm(keys[i]);
    long v = scm_to_long(scm_hashq_ref(table, k, SCM_INUM0));
    scm_hashq_set_x(table, k, scm_from_long(v + 1));
  }
}

static size_t guile_size(void *t)
{
  /* hash-count rejects weak tables; hash-fold visits their live entries */
  return scm_to_size_t(scm_hash_fold(count_one, SCM_INUM0, as_table(t)));
}

static void *guile_in_thread(void *(*fn)(void *), void *arg)
{
  return scm_with_guile(fn, arg);
}

const bench_system bench_sys_guile = {
  .name = "guile",
  .label = "Guile 3.0 weak-key table",
  .weak = true,
  .setup = guile_setup,
  .create = guile_create,
  .set_all = guile_set_all,
  .get_all = guile_get_all,
  .has_all = guile_has_all,
  .del_all = guile_del_all,
  .bump_all = guile_bump_all,
  .size = guile_size,
  .in_thread = guile_in_thread,
  .concurrent_reads = true,
};
