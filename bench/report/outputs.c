/* SPDX-License-Identifier: MIT */
/* Where the outputs of a run go (see report.h). */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

int report_write_outputs(const bench_config *cfg, const bench_results *r)
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
