/* SPDX-License-Identifier: MIT */
/*
 * The progress line: on a terminal, one line on stderr redrawn at least
 * every PROGRESS_PERIOD_NS with what runs, the time elapsed and an estimate
 * of the time left; nothing at all when stderr is not a terminal.
 *
 * Work is counted in units that grow with what a step times (see
 * progress_units): children report the units of each size they finish
 * ("progress" protocol lines, parsed by protocol_parse_line), the parent
 * knows the total from the configuration, and the time left is the time so
 * far scaled by the share not yet done. Systems differ in speed, so it is an
 * estimate, and says so.
 */
#include "progress.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "timing.h"

#define PROGRESS_PERIOD_NS 1000000000u   /* redraws at least every second */

static struct {
  bool on;
  uint64_t start, last_draw;
  double total, done;
  char label[96];
} prog;

double progress_units(const bench_config *cfg, int reps, size_t n, int kind)
{
  double per_size = (double)reps * ((double)n + (double)cfg->min_ops);
  switch (kind) {
  case PROGRESS_MAIN: return per_size;
  case PROGRESS_THREADS: return 0.2 * per_size;
  default: return 0.5 * (double)n;   /* one memory probe: one fill, two GCs */
  }
}

void progress_start(double total_units)
{
  prog.on = isatty(STDERR_FILENO);
  prog.start = now_ns();
  prog.last_draw = 0;
  prog.total = total_units > 0 ? total_units : 1;
  prog.done = 0;
  prog.label[0] = '\0';
}

static void format_duration(char *out, size_t cap, double seconds)
{
  long s = (long)(seconds + 0.5);
  if (s >= 3600)
    snprintf(out, cap, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60)
    snprintf(out, cap, "%ldm%02lds", s / 60, s % 60);
  else
    snprintf(out, cap, "%lds", s);
}

static void draw(uint64_t now)
{
  double elapsed = (double)(now - prog.start) / 1e9;
  double share = prog.done / prog.total;
  if (share > 1)
    share = 1;
  char spent[32], left[48] = "estimating";
  format_duration(spent, sizeof spent, elapsed);
  if (share > 0.01) {
    char t[32];
    format_duration(t, sizeof t, elapsed * (1 - share) / share);
    snprintf(left, sizeof left, "about %s left", t);
  }
  fprintf(stderr, "\r\033[Kgcweak-bench: %3.0f%% %s, %s elapsed, %s", 100 * share,
          prog.label, spent, left);
  fflush(stderr);
  prog.last_draw = now;
}

void progress_tick(void)
{
  if (!prog.on)
    return;
  uint64_t now = now_ns();
  if (prog.last_draw == 0 || now - prog.last_draw >= PROGRESS_PERIOD_NS)
    draw(now);
}

void progress_label(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prog.label, sizeof prog.label, fmt, ap);
  va_end(ap);
  if (prog.on)
    draw(now_ns());
}

void progress_add(double units)
{
  prog.done += units;
  progress_tick();
}

void progress_clear(void)
{
  if (prog.on && prog.last_draw != 0) {
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    prog.last_draw = 0;
  }
}

void progress_finish(void)
{
  if (!prog.on)
    return;
  progress_clear();
  char spent[32];
  format_duration(spent, sizeof spent, (double)(now_ns() - prog.start) / 1e9);
  fprintf(stderr, "gcweak-bench: done in %s\n", spent);
  prog.on = false;
}
