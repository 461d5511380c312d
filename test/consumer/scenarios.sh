#!/bin/sh
# SPDX-License-Identifier: MIT
# How gcweak installs and is found, beyond run.sh's two plain consumers. Each
# scenario works in its own scratch directory:
#
#   scenarios.sh <scenario> <gcweak source dir> <gcweak build dir> <scratch dir>
#
#   missing_bdwgc  bdwgc hidden: find_package(gcweak QUIET) sets gcweak_FOUND
#                  false with a reason and prints nothing; REQUIRED fails
#                  with the reason
#   no_cache_leak  a found gcweak leaves no cache entries but gcweak_DIR
#   upstream_bdwgc a project that already has BDWgc::gc gets gcweak linked to
#                  it, so does one with bdwgc's BDWgcConfig.cmake on its
#                  path; one whose BDWgc::gc is bdwgc 8.0 gets gcweak not found
#   subproject     add_subdirectory(gcweak) under include(CTest): no gcweak
#                  tests or benchmark, no Check looked up, the program links
#   static_only    -DGCWEAK_BUILD_SHARED=OFF: only libgcweak.a installed, and
#                  gcweak::gcweak is it
#   uninstall      install with DESTDIR, then cmake/gcweakUninstall.cmake
#                  leaves no file behind
#   system_pc      installed for /usr, gcweak.pc has an absolute prefix and
#                  emits no -I/usr/include or -L/usr/lib...
#   package        cpack -G "DEB;TGZ" from a tree configured for /usr:
#                  libgcweak0 holds only the library, libgcweak-dev the rest
#                  (HTML reference included when doxygen exists); the pair
#                  unpacks into a scratch root with dpkg, and the consumers
#                  build and run against it (exit 77: no cpack or dpkg)
# Environment: CMAKE, CC.
set -eu
scenario=$1 src=$2 build=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
cmake=${CMAKE:-cmake}
cc=${CC:-cc}
fail() { echo "scenarios.sh $scenario: FAIL: $*" >&2; exit 1; }
note() { echo "scenarios.sh $scenario: $*"; }

rm -rf "$work"
mkdir -p "$work"
stage=$work/stage

install_stage() {   # install_stage <build dir>
    "$cmake" --install "$1" --prefix "$stage" >"$work/install.log" ||
        { cat "$work/install.log" >&2; fail "cmake --install $1"; }
}

probe() {   # probe <log> [cmake args...]: configure the probe project
    log=$1
    shift
    rm -rf "$work/probe"
    "$cmake" -S "$here/probe" -B "$work/probe" -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_PREFIX_PATH="$stage" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "$@" >"$log" 2>&1
}

# The directories where the system's bdwgc lives, hidden from CMake's search.
hide_system_bdwgc() {
    gc_lib=$("$cc" -print-file-name=libgc.so)
    gc_libdir=$(cd "$(dirname "$gc_lib")" && pwd -P)
    echo "-DCMAKE_IGNORE_PATH=/usr/include;/usr/local/include;$gc_libdir;/usr/lib;/lib;/usr/lib64"
}

case $scenario in
missing_bdwgc)
    install_stage "$build"
    ignore=$(hide_system_bdwgc)
    PKG_CONFIG_LIBDIR="$work/empty" PKG_CONFIG_PATH=
    export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
    probe "$work/quiet.log" "$ignore" || { cat "$work/quiet.log"; fail "QUIET probe failed to configure"; }
    grep -q 'probe: gcweak_FOUND=0' "$work/quiet.log" || { cat "$work/quiet.log"; fail "gcweak found without bdwgc"; }
    grep -q 'probe: reason=.*bdwgc >= 8.2' "$work/quiet.log" || { cat "$work/quiet.log"; fail "no reason given"; }
    ! grep -v '^-- probe:' "$work/quiet.log" | grep -q 'gcweak needs' || { cat "$work/quiet.log"; fail "QUIET printed a message"; }
    ! grep -q 'probe: cache entry' "$work/quiet.log" || { cat "$work/quiet.log"; fail "cache entries left"; }
    if probe "$work/required.log" "$ignore" -DPROBE_REQUIRED=ON; then
        cat "$work/required.log"; fail "REQUIRED configured without bdwgc"
    fi
    grep -q 'gcweak needs bdwgc >= 8.2' "$work/required.log" || { cat "$work/required.log"; fail "REQUIRED gave no reason"; }
    note "QUIET: gcweak_FOUND false, reason: $(sed -n 's/.*probe: reason=//p' "$work/quiet.log")"
    ;;
