# SPDX-License-Identifier: MIT
# Consumer tests: install this build tree into a staging prefix and build an
# out-of-tree program against it, through find_package and through
# pkg-config. Included from test/CMakeLists.txt: include(consumer/tests.cmake)
foreach(mode find_package pkg_config)
  add_test(NAME consumer_${mode}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run.sh ${mode}
            ${CMAKE_BINARY_DIR} ${CMAKE_BINARY_DIR}/consumer-${mode})
  set_tests_properties(consumer_${mode} PROPERTIES
    TIMEOUT 600
    ENVIRONMENT "CMAKE=${CMAKE_COMMAND};CC=${CMAKE_C_COMPILER};GCWEAK_EXPECTED_VERSION=${PROJECT_VERSION}")
endforeach()
