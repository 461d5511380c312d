/* SPDX-License-Identifier: MIT */
/*
 * The byte-string workloads (see values.h). Keys are 16 bytes, random, in a
 * random order; values are small collector objects the workload holds in
 * an array, so that they live (a weak-value table keeps none alive). Every
 * figure is checked: a lost entry, a phantom one or a wrong value is a
 * warning, and the run exits 1.
 *
 * As in gc.c, tables whose absence is measured are built by noinline
 * helpers into holder slots, so that no stale pointer on this stack keeps
 * them alive behind the measurement's back.
 */
#include "values.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>
#include <gc/gc_mark.h>

#include "core/emit.h"
#include "core/progress.h"
#include "core/timing.h"
#include "systems/bytes.h"
#include "workloads/keyset.h"

#define RELEASE_TOLERANCE 0.05   /* of the values dropped, as the tests allow */
#define CHURN_BATCH 64

/* -------------------------------------------------------------- key shapes */

enum key_shape { SHAPE_RANDOM16, SHAPE_LAST_BYTE16, SHAPE_PREFIX72, SHAPE_RANDOM72,
                 SHAPE_COUNT };

static const struct { const char *name; size_t len; } shapes[SHAPE_COUNT] = {
  { "random16", 16 }, { "lastbyte16", 16 }, { "prefix72", 72 }, { "random72", 72 },
};

/* splitmix64's finaliser: a bijection, so distinct i give distinct words. */
static uint64_t mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static void put_le64(unsigned char *p, uint64_t x)
{
  for (int b = 0; b < 8; b++)
    p[b] = (unsigned char)(x >> (8 * b));
}

static void put_be64(unsigned char *p, uint64_t x)
{
  for (int b = 0; b < 8; b++)
    p[b] = (unsigned char)(x >> (56 - 8 * b));
}

/* Key number i of a shape. Random keys: the first word is a bijection of i
 * (all distinct), the rest more random words. Last-byte keys: zeros and a
 * big-endian count, so that consecutive keys differ in their last byte only,
 * as serial numbers do. Prefix keys: 64 common bytes, then the count. */
static void make_key(enum key_shape s, uint64_t i, unsigned char *out)
{
  size_t len = shapes[s].len;
  switch (s) {
  case SHAPE_RANDOM16:
  case SHAPE_RANDOM72:
    put_le64(out, mix64(i ^ 0x5eedf00dcafe0000u));
    for (size_t w = 8; w < len; w += 8)
      put_le64(out + w, mix64(i * 31 + w + 0x0123456789abcdefu));
    break;
  case SHAPE_LAST_BYTE16:
    memset(out, 0, 8);
    put_be64(out + 8, i);
    break;
  default:
    memset(out, 'p', 64);
    put_be64(out + 64, i);
    break;
  }
}

static unsigned char *make_keys(enum key_shape s, uint64_t first, size_t n)
{
  unsigned char *k = malloc((n ? n : 1) * shapes[s].len);
  if (k == NULL)
    abort();
  for (size_t i = 0; i < n; i++)
    make_key(s, first + i, k + i * shapes[s].len);
  return k;
}

/* ------------------------------------------------------------------ context */

typedef struct vctx {
  const bench_config *cfg;
  const bench_system *sys;
  const bench_bytes_ops *ops;
  size_t n, len;
  unsigned char *keys;    /* n keys, key i at keys + i * len */
  unsigned char *order;   /* the same keys in a random order: order j is key perm[j] */
  size_t *perm;
  void **vals;            /* vals[i] for key i: held here, so they live */
  void **ovals;           /* ovals[j] = vals[perm[j]] */
  rng rng;
  double *samples;
} vctx;

static void vctx_keys(vctx *c, enum key_shape s)
{
  free(c->keys);
  free(c->order);
  c->len = shapes[s].len;
  c->keys = make_keys(s, 0, c->n);
  c->order = malloc(c->n * c->len);
  if (c->order == NULL)
    abort();
  for (size_t j = 0; j < c->n; j++)
    memcpy(c->order + j * c->len, c->keys + c->perm[j] * c->len, c->len);
}

