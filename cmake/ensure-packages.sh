#!/bin/sh
# SPDX-License-Identifier: MIT
# Makes sure the Debian packages a make target needs are installed.
#
#   ensure-packages.sh [--want] CHECK=PACKAGE ...
#
# CHECK is cmd:NAME (a command on PATH) or pc:NAME (a pkg-config module).
# Packages before --want are required, those after it optional. As root on a
# machine with apt-get, missing packages are installed (apt-get update first,
# once). Otherwise the one command to run is printed, and the script fails if
# anything required is missing. Optional packages that cannot be had are
# reported and skipped.
set -u

need=""
want=""
optional=0
have() {
    case $1 in
    cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
    pc:*) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "${1#pc:}" ;;
    *) echo "ensure-packages.sh: bad check '$1'" >&2; exit 2 ;;
    esac
}
for arg in "$@"; do
    if [ "$arg" = --want ]; then optional=1; continue; fi
    check=${arg%%=*} pkg=${arg#*=}
    have "$check" && continue
    if [ $optional = 1 ]; then want="$want $pkg"; else need="$need $pkg"; fi
done
[ -z "$need$want" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    echo "ensure-packages.sh: installing:$need$want" >&2
    apt-get update -qq >/dev/null || echo "ensure-packages.sh: apt-get update failed; trying anyway" >&2
    if [ -n "$need" ]; then
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $need >/dev/null || exit 1
    fi
    for pkg in $want; do
        apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null ||
            echo "ensure-packages.sh: could not install $pkg; skipping what needs it" >&2
    done
    exit 0
fi
echo "ensure-packages.sh: missing packages; run once:" >&2
echo "  sudo apt-get install -y$need$want" >&2
[ -z "$need" ]
