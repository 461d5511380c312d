/* SPDX-License-Identifier: MIT */
/*
 * chart.svg: ns per operation against N, log scales on both axes, one panel
 * per timed workload (of tables, then of weak references and registries)
 * and one line per system; with a single N, one bar per
 * system instead (points at one x would hide each other). Plain SVG written
 * by hand, so no plotting package is needed; any browser opens it.
 */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct series_style {
  const char *system;
  const char *label;
  const char *short_label;   /* under a bar */
  const char *color;
  const char *dash;     /* stroke-dasharray, "" for solid */
  double width;
} series_style;

static const series_style styles[] = {
  { "strong", "strong table (ceiling)", "strong", "#555555", "6,4", 1.5 },
  { "floor", "link floor (one link per key)", "floor", "#9467bd", "6,4", 1.5 },
  { "gcweak", "gcweak", "gcweak", "#d62728", "", 3.0 },
  { "gcweak-wk", "gcweak, weak-key mode", "weak-key", "#d62728", "2,3", 1.5 },
  { "naive", "obvious weak table", "obvious", "#1f77b4", "", 1.5 },
  { "card", "the card's table", "card", "#e377c2", "", 1.5 },
  { "guile", "Guile 3.0 weak-key table", "Guile", "#2ca02c", "", 1.5 },
  { "v8", "V8 WeakMap", "V8", "#ff7f0e", "", 1.5 },
  { "gcweak-dw", "gcweak, doubly-weak", "doubly-weak", "#8c564b", "", 1.5 },
  { "naive-dw", "obvious doubly-weak table", "obvious dw", "#17becf", "", 1.5 },
  { "plain", "plain pointer load (ceiling)", "plain", "#555555", "6,4", 1.5 },
  { "box", "obvious weak ref", "obvious", "#1f77b4", "", 1.5 },
  { "gcweak-ref", "gcweak_ref", "gcweak", "#d62728", "", 3.0 },
  { "v8-ref", "V8 WeakRef", "V8", "#ff7f0e", "", 1.5 },
  { "python-ref", "Python weakref.ref", "Python", "#8c564b", "", 1.5 },
  { "finalizer", "GC_register_finalizer", "finalizer", "#1f77b4", "", 1.5 },
  { "gcweak-reg", "gcweak_registry", "gcweak", "#d62728", "", 3.0 },
  { "v8-reg", "V8 FinalizationRegistry", "V8", "#ff7f0e", "", 1.5 },
  { "python-reg", "Python weakref.finalize", "Python", "#8c564b", "", 1.5 },
};
#define N_STYLES (sizeof styles / sizeof *styles)

/* The tables' panels are drawn whenever table workloads ran ("not
 * measured" when one did not); those of references and registries only
 * where they have figures. */
typedef struct panel {
  const char *workload, *metric, *title, *unit;
  bool table;
} panel;

static const panel panels[] = {
  { "insert", "ns_per_op", "insert (fresh keys)", "ns / op", true },
  { "get_hit", "ns_per_op", "get, hit", "ns / op", true },
  { "get_miss", "ns_per_op", "get, miss", "ns / op", true },
  { "has", "ns_per_op", "has", "ns / op", true },
  { "delete", "ns_per_op", "delete", "ns / op", true },
  { "churn", "ns_per_op", "churn (visit counter)", "ns / op", true },
  { "ref_new", "ns_per_op", "weak ref: create", "ns / op", false },
  { "ref_get", "ns_per_op", "weak ref: get, live target", "ns / op", false },
  { "ref_get_dead", "ns_per_op", "weak ref: get, dead target", "ns / op", false },
  { "reg_register", "ns_per_op", "registry: register", "ns / op", false },
  { "reg_unregister", "ns_per_op", "registry: unregister", "ns / op", false },
  { "reg_delivery", "ns_per_callback", "registry: delivery", "ns / callback", false },
};
#define N_PANELS (sizeof panels / sizeof *panels)

#define COLS 3
#define PANEL_W 340
#define PANEL_H 260
#define TOP 80          /* room for the title and two rows of legend */
#define LEGEND_ROW 17
#define PAD_L 58
#define PAD_R 16
#define PAD_T 28
#define PAD_B 40

typedef struct axis { double lo, hi; } axis;   /* log10 bounds */

/* Presentation attributes rather than CSS classes: every SVG renderer,
 * ImageMagick's and librsvg's included, understands them. */
#define TITLE "font-size=\"14\" font-weight=\"bold\" text-anchor=\"middle\""
#define AXIS "font-size=\"11\" fill=\"#333333\""
#define FRAME "fill=\"none\" stroke=\"#999999\""
#define GRID "stroke=\"#dddddd\""
#define MINOR "stroke=\"#f0f0f0\""

static const char *dash_attribute(const series_style *st)
{
  static char buf[64];
  if (st->dash[0] == '\0')
    return "";
  snprintf(buf, sizeof buf, " stroke-dasharray=\"%s\"", st->dash);
  return buf;
}

