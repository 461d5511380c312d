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
"can cost), the obvious weak table, Guile 3.0 weak-key tables and V8's\n"
"WeakMap, on the same keys. Options take their value as --opt VALUE or\n"
"--opt=VALUE.\n"
"\n"
"  --sizes LIST       entry counts, comma-separated; 1e6 notation accepted\n"
"                     (default 1e3,1e4,1e5,1e6)\n"
"  --big              also run N = 1e7 (slow: many minutes per system,\n"
"                     and a few GiB per process)\n"
"  --workloads LIST   any of insert,get_hit,get_miss,has,delete,churn,\n"
"                     reclaim,gc_cost,pause,memory,threads (default: all)\n"
"                     and, for byte-string keys only, intern_miss,\n"
"                     intern_hit,reclaim_half,key_shapes\n"
"  --systems LIST     any of strong,floor,gcweak,gcweak-wk,naive,guile,v8\n"
"                     (default: all; floor is the link floor; gcweak-wk is\n"
"                     gcweak's weak-key mode; missing peers are skipped\n"
"                     with a message), gcweak-dw,naive-dw (doubly-weak\n"
"                     maps), and with byte-string keys valmap (gcweak's\n"
"                     weak-value map), strong-bytes, naive-val, guile-val,\n"
"                     python (weakref.WeakValueDictionary; BENCH_PYTHON\n"
"                     names the interpreter, default python3)\n"
"  --threads LIST     reader thread counts for the threads workload\n"
"                     (default 1,2)\n"
"  --reps N           repetitions per figure; the median is reported\n"
"                     (default 5)\n"
"  --rounds N         spread the repetitions over N rounds, each running\n"
"                     every system once in turn (default 1), so that a\n"
"                     machine whose speed drifts slows all systems alike;\n"
"                     each child then also runs one unreported warm-up\n"
"                     repetition\n"
"  --min-ops N        operations timed per repetition, at least\n"
"                     (default 262144)\n"
"  --quick            smoke run: N = 1e3,1e4 and 4096 operations per\n"
"                     repetition; figures are not meaningful\n"
"  --json FILE        write every figure as JSON to FILE\n"
"  --report-dir DIR   write DIR/report.md, DIR/results.json, DIR/chart.svg\n"
"  --no-fork          run everything in this process (for profilers;\n"
"                     systems then share one heap, and memory figures\n"
"                     miss the growth of bdwgc's link table)\n"
"  --node PATH        node executable for the V8 peer (default: node)\n"
"  --v8-script PATH   the V8 peer script (default: %s/systems/v8_weakmap.js)\n"
"  --help             this text\n"
"\n"
"Exit status: 0 on success, 1 when a system gave a wrong answer or crashed,\n"
"2 on a usage error.\n", BENCH_SOURCE_DIR);
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
  OPT_NODE, OPT_V8_SCRIPT,
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

  memset(cfg, 0, sizeof *cfg);
  for (int i = 0; i < 4; i++)
    cfg->sizes[i] = default_sizes[i];
  cfg->n_sizes = 4;
  for (int wl = 0; wl < WL_COUNT; wl++)
    cfg->workloads[wl] = true;
  cfg->threads[0] = 1;
  cfg->threads[1] = 2;
  cfg->n_threads = 2;
  cfg->reps = 5;
  cfg->rounds = 1;
  cfg->min_ops = 262144;
  cfg->fork_systems = true;
  for (size_t i = 0; i < systems_count() && cfg->n_systems < BENCH_MAX_SYSTEMS; i++)
    cfg->systems[cfg->n_systems++] = systems_at(i)->name;
  cfg->node = "node";
  cfg->v8_script = BENCH_SOURCE_DIR "/systems/v8_weakmap.js";

  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
    char *items[16];
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
      count = split_list(optarg, items, 16);
      if (count <= 0)
        return usage_error("--workloads takes a list", "");
      memset(cfg->workloads, 0, sizeof cfg->workloads);
      for (int k = 0; k < count; k++) {
        int wl = bench_workload_from_name(items[k]);
        if (wl < 0)
          return usage_error("unknown workload: %s", items[k]);
        cfg->workloads[wl] = true;
      }
      break;
    case OPT_SYSTEMS:
      count = split_list(optarg, items, BENCH_MAX_SYSTEMS);
      if (count <= 0)
        return usage_error("--systems takes 1 to 16 systems", "");
      for (int k = 0; k < count; k++) {
        if (systems_find(items[k]) == NULL)
          return usage_error("unknown system: %s", items[k]);
        cfg->systems[k] = items[k];
      }
      cfg->n_systems = count;
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
    case ':':
      return usage_error("option %s needs an argument", argv[optind - 1]);
    default:
      return usage_error("unknown option: %s", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument: %s", argv[optind]);
  if (cfg->quick) {
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