static void vctx_init(vctx *c, const bench_config *cfg, const bench_system *sys, size_t n)
{
  memset(c, 0, sizeof *c);
  c->cfg = cfg;
  c->sys = sys;
  c->ops = sys->bytes;
  c->n = n;
  c->rng.state = 0x5eed0000u + n;
  c->perm = malloc(n * sizeof *c->perm);
  c->samples = malloc((size_t)cfg->reps * sizeof *c->samples);
  if (c->perm == NULL || c->samples == NULL)
    abort();
  for (size_t i = 0; i < n; i++)
    c->perm[i] = i;
  for (size_t i = n; i > 1; i--) {
    size_t j = rng_below(&c->rng, i), t = c->perm[i - 1];
    c->perm[i - 1] = c->perm[j];
    c->perm[j] = t;
  }
  vctx_keys(c, SHAPE_RANDOM16);
  c->vals = new_object_values(n);
  c->ovals = new_ptr_array(n);
  for (size_t j = 0; j < n; j++)
    c->ovals[j] = c->vals[c->perm[j]];
}

static void vctx_drop(vctx *c)
{
  free(c->keys);
  free(c->order);
  free(c->perm);
  free(c->samples);
  c->vals = c->ovals = NULL;
  full_collections(2);
}

static void vemit(const vctx *c, int workload, const char *metric, const double *samples)
{
  emit_samples(c->sys->name, bench_workload_name(workload), c->n, metric,
               samples + c->cfg->warmup_reps, c->cfg->reps - c->cfg->warmup_reps);
}

static void vcheck(const vctx *c, int workload, const char *what, size_t got, size_t want)
{
  if (got != want)
    emit_note("warn", c->sys->name, "%s at N=%zu: %s %zu, expected %zu",
              bench_workload_name(workload), c->n, what, got, want);
}

static double ns_per_op(uint64_t t0, uint64_t t1, size_t ops)
{
  return (double)(t1 - t0) / (double)ops;
}

static void *vbuild(const bench_bytes_ops *ops, const unsigned char *keys, size_t len,
                    void *const *vals, size_t n)
{
  void *t = ops->create();
  ops->set_all(t, keys, len, n, vals);
  return t;
}

/* Lookups per repetition, as in ops.c: whole passes while N is below
 * min_ops, otherwise the first min_ops keys of the random order. */
static void plan_lookups(const vctx *c, size_t *passes, size_t *count)
{
  *passes = 1;
  *count = c->n;
  if (c->n >= c->cfg->min_ops)
    *count = c->cfg->min_ops;
  else
    *passes = passes_for(c->n, c->cfg->min_ops);
}

/* ------------------------------------------------------- per-op workloads */

/* Fresh tables filled by set (insert), emptied again by delete; several
 * tables per repetition while N is below min_ops. */
static void v_insert_delete(vctx *c, bool insert, bool delete)
{
  size_t passes = passes_for(c->n, c->cfg->min_ops);
  void **tables = new_ptr_array(passes);
  double *del = malloc((size_t)c->cfg->reps * sizeof *del);
  if (del == NULL)
    abort();
  for (int r = 0; r < c->cfg->reps; r++) {
    full_collections(1);
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < passes; p++)
      tables[p] = vbuild(c->ops, c->order, c->len, c->ovals, c->n);
    uint64_t t1 = now_ns();
    c->samples[r] = ns_per_op(t0, t1, passes * c->n);
    if (r == 0)
      vcheck(c, WL_INSERT, "size after insert", c->ops->size(tables[0]), c->n);
    if (delete) {
      full_collections(1);
      size_t deleted = 0;
      t0 = now_ns();
      for (size_t p = 0; p < passes; p++)
        deleted += c->ops->del_all(tables[p], c->keys, c->len, c->n);
      t1 = now_ns();
      vcheck(c, WL_DELETE, "keys deleted", deleted, passes * c->n);
      if (r == 0)
        vcheck(c, WL_DELETE, "size after deleting all", c->ops->size(tables[0]), 0);
      del[r] = ns_per_op(t0, t1, passes * c->n);
    }
    memset(tables, 0, passes * sizeof *tables);
  }
  if (insert)
    vemit(c, WL_INSERT, "ns_per_op", c->samples);
  if (delete)
    vemit(c, WL_DELETE, "ns_per_op", del);
  free(del);
}

/* Interning into fresh tables: every key a miss that makes a small object,
 * held by the workload as a caller would hold what it interned. */
