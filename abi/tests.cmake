# SPDX-License-Identifier: MIT
# ctest entry abi_check: the public ABI of this tree's libgcweak.so against
# abi/libgcweak.abi (abi/check.sh). Needs debug information, so only in
# RelWithDebInfo and Debug trees; skipped when abidiff is not installed.
# Included from test/CMakeLists.txt.
if(TARGET gcweak AND CMAKE_BUILD_TYPE MATCHES "^(RelWithDebInfo|Debug)$")
  add_test(NAME abi_check
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check.sh $<TARGET_FILE:gcweak>)
  set_tests_properties(abi_check PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
