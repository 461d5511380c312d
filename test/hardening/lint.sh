#!/bin/sh
# SPDX-License-Identifier: MIT
# Static analysis of lib/: clang-tidy (configuration: .clang-tidy) and
# cppcheck (suppressions: .cppcheck-suppressions, each with its reason).
# Fails on any finding. Needs compile_commands.json, from its own build dir.
#
#   test/hardening/lint.sh        # BUILD=build-lint
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build-lint}
tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
[ -n "$tidy" ] || { echo "lint.sh: clang-tidy not found" >&2; exit 2; }
command -v cppcheck >/dev/null || { echo "lint.sh: cppcheck not found" >&2; exit 2; }
cc=$(command -v clang || command -v cc)

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DGCWEAK_ASSERTS=ON -DGCWEAK_BUILD_BENCH=OFF >/dev/null
cd "$root"
status=0

echo "== clang-tidy ($("$tidy" --version | sed -n 's/.*LLVM version //p'))"
for f in lib/*.c lib/engine/*.c; do
    "$tidy" -p "$build" --quiet "$f" 2>/dev/null || status=1
done

echo "== cppcheck ($(cppcheck --version))"
cppcheck --project="$build/compile_commands.json" --file-filter='*/lib/*' \
    --enable=warning,style,performance,portability,information \
    --suppressions-list=.cppcheck-suppressions --inline-suppr --library=posix \
    --error-exitcode=1 -q || status=1

[ $status = 0 ] && echo "lint: clean" || echo "lint: findings above" >&2
exit $status
