# SPDX-License-Identifier: MIT
# Thin front end over CMake. `make test` and `make bench` each do their own
# set-up on a fresh Debian or Ubuntu machine.
BUILD ?= build
# What `make` and `make install` build: optimised, no invariant checks, no tests.
RELEASE_BUILD ?= $(BUILD)/release
JOBS ?= 2
BUILD_PACKAGES = cmd:cmake=cmake cmd:make=make cmd:cc=gcc cmd:pkg-config=pkg-config \
                 pc:bdw-gc=libgc-dev pc:check=check

.PHONY: all deps test bench docs install clean

all: deps
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DGCWEAK_ASSERTS=OFF \
	      -DGCWEAK_BUILD_TESTS=OFF -DGCWEAK_BUILD_BENCH=OFF
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

deps:
	@sh cmake/ensure-packages.sh $(BUILD_PACKAGES)

# Configure with warnings as errors and internal invariant checks, build, and
# run the whole ctest suite.
test: deps
	cmake -S . -B $(BUILD) -DGCWEAK_WERROR=ON -DGCWEAK_ASSERTS=ON
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

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
# linked against it fail to start until someone runs it by hand.
install: all
	cmake --install $(RELEASE_BUILD)
	@if [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi

clean:
	rm -rf $(BUILD)