static void v_intern_miss(vctx *c)
{
  size_t passes = passes_for(c->n, c->cfg->min_ops);
  void **tables = new_ptr_array(passes);
  void **out = new_ptr_array(passes * c->n);
  for (int r = 0; r < c->cfg->reps; r++) {
    full_collections(1);
    size_t made = 0;
    uint64_t t0 = now_ns();
    for (size_t p = 0; p < passes; p++) {
      tables[p] = c->ops->create();
      made += c->ops->intern_all(tables[p], c->order, c->len, c->n, out + p * c->n);
    }
    uint64_t t1 = now_ns();
    c->samples[r] = ns_per_op(t0, t1, passes * c->n);
    vcheck(c, WL_INTERN_MISS, "values made", made, passes * c->n);
    if (r == 0) {
      vcheck(c, WL_INTERN_MISS, "size after interning", c->ops->size(tables[0]), c->n);
      uintptr_t sum = 0, want = 0;
      vcheck(c, WL_INTERN_MISS, "interned keys found",
             c->ops->get_all(tables[0], c->order, c->len, c->n, &sum), c->n);
      for (size_t j = 0; j < c->n; j++)
        want += (uintptr_t)out[j];
      vcheck(c, WL_INTERN_MISS, "values that are not those made", sum != want, 0);
    }
    memset(tables, 0, passes * sizeof *tables);
    memset(out, 0, passes * c->n * sizeof *out);
  }
  vemit(c, WL_INTERN_MISS, "ns_per_op", c->samples);
}

/* get hit, intern hit and get miss on one table of the N keys. */
static void v_reads(vctx *c)
{
  const bench_config *cfg = c->cfg;
  size_t passes, count;
  plan_lookups(c, &passes, &count);
  void *t = vbuild(c->ops, c->keys, c->len, c->vals, c->n);
  full_collections(1);
  uintptr_t want = 0;
  for (size_t j = 0; j < count; j++)
    want += (uintptr_t)c->ovals[j];

  if (cfg->workloads[WL_GET_HIT]) {
    for (int r = 0; r < cfg->reps; r++) {
      size_t found = 0;
      uintptr_t sum = 0;
      uint64_t t0 = now_ns();
      for (size_t p = 0; p < passes; p++)
        found += c->ops->get_all(t, c->order, c->len, count, &sum);
      uint64_t t1 = now_ns();
      vcheck(c, WL_GET_HIT, "keys found", found, passes * count);
      vcheck(c, WL_GET_HIT, "wrong values", sum != want * passes, 0);
      c->samples[r] = ns_per_op(t0, t1, passes * count);
    }
    vemit(c, WL_GET_HIT, "ns_per_op", c->samples);
  }
  if (cfg->workloads[WL_INTERN_HIT]) {
    void **out = new_ptr_array(count);
    for (int r = 0; r < cfg->reps; r++) {
      size_t made = 0;
      uint64_t t0 = now_ns();
      for (size_t p = 0; p < passes; p++)
        made += c->ops->intern_all(t, c->order, c->len, count, out);
      uint64_t t1 = now_ns();
      vcheck(c, WL_INTERN_HIT, "values made for present keys", made, 0);
      size_t wrong = 0;
      for (size_t j = 0; j < count; j++)
        wrong += out[j] != c->ovals[j];
      vcheck(c, WL_INTERN_HIT, "wrong values", wrong, 0);
      c->samples[r] = ns_per_op(t0, t1, passes * count);
    }
    vemit(c, WL_INTERN_HIT, "ns_per_op", c->samples);
  }
  if (cfg->workloads[WL_GET_MISS]) {
    /* numbers past the N keys': never inserted */
    unsigned char *misses = make_keys(SHAPE_RANDOM16, c->n, count);
    for (int r = 0; r < cfg->reps; r++) {
      size_t found = 0;
      uintptr_t sum = 0;
      uint64_t t0 = now_ns();
      for (size_t p = 0; p < passes; p++)
        found += c->ops->get_all(t, misses, c->len, count, &sum);
      uint64_t t1 = now_ns();
      vcheck(c, WL_GET_MISS, "absent keys found", found, 0);
      c->samples[r] = ns_per_op(t0, t1, passes * count);
    }
    free(misses);
    vemit(c, WL_GET_MISS, "ns_per_op", c->samples);
  }
  vcheck(c, WL_GET_HIT, "size after the reads", c->ops->size(t), c->n);
}

/*
 * Churn: N keys interned; then, batch by batch, the oldest keys are deleted
 * and as many new ones interned (the new values replacing the old in the
 * workload's array). One operation is a delete or an intern; min_ops per
 * repetition.
 */
