#!/bin/sh
# SPDX-License-Identifier: MIT
# Build and run the consumer program against an *installed* gcweak.
#
#   run.sh find_package|pkg_config <gcweak build dir> <scratch dir>
#
# Installs the build tree into <scratch dir>/stage with `cmake --install`,
# checks the installed files, then builds consumer.c against the stage either
# as an out-of-tree CMake project (find_package(gcweak CONFIG)) or with a
# plain cc command line from `pkg-config --cflags --libs gcweak`, and runs it.
# Environment: CMAKE (cmake to use), CC and CXX (compilers), GCWEAK_EXPECTED_VERSION.
set -eu

mode=$1 build=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
cmake=${CMAKE:-cmake}
cc=${CC:-cc}

fail() { echo "run.sh: FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
stage=$work/stage
"$cmake" --install "$build" --prefix "$stage" >"$work/install.log" ||
    { cat "$work/install.log" >&2; fail "cmake --install $build"; }

# ------------------------------------------------------ installed files
[ -f "$stage/include/gcweak.h" ] || fail "header not installed"
[ -f "$stage/include/gcweak.hpp" ] || fail "C++ header not installed"
[ -f "$stage/share/man/man3/gcweak.3" ] || fail "man page gcweak.3 not installed"
pc=$(find "$stage" -name gcweak.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || fail "gcweak.pc not installed"
libdir=$(dirname "$(dirname "$pc")")
for f in libgcweak.so libgcweak.a cmake/gcweak/gcweakConfig.cmake \
         cmake/gcweak/gcweakConfigVersion.cmake cmake/gcweak/gcweakTargets.cmake; do
    [ -e "$libdir/$f" ] || fail "$libdir/$f not installed"
done
soname=$(readelf -d "$libdir/libgcweak.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
case $soname in libgcweak.so.[0-9]*) ;; *) fail "bad SONAME '$soname'" ;; esac
[ -e "$libdir/$soname" ] || fail "$libdir/$soname (the SONAME) not installed"
# Only the API is exported from the shared library (plus linker-made symbols
# and the version nodes), every function of it with a symbol version.
extra=$(nm -D --defined-only "$libdir/libgcweak.so" | awk '{print $3}' |
        grep -v -E '^(gcweak_|GCWEAK_[0-9.]+$|(_init|_fini|_end|_edata|__bss_start)$)' || true)
[ -z "$extra" ] || fail "non-API symbols exported: $extra"
unversioned=$(nm -D --defined-only "$libdir/libgcweak.so" | awk '{print $3}' |
              grep -E '^gcweak_' | grep -v -E '@@?GCWEAK_[0-9.]+$' || true)
[ -z "$unversioned" ] || fail "exported without a GCWEAK_ symbol version: $unversioned"
nm "$libdir/libgcweak.a" | grep -q ' T gcweak_map_new$' || fail "libgcweak.a lacks gcweak_map_new"
echo "run.sh: installed files ok (SONAME $soname)"

# The program must use the staged library, not one installed elsewhere.
check_uses_stage() {
    ldd "$1" | grep libgcweak | grep -q "$libdir/" ||
        fail "$1 does not load libgcweak from $libdir: $(ldd "$1" | grep libgcweak)"
}

case $mode in
find_package)
    "$cmake" -S "$here" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$stage" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        -DGCWEAK_EXPECTED_VERSION="${GCWEAK_EXPECTED_VERSION:-}" ||
        fail "configuring the consumer"
    found=$(sed -n 's/^gcweak_DIR:PATH=//p' "$work/build/CMakeCache.txt")
    [ "$found" = "$libdir/cmake/gcweak" ] || fail "find_package found gcweak in '$found'"
    "$cmake" --build "$work/build" || fail "building the consumer"
    check_uses_stage "$work/build/consumer"
    "$work/build/consumer" || fail "consumer (shared) exited $?"
    "$work/build/consumer_static" || fail "consumer_static exited $?"
    if [ -x "$work/build/consumer_cxx" ]; then
        "$work/build/consumer_cxx" || fail "consumer_cxx exited $?"
    fi
    ;;
pkg_config)
    export PKG_CONFIG_PATH="$libdir/pkgconfig"
    version=$(pkg-config --modversion gcweak) || fail "pkg-config does not find gcweak"
    [ -z "${GCWEAK_EXPECTED_VERSION:-}" ] || [ "$version" = "$GCWEAK_EXPECTED_VERSION" ] ||
        fail "gcweak.pc says version $version"
    pc_libdir=$(pkg-config --variable=libdir gcweak)
    [ "$(cd "$pc_libdir" 2>/dev/null && pwd -P)" = "$(cd "$libdir" && pwd -P)" ] ||
        fail "gcweak.pc points to libdir '$pc_libdir', not to where it was installed ($libdir): it is not relocatable"
    flags="$(pkg-config --cflags gcweak) $(pkg-config --libs gcweak)"
    echo "run.sh: $cc -std=c11 -O2 -Wall -Wextra -Werror -o consumer consumer.c $flags -pthread"
    # shellcheck disable=SC2086
    "$cc" -std=c11 -O2 -Wall -Wextra -Werror -o "$work/consumer" "$here/consumer.c" \
        $flags -pthread || fail "compiling the consumer with pkg-config flags"
    export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    check_uses_stage "$work/consumer"
    "$work/consumer" || fail "consumer exited $?"
    cxx=${CXX:-c++}
    if command -v "$cxx" >/dev/null 2>&1; then
        echo "run.sh: $cxx -std=c++17 -O2 -Wall -Wextra -Werror -o consumer_cxx consumer_cxx.cpp $flags"
        # shellcheck disable=SC2086
        "$cxx" -std=c++17 -O2 -Wall -Wextra -Werror -o "$work/consumer_cxx" \
            "$here/consumer_cxx.cpp" $flags || fail "compiling the C++ consumer with pkg-config flags"
        "$work/consumer_cxx" || fail "consumer_cxx exited $?"
    fi
    ;;
*)
    fail "unknown mode '$mode'"
    ;;
esac
echo "run.sh: consumer via $mode ok"