no_cache_leak)
    install_stage "$build"
    probe "$work/probe.log" -DPROBE_COMPONENTS="shared;static" || { cat "$work/probe.log"; fail "probe failed"; }
    grep -q 'probe: gcweak_FOUND=1' "$work/probe.log" || { cat "$work/probe.log"; fail "gcweak not found"; }
    ! grep -q 'probe: cache entry' "$work/probe.log" || { grep 'probe:' "$work/probe.log"; fail "cache entries left"; }
    "$cmake" --build "$work/probe" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
    "$work/probe/consumer" >/dev/null || fail "consumer exited $?"
    note "found, no cache entries left, consumer runs"
    ;;
upstream_bdwgc)
    install_stage "$build"
    probe "$work/new.log" -DPROBE_BDWGC_TARGET=8.2.2 || { cat "$work/new.log"; fail "probe failed"; }
    grep -q 'probe: bdwgc=BDWgc::gc$' "$work/new.log" || { grep 'probe:' "$work/new.log"; fail "gcweak::bdwgc does not use BDWgc::gc"; }
    "$cmake" --build "$work/probe" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
    "$work/probe/consumer" >/dev/null || fail "consumer exited $?"
    # bdwgc's own CMake package (as a bdwgc built with CMake installs it).
    fake=$work/upstream/lib/cmake/BDWgc
    mkdir -p "$fake"
    cat >"$fake/BDWgcConfigVersion.cmake" <<'CMAKE'
set(PACKAGE_VERSION 8.2.2)
set(PACKAGE_VERSION_COMPATIBLE TRUE)
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
endif()
CMAKE
    cat >"$fake/BDWgcConfig.cmake" <<CMAKE
add_library(BDWgc::gc SHARED IMPORTED)
set_target_properties(BDWgc::gc PROPERTIES IMPORTED_LOCATION "$("$cc" -print-file-name=libgc.so)")
CMAKE
    probe "$work/package.log" "-DCMAKE_PREFIX_PATH=$stage;$work/upstream" ||
        { cat "$work/package.log"; fail "probe failed"; }
    grep -q 'probe: bdwgc=BDWgc::gc$' "$work/package.log" || { grep 'probe:' "$work/package.log"; fail "BDWgcConfig.cmake not used"; }
    # BDWgc_DIR, find_package's own record of the package found, is the one entry left.
    ! grep 'probe: cache entry' "$work/package.log" | grep -v -q 'entry BDWgc_DIR$' ||
        { grep 'probe:' "$work/package.log"; fail "cache entries left"; }
    "$cmake" --build "$work/probe" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
    "$work/probe/consumer" >/dev/null || fail "consumer exited $?"
    probe "$work/old.log" -DPROBE_BDWGC_TARGET=8.0.4 || { cat "$work/old.log"; fail "probe failed"; }
    grep -q 'probe: gcweak_FOUND=0' "$work/old.log" || { grep 'probe:' "$work/old.log"; fail "gcweak found with bdwgc 8.0.4"; }
    grep -q 'probe: reason=.*bdwgc 8.0.4' "$work/old.log" || { grep 'probe:' "$work/old.log"; fail "no reason"; }
    note "BDWgc::gc used (target, package); with bdwgc 8.0.4: $(sed -n 's/.*probe: reason=//p' "$work/old.log")"
    ;;
subproject)
    mkdir -p "$work/wrapper"
    cat >"$work/wrapper/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(wrapper LANGUAGES C)
include(CTest)
find_package(Threads REQUIRED)
add_subdirectory("$src" gcweak)
add_executable(app "$here/consumer.c")
target_link_libraries(app PRIVATE gcweak::gcweak Threads::Threads)
CMAKE
    "$cmake" -S "$work/wrapper" -B "$work/wrapper/build" -DCMAKE_C_COMPILER="$cc" \
        >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
    ! grep -q "Checking for module 'check'" "$work/configure.log" || fail "Check was looked up"
    if "$cmake" --build "$work/wrapper/build" --target help | grep -q -E 'test_gcweak|gcweak-bench'; then
        fail "gcweak's tests or benchmark are targets of the wrapper"
    fi
    tests=$(cd "$work/wrapper/build" && ctest -N | sed -n 's/^Total Tests: //p')
    [ "$tests" = 0 ] || fail "the wrapper has $tests tests"
    "$cmake" --build "$work/wrapper/build" -j 2 --target app >"$work/build.log" 2>&1 ||
        { cat "$work/build.log"; fail "build"; }
    "$work/wrapper/build/app" >/dev/null || fail "app exited $?"
    note "no gcweak tests, no Check, app links and runs"
    ;;