static void v_churn(vctx *c)
{
  size_t n = c->n, len = c->len, batch = n < CHURN_BATCH ? n : CHURN_BATCH;
  size_t per_rep = (c->cfg->min_ops / 2 + batch - 1) / batch * batch;
  size_t total = per_rep * (size_t)c->cfg->reps;
  /* a number range of its own: these keys are not the context's */
  unsigned char *stream = make_keys(SHAPE_RANDOM16, (uint64_t)1 << 40, n + total);
  void **live = new_ptr_array(n), **out = new_ptr_array(batch);
  void *t = c->ops->create();
  size_t made = c->ops->intern_all(t, stream, len, n, live), deleted = 0;
  size_t a = 0;
  for (int r = 0; r < c->cfg->reps; r++) {
    full_collections(1);
    uint64_t t0 = now_ns();
    for (size_t done = 0; done < per_rep; done += batch, a += batch) {
      deleted += c->ops->del_all(t, stream + a * len, len, batch);
      made += c->ops->intern_all(t, stream + (n + a) * len, len, batch, out);
      for (size_t j = 0; j < batch; j++)
        live[(a + j) % n] = out[j];
    }
    uint64_t t1 = now_ns();
    c->samples[r] = ns_per_op(t0, t1, 2 * per_rep);
  }
  vcheck(c, WL_CHURN, "keys deleted", deleted, total);
  vcheck(c, WL_CHURN, "values made", made, n + total);
  vcheck(c, WL_CHURN, "size after churn", c->ops->size(t), n);
  free(stream);
  vemit(c, WL_CHURN, "ns_per_op", c->samples);
}

/* ------------------------------------------------------ collector workloads */

static __attribute__((noinline)) void
build_into(const vctx *c, void **holder, void *const *vals)
{
  holder[0] = vbuild(c->ops, c->order, c->len, vals, c->n);
}

static double timed_collection_ms(void)
{
  clear_stack();
  uint64_t t0 = now_ns();
  GC_gcollect();
  return (double)(now_ns() - t0) / 1e6;
}

static __attribute__((noinline)) void time_with_table(const vctx *c, double *with)
{
  void **holder = new_ptr_array(1);
  build_into(c, holder, c->ovals);
  full_collections(2);
  for (int r = 0; r < c->cfg->reps; r++)
    with[r] = timed_collection_ms();
  vcheck(c, WL_GC_COST, "size with the values live", c->ops->size(holder[0]), c->n);
  holder[0] = NULL;
}

/*
 * One full collection with N live entries whose values the workload holds
 * in an array, minus one with the same values in the same array and no
 * table, per entry: what the table adds to every collection while its
 * values live.
 */
static void v_gc_cost(vctx *c)
{
  int reps = c->cfg->reps;
  double *with = malloc((size_t)reps * 3 * sizeof *with);
  if (with == NULL)
    abort();
  double *base = with + reps, *per = with + 2 * reps;
  time_with_table(c, with);
  full_collections(3);
  for (int r = 0; r < reps; r++)
    base[r] = timed_collection_ms();
  for (int r = 0; r < reps; r++)
    per[r] = (with[r] - base[r]) * 1e6 / (double)c->n;
  vemit(c, WL_GC_COST, "ns_per_entry", per);
  vemit(c, WL_GC_COST, "gc_ms_table", with);
  vemit(c, WL_GC_COST, "gc_ms_array", base);
  free(with);
}

typedef struct half_outcome {
  double ms;
  size_t left, kept_found;
} half_outcome;

/* One repetition: N entries, the values of the even-numbered keys dropped,
 * one full collection timed; then what the table still holds. */
static __attribute__((noinline)) half_outcome reclaim_half_once(const vctx *c)
{
  half_outcome out = { 0, 0, 0 };
  void **vals = new_object_values(c->n);
  void **holder = new_ptr_array(1);
  holder[0] = vbuild(c->ops, c->keys, c->len, vals, c->n);
  full_collections(1);
  for (size_t i = 0; i < c->n; i += 2)
    vals[i] = NULL;
  out.ms = timed_collection_ms();
  /* Counted after two more collections, as the tests count: one stale
   * copy of a dropped value, left in a register or a scanned slot at the
   * timed collection, keeps its entry for that one (a quarter of the
   * obvious weak-value table's entries, once, under load). */
  full_collections(2);
  out.left = c->ops->size(holder[0]);
  for (size_t i = 1; i < c->n; i += 2) {
    uintptr_t sum = 0;
    if (c->ops->get_all(holder[0], c->keys + i * c->len, c->len, 1, &sum) == 1 &&
        sum == (uintptr_t)vals[i])
      out.kept_found++;
  }
  holder[0] = NULL;
  return out;
}

