/* SPDX-License-Identifier: MIT */
/*
 * The pause after a collection: with N entries in the table, a full
 * collection, then ONE operation timed on its own, for each of get, has, set
 * of a present key, set of a new key (insert) and delete. A table that
 * leaves work behind for its next caller after a collection (clearing the
 * entries of dead keys, for instance) shows it here and not in the
 * per-operation averages, where it is spread over many operations.
 *
 * Every operation gets a collection of its own, so that each is the first
 * after one; the round repeats until the run has PAUSE_MIN_ROUNDS samples
 * at least, and every round is one sample (the report shows median and
 * worst). A run of several rounds takes its share in each: a round here
 * is five full collections with N entries, at 10^6 a quarter to half a
 * second, and taking all of them in every child made this workload a
 * third of a default run's time.
 */
#include "workloads.h"

#include <stdlib.h>

#include <gc/gc.h>

#include "core/emit.h"
#include "keyset.h"

#define PAUSE_MIN_ROUNDS 10

enum { P_GET, P_HAS, P_SET, P_INSERT, P_DELETE, P_COUNT };

static const char *const pause_metric[P_COUNT] = {
  "first_get_ns", "first_has_ns", "first_set_ns", "first_insert_ns",
  "first_delete_ns",
};

/* One operation on one key, timed after a full collection, in ns. */
static double first_op_ns(const bench_system *sys, void *t, int op,
                          void *const *key, void *const *val)
{
  uintptr_t sum = 0;
  size_t got = 1;
  full_collections(1);
  uint64_t t0 = now_ns();
  switch (op) {
  case P_GET: got = sys->get_all(t, key, 1, &sum); break;
  case P_HAS: got = sys->has_all(t, key, 1); break;
  case P_SET:
  case P_INSERT: sys->set_all(t, key, val, 1); break;
  case P_DELETE: got = sys->del_all(t, key, 1); break;
  }
  uint64_t t1 = now_ns();
  if (got != 1 || sum == 1)
    return -1;
  return (double)(t1 - t0);
}

void wl_pause(wl_ctx *c)
{
  int reps = c->cfg->reps - c->cfg->warmup_reps;
  int share = (PAUSE_MIN_ROUNDS + c->cfg->rounds - 1) / c->cfg->rounds;
  int rounds = reps > share ? reps : share;
  double *samples = malloc((size_t)rounds * P_COUNT * sizeof *samples);
  if (samples == NULL)
    abort();
  void **scratch = new_ptr_array(2);   /* keeps the key and value at hand */
  void *t = wl_build(c->sys, c->keys, c->vals, c->n);
  full_collections(1);

  bool wrong = false;
  for (int r = 0; r < rounds; r++) {
    for (int op = 0; op < P_COUNT; op++) {
      size_t i = rng_below(&c->rng, c->n);
      scratch[0] = op == P_INSERT ? GC_MALLOC(KEY_BYTES) : c->keys[i];
      scratch[1] = c->vals[i];
      if (scratch[0] == NULL)
        abort();
      double ns = first_op_ns(c->sys, t, op, scratch, scratch + 1);
      wrong |= ns < 0;
      samples[op * rounds + r] = ns;
      /* Back to the same N entries, untimed. */
      if (op == P_INSERT)
        c->sys->del_all(t, scratch, 1);
      else if (op == P_DELETE)
        c->sys->set_all(t, scratch, scratch + 1, 1);
    }
  }
  if (wrong)
    emit_note("warn", c->sys->name, "pause at N=%zu: a present key was not found",
              c->n);
  for (int op = 0; op < P_COUNT; op++)
    wl_emit_all(c, WL_PAUSE, pause_metric[op], samples + op * rounds, rounds);
  free(samples);
}