static_only)
    "$cmake" -S "$src" -B "$work/build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
        -DGCWEAK_BUILD_SHARED=OFF -DGCWEAK_BUILD_TESTS=OFF -DGCWEAK_BUILD_BENCH=OFF \
        >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
    "$cmake" --build "$work/build" -j 2 >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
    install_stage "$work/build"
    [ -z "$(find "$stage" -name 'libgcweak.so*')" ] || fail "a shared library was installed"
    [ -n "$(find "$stage" -name libgcweak.a)" ] || fail "libgcweak.a not installed"
    probe "$work/probe.log" -DPROBE_COMPONENTS=static || { cat "$work/probe.log"; fail "probe failed"; }
    "$cmake" --build "$work/probe" >"$work/pbuild.log" 2>&1 || { cat "$work/pbuild.log"; fail "build"; }
    ! ldd "$work/probe/consumer" | grep -q libgcweak || fail "consumer loads a libgcweak.so"
    "$work/probe/consumer" >/dev/null || fail "consumer exited $?"
    if probe "$work/shared.log" -DPROBE_COMPONENTS=shared -DPROBE_REQUIRED=ON; then
        fail "component 'shared' found in a static-only install"
    fi
    note "only libgcweak.a; gcweak::gcweak links it; component shared reported missing"
    ;;
uninstall)
    dest=$work/dest
    DESTDIR=$dest "$cmake" --install "$build" --prefix /opt/test-prefix >"$work/install.log" ||
        fail "install"
    n=$(find "$dest" -type f | wc -l)
    [ "$n" -gt 5 ] || fail "only $n files installed"
    DESTDIR=$dest "$cmake" -DMANIFEST="$build/install_manifest.txt" \
        -P "$src/cmake/gcweakUninstall.cmake" >"$work/uninstall.log" || fail "uninstall"
    left=$(find "$dest" ! -type d)
    [ -z "$left" ] || fail "left behind: $left"
    ! find "$dest" -type d -name '*gcweak*' | grep -q . || fail "gcweak directories left: $(find "$dest" -type d -name '*gcweak*')"
    note "$n files installed under DESTDIR, none left after uninstall"
    ;;
system_pc)
    dest=$work/dest
    DESTDIR=$dest "$cmake" --install "$build" --prefix /usr >"$work/install.log" || fail "install"
    pc=$(find "$dest" -name gcweak.pc)
    grep -q '^prefix=/usr$' "$pc" || fail "prefix in $pc: $(grep '^prefix=' "$pc")"
    grep -q '^Requires: bdw-gc >= 8.2$' "$pc" || fail "no minimum bdw-gc in $pc"
    flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs gcweak) || fail "pkg-config"
    case " $flags " in
    *" -I/usr/include "*|*" -L/usr/lib"*) fail "system directories emitted: $flags" ;;
    esac
    note "prefix=/usr, flags: $flags"
    ;;