/* The same collection without a table: as many values, half dropped. */
static __attribute__((noinline)) double reclaim_half_baseline(size_t n)
{
  void **vals = new_object_values(n);
  full_collections(1);
  for (size_t i = 0; i < n; i += 2)
    vals[i] = NULL;
  return timed_collection_ms();
}

static void v_reclaim_half(vctx *c)
{
  if (!c->ops->weak) {
    if (c->n == c->cfg->sizes[0])
      emit_note("info", c->sys->name, "reclaim_half skipped: a strong table "
                "keeps every value alive");
    return;
  }
  int reps = c->cfg->reps;
  double *with = malloc((size_t)reps * 3 * sizeof *with);
  if (with == NULL)
    abort();
  double *base = with + reps, *per = with + 2 * reps;
  size_t kept = c->n / 2, dropped = c->n - kept;
  for (int r = 0; r < reps; r++) {
    half_outcome o = reclaim_half_once(c);
    full_collections(2);
    base[r] = reclaim_half_baseline(c->n);
    full_collections(1);
    with[r] = o.ms;
    per[r] = (o.ms - base[r]) * 1e6 / (double)c->n;
    vcheck(c, WL_RECLAIM_HALF, "live values found", o.kept_found, kept);
    /* gcweak's maps are judged (a warning fails the run); a peer's
     * retention is reported: the obvious weak-value table kept a quarter of
     * its dropped entries through three collections in a Release build. */
    bool judged = strncmp(c->sys->name, "gcweak", 6) == 0 || strcmp(c->sys->name, "valmap") == 0;
    if (o.left < kept || (double)(o.left - kept) > RELEASE_TOLERANCE * (double)dropped)
      emit_note(judged ? "warn" : "info", c->sys->name, "reclaim_half at N=%zu: %zu entries left, "
                "expected %zu (at most %.0f%% of the %zu dropped may survive)",
                c->n, o.left, kept, 100 * RELEASE_TOLERANCE, dropped);
  }
  vemit(c, WL_RECLAIM_HALF, "gc_ms_table", with);
  vemit(c, WL_RECLAIM_HALF, "gc_ms_array", base);
  vemit(c, WL_RECLAIM_HALF, "ns_per_entry", per);
  free(with);
}

/* ------------------------------------------------------------- key shapes */

/*
 * Insert and get hit with keys of each shape, N of them in a random order:
 * keys sharing a 64-byte prefix, keys that differ in their last byte only,
 * and random keys of the same lengths. With a keyed hash all cost what
 * random keys of their length cost.
 */
static void v_key_shapes(vctx *c)
{
  if (!c->ops->shapes)
    return;
  size_t passes = passes_for(c->n, c->cfg->min_ops), lp, count;
  plan_lookups(c, &lp, &count);
  void **tables = new_ptr_array(passes);
  double *get = malloc((size_t)c->cfg->reps * sizeof *get);
  if (get == NULL)
    abort();
  for (int s = 0; s < SHAPE_COUNT; s++) {
    vctx_keys(c, (enum key_shape)s);
    for (int r = 0; r < c->cfg->reps; r++) {
      full_collections(1);
      uint64_t t0 = now_ns();
      for (size_t p = 0; p < passes; p++)
        tables[p] = vbuild(c->ops, c->order, c->len, c->ovals, c->n);
      uint64_t t1 = now_ns();
      c->samples[r] = ns_per_op(t0, t1, passes * c->n);
      memset(tables + 1, 0, (passes - 1) * sizeof *tables);
      size_t found = 0;
      uintptr_t sum = 0;
      t0 = now_ns();
      for (size_t p = 0; p < lp; p++)
        found += c->ops->get_all(tables[0], c->order, c->len, count, &sum);
      t1 = now_ns();
      get[r] = ns_per_op(t0, t1, lp * count);
      vcheck(c, WL_KEY_SHAPES, "keys found", found, lp * count);
      vcheck(c, WL_KEY_SHAPES, "size", c->ops->size(tables[0]), c->n);
      tables[0] = NULL;
    }
    char metric[24];
    snprintf(metric, sizeof metric, "%s_set_ns", shapes[s].name);
    vemit(c, WL_KEY_SHAPES, metric, c->samples);
    snprintf(metric, sizeof metric, "%s_get_ns", shapes[s].name);
    vemit(c, WL_KEY_SHAPES, metric, get);
  }
  vctx_keys(c, SHAPE_RANDOM16);
  free(get);
}

