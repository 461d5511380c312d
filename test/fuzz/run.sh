#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer target in its own build directory and runs it for a
# bounded time on a copy of the committed seed corpus.
#
#   test/fuzz/run.sh [SECONDS] [extra libFuzzer flags...]
#
# Prints "fuzz executions: N" at the end. Exits non-zero when the fuzzer
# finds a crash or model mismatch (the input is saved in $BUILD/artifacts/).
# A long run: test/fuzz/run.sh 3600 -jobs=2 -workers=2
# Environment: BUILD (default build-fuzz at the repository root), CC (clang).
set -eu
seconds=${1:-60}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build-fuzz}
cc=${CC:-clang}
case $cc in *clang*) ;; *) cc=clang ;; esac

cmake -S "$here" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 >/dev/null
mkdir -p "$build/corpus" "$build/artifacts"
log=$build/fuzz.log
status=0
# New inputs go to the first directory (the build's), never to the committed
# corpus. -rss_limit_mb: the collector's heap counts too.
"$build/gcweak-fuzz" "$build/corpus" "$here/corpus" \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 \
    -artifact_prefix="$build/artifacts/" -print_final_stats=1 "$@" >"$log" 2>&1 || status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
tail -n 25 "$log" | grep -E 'Done|ERROR|mismatch|SUMMARY|stat::' || true
echo "fuzz executions: ${runs:-unknown} in $seconds s (log: $log)"
if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED (status $status); see $log and $build/artifacts/" >&2
    sed -n '/model mismatch\|ERROR\|runtime error/p' "$log" | head -n 5 >&2
fi
exit "$status"
