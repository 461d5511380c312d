#!/usr/bin/env bash
# `make bench`: set up a fresh Debian/Ubuntu machine, build gcweak-bench and
# run its default suite (gcweak, a strong table, the obvious weak table,
# the card's table, Guile 3.0 and V8 when present), then gcweak's weak
# references and registries against theirs (V8's and Python's when present)
# at two sizes.
# Writes build/bench/report.md, build/bench/results.json and
# build/bench/chart.svg, the same in build/bench/weak/, and prints the
# tables.
#
# The benchmark gets a build tree of its own, build/bench-release: `make test`
# configures build/ with internal assertions and -Werror, and timing a library
# with assertions on would misstate what users get.
#
# Extra arguments go to gcweak-bench, e.g. `bash bench/run.sh --quick` or
# `bash bench/run.sh --sizes 1e5,1e6 --workloads get_hit,insert`.
# As root, missing Debian packages are installed with apt-get; otherwise the
# one command to run is printed. Missing peers (Guile, node, python3) are
# skipped.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=${GCWEAK_BUILD_DIR:-build}
release_dir=$build_dir/bench-release
out_dir=$build_dir/bench

say() { printf 'bench/run.sh: %s\n' "$*" >&2; }

# ------------------------------------------------------------ packages
# Required to build; Guile, node and python3 only for their peers (skipped
# if missing).
sh cmake/ensure-packages.sh cmd:cmake=cmake cmd:make=make cmd:cc=gcc \
  cmd:pkg-config=pkg-config pc:bdw-gc=libgc-dev \
  --want pc:guile-3.0=guile-3.0-dev cmd:node=nodejs cmd:python3=python3

# --------------------------------------------------------------- build
# A cache of its own: these options never disturb the test build in build/.
cmake -S . -B "$release_dir" -DCMAKE_BUILD_TYPE=Release -DGCWEAK_ASSERTS=OFF \
  -DGCWEAK_WERROR=OFF -DGCWEAK_BUILD_TESTS=OFF -DGCWEAK_BUILD_BENCH=ON >/dev/null
cmake --build "$release_dir" --target gcweak-bench -j "$(nproc 2>/dev/null || echo 2)"

# ----------------------------------------------------------------- run
mkdir -p "$out_dir"
status=0
"$release_dir/bench/gcweak-bench" --report-dir "$out_dir" \
  --json "$out_dir/results.json" "$@" || status=$?
if [ -f "$out_dir/report.md" ]; then
  say "report: $out_dir/report.md, chart: $out_dir/chart.svg, figures: $out_dir/results.json"
fi
# The plain `make bench` also times weak references and registries, at two
# sizes so that it stays a few minutes long (about one more); their full
# ladder is e.g. `bash bench/run.sh --workloads refs,registry --rounds 3`.
if [ "$#" -eq 0 ]; then
  weak_dir=$out_dir/weak
  mkdir -p "$weak_dir"
  "$release_dir/bench/gcweak-bench" --workloads refs,registry --sizes 1e4,1e5 \
    --report-dir "$weak_dir" --json "$weak_dir/results.json" || status=$?
  if [ -f "$weak_dir/report.md" ]; then
    say "weak references and registries: $weak_dir/report.md"
  fi
fi
exit "$status"
