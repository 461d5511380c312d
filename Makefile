# SPDX-License-Identifier: MIT
# Thin front end over CMake. `make test` and `make bench` each do their own
# set-up on a fresh Debian or Ubuntu machine.
BUILD ?= build
# What `make` and `make install` build: optimised, no invariant checks, no tests.
RELEASE_BUILD ?= $(BUILD)/release
# Where `make install` puts the library; DESTDIR (empty) stages it elsewhere.
PREFIX ?= /usr/local
DESTDIR ?=
JOBS ?= 2
# The library needs a compiler, CMake and bdwgc; the tests also need Check and
# a C++ compiler, and use abidiff (ABI check), dpkg-deb and doxygen when present.
BUILD_PACKAGES = cmd:cmake=cmake cmd:make=make cmd:cc=gcc cmd:pkg-config=pkg-config \
                 pc:bdw-gc=libgc-dev
TEST_PACKAGES = $(BUILD_PACKAGES) pc:check=check cmd:c++=g++ \
                --want cmd:abidiff=abigail-tools

.PHONY: all deps test-deps test test-release bench docs install uninstall package abi-check abi-baseline clean

all: deps
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DGCWEAK_ASSERTS=OFF \
	      -DCMAKE_INSTALL_PREFIX="$(PREFIX)" -DGCWEAK_BUILD_TESTS=OFF -DGCWEAK_BUILD_BENCH=OFF
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

deps:
	@sh cmake/ensure-packages.sh $(BUILD_PACKAGES)

# Configure with warnings as errors and internal invariant checks, build, and
# run the whole ctest suite.
test-deps:
	@sh cmake/ensure-packages.sh $(TEST_PACKAGES)

test: test-deps
	cmake -S . -B $(BUILD) -DGCWEAK_WERROR=ON -DGCWEAK_ASSERTS=ON -DGCWEAK_BUILD_TESTS=ON
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The README's plain "With CMake directly" Release build, tests included as
# it builds them where Check is installed (no asserts, no -Werror), in a tree
# of its own; ctest fails if that build produced no tests.
TEST_RELEASE_BUILD ?= $(BUILD)/test-release
test-release: test-deps
	cmake -S . -B $(TEST_RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(TEST_RELEASE_BUILD) -j $(JOBS)
	cd $(TEST_RELEASE_BUILD) && ctest --output-on-failure --no-tests=error -j $(JOBS)

bench: deps
	bash bench/run.sh

# The HTML API reference, in $(BUILD)/docs/html. Without Doxygen (and no way
# to install it) this says so and succeeds: the man page needs no tool.
docs: deps
	@sh cmake/ensure-packages.sh --want cmd:doxygen=doxygen
	@if ! command -v doxygen >/dev/null 2>&1; then \
	    echo "make docs: doxygen is not installed; skipping the HTML reference (see docs/gcweak.3: man -l docs/gcweak.3)"; \
	    exit 0; \
	fi; \
	cmake -S . -B $(BUILD) && cmake --build $(BUILD) --target docs

# ldconfig: the dynamic loader's cache must learn the new library, or programs
# linked against it fail to start until someone runs it by hand (only as root
# and for a real install, not a DESTDIR staging).
install: all
	DESTDIR="$(DESTDIR)" cmake --install $(RELEASE_BUILD)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi

# Removes what the last `make install` put in place (its install_manifest.txt),
# with the same DESTDIR.
uninstall:
	DESTDIR="$(DESTDIR)" cmake -DMANIFEST=$(RELEASE_BUILD)/install_manifest.txt \
	      -P cmake/gcweakUninstall.cmake
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi

# Debian packages libgcweak0 and libgcweak-dev, and one .tar.gz, in
# $(BUILD)/package, from a Release tree configured for /usr.
PACKAGE_BUILD ?= $(BUILD)/package
package: deps
	@sh cmake/ensure-packages.sh cmd:dpkg-deb=dpkg-dev cmd:dpkg-shlibdeps=dpkg-dev \
	      --want cmd:doxygen=doxygen
	cmake -S . -B $(PACKAGE_BUILD) -DCMAKE_BUILD_TYPE=Release -DGCWEAK_ASSERTS=OFF \
	      -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_DOCDIR=share/doc/libgcweak-dev \
	      -DGCWEAK_BUILD_TESTS=OFF -DGCWEAK_BUILD_BENCH=OFF
	cmake --build $(PACKAGE_BUILD) -j $(JOBS)
	@if command -v doxygen >/dev/null 2>&1; then cmake --build $(PACKAGE_BUILD) --target docs; fi
	cd $(PACKAGE_BUILD) && cpack -G "DEB;TGZ"

# The public ABI of a RelWithDebInfo libgcweak.so against abi/libgcweak.abi
# (abi/check.sh); abi-baseline rewrites the baseline after a deliberate change.
ABI_BUILD ?= $(BUILD)/abi
abi-check abi-baseline: deps
	@sh cmake/ensure-packages.sh cmd:abidiff=abigail-tools
	cmake -S . -B $(ABI_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGCWEAK_ASSERTS=OFF \
	      -DGCWEAK_BUILD_TESTS=OFF -DGCWEAK_BUILD_BENCH=OFF -DGCWEAK_BUILD_STATIC=OFF
	cmake --build $(ABI_BUILD) -j $(JOBS)
	sh abi/check.sh $(if $(filter abi-baseline,$@),--update) $(ABI_BUILD)/lib/libgcweak.so

clean:
	rm -rf $(BUILD)
