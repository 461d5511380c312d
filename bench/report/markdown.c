/* SPDX-License-Identifier: MIT */
/*
 * The human report, written for someone deciding whether to use gcweak, and
 * the same on stdout: the header (machine, sizes, build), the sections in
 * their order (see sections.h) and the notes (skipped peers, versions,
 * wrong answers; on stdout only those that are not info).
 */
#include "sections.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void print_notes(FILE *out, const bench_results *r, bool all)
{
  bool header = false;
  for (size_t i = 0; i < r->n_notes; i++) {
    const char *note = r->notes[i];
    bool important = strncmp(note, "info", 4) != 0;
    if (!all && !important)
      continue;
    if (!header) {
      fprintf(out, "\n## Notes\n\n");
      header = true;
    }
    char kind[8], system[24];
    int used = 0;
    if (sscanf(note, "%7s %23s %n", kind, system, &used) >= 2)
      fprintf(out, "- %s: %s: %s\n", kind, system, note + used);
  }
}

static void print_header(FILE *out, const bench_config *cfg)
{
  struct utsname u;
  char cpu[256] = "unknown";
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f != NULL) {
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
      if (strncmp(line, "model name", 10) == 0) {
        const char *colon = strchr(line, ':');
        snprintf(cpu, sizeof cpu, "%.200s", colon ? colon + 2 : line);
        cpu[strcspn(cpu, "\n")] = '\0';
        break;
      }
    }
    fclose(f);
  }
  time_t now = time(NULL);
  char date[64];
  strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
  fprintf(out, "# gcweak-bench report\n\n");
  if (uname(&u) == 0)
    fprintf(out, "- machine: %s %s %s, %ld cores, %s\n", u.sysname, u.release,
            u.machine, sysconf(_SC_NPROCESSORS_ONLN), cpu);
  fprintf(out, "- date: %s\n- sizes:", date);
  for (int i = 0; i < cfg->n_sizes; i++)
    fprintf(out, " %zu", cfg->sizes[i]);
  fprintf(out, "; repetitions: %d in %d round%s; at least %zu operations timed per "
          "repetition%s\n", cfg->reps, cfg->rounds, cfg->rounds == 1 ? "" : "s", cfg->min_ops,
          cfg->quick ? "; **quick smoke run: figures are not meaningful**" : "");
#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif
#ifdef BENCH_LIB_ASSERTS
  const char *asserts = "on (figures are slower than a user's build)";
#else
  const char *asserts = "off";
#endif
  fprintf(out, "- build: CMake build type %s, gcweak internal assertions %s\n",
          BENCH_BUILD_TYPE[0] ? BENCH_BUILD_TYPE : "(none)", asserts);
  fprintf(out, "- each system ran in a process of its own, on the same keys "
          "(16-byte collector objects) and the same allocator (bdwgc); V8 "
          "allocates its own keys with `{}`%s\n",
          bench_config_wants_family(cfg, BENCH_FAMILY_REF | BENCH_FAMILY_REGISTRY)
          ? ", Python its own targets (instances of a class with a weak "
            "reference slot)" : "");
}

int report_write_markdown(const bench_config *cfg, const bench_results *r,
                          const char *path)
{
  FILE *out = fopen(path, "w");
  if (out == NULL) {
    perror(path);
    return 1;
  }
  print_header(out, cfg);
  report_goals(out, cfg, r);
  report_tables(out, cfg, r);
  report_collection_cost(out, cfg, r);
  report_ephemeron_cost(out, cfg, r);
  report_pauses(out, cfg, r);
  report_refs(out, cfg, r);
  report_registries(out, cfg, r);
  report_peer_races(out, cfg, r);
  report_values(out, cfg, r);
  fprintf(out, "\n## Chart\n\n![ns per operation against N](chart.svg)\n");
  print_notes(out, r, true);
  return fclose(out) == 0 ? 0 : 1;
}

void report_print_summary(const bench_config *cfg, const bench_results *r)
{
  report_tables(stdout, cfg, r);
  report_goals(stdout, cfg, r);
  report_collection_cost(stdout, cfg, r);
  report_ephemeron_cost(stdout, cfg, r);
  report_pauses(stdout, cfg, r);
  report_refs(stdout, cfg, r);
  report_registries(stdout, cfg, r);
  report_peer_races(stdout, cfg, r);
  report_values(stdout, cfg, r);
  print_notes(stdout, r, false);
  fflush(stdout);
}

