/* SPDX-License-Identifier: MIT */
/* Peers that are programs of their own (see peer.h). */
#include "peer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"
#include "protocol.h"

void peer_skip(bench_results *r, const char *system, const char *why)
{
  char note[600];
  snprintf(note, sizeof note, "skip %s %.500s", system, why);
  progress_clear();
  fprintf(stderr, "gcweak-bench: %s: %s\n", system, why);
  results_add_note(r, note);
}

void peer_join_sizes(const bench_config *cfg, char *out, size_t cap)
{
  out[0] = '\0';
  for (int i = 0; i < cfg->n_sizes; i++)
    snprintf(out + strlen(out), cap - strlen(out), "%s%zu", i ? "," : "",
             cfg->sizes[i]);
}

void peer_join_workloads(const bench_config *cfg, unsigned families, char *out,
                         size_t cap)
{
  out[0] = '\0';
  for (int wl = 0; wl < WL_COUNT; wl++)
    if (cfg->workloads[wl] && (bench_workload_family(wl) & families) != 0)
      snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? "," : "",
               bench_workload_name(wl));
}

void peer_join_threads(const bench_config *cfg, char *out, size_t cap)
{
  out[0] = '\0';
  for (int i = 0; i < cfg->n_threads; i++)
    snprintf(out + strlen(out), cap - strlen(out), "%s%d", i ? "," : "",
             cfg->threads[i]);
}

int peer_run(const char *system, char *const argv[], const char *not_found,
             bench_results *r)
{
  int fds[2];
  fflush(NULL);
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[1]);
  size_t before = r->count, notes_before = r->n_notes;
  protocol_read(fds[0], r);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && r->count == before &&
      r->n_notes == notes_before) {
    peer_skip(r, system, not_found);
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char why[200];
    snprintf(why, sizeof why, "%s exited abnormally (wait status %d); "
             "figures it printed before are kept", argv[0], status);
    peer_skip(r, system, why);
  }
  return 0;
}
