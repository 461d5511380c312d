/* SPDX-License-Identifier: MIT */
/*
 * The command line (see options.h): defaults, --help, and each option's
 * checks, so that a bad value is a usage error before anything runs.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "systems/systems.h"

#ifndef BENCH_SOURCE_DIR
#define BENCH_SOURCE_DIR "bench"
#endif

static void usage(FILE *out)
{
  fprintf(out,
"Usage: gcweak-bench [options]\n"
"Times gcweak against a strong table (the ceiling), the link floor (one\n"
"collector link per key and nothing else: the least any weak table on bdwgc\n"
"can cost), the obvious weak table, the card's table, Guile 3.0 weak-key\n"
"tables and V8's WeakMap, on the same keys; gcweak's doubly-weak map, and\n"
"its weak-value map keyed by byte strings against a strong byte-string\n"
"table, the obvious weak-value table, Guile's weak-value table and Python's\n"
"WeakValueDictionary; and gcweak's weak references and finalization\n"
"registries against a plain pointer load (the ceiling), the link floor, the\n"
"obvious weak reference, bdwgc's own finalizers, V8's WeakRef and\n"
"FinalizationRegistry and Python's weakref.ref and weakref.finalize.\n"
"Options take their value as --opt VALUE or --opt=VALUE.\n"
"\n"
"  --sizes LIST       entry counts, comma-separated; 1e6 notation accepted\n"
"                     (default 1e3,1e4,1e5,1e6)\n"
"  --big              also run N = 1e7 (slow: many minutes per system,\n"
"                     and a few GiB per process)\n"
"  --workloads LIST   any of insert,get_hit,get_miss,has,delete,churn,\n"
"                     reclaim,gc_cost,pause,memory,threads (weak tables),\n"
"                     intern_miss,intern_hit,reclaim_half,key_shapes (weak\n"
"                     tables keyed by byte strings only),\n"
"                     ref_new,ref_get,ref_get_dead,ref_gc_cost,ref_threads\n"
"                     (weak references), reg_register,reg_unregister,\n"
"                     reg_delivery,reg_gc_cost (registries); \"maps\",\n"
"                     \"refs\" and \"registry\" name each group (default:\n"
"                     all those of the systems run; with no --systems\n"
"                     either, the tables')\n"
"  --systems LIST     any of strong,floor,gcweak,gcweak-wk,naive,card,guile,\n"
"                     v8,gcweak-dw,naive-dw (tables; the last two doubly-weak\n"
"                     maps), valmap,strong-bytes,naive-val,guile-val,python\n"
"                     (tables keyed by byte strings: valmap is gcweak's\n"
"                     weak-value map, python weakref.WeakValueDictionary),\n"
"                     plain,box,gcweak-ref,v8-ref,python-ref\n"
"                     (references), gcweak-reg,finalizer,v8-reg,python-reg\n"
"                     (registries) (default: all when --workloads is\n"
"                     given, the tables' otherwise; floor is the link\n"
"                     floor of all three; gcweak-wk is gcweak's weak-key\n"
"                     mode; card is the table a user builds from bdwgc's\n"
"                     documentation: open addressing, keys hidden in\n"
"                     pointer-free buckets, a link on each, moved at\n"
"                     resize; box is the obvious weak reference; finalizer\n"
"                     is GC_register_finalizer; missing peers are skipped\n"
"                     with a message). A system runs only the selected\n"
"                     workloads of its kind\n"
"  --threads LIST     reader thread counts for the threads and ref_threads\n"
"                     workloads (default 1,2)\n"
"  --reps N           repetitions per figure; the median is reported\n"
"                     (default 3)\n"
"  --rounds N         spread the repetitions over N rounds, each running\n"
"                     every system once in turn at each size (default 3,\n"
"                     1 with --quick), so that a machine whose speed\n"
"                     drifts slows all systems alike; each child then also\n"
"                     runs one unreported warm-up repetition, and a\n"
"                     comparison is a verdict only if every round agrees\n"
"  --min-ops N        operations timed per repetition, at least\n"
"                     (default 262144)\n"
"  --quick            smoke run: N = 1e3,1e4 and 4096 operations per\n"
"                     repetition; figures are not meaningful\n"
"  --json FILE        write every figure as JSON to FILE\n"
"  --report-dir DIR   write DIR/report.md, DIR/results.json, DIR/chart.svg\n"
"  --no-fork          run everything in this process (for profilers;\n"
"                     systems then share one heap, and memory figures\n"
"                     miss the growth of bdwgc's link table)\n"
"  --node PATH        node executable for the V8 peers (default: node)\n"
"  --v8-script PATH   the V8 WeakMap peer script\n"
"                     (default: %s/systems/v8_weakmap.js)\n"
"  --v8-ref-script PATH\n"
"                     the V8 WeakRef and FinalizationRegistry peer script\n"
"                     (default: %s/systems/v8_weakref.js)\n"
"  --python PATH      python executable for the Python peers\n"
"                     (default: $BENCH_PYTHON if set, else python3)\n"
"  --python-script PATH\n"
"                     the Python weakref.ref and weakref.finalize peer\n"
"                     script (default: %s/systems/python_weakref.py; the\n"
"                     WeakValueDictionary peer is always\n"
"                     %s/systems/python_weakvalue.py)\n"
"  --help             this text\n"
"\n"
"Exit status: 0 on success, 1 when a system gave a wrong answer or crashed,\n"
"2 on a usage error.\n", BENCH_SOURCE_DIR, BENCH_SOURCE_DIR, BENCH_SOURCE_DIR,
          BENCH_SOURCE_DIR);
}

static int usage_error(const char *fmt, const char *arg)
{
  fprintf(stderr, "gcweak-bench: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'gcweak-bench --help'.\n");
  return 2;
}

/* "1000", "1e6", "10^5" */
static bool parse_count(const char *s, size_t *out)
{
  char *end;
  errno = 0;
  double v;
  if (strncmp(s, "10^", 3) == 0) {
    long e = strtol(s + 3, &end, 10);
    v = 1;
    while (e-- > 0)
      v *= 10;
  } else {
    v = strtod(s, &end);
  }
  if (errno != 0 || *end != '\0' || v < 1 || v > 1e9)
    return false;
  *out = (size_t)v;
  return true;
}

