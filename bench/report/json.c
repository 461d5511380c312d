/* SPDX-License-Identifier: MIT */
/*
 * results.json: the configuration, every figure (median, min, max,
 * repetitions, the ratio to the strong table of the same run where one
 * exists, and for gcweak the ratio to the link floor; for weak references
 * the ratio to the plain pointer load, for gcweak's registry the ratio to
 * GC_register_finalizer) and the notes. One
 * result object per line, so that line tools can read it as well as JSON
 * parsers.
 */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "systems/systems.h"

static void json_string(FILE *out, const char *s)
{
  fputc('"', out);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      fprintf(out, "\\%c", ch);
    else if (ch < 0x20)
      fprintf(out, "\\u%04x", ch);
    else
      fputc(ch, out);
  }
  fputc('"', out);
}

static void json_number(FILE *out, double v)
{
  if (v != v || v > 1e300 || v < -1e300)
    fputs("null", out);
  else
    fprintf(out, "%.6g", v);
}

static void write_config(FILE *out, const bench_config *cfg)
{
  fprintf(out, "  \"config\": {\"sizes\": [");
  for (int i = 0; i < cfg->n_sizes; i++)
    fprintf(out, "%s%zu", i ? ", " : "", cfg->sizes[i]);
  fprintf(out, "], \"workloads\": [");
  for (int wl = 0, k = 0; wl < WL_COUNT; wl++)
    if (cfg->workloads[wl]) {
      fprintf(out, "%s", k++ ? ", " : "");
      json_string(out, bench_workload_name(wl));
    }
  fprintf(out, "], \"systems\": [");
  for (int i = 0; i < cfg->n_systems; i++) {
    fprintf(out, "%s", i ? ", " : "");
    json_string(out, cfg->systems[i]);
  }
  fprintf(out, "], \"threads\": [");
  for (int i = 0; i < cfg->n_threads; i++)
    fprintf(out, "%s%d", i ? ", " : "", cfg->threads[i]);
  fprintf(out, "], \"reps\": %d, \"rounds\": %d, \"min_ops\": %zu, \"quick\": %s},\n",
          cfg->reps, cfg->rounds, cfg->min_ops, cfg->quick ? "true" : "false");
}

static void write_result(FILE *out, const bench_results *r,
                         const bench_result *it)
{
  fprintf(out, "    {\"system\": ");
  json_string(out, it->system);
  fprintf(out, ", \"workload\": ");
  json_string(out, it->workload);
  fprintf(out, ", \"n\": %zu, \"metric\": ", it->n);
  json_string(out, it->metric);
  fprintf(out, ", \"median\": ");
  json_number(out, it->median);
  fprintf(out, ", \"min\": ");
  json_number(out, it->min);
  fprintf(out, ", \"max\": ");
  json_number(out, it->max);
  fprintf(out, ", \"reps\": %d", it->reps);
  if (it->n_rounds >= 2) {
    fprintf(out, ", \"round_medians\": [");
    for (int k = 0; k < it->n_rounds; k++) {
      if (k > 0)
        fputs(", ", out);
      json_number(out, it->round_median[k]);   /* null for a round without */
    }
    fputc(']', out);
  }
  /* byte-string systems against the strong table of their kind */
  const bench_system *sys = systems_find(it->system);
  const char *strong = sys != NULL && sys->bytes != NULL ? "strong-bytes" : "strong";
  const bench_result *base = strcmp(it->system, strong) != 0
      ? results_find(r, strong, it->workload, it->n, it->metric) : NULL;
  if (base != NULL && base->median > 0) {
    fprintf(out, ", \"ratio_to_strong\": ");
    json_number(out, it->median / base->median);
  }
  const bench_result *floor = strncmp(it->system, "gcweak", 6) == 0
      ? results_find(r, "floor", it->workload, it->n, it->metric) : NULL;
  if (floor != NULL && floor->median > 0) {
    fprintf(out, ", \"ratio_to_floor\": ");
    json_number(out, it->median / floor->median);
  }
  /* Weak references against the plain pointer load, gcweak's registry
   * against bdwgc's own finalizers. */
  const bench_result *plain = strcmp(it->system, "plain") != 0 &&
      strncmp(it->workload, "ref_", 4) == 0
      ? results_find(r, "plain", it->workload, it->n, it->metric) : NULL;
  if (plain != NULL && plain->median > 0) {
    fprintf(out, ", \"ratio_to_plain\": ");
    json_number(out, it->median / plain->median);
  }
  const bench_result *fin = strncmp(it->system, "gcweak", 6) == 0 &&
      strncmp(it->workload, "reg_", 4) == 0
      ? results_find(r, "finalizer", it->workload, it->n, it->metric) : NULL;
  if (fin != NULL && fin->median > 0) {
    fprintf(out, ", \"ratio_to_finalizer\": ");
    json_number(out, it->median / fin->median);
  }
  fprintf(out, "}");
}

int json_write(const bench_config *cfg, const bench_results *r, const char *path)
{
  FILE *out = fopen(path, "w");
  if (out == NULL) {
    perror(path);
    return 1;
  }
  fprintf(out, "{\n  \"generator\": \"gcweak-bench\",\n");
  write_config(out, cfg);
  fprintf(out, "  \"results\": [\n");
  for (size_t i = 0; i < r->count; i++) {
    write_result(out, r, &r->items[i]);
    fprintf(out, "%s\n", i + 1 < r->count ? "," : "");
  }
  fprintf(out, "  ],\n  \"notes\": [\n");
  for (size_t i = 0; i < r->n_notes; i++) {
    char kind[8], system[24];
    int used = 0;
    if (sscanf(r->notes[i], "%7s %23s %n", kind, system, &used) < 2)
      continue;
    fprintf(out, "    {\"kind\": ");
    json_string(out, kind);
    fprintf(out, ", \"system\": ");
    json_string(out, system);
    fprintf(out, ", \"text\": ");
    json_string(out, r->notes[i] + used);
    fprintf(out, "}%s\n", i + 1 < r->n_notes ? "," : "");
  }
  fprintf(out, "  ]\n}\n");
  return fclose(out) == 0 ? 0 : 1;
}
