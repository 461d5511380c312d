#!/bin/sh
# SPDX-License-Identifier: MIT
# Hardening stage of CI, run by .ci/run after `make test`:
#   1. the Check suite under UndefinedBehaviorSanitizer (ubsan.sh);
#   2. clang-tidy and cppcheck on lib/ (lint.sh);
#   3. the libFuzzer target for FUZZ_SECONDS (default 60; test/fuzz/run.sh).
# About 3 minutes on 2 cores. Installs what it needs with apt-get when root.
# Each stage runs even if an earlier one failed; the exit status says if any
# did.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

sh cmake/ensure-packages.sh cmd:cmake=cmake cmd:pkg-config=pkg-config \
    pc:bdw-gc=libgc-dev pc:check=check cmd:clang=clang \
    cmd:clang-tidy=clang-tidy cmd:cppcheck=cppcheck || exit 1
# libFuzzer's and UBSan's runtimes (clang's package only recommends them).
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq --no-install-recommends libclang-rt-14-dev >/dev/null ||
            { echo "ci.sh: could not install libclang-rt-14-dev" >&2; exit 1; }
    else
        echo "ci.sh: missing libFuzzer runtime; run: sudo apt-get install -y libclang-rt-14-dev" >&2
        exit 1
    fi
fi

failed=""
stage() {
    name=$1
    shift
    echo "=== hardening: $name"
    start=$(date +%s)
    if "$@"; then
        echo "=== hardening: $name passed ($(($(date +%s) - start)) s)"
    else
        echo "=== hardening: $name FAILED ($(($(date +%s) - start)) s)" >&2
        failed="$failed $name"
    fi
}
stage ubsan sh "$here/ubsan.sh"
stage lint sh "$here/lint.sh"
stage fuzz sh "$root/test/fuzz/run.sh" "${FUZZ_SECONDS:-60}"

if [ -n "$failed" ]; then
    echo "hardening: failed:$failed" >&2
    exit 1
fi
echo "hardening: all passed"