/* Splits a comma-separated list in place; returns the item count or -1 when
 * there are more than max items. */
static int split_list(char *list, char **items, int max)
{
  int count = 0;
  for (char *tok = strtok(list, ","); tok != NULL; tok = strtok(NULL, ",")) {
    if (count == max)
      return -1;
    items[count++] = tok;
  }
  return count;
}

/* Longest list an option takes: every workload named once, and then some. */
#define MAX_LIST 32

/* The families a group name of --workloads stands for; 0 for none. */
static unsigned workload_group(const char *name)
{
  if (strcmp(name, "maps") == 0)
    return BENCH_FAMILY_MAP;
  if (strcmp(name, "refs") == 0)
    return BENCH_FAMILY_REF;
  if (strcmp(name, "registry") == 0)
    return BENCH_FAMILY_REGISTRY;
  return 0;
}

static int compare_ints(const void *a, const void *b)
{
  return *(const int *)a - *(const int *)b;
}

static int compare_sizes(const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

enum {
  OPT_SIZES = 256, OPT_BIG, OPT_WORKLOADS, OPT_SYSTEMS, OPT_THREADS, OPT_REPS,
  OPT_ROUNDS, OPT_MIN_OPS, OPT_QUICK, OPT_JSON, OPT_REPORT_DIR, OPT_NO_FORK,
  OPT_NODE, OPT_V8_SCRIPT, OPT_V8_REF_SCRIPT, OPT_PYTHON, OPT_PYTHON_SCRIPT,
};

static const struct option long_options[] = {
  { "sizes", required_argument, NULL, OPT_SIZES },
  { "big", no_argument, NULL, OPT_BIG },
  { "workloads", required_argument, NULL, OPT_WORKLOADS },
  { "systems", required_argument, NULL, OPT_SYSTEMS },
  { "threads", required_argument, NULL, OPT_THREADS },
  { "reps", required_argument, NULL, OPT_REPS },
  { "rounds", required_argument, NULL, OPT_ROUNDS },
  { "min-ops", required_argument, NULL, OPT_MIN_OPS },
  { "quick", no_argument, NULL, OPT_QUICK },
  { "json", required_argument, NULL, OPT_JSON },
  { "report-dir", required_argument, NULL, OPT_REPORT_DIR },
  { "no-fork", no_argument, NULL, OPT_NO_FORK },
  { "node", required_argument, NULL, OPT_NODE },
  { "v8-script", required_argument, NULL, OPT_V8_SCRIPT },
  { "v8-ref-script", required_argument, NULL, OPT_V8_REF_SCRIPT },
  { "python", required_argument, NULL, OPT_PYTHON },
  { "python-script", required_argument, NULL, OPT_PYTHON_SCRIPT },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* Adds n to the sizes unless it is there already. */
static bool add_size(bench_config *cfg, size_t n)
{
  for (int i = 0; i < cfg->n_sizes; i++)
    if (cfg->sizes[i] == n)
      return true;
  if (cfg->n_sizes == BENCH_MAX_SIZES)
    return false;
  cfg->sizes[cfg->n_sizes++] = n;
  return true;
}

/* Accepts "--opt value" and "--opt=value" alike (getopt_long). */
int options_parse(int argc, char **argv, bench_config *cfg)
{
  static const size_t default_sizes[] = { 1000, 10000, 100000, 1000000 };
  bool sizes_given = false, min_ops_given = false, big = false;
  bool workloads_given = false, systems_given = false, rounds_given = false;

  memset(cfg, 0, sizeof *cfg);
  for (int i = 0; i < 4; i++)
    cfg->sizes[i] = default_sizes[i];
  cfg->n_sizes = 4;
  for (int wl = 0; wl < WL_COUNT; wl++)
    cfg->workloads[wl] = true;
  cfg->threads[0] = 1;
  cfg->threads[1] = 2;
  cfg->n_threads = 2;
  /* One repetition in each of three rounds: two runs of one commit then
   * agree on every verdict they do not call a tie (report/common.c), where
   * five repetitions in one round disagreed on a fifth of them. */
  cfg->reps = 3;
  cfg->rounds = 3;
  cfg->min_ops = 262144;
  cfg->fork_systems = true;
  cfg->node = "node";
  cfg->v8_script = BENCH_SOURCE_DIR "/systems/v8_weakmap.js";
  cfg->v8_ref_script = BENCH_SOURCE_DIR "/systems/v8_weakref.js";
  const char *python = getenv("BENCH_PYTHON");
  cfg->python = python != NULL && python[0] != '\0' ? python : "python3";
  cfg->python_script = BENCH_SOURCE_DIR "/systems/python_weakref.py";

  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
    char *items[MAX_LIST];
    int count;
    switch (opt) {
    case 'h':
      usage(stdout);
      exit(0);
    case OPT_QUICK:
      cfg->quick = true;
      break;
    case OPT_BIG:
      big = true;
      break;
    case OPT_NO_FORK:
      cfg->fork_systems = false;
      break;
    case OPT_SIZES:
      count = split_list(optarg, items, BENCH_MAX_SIZES - 1);
      if (count <= 0)
        return usage_error("--sizes takes 1 to 7 entry counts", "");
      cfg->n_sizes = 0;
      for (int k = 0; k < count; k++) {
        size_t n;
        if (!parse_count(items[k], &n))
          return usage_error("bad size: %s", items[k]);
        add_size(cfg, n);
      }
      sizes_given = true;
      break;
    case OPT_WORKLOADS:
      count = split_list(optarg, items, MAX_LIST);
      if (count <= 0)
        return usage_error("--workloads takes a list", "");
      memset(cfg->workloads, 0, sizeof cfg->workloads);
      workloads_given = true;
      for (int k = 0; k < count; k++) {
        unsigned group = workload_group(items[k]);
        int wl = bench_workload_from_name(items[k]);
        if (group == 0 && wl < 0)
          return usage_error("unknown workload: %s", items[k]);
        for (int w = 0; w < WL_COUNT; w++)
          if (w == wl || (bench_workload_family(w) & group) != 0)
            cfg->workloads[w] = true;
      }
      break;
    case OPT_SYSTEMS:
      count = split_list(optarg, items, BENCH_MAX_SYSTEMS);
      if (count <= 0)
        return usage_error("--systems takes 1 to 24 systems", "");
      for (int k = 0; k < count; k++) {
        if (systems_find(items[k]) == NULL)
          return usage_error("unknown system: %s", items[k]);
        cfg->systems[k] = items[k];
      }
      cfg->n_systems = count;
      systems_given = true;
      break;
    case OPT_THREADS:
      count = split_list(optarg, items, BENCH_MAX_THREADS);
      if (count <= 0)
        return usage_error("--threads takes 1 to 8 thread counts", "");
      for (int k = 0; k < count; k++) {
        cfg->threads[k] = atoi(items[k]);
        if (cfg->threads[k] < 1 || cfg->threads[k] > BENCH_MAX_THREADS)
          return usage_error("bad thread count: %s", items[k]);
      }
      cfg->n_threads = count;
      qsort(cfg->threads, (size_t)count, sizeof *cfg->threads, compare_ints);
      break;
    case OPT_REPS:
      cfg->reps = atoi(optarg);
      if (cfg->reps < 1 || cfg->reps > 1000)
        return usage_error("bad repetition count: %s", optarg);
      break;
    case OPT_ROUNDS:
      cfg->rounds = atoi(optarg);
      rounds_given = true;
      if (cfg->rounds < 1 || cfg->rounds > 1000)
        return usage_error("bad round count: %s", optarg);
      break;
    case OPT_MIN_OPS:
      if (!parse_count(optarg, &cfg->min_ops))
        return usage_error("bad operation count: %s", optarg);
      min_ops_given = true;
      break;
    case OPT_JSON:
      cfg->json_path = optarg;
      break;
    case OPT_REPORT_DIR:
      cfg->report_dir = optarg;
      break;
    case OPT_NODE:
      cfg->node = optarg;
      break;
    case OPT_V8_SCRIPT:
      cfg->v8_script = optarg;
      break;
    case OPT_V8_REF_SCRIPT:
      cfg->v8_ref_script = optarg;
      break;
    case OPT_PYTHON:
      cfg->python = optarg;
      break;
    case OPT_PYTHON_SCRIPT:
      cfg->python_script = optarg;
      break;
    case ':':
      return usage_error("option %s needs an argument", argv[optind - 1]);
    default:
      return usage_error("unknown option: %s", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument: %s", argv[optind]);
  /* With neither --workloads nor --systems: the tables' workloads and
   * systems, the run this binary has always made by default, a few minutes
   * long; weak references and registries are asked for by naming their
   * workloads or systems. Without --systems: every system when workloads
   * were named. */
  if (!systems_given && !workloads_given)
    for (int wl = 0; wl < WL_COUNT; wl++)
      cfg->workloads[wl] = bench_workload_family(wl) == BENCH_FAMILY_MAP;
  if (!systems_given)
    for (size_t i = 0; i < systems_count() && cfg->n_systems < BENCH_MAX_SYSTEMS; i++)
      if (workloads_given || (systems_families(systems_at(i)) & BENCH_FAMILY_MAP) != 0)
        cfg->systems[cfg->n_systems++] = systems_at(i)->name;
  if (cfg->quick) {
    if (!rounds_given)
      cfg->rounds = 1;
    if (!sizes_given) {
      cfg->sizes[0] = 1000;
      cfg->sizes[1] = 10000;
      cfg->n_sizes = 2;
    }
    if (!min_ops_given)
      cfg->min_ops = 4096;
  }
  if (big)
    add_size(cfg, 10000000);
  if (cfg->rounds > cfg->reps)
    cfg->rounds = cfg->reps;
  qsort(cfg->sizes, (size_t)cfg->n_sizes, sizeof *cfg->sizes, compare_sizes);
  return 0;
}
