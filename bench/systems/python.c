/* SPDX-License-Identifier: MIT */
/*
 * The Python peer: runs systems/python_weakvalue.py under python3 (the
 * interpreter named by the environment variable BENCH_PYTHON, if set) with
 * the same sizes, workloads and repetitions, and reads its protocol lines
 * (see core/protocol.h) from the script's standard output, as the V8 peer
 * does. It measures weakref.WeakValueDictionary on the byte-string
 * workloads. A missing interpreter or script is a skip, never a failure.
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
#include "bytes.h"

#ifndef BENCH_SOURCE_DIR
#define BENCH_SOURCE_DIR "bench"
#endif

static void skip(bench_results *r, const char *why)
{
  char note[600];
  snprintf(note, sizeof note, "skip python %.500s", why);
  progress_clear();
  fprintf(stderr, "gcweak-bench: python: %s\n", why);
  results_add_note(r, note);
}

static int python_run(const bench_config *cfg, bench_results *r)
{
  const char *script = BENCH_SOURCE_DIR "/systems/python_weakvalue.py";
  const char *python = getenv("BENCH_PYTHON");
  if (python == NULL || python[0] == '\0')
    python = "python3";
  if (access(script, R_OK) != 0) {
    skip(r, "script systems/python_weakvalue.py not readable");
    return 0;
  }
  char sizes[256] = "", workloads[512] = "", reps[16], min_ops[32];
  for (int i = 0; i < cfg->n_sizes; i++)
    snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s%zu",
             i ? "," : "", cfg->sizes[i]);
  for (int wl = 0; wl < WL_COUNT; wl++)
    if (cfg->workloads[wl])
      snprintf(workloads + strlen(workloads), sizeof workloads - strlen(workloads),
               "%s%s", workloads[0] ? "," : "", bench_workload_name(wl));
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
    execlp(python, python, script, "--sizes", sizes, "--workloads", workloads,
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
    snprintf(why, sizeof why, "'%.300s' not found: install Python 3 to compare "
             "with weakref.WeakValueDictionary", python);
    skip(r, why);
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char why[200];
    snprintf(why, sizeof why, "python exited abnormally (wait status %d); "
             "figures it printed before are kept", status);
    skip(r, why);
  }
  return 0;
}

/* No operations in this binary: the script runs the workloads. Set so that
 * the report files the peer with the byte-string systems. */
static const bench_bytes_ops python_ops = { .weak = true };

const bench_system bench_sys_python = {
  .name = "python",
  .label = "Python WeakValueDictionary",
  .weak = true,
  .run_peer = python_run,
  .bytes = &python_ops,
};
