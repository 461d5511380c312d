/* SPDX-License-Identifier: MIT */
/*
 * gcweak-bench: gcweak side by side with what a bdwgc user would pick
 * instead. Parses the command line, runs each system in child processes of
 * its own (fresh collector heap, same keys and allocator), in rounds that
 * take the systems in turn, gathers the figures from the children and from
 * the V8 peer, and writes the report.
 */
#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gc/gc.h>

#ifndef BENCH_SOURCE_DIR
#define BENCH_SOURCE_DIR "bench"
#endif

static const char *const default_systems[] = { "strong", "floor", "gcweak",
                                               "gcweak-wk", "naive", "guile",
                                               "v8" };

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
"  --systems LIST     any of strong,floor,gcweak,gcweak-wk,naive,guile,v8\n"
"                     (default: all; floor is the link floor; gcweak-wk is\n"
"                     gcweak's weak-key mode; missing peers are skipped\n"
"                     with a message)\n"
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

static bool known_system(const char *name)
{
  for (size_t i = 0; i < sizeof default_systems / sizeof *default_systems; i++)
    if (strcmp(name, default_systems[i]) == 0)
      return true;
  return false;
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
static int parse_args(int argc, char **argv, bench_config *cfg)
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
  for (size_t i = 0; i < sizeof default_systems / sizeof *default_systems; i++)
    cfg->systems[cfg->n_systems++] = default_systems[i];
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
        return usage_error("--systems takes 1 to 8 systems", "");
      for (int k = 0; k < count; k++) {
        if (!known_system(items[k]))
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

/* ------------------------------------------------------------- children */

const bench_system *bench_system_find(const char *name)
{
  static const bench_system *const builtin[] = {
    &bench_sys_strong, &bench_sys_floor, &bench_sys_gcweak,
    &bench_sys_gcweak_weak_keys, &bench_sys_naive,
#ifdef BENCH_HAVE_GUILE
    &bench_sys_guile,
#endif
  };
  for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
    if (strcmp(builtin[i]->name, name) == 0)
      return builtin[i];
  return NULL;
}

/* What one process does for one system: every workload but memory, or one
 * memory probe at one size. */
typedef struct job {
  bool memory_probe;
  size_t n;
} job;

static bool needs_main_run(const bench_config *cfg)
{
  for (int wl = 0; wl < WL_COUNT; wl++)
    if (cfg->workloads[wl] && wl != WL_MEMORY)
      return true;
  return false;
}

static void run_job(const bench_config *cfg, const bench_system *sys, job j)
{
  const char *why_not = sys->setup ? sys->setup() : NULL;
  if (why_not != NULL) {
    emit_note("skip", sys->name, "%s", why_not);
    return;
  }
  GC_INIT();
  if (j.memory_probe) {
    bench_memory_probe(sys, j.n);
    return;
  }
  emit_note("info", sys->name, "libgc %u.%u.%u", GC_VERSION_MAJOR,
            GC_VERSION_MINOR, GC_VERSION_MICRO);
  bench_run_system(cfg, sys);
  bench_run_threads(cfg, sys);
}

/* A job running in a child process, so that it starts from a fresh collector
 * heap; its protocol lines come back on a pipe. */
typedef struct child {
  pid_t pid;
  int fd;
} child;

static bool spawn_child(const bench_config *cfg, const bench_system *sys,
                        job j, child *out)
{
  int fds[2];
  fflush(NULL);
  if (pipe(fds) != 0) {
    perror("gcweak-bench: pipe");
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("gcweak-bench: fork");
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    emit_set_stream(fds[1]);
    run_job(cfg, sys, j);
    fflush(NULL);
    _exit(0);
  }
  close(fds[1]);
  out->pid = pid;
  out->fd = fds[0];
  return true;
}

/* Reads a child's lines into r and reaps it; false unless it exited 0. */
static bool collect_child(const bench_system *sys, child c, bench_results *r)
{
  protocol_read(c.fd, r);
  int status;
  while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  char note[160];
  if (WIFSIGNALED(status))
    snprintf(note, sizeof note, "warn %s the benchmark process died of signal %d",
             sys->name, WTERMSIG(status));
  else
    snprintf(note, sizeof note, "warn %s the benchmark process exited with %d",
             sys->name, WEXITSTATUS(status));
  progress_clear();
  fprintf(stderr, "gcweak-bench: %s\n", note + 5);
  results_add_note(r, note);
  return false;
}

/* The timed workloads of one system, `reps` repetitions of each, in a
 * child of their own (or in this process with --no-fork). */
static void run_timed_job(const bench_config *cfg, const bench_system *sys, int reps,
                          bench_results *r)
{
  bench_config round_cfg = *cfg;
  /* A child's first repetition runs on a fresh heap that is still growing
   * (and may or may not take a collection): with one or two repetitions per
   * child it would colour every figure, so in rounds it is run, not
   * reported. */
  round_cfg.warmup_reps = cfg->rounds > 1;
  round_cfg.reps = reps + round_cfg.warmup_reps;
  job j = { false, 0 };
  child c;
  if (!cfg->fork_systems) {
    emit_set_sink(r);
    run_job(&round_cfg, sys, j);
  } else if (spawn_child(&round_cfg, sys, j, &c)) {
    (void)collect_child(sys, c, r);
  }
}

/* Memory repetitions of one system, each in a fresh child. Memory figures do
 * not depend on timing, so those children run as many at a time as there
 * are cores. */
static void run_memory_jobs(const bench_config *cfg, const bench_system *sys,
                            bench_results *r)
{
  if (!cfg->fork_systems)
    emit_set_sink(r);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int width = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
  for (int s = 0; s < cfg->n_sizes; s++) {
    progress_label("%s N=%zu memory", sys->name, cfg->sizes[s]);
    job j = { true, cfg->sizes[s] };
    bool ok = true;
    for (int rep = 0; rep < cfg->reps && ok; rep += width) {
      child batch[8];
      int started = 0;
      if (!cfg->fork_systems) {
        run_job(cfg, sys, j);
        progress_add(progress_units(cfg, 1, j.n, PROGRESS_MEMORY));
        rep -= width - 1;
        continue;
      }
      while (started < width && rep + started < cfg->reps &&
             spawn_child(cfg, sys, j, &batch[started]))
        started++;
      if (started == 0)
        ok = false;
      for (int k = 0; k < started; k++) {
        ok &= collect_child(sys, batch[k], r);
        progress_add(progress_units(cfg, 1, j.n, PROGRESS_MEMORY));
      }
    }
    if (!ok)
      break;
  }
}

/*
 * The timed workloads run in rounds: each round runs every built-in system
 * once, with its share of the repetitions, in turn (reversed every other
 * round). This machine's speed may drift by a factor of two within minutes
 * (a shared virtual machine); run one system after the other and a ratio
 * compares two different machines. Every child reports each repetition as a
 * sample, and the medians are taken over all rounds.
 */
static void run_builtin_systems(const bench_config *cfg, const bench_system **systems,
                                int count, bench_results *r)
{
  if (needs_main_run(cfg))
    for (int round = 0; round < cfg->rounds; round++) {
      int reps = cfg->reps / cfg->rounds + (round < cfg->reps % cfg->rounds);
      for (int k = 0; k < count; k++) {
        const bench_system *sys = systems[round % 2 == 0 ? k : count - 1 - k];
        progress_label("round %d of %d: %s", round + 1, cfg->rounds, sys->name);
        run_timed_job(cfg, sys, reps, r);
      }
    }
  if (cfg->workloads[WL_MEMORY])
    for (int k = 0; k < count; k++)
      run_memory_jobs(cfg, systems[k], r);
}

/* The work of the whole run in progress units, as the children and the
 * memory probes will report it. */
static double total_units(const bench_config *cfg, int n_builtin, bool want_v8)
{
  double total = 0;
  for (int s = 0; s < cfg->n_sizes; s++) {
    size_t n = cfg->sizes[s];
    if (needs_main_run(cfg))
      for (int round = 0; round < cfg->rounds; round++) {
        int reps = cfg->reps / cfg->rounds + (round < cfg->reps % cfg->rounds) +
                   (cfg->rounds > 1);
        double one = progress_units(cfg, reps, n, PROGRESS_MAIN);
        if (cfg->workloads[WL_THREADS])
          one += progress_units(cfg, reps, n, PROGRESS_THREADS);
        total += n_builtin * one;
      }
    if (cfg->workloads[WL_MEMORY])
      total += n_builtin * cfg->reps * progress_units(cfg, 1, n, PROGRESS_MEMORY);
    if (want_v8)
      total += progress_units(cfg, cfg->reps, n, PROGRESS_MAIN);
  }
  return total;
}

static bool any_warnings(const bench_results *r)
{
  for (size_t i = 0; i < r->n_notes; i++)
    if (strncmp(r->notes[i], "warn ", 5) == 0)
      return true;
  return false;
}

static int write_outputs(const bench_config *cfg, const bench_results *r)
{
  int rc = 0;
  if (cfg->json_path != NULL)
    rc |= json_write(cfg, r, cfg->json_path);
  if (cfg->report_dir != NULL) {
    char path[4096];
    if (mkdir(cfg->report_dir, 0777) != 0 && errno != EEXIST) {
      perror(cfg->report_dir);
      return 1;
    }
    snprintf(path, sizeof path, "%s/report.md", cfg->report_dir);
    rc |= report_write_markdown(cfg, r, path);
    snprintf(path, sizeof path, "%s/chart.svg", cfg->report_dir);
    rc |= svg_write_chart(cfg, r, path);
    if (cfg->json_path == NULL) {
      snprintf(path, sizeof path, "%s/results.json", cfg->report_dir);
      rc |= json_write(cfg, r, path);
    }
  }
  return rc;
}

int main(int argc, char **argv)
{
  bench_config cfg;
  int rc = parse_args(argc, argv, &cfg);
  if (rc != 0)
    return rc;

  bench_results results = { 0 };
  const bench_system *builtin[BENCH_MAX_SYSTEMS];
  int n_builtin = 0;
  bool want_v8 = false;
  for (int i = 0; i < cfg.n_systems; i++) {
    const char *name = cfg.systems[i];
    if (strcmp(name, "v8") == 0) {
      want_v8 = true;
      continue;
    }
    const bench_system *sys = bench_system_find(name);
    if (sys == NULL) {   /* only guile can be missing: it is optional */
      const char *why = "skip guile not built in: pkg-config found no guile-3.0 "
                        "when this binary was configured (apt-get install "
                        "guile-3.0-dev, then configure again)";
      fprintf(stderr, "gcweak-bench: %s\n", why + 5);
      results_add_note(&results, why);
      continue;
    }
    builtin[n_builtin++] = sys;
  }
  progress_start(total_units(&cfg, n_builtin, want_v8));
  run_builtin_systems(&cfg, builtin, n_builtin, &results);
  /* node runs its own repetitions; its figures are compared with the
   * strong table's medians over all rounds. */
  if (want_v8) {
    progress_label("v8");
    peer_v8_run(&cfg, &results);
  }
  progress_finish();
  results_fold_samples(&results);

  report_print_summary(&cfg, &results);
  if (write_outputs(&cfg, &results) != 0)
    rc = 1;
  if (any_warnings(&results))
    rc = 1;
  results_free(&results);
  return rc;
}
