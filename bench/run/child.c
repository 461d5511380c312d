/* SPDX-License-Identifier: MIT */
/*
 * One job for one system (see run.h), here or in a child process of its
 * own: a fresh collector heap for every system, so that none inherits
 * another's heap size, link table or collector settings (Guile sets its
 * own).
 */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gc/gc.h>

#include "core/emit.h"
#include "core/progress.h"
#include "core/protocol.h"
#include "workloads/values.h"
#include "workloads/workloads.h"

void run_job_here(const bench_config *cfg, const bench_system *sys, run_job j)
{
  const char *why_not = sys->setup ? sys->setup() : NULL;
  if (why_not != NULL) {
    emit_note("skip", sys->name, "%s", why_not);
    return;
  }
  GC_INIT();
  if (sys->bytes != NULL) {   /* byte-string keys: workloads of their own */
    values_run_job(cfg, sys, j.memory_probe, j.n);
    return;
  }
  if (j.memory_probe) {
    bench_memory_probe(sys, j.n);
    return;
  }
  emit_note("info", sys->name, "libgc %u.%u.%u", GC_VERSION_MAJOR,
            GC_VERSION_MINOR, GC_VERSION_MICRO);
  run_system(cfg, sys);
  run_threads(cfg, sys);
}

bool run_spawn(const bench_config *cfg, const bench_system *sys, run_job j,
               run_child *out)
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
    run_job_here(cfg, sys, j);
    fflush(NULL);
    _exit(0);
  }
  close(fds[1]);
  out->pid = pid;
  out->fd = fds[0];
  return true;
}

bool run_collect(const bench_system *sys, run_child c, bench_results *r)
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
