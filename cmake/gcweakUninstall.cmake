# SPDX-License-Identifier: MIT
# Removes what `cmake --install` (or `make install`) put in place, as listed
# in the build tree's install_manifest.txt, under $DESTDIR when set:
#
#   cmake -DMANIFEST=<build>/install_manifest.txt -P cmake/gcweakUninstall.cmake
#
# Afterwards it removes the directories left empty that are gcweak's own
# (<libdir>/cmake/gcweak, the doc directory) or <libdir>/cmake and
# <libdir>/pkgconfig; the prefix's standard directories (include/, lib/,
# share/man/man3/) stay.
if(NOT MANIFEST OR NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "No install manifest '${MANIFEST}': nothing was installed from this build tree")
endif()
file(STRINGS "${MANIFEST}" _files)
set(_dirs "")
foreach(_f IN LISTS _files)
  set(_p "$ENV{DESTDIR}${_f}")
  if(EXISTS "${_p}" OR IS_SYMLINK "${_p}")
    file(REMOVE "${_p}")
    message(STATUS "Removed: ${_p}")
  endif()
  get_filename_component(_d "${_p}" DIRECTORY)
  list(APPEND _dirs "${_d}")
endforeach()
list(REMOVE_DUPLICATES _dirs)
foreach(_d IN LISTS _dirs)
  # Walk up while the directory is empty and gcweak's own (a gcweak or
  # libgcweak-dev component in its path, as in lib/cmake/gcweak or
  # share/doc/gcweak/examples) or a libdir's cmake/ or pkgconfig/.
  while(IS_DIRECTORY "${_d}" AND "${_d}/" MATCHES "/(lib)?gcweak(-dev)?/|/lib[^/]*/(cmake|pkgconfig)/$")
    file(GLOB _left LIST_DIRECTORIES true "${_d}/*")
    if(_left)
      break()
    endif()
    file(REMOVE_RECURSE "${_d}")
    message(STATUS "Removed: ${_d}/")
    get_filename_component(_d "${_d}" DIRECTORY)
  endwhile()
endforeach()
file(REMOVE "${MANIFEST}")
