/* SPDX-License-Identifier: MIT */
/*
 * The V8 peer: runs systems/v8_weakmap.js under `node --expose-gc` with the
 * same sizes, workloads and repetitions, and reads its protocol lines (see
 * core/protocol.h) from the script's standard output. A missing node or
 * script is a skip, never a failure.
 */
#include "systems.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/progress.h"
#include "core/protocol.h"

static void skip(bench_results *r, const char *why)
{
  char note[600];
  snprintf(note, sizeof note, "skip v8 %.500s", why);
  progress_clear();
  fprintf(stderr, "gcweak-bench: v8: %s\n", why);
  results_add_note(r, note);
}

/* "a,b,c" from the selected sizes / workloads / thread counts. */
static void join_sizes(const bench_config *cfg, char *out, size_t cap)
{
  out[0] = '\0';
  for (int i = 0; i < cfg->n_sizes; i++)
    snprintf(out + strlen(out), cap - strlen(out), "%s%zu", i ? "," : "",
             cfg->sizes[i]);
}

static void join_workloads(const bench_config *cfg, char *out, size_t cap)
{
  out[0] = '\0';
  for (int wl = 0; wl < WL_COUNT; wl++)
    if (cfg->workloads[wl])
      snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? "," : "",
               bench_workload_name(wl));
}

static int v8_run(const bench_config *cfg, bench_results *r)
{
  if (access(cfg->v8_script, R_OK) != 0) {
    char why[500];
    snprintf(why, sizeof why, "script %.400s not readable", cfg->v8_script);
    skip(r, why);
    return 0;
  }
  char sizes[256], workloads[256], reps[16], min_ops[32];
  join_sizes(cfg, sizes, sizeof sizes);
  join_workloads(cfg, workloads, sizeof workloads);
  snprintf(reps, sizeof reps, "%d", cfg->reps);
  snprintf(min_ops, sizeof min_ops, "%zu", cfg->min_ops);

  int fds[2];
  fflush(NULL);
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    execlp(cfg->node, cfg->node, "--expose-gc", "--max-old-space-size=8192",
           cfg->v8_script, "--sizes", sizes, "--workloads", workloads,
           "--reps", reps, "--min-ops", min_ops, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  size_t before = r->count;
  protocol_read(fds[0], r);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && r->count == before) {
    char why[500];
    snprintf(why, sizeof why, "'%.300s' not found: install Node.js (apt-get install "
             "nodejs) to compare with V8's WeakMap", cfg->node);
    skip(r, why);
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char why[200];
    snprintf(why, sizeof why, "node exited abnormally (wait status %d); "
             "figures it printed before are kept", status);
    skip(r, why);
  }
  return 0;
}

const bench_system bench_sys_v8 = {
  .name = "v8",
  .label = "V8 WeakMap (node)",
  .weak = true,
  .run_peer = v8_run,
};
