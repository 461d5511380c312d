#!/bin/sh
# SPDX-License-Identifier: MIT
# Compares the public ABI of a libgcweak.so built with debug information
# (RelWithDebInfo or Debug) with the committed baseline abi/libgcweak.abi.
#
#   abi/check.sh [--update] <path to libgcweak.so>
#
# Only the public ABI counts: functions exported from the library and the
# types include/gcweak.h declares (--headers-dir, --drop-private-types), so the
# library's internal structs may change freely. Added functions are reported
# but do not fail; anything else abidiff reports (a removed or changed
# function, a changed public type) fails. --update rewrites the baseline
# (after a deliberate ABI change; see NEWS, "ABI and SONAME").
# Exit status 77 when abidiff is not installed (Debian package abigail-tools).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
headers=$(dirname "$here")/include
baseline=$here/libgcweak.abi
update=0
if [ "${1:-}" = --update ]; then update=1; shift; fi
[ $# = 1 ] || { echo "usage: abi/check.sh [--update] <libgcweak.so>" >&2; exit 2; }
lib=$1

if ! command -v abidiff >/dev/null 2>&1 || ! command -v abidw >/dev/null 2>&1; then
    echo "abi/check.sh: abidiff/abidw not installed (Debian package abigail-tools)" >&2
    exit 77
fi
[ -f "$lib" ] || { echo "abi/check.sh: no library '$lib'" >&2; exit 2; }
if [ $update = 1 ]; then
    # Source paths are written relative to the source tree.
    abidw --no-corpus-path --no-comp-dir-path --drop-private-types \
          --drop-undefined-syms --headers-dir "$headers" "$lib" |
        sed "s|'$(dirname "$here")/|'|g" >"$baseline"
    echo "abi/check.sh: baseline $baseline rewritten from $lib"
    exit 0
fi

rc=0
abidiff --no-added-syms --headers-dir2 "$headers" "$baseline" "$lib" || rc=$?
if [ $rc != 0 ]; then
    echo "abi/check.sh: FAIL: the public ABI of $lib differs from abi/libgcweak.abi (abidiff status $rc)." >&2
    echo "  A compatible change must keep every existing function and public type as it is;" >&2
    echo "  a deliberate break needs a new SONAME (NEWS) and 'make abi-baseline'." >&2
    exit 1
fi
added=$(abidiff --headers-dir2 "$headers" "$baseline" "$lib" || true)
if echo "$added" | grep -q "\[A\]"; then
    echo "$added"
    echo "abi/check.sh: functions added since the baseline (compatible); refresh it with 'make abi-baseline' when they are released."
fi
echo "abi/check.sh: public ABI of $(basename "$lib") matches abi/libgcweak.abi"
