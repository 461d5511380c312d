# SPDX-License-Identifier: MIT
# CPack settings, included by the top-level CMakeLists.txt. The install
# components (runtime, development) become two Debian packages:
#   libgcweak<SONAME major>  the shared library
#   libgcweak-dev            headers, libgcweak.so link, libgcweak.a, CMake
#                            package, gcweak.pc, gcweak(3), docs and examples
# Configure with -DCMAKE_INSTALL_PREFIX=/usr (the packages' prefix, which also
# gives Debian's multiarch libdir) before running cpack; `make package` does.
set(CPACK_PACKAGE_NAME gcweak)
set(CPACK_PACKAGE_VENDOR "The gcweak authors")
set(GCWEAK_PACKAGE_CONTACT "gcweak maintainers <maintainers@gcweak.invalid>" CACHE STRING
  "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${GCWEAK_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "WeakMap and WeakSet for the Boehm-Demers-Weiser collector")
set(CPACK_PACKAGE_DESCRIPTION "gcweak gives C and C++ programs built on bdwgc weak maps (ephemeron tables) and weak sets keyed by collector objects: an entry disappears by itself when the collector reclaims its key. License: MIT.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/;/build.*/")
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "gcweak shared library")
set(CPACK_COMPONENT_DEVELOPMENT_DISPLAY_NAME "gcweak development files")
set(CPACK_COMPONENT_DEVELOPMENT_DEPENDS runtime)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "WeakMap and WeakSet for the Boehm-Demers-Weiser collector (shared library, MIT license)")
set(CPACK_COMPONENT_DEVELOPMENT_DESCRIPTION
  "WeakMap and WeakSet for the Boehm-Demers-Weiser collector (headers for C and C++, static library, CMake package, pkg-config file, man page, examples; MIT license)")

# TGZ: one archive with both components.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

# DEB: one package per component.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "libgcweak${PROJECT_VERSION_MAJOR}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# Dependencies of the library computed by dpkg-shlibdeps (package dpkg-dev)
# when it is installed; libgc1 at the version gcweak needs in any case.
find_program(GCWEAK_DPKG_SHLIBDEPS dpkg-shlibdeps)
mark_as_advanced(GCWEAK_DPKG_SHLIBDEPS)
if(GCWEAK_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "libgc1 (>= 1:${GCWEAK_BDWGC_MIN_VERSION})")
else()
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "libc6, libgc1 (>= 1:${GCWEAK_BDWGC_MIN_VERSION})")
endif()
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libgcweak-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
  "libgcweak${PROJECT_VERSION_MAJOR} (= ${PROJECT_VERSION}), libgc-dev (>= 1:${GCWEAK_BDWGC_MIN_VERSION})")
include(CPack)
