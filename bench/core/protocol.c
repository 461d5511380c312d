/* SPDX-License-Identifier: MIT */
/*
 * The reading side of the line protocol (see protocol.h): lines into the
 * result store, "progress" lines into the progress line.
 */
#include "protocol.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

bool protocol_parse_line(bench_results *r, const char *line)
{
  char kind[16];
  if (sscanf(line, "%15s", kind) != 1)
    return false;
  if (strcmp(kind, "info") == 0 || strcmp(kind, "skip") == 0 ||
      strcmp(kind, "warn") == 0) {
    char copy[512];
    snprintf(copy, sizeof copy, "%s", line);
    copy[strcspn(copy, "\r\n")] = '\0';
    results_add_note(r, copy);
    return true;
  }
  bench_result item;
  memset(&item, 0, sizeof item);
  if (strcmp(kind, "progress") == 0) {
    double units;
    if (sscanf(line, "progress %23s %zu %lf", item.system, &item.n, &units) != 3)
      return false;
    progress_add(units);
    return true;
  }
  if (strcmp(kind, "sample") == 0) {
    double value;
    if (sscanf(line, "sample %23s %15s %zu %23s %lf", item.system,
               item.workload, &item.n, item.metric, &value) != 5)
      return false;
    results_add_sample(r, &item, value);
    return true;
  }
  if (strcmp(kind, "result") != 0)
    return false;
  if (sscanf(line, "result %23s %15s %zu %23s %lf %lf %lf %d", item.system,
             item.workload, &item.n, item.metric, &item.median, &item.min,
             &item.max, &item.reps) != 8)
    return false;
  results_add(r, &item);
  return true;
}

void protocol_read(int fd, bench_results *r)
{
  char buf[8192];
  size_t used = 0;
  for (;;) {
    struct pollfd p = { fd, POLLIN, 0 };
    int ready = poll(&p, 1, 250);
    progress_tick();
    if (ready < 0 && errno != EINTR)
      break;
    if (ready <= 0)
      continue;
    ssize_t got = read(fd, buf + used, sizeof buf - 1 - used);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    used += (size_t)got;
    buf[used] = '\0';
    char *line = buf, *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
      *nl = '\0';
      protocol_parse_line(r, line);
      line = nl + 1;
    }
    used -= (size_t)(line - buf);
    memmove(buf, line, used);
    if (used == sizeof buf - 1)   /* a line longer than any the protocol has */
      used = 0;
  }
  close(fd);
}