static double to_px(axis a, double v, double from, double to)
{
  double f = a.hi > a.lo ? (log10(v) - a.lo) / (a.hi - a.lo) : 0.5;
  return from + f * (to - from);
}

static void format_count(char *out, size_t cap, double n)
{
  int e = (int)lround(log10(n));
  if (fabs(n - pow(10, e)) < 0.5 && e >= 3)
    snprintf(out, cap, "10^%d", e);
  else
    snprintf(out, cap, "%.0f", n);
}

/* A step of 1, 2 or 5 times a power of ten giving about 4 to 8 ticks. */
static double nice_step(double vmax)
{
  double raw = vmax / 5, mag = pow(10, floor(log10(raw)));
  double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/* One size only: a bar per system, on a linear scale from zero. */
static void draw_bars(FILE *out, const bench_config *cfg, const bench_results *r,
                      const panel *pn, double vmax, double x0, double x1,
                      double y0, double y1)
{
  const char *wl = pn->workload, *metric = pn->metric;
  size_t n = cfg->sizes[0];
  double step = nice_step(vmax), top = ceil(vmax / step) * step;
  for (double v = 0; v <= top + step / 2; v += step) {
    double y = y0 + v / top * (y1 - y0);
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
            GRID "/>\n<text x=\"%.1f\" y=\"%.1f\" " AXIS " "
            "text-anchor=\"end\">%g</text>\n", x0, x1, y, y, x0 - 5, y + 4, v);
  }
  int count = 0;
  for (size_t s = 0; s < N_STYLES; s++)
    count += results_find(r, styles[s].system, wl, n, metric) != NULL;
  double slot = (x1 - x0) / (count ? count : 1), bar = slot * 0.7;
  int k = 0;
  for (size_t s = 0; s < N_STYLES; s++) {
    const bench_result *it = results_find(r, styles[s].system, wl, n, metric);
    if (it == NULL)
      continue;
    double v = it->median > 0 ? it->median : 0;
    double x = x0 + slot * k++ + (slot - bar) / 2;
    double y = y0 + v / top * (y1 - y0);
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"%s\"%s><title>%s N=%zu: %.3g ns</title></rect>\n", x, y, bar,
            y0 - y, styles[s].color,
            strcmp(styles[s].dash, "") != 0 ? " fill-opacity=\"0.55\"" : "",
            styles[s].label, n, it->median);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
            "text-anchor=\"middle\">%.3g</text>\n", x + bar / 2, y - 3, it->median);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" " "font-size=\"9\" fill=\"#333333\" "
            "text-anchor=\"middle\">%s</text>\n", x + bar / 2, y0 + 13,
            styles[s].short_label);
  }
  char label[32];
  format_count(label, sizeof label, (double)n);
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" " AXIS " text-anchor=\"middle\">"
          "N = %s</text>\n", (x0 + x1) / 2, y0 + 30, label);
}

static void draw_panel(FILE *out, const bench_config *cfg,
                       const bench_results *r, const panel *pn, double ox, double oy)
{
  const char *wl = pn->workload, *metric = pn->metric;
  double vmin = INFINITY, vmax = 0;
  for (size_t i = 0; i < r->count; i++) {
    const bench_result *it = &r->items[i];
    if (strcmp(it->workload, wl) == 0 && strcmp(it->metric, metric) == 0 &&
        it->median > 0) {
      vmin = fmin(vmin, it->median);
      vmax = fmax(vmax, it->median);
    }
  }
  double x0 = ox + PAD_L, x1 = ox + PANEL_W - PAD_R;
  double y0 = oy + PANEL_H - PAD_B, y1 = oy + PAD_T;   /* y0 bottom */
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" " TITLE ">%s</text>\n",
          (x0 + x1) / 2, oy + 18, pn->title);
  fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
          FRAME "/>\n", x0, y1, x1 - x0, y0 - y1);
  if (vmax == 0) {
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" " AXIS " "
            "text-anchor=\"middle\">not measured</text>\n", (x0 + x1) / 2,
            (y0 + y1) / 2);
    return;
  }
  if (cfg->n_sizes == 1) {
    fprintf(out, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
            AXIS " text-anchor=\"middle\">%s</text>\n", ox + 14,
            (y0 + y1) / 2, pn->unit);
    draw_bars(out, cfg, r, pn, vmax, x0, x1, y0, y1);
    return;
  }
  axis ya = { floor(log10(vmin)), ceil(log10(vmax)) };
  if (ya.hi <= ya.lo)
    ya.hi = ya.lo + 1;
  axis xa = { log10((double)cfg->sizes[0]),
              log10((double)cfg->sizes[cfg->n_sizes - 1]) };

  /* y grid: decades labelled; 2 and 5 as well when few decades show */
  bool fine = ya.hi - ya.lo <= 2;
  for (int e = (int)ya.lo; e <= (int)ya.hi; e++) {
    for (int m = 1; m < 10; m++) {
      double v = m * pow(10, e);
      if (log10(v) > ya.hi + 1e-9)
        break;
      double y = to_px(ya, v, y0, y1);
      bool labelled = m == 1 || (fine && (m == 2 || m == 5));
      fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
              "%s/>\n", x0, x1, y, y, m == 1 ? GRID : MINOR);
      if (labelled)
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" " AXIS " "
                "text-anchor=\"end\">%g</text>\n", x0 - 5, y + 4, v);
    }
  }
  for (int i = 0; i < cfg->n_sizes; i++) {
    double x = to_px(xa, (double)cfg->sizes[i], x0, x1);
    char label[32];
    format_count(label, sizeof label, (double)cfg->sizes[i]);
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
            GRID "/>\n<text x=\"%.1f\" y=\"%.1f\" " AXIS " "
            "text-anchor=\"middle\">%s</text>\n", x, x, y0, y1, x, y0 + 16, label);
  }
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" " AXIS " text-anchor=\"middle\">"
          "N (entries)</text>\n", (x0 + x1) / 2, y0 + 32);
  fprintf(out, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
          AXIS " text-anchor=\"middle\">%s</text>\n", ox + 14,
          (y0 + y1) / 2, pn->unit);

  for (size_t s = 0; s < N_STYLES; s++) {
    char points[1024] = "";
    int count = 0;
    for (int i = 0; i < cfg->n_sizes; i++) {
      const bench_result *it = results_find(r, styles[s].system, wl,
                                            cfg->sizes[i], metric);
      if (it == NULL || it->median <= 0)
        continue;
      double x = to_px(xa, (double)cfg->sizes[i], x0, x1);
      double y = to_px(ya, it->median, y0, y1);
      snprintf(points + strlen(points), sizeof points - strlen(points),
               "%.1f,%.1f ", x, y);
      fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\">"
              "<title>%s N=%zu: %.3g ns</title></circle>\n", x, y,
              styles[s].width + 1, styles[s].color, styles[s].label,
              cfg->sizes[i], it->median);
      count++;
    }
    if (count > 1)
      fprintf(out, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
              "stroke-width=\"%.1f\"%s/>\n", points, styles[s].color,
              styles[s].width, dash_attribute(&styles[s]));
  }
}

