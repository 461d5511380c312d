# SPDX-License-Identifier: MIT
# Finds bdwgc >= GCWEAK_BDWGC_MIN_VERSION and defines the target gcweak::bdwgc
# for it. gcweak's own build and the installed gcweakConfig.cmake both include
# this file, so a consumer finds the same kind of bdwgc the library was built
# against. In order:
#   1. a BDWgc::gc target that already exists (the includer found bdwgc);
#   2. bdwgc's own CMake package (BDWgcConfig.cmake, from a bdwgc built and
#      installed with CMake), which provides BDWgc::gc;
#   3. gc/gc_version.h and libgc on CMake's search path (CMAKE_PREFIX_PATH
#      first), with the locations from pkg-config's bdw-gc.pc as hints when a
#      pkg-config program exists (it is not required).
# Every cache entry it creates on the way is removed again. Sets
# gcweak_bdwgc_FOUND and, when false, gcweak_bdwgc_REASON. Define
# gcweak_bdwgc_GLOBAL true to make the target visible in every directory.
if(NOT DEFINED GCWEAK_BDWGC_MIN_VERSION)
  set(GCWEAK_BDWGC_MIN_VERSION 8.2)
endif()
set(gcweak_bdwgc_FOUND TRUE)
set(gcweak_bdwgc_REASON "")
if(TARGET gcweak::bdwgc)
  return()
endif()

set(_gcweak_bdwgc_link "")
set(_gcweak_bdwgc_include "")
set(_gcweak_bdwgc_too_old "")

# 1 and 2: an upstream BDWgc::gc target.
if(NOT TARGET BDWgc::gc)
  find_package(BDWgc ${GCWEAK_BDWGC_MIN_VERSION} CONFIG QUIET)
  if(NOT BDWgc_FOUND)
    foreach(_gcweak_v IN LISTS BDWgc_CONSIDERED_VERSIONS)
      string(APPEND _gcweak_bdwgc_too_old " ${_gcweak_v}")
    endforeach()
    if("${BDWgc_DIR}" MATCHES "-NOTFOUND$")
      unset(BDWgc_DIR CACHE)
    endif()
  elseif(gcweak_bdwgc_GLOBAL)
    # Found here: promote it, or directories above this one cannot resolve it.
    set_property(TARGET BDWgc::gc PROPERTY IMPORTED_GLOBAL TRUE)
  endif()
endif()
if(TARGET BDWgc::gc)
  if(DEFINED BDWgc_VERSION AND NOT "${BDWgc_VERSION}" STREQUAL ""
     AND BDWgc_VERSION VERSION_LESS GCWEAK_BDWGC_MIN_VERSION)
    set(gcweak_bdwgc_FOUND FALSE)
    set(gcweak_bdwgc_REASON "gcweak needs bdwgc >= ${GCWEAK_BDWGC_MIN_VERSION}; the BDWgc::gc target in use is bdwgc ${BDWgc_VERSION}")
    return()
  endif()
  set(_gcweak_bdwgc_link BDWgc::gc)
else()
  # 3: the header and library themselves.
  set(_gcweak_pc_include "")
  set(_gcweak_pc_libdir "")
  set(_gcweak_pc "${PKG_CONFIG_EXECUTABLE}")
  if(NOT _gcweak_pc)
    find_program(_gcweak_pkg_config_program NAMES pkg-config pkgconf)
    if(_gcweak_pkg_config_program)
      set(_gcweak_pc "${_gcweak_pkg_config_program}")
    endif()
    unset(_gcweak_pkg_config_program CACHE)
  endif()
  if(_gcweak_pc)
    execute_process(COMMAND "${_gcweak_pc}" --variable=includedir bdw-gc
      OUTPUT_VARIABLE _gcweak_pc_include OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET RESULT_VARIABLE _gcweak_rc)
    execute_process(COMMAND "${_gcweak_pc}" --variable=libdir bdw-gc
      OUTPUT_VARIABLE _gcweak_pc_libdir OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET RESULT_VARIABLE _gcweak_rc)
  endif()
  find_path(_gcweak_gc_include_dir gc/gc_version.h HINTS ${_gcweak_pc_include})
  find_library(_gcweak_gc_library NAMES gc HINTS ${_gcweak_pc_libdir})
  set(_gcweak_bdwgc_include "${_gcweak_gc_include_dir}")
  set(_gcweak_bdwgc_link "${_gcweak_gc_library}")
  unset(_gcweak_gc_include_dir CACHE)
  unset(_gcweak_gc_library CACHE)
  if(NOT _gcweak_bdwgc_include OR NOT _gcweak_bdwgc_link)
    set(gcweak_bdwgc_FOUND FALSE)
    set(gcweak_bdwgc_REASON "gcweak needs bdwgc >= ${GCWEAK_BDWGC_MIN_VERSION}, and no gc/gc_version.h and libgc were found (install libgc-dev, or add the prefix of your bdwgc to CMAKE_PREFIX_PATH)")
    if(_gcweak_bdwgc_too_old)
      string(APPEND gcweak_bdwgc_REASON "; BDWgcConfig.cmake of version(s)${_gcweak_bdwgc_too_old} were found and are too old")
    endif()
    return()
  endif()
  file(STRINGS "${_gcweak_bdwgc_include}/gc/gc_version.h" _gcweak_lines
       REGEX "^#define GC_(TMP_)?VERSION_(MAJOR|MINOR|MICRO) +[0-9]+")
  set(_gcweak_version "")
  foreach(_gcweak_part MAJOR MINOR MICRO)
    string(REGEX MATCH "VERSION_${_gcweak_part} +([0-9]+)" _gcweak_m "${_gcweak_lines}")
    if(_gcweak_m)
      list(APPEND _gcweak_version "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  string(REPLACE ";" "." _gcweak_version "${_gcweak_version}")
  if(_gcweak_version AND _gcweak_version VERSION_LESS GCWEAK_BDWGC_MIN_VERSION)
    set(gcweak_bdwgc_FOUND FALSE)
    set(gcweak_bdwgc_REASON "gcweak needs bdwgc >= ${GCWEAK_BDWGC_MIN_VERSION}; ${_gcweak_bdwgc_include}/gc/gc_version.h is bdwgc ${_gcweak_version}")
    return()
  endif()
endif()

if(gcweak_bdwgc_GLOBAL)
  add_library(gcweak::bdwgc INTERFACE IMPORTED GLOBAL)
else()
  add_library(gcweak::bdwgc INTERFACE IMPORTED)
endif()
if(_gcweak_bdwgc_include)
  # A static libgc needs the thread and dl libraries it was built with.
  set_target_properties(gcweak::bdwgc PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_gcweak_bdwgc_include}"
    INTERFACE_LINK_LIBRARIES "${_gcweak_bdwgc_link};Threads::Threads;${CMAKE_DL_LIBS}")
else()
  set_target_properties(gcweak::bdwgc PROPERTIES INTERFACE_LINK_LIBRARIES "${_gcweak_bdwgc_link}")
endif()