/* ----------------------------------------------------------------- memory */

static void GC_CALLBACK add_object_bytes(void *obj, size_t bytes, void *sum)
{
  (void)obj;
  *(size_t *)sum += bytes;
}

static void *sum_reachable_locked(void *sum)
{
  GC_enumerate_reachable_objects_inner(add_object_bytes, sum);
  return NULL;
}

static size_t reachable_bytes(void)
{
  size_t sum = 0;
  GC_call_with_alloc_lock(sum_reachable_locked, &sum);
  return sum;
}

typedef struct build_job {
  const bench_system *sys;
  void **holder, **vals;
  const unsigned char *keys;
  size_t n;
} build_job;

static void *build_body(void *arg)
{
  build_job *job = arg;
  job->holder[0] = vbuild(job->sys->bytes, job->keys, VALUE_KEY_BYTES, job->vals, job->n);
  return NULL;
}

static void *builder_thread(void *arg)
{
  build_job *job = arg;
  return job->sys->in_thread ? job->sys->in_thread(build_body, job) : build_body(job);
}

/* Reachable bytes with the table minus without, per entry, the values held
 * in an array in both states. The table is built by a thread of its own, as
 * in memory.c, so that its stale pointers go with that thread's stack. */
static void memory_probe(const bench_system *sys, size_t n)
{
  GC_allow_register_threads();
  unsigned char *keys = make_keys(SHAPE_RANDOM16, 0, n);
  void **vals = new_object_values(n);
  void **holder = new_ptr_array(1);
  full_collections(1);
  size_t reach0 = reachable_bytes(), heap0 = GC_get_memory_use();
  build_job job = { sys, holder, vals, keys, n };
  pthread_t tid;
  if (pthread_create(&tid, NULL, builder_thread, &job) != 0 ||
      pthread_join(tid, NULL) != 0)
    abort();
  full_collections(1);
  size_t reach1 = reachable_bytes(), heap1 = GC_get_memory_use();
  if (sys->bytes->size(holder[0]) != n)
    emit_note("warn", sys->name, "memory at N=%zu: entries lost", n);
  emit_sample(sys->name, "memory", n, "bytes_per_entry",
              ((double)reach1 - (double)reach0) / (double)n);
  emit_sample(sys->name, "memory", n, "heap_bytes_per_entry",
              ((double)heap1 - (double)heap0) / (double)n);
  free(keys);
}

/* ------------------------------------------------------------------ driver */

void values_run_job(const bench_config *cfg, const bench_system *sys,
                    bool memory_probe_only, size_t n)
{
  if (memory_probe_only) {
    memory_probe(sys, n);
    return;
  }
  emit_note("info", sys->name, "libgc %u.%u.%u; byte-string keys of %d bytes",
            GC_VERSION_MAJOR, GC_VERSION_MINOR, GC_VERSION_MICRO, VALUE_KEY_BYTES);
  const bool *w = cfg->workloads;
  for (int s = 0; s < cfg->n_sizes; s++) {
    vctx c;
    vctx_init(&c, cfg, sys, cfg->sizes[s]);
    if (w[WL_INSERT] || w[WL_DELETE])
      v_insert_delete(&c, w[WL_INSERT], w[WL_DELETE]);
    if (w[WL_INTERN_MISS])
      v_intern_miss(&c);
    if (w[WL_GET_HIT] || w[WL_INTERN_HIT] || w[WL_GET_MISS])
      v_reads(&c);
    if (w[WL_CHURN])
      v_churn(&c);
    if (w[WL_GC_COST])
      v_gc_cost(&c);
    if (w[WL_RECLAIM_HALF])
      v_reclaim_half(&c);
    if (w[WL_KEY_SHAPES])
      v_key_shapes(&c);
    /* no reader threads here: the runner counts none for this system
     * (run_has_thread_work) */
    emit_progress(sys->name, c.n, progress_units(cfg, cfg->reps, c.n, PROGRESS_MAIN));
    vctx_drop(&c);
  }
}
