/* SPDX-License-Identifier: MIT */
/* The measuring side of the line protocol (see emit.h). */
#include "emit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "protocol.h"

static int emit_fd = -1;          /* -1: straight into emit_sink */
static bench_results *emit_sink;

void emit_set_stream(int fd) { emit_fd = fd; }
void emit_set_sink(bench_results *r) { emit_sink = r; emit_fd = -1; }

static void emit_line(const char *line)
{
  if (emit_fd >= 0) {
    size_t len = strlen(line), done = 0;
    while (done < len) {
      ssize_t w = write(emit_fd, line + done, len - done);
      if (w <= 0)
        abort();
      done += (size_t)w;
    }
  } else if (emit_sink != NULL) {
    protocol_parse_line(emit_sink, line);
  }
}

void emit_samples(const char *system, const char *workload, size_t n,
                 const char *metric, const double *samples, int count)
{
  for (int i = 0; i < count; i++)
    emit_sample(system, workload, n, metric, samples[i]);
}

void emit_sample(const char *system, const char *workload, size_t n,
                 const char *metric, double value)
{
  char line[256];
  snprintf(line, sizeof line, "sample %s %s %zu %s %.6g\n", system, workload,
           n, metric, value);
  emit_line(line);
}

void emit_note(const char *kind, const char *system, const char *fmt, ...)
{
  char text[400], line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  snprintf(line, sizeof line, "%s %s %s\n", kind, system, text);
  emit_line(line);
  if (strcmp(kind, "warn") == 0) {
    progress_clear();
    fprintf(stderr, "gcweak-bench: warning: %s: %s\n", system, text);
  }
}

void emit_progress(const char *system, size_t n, double units)
{
  char line[128];
  snprintf(line, sizeof line, "progress %s %zu %.6g\n", system, n, units);
  emit_line(line);
}