package)
    for tool in cpack dpkg-deb dpkg; do
        command -v "$tool" >/dev/null 2>&1 || { note "skipped: no $tool"; exit 77; }
    done
    b=$work/build
    "$cmake" -S "$src" -B "$b" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_DOCDIR=share/doc/libgcweak-dev \
        -DGCWEAK_BUILD_TESTS=OFF -DGCWEAK_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 ||
        { cat "$work/configure.log"; fail "configure"; }
    "$cmake" --build "$b" -j 2 >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
    html=0
    if command -v doxygen >/dev/null 2>&1; then
        "$cmake" --build "$b" --target docs >"$work/docs.log" 2>&1 || { cat "$work/docs.log"; fail "docs"; }
        html=1
    fi
    (cd "$b" && cpack -G "DEB;TGZ") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
    rt=$(ls "$b"/libgcweak0_*.deb) dev=$(ls "$b"/libgcweak-dev_*.deb) tgz=$(ls "$b"/gcweak-*.tar.gz) ||
        fail "packages missing: $(ls "$b")"
    dpkg-deb -c "$rt" | awk '{print $6}' | grep -v '/$' >"$work/runtime.list"
    dpkg-deb -c "$dev" | awk '{print $6}' | grep -v '/$' >"$work/dev.list"
    multiarch=$(sed -n 's|^\./usr/lib/\([^/]*\)/libgcweak.so.0$|\1|p' "$work/runtime.list")
    [ -n "$multiarch" ] || fail "libgcweak.so.0 not in /usr/lib/<multiarch>: $(cat "$work/runtime.list")"
    ! grep -v -E '^\./usr/lib/[^/]+/libgcweak\.so\.0' "$work/runtime.list" | grep -q . ||
        fail "runtime package holds more than the library: $(cat "$work/runtime.list")"
    for f in include/gcweak.h include/gcweak.hpp "lib/$multiarch/libgcweak.so" \
             "lib/$multiarch/libgcweak.a" "lib/$multiarch/cmake/gcweak/gcweakConfig.cmake" \
             "lib/$multiarch/pkgconfig/gcweak.pc" share/man/man3/gcweak.3 \
             share/doc/libgcweak-dev/LICENSE share/doc/libgcweak-dev/examples/visit_counter.c; do
        grep -q "^\./usr/$f\$" "$work/dev.list" || fail "libgcweak-dev lacks /usr/$f"
    done
    if [ $html = 1 ]; then
        grep -q '^\./usr/share/doc/libgcweak-dev/html/index.html$' "$work/dev.list" ||
            fail "libgcweak-dev lacks the HTML reference"
    fi
    ! grep -q 'libgcweak.so.0' "$work/dev.list" || fail "libgcweak-dev holds the runtime library"
    dpkg-deb -f "$dev" Depends | grep -q 'libgcweak0 (= ' || fail "libgcweak-dev does not depend on libgcweak0"
    dpkg-deb -f "$dev" Depends | grep -q 'libgc-dev (>= 1:8.2)' || fail "libgcweak-dev does not need libgc-dev >= 8.2"
    tar -tzf "$tgz" | grep -q '/usr/include/gcweak.hpp$' || fail "the .tar.gz lacks gcweak.hpp"
    tar -tzf "$tgz" | grep -q '/libgcweak.so.0$' || fail "the .tar.gz lacks the library"

    # The pair unpacks together into a scratch root (without touching the
    # machine's own /usr; dependencies are the machine's, so not checked).
    root=$work/root
    mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
    : >"$root/var/lib/dpkg/status"
    : >"$root/var/lib/dpkg/available"
    dpkg --root="$root" --log=/dev/null --force-depends --unpack "$rt" "$dev" >"$work/dpkg.log" 2>&1 ||
        { cat "$work/dpkg.log"; fail "dpkg --unpack"; }
    # The consumer test against what the packages installed.
    "$cmake" -S "$here" -B "$work/consumer" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        >"$work/cconfigure.log" 2>&1 || { cat "$work/cconfigure.log"; fail "consumer configure"; }
    "$cmake" --build "$work/consumer" -j 2 >"$work/cbuild.log" 2>&1 || { cat "$work/cbuild.log"; fail "consumer build"; }
    ldd "$work/consumer/consumer" | grep libgcweak | grep -q "$root/" || fail "consumer does not load the packaged library"
    for prog in consumer consumer_static consumer_cxx; do
        [ -x "$work/consumer/$prog" ] || continue
        "$work/consumer/$prog" >"$work/$prog.log" 2>&1 || { cat "$work/$prog.log"; fail "$prog exited $?"; }
    done
    flags=$(PKG_CONFIG_PATH=$root/usr/lib/$multiarch/pkgconfig pkg-config --cflags --libs gcweak) || fail "pkg-config"
    case " $flags " in
    *" -I/usr/include "*|*" -L/usr/lib"*) fail "gcweak.pc emits system directories: $flags" ;;
    esac
    note "$(basename "$rt") + $(basename "$dev") + $(basename "$tgz"); unpacked, consumers run; pkg-config: $flags"
    ;;
*)
    fail "unknown scenario"
    ;;
esac
