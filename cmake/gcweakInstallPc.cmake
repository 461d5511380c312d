# SPDX-License-Identifier: MIT
# Install-time step (install(SCRIPT)): writes gcweak.pc for the prefix the
# tree is being installed into, which `cmake --install --prefix` or CPack may
# have changed since configuration. For /usr the prefix is absolute, so that
# pkg-config recognises /usr/include and /usr/lib/... as system directories and
# emits no -I/-L for them (which could pick the system libgc over another
# one); elsewhere it is relative to the .pc file, so the tree can be moved.
# Set by the install(CODE) before it: GCWEAK_PC_TEMPLATE, GCWEAK_PC_OUTPUT,
# GCWEAK_PC_LIBDIR_REL (CMAKE_INSTALL_LIBDIR).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr" OR IS_ABSOLUTE "${GCWEAK_PC_LIBDIR_REL}")
  set(GCWEAK_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _gcweak_up "/${GCWEAK_PC_LIBDIR_REL}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" _gcweak_up "${_gcweak_up}")
  set(GCWEAK_PC_PREFIX "\${pcfiledir}/${_gcweak_up}")
endif()
configure_file("${GCWEAK_PC_TEMPLATE}" "${GCWEAK_PC_OUTPUT}" @ONLY)
if(IS_ABSOLUTE "${GCWEAK_PC_LIBDIR_REL}")
  set(_gcweak_pc_dir "${GCWEAK_PC_LIBDIR_REL}/pkgconfig")
else()
  set(_gcweak_pc_dir "${CMAKE_INSTALL_PREFIX}/${GCWEAK_PC_LIBDIR_REL}/pkgconfig")
endif()
file(INSTALL DESTINATION "${_gcweak_pc_dir}" TYPE FILE FILES "${GCWEAK_PC_OUTPUT}")