static bool system_in_results(const bench_results *r, const char *system)
{
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->items[i].system, system) == 0)
      return true;
  return false;
}

static bool panel_has_figures(const bench_results *r, const panel *pn)
{
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->items[i].workload, pn->workload) == 0 &&
        strcmp(r->items[i].metric, pn->metric) == 0)
      return true;
  return false;
}

/* The legend, one entry per system measured, wrapped into rows; returns
 * the number of rows (with draw false, only counts them). */
static int draw_legend(FILE *out, const bench_results *r, int width, bool draw)
{
  double lx = 20, ly = 48;
  int rows = 1;
  for (size_t s = 0; s < N_STYLES; s++) {
    if (!system_in_results(r, styles[s].system))
      continue;
    double item = 44 + 7.0 * (double)strlen(styles[s].label);
    if (lx + item > width && lx > 20) {   /* wrap to the next row */
      lx = 20;
      ly += LEGEND_ROW;
      rows++;
    }
    if (draw)
      fprintf(out, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" "
              "stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n<text x=\"%.0f\" "
              "y=\"%.0f\" font-size=\"12\">%s</text>\n", lx, lx + 28, ly, ly,
              styles[s].color, styles[s].width, dash_attribute(&styles[s]), lx + 34,
              ly + 4, styles[s].label);
    lx += item;
  }
  return rows;
}

int svg_write_chart(const bench_config *cfg, const bench_results *r,
                    const char *path)
{
  FILE *out = fopen(path, "w");
  if (out == NULL) {
    perror(path);
    return 1;
  }
  const panel *shown[N_PANELS];
  size_t n_shown = 0;
  bool tables = bench_config_wants_family(cfg, BENCH_FAMILY_MAP);
  for (size_t p = 0; p < N_PANELS; p++)
    if (panels[p].table ? tables : panel_has_figures(r, &panels[p]))
      shown[n_shown++] = &panels[p];
  int rows = (int)((n_shown + COLS - 1) / COLS);
  int width = COLS * PANEL_W + 20;
  int legend_rows = draw_legend(NULL, r, width, false);
  int top = TOP + (legend_rows > 2 ? (legend_rows - 2) * LEGEND_ROW : 0);
  int height = top + rows * PANEL_H + 10;
  fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
          "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
          width, height, width, height);
  fprintf(out, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">"
          "gcweak-bench: ns per operation %s, medians of "
          "%d%s</text>\n", width / 2,
          cfg->n_sizes == 1 ? "(lower is better)" : "against N (log scales)",
          cfg->reps, cfg->quick ? " - quick run" : "");
  draw_legend(out, r, width, true);
  for (size_t p = 0; p < n_shown; p++)
    draw_panel(out, cfg, r, shown[p], 10 + (double)(p % COLS) * PANEL_W,
               top + (double)(p / COLS) * PANEL_H);
  fprintf(out, "</svg>\n");
  return fclose(out) == 0 ? 0 : 1;
}
