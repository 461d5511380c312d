# SPDX-License-Identifier: MIT
# Consumer tests: install this build tree into a staging prefix and build an
# out-of-tree program against it, through find_package and through
# pkg-config (run.sh), and the install and package scenarios of scenarios.sh.
# Included from test/CMakeLists.txt: include(consumer/tests.cmake)
# Tests that install this tree share its install_manifest.txt: one at a time.
foreach(mode find_package pkg_config)
  add_test(NAME consumer_${mode}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run.sh ${mode}
            ${CMAKE_BINARY_DIR} ${CMAKE_BINARY_DIR}/consumer-${mode})
  set_tests_properties(consumer_${mode} PROPERTIES
    TIMEOUT 600 RESOURCE_LOCK gcweak_install_manifest
    ENVIRONMENT "CMAKE=${CMAKE_COMMAND};CC=${CMAKE_C_COMPILER};GCWEAK_EXPECTED_VERSION=${PROJECT_VERSION}")
endforeach()

foreach(scenario missing_bdwgc no_cache_leak upstream_bdwgc subproject static_only
                 uninstall system_pc package)
  add_test(NAME consumer_${scenario}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scenarios.sh ${scenario} ${PROJECT_SOURCE_DIR}
            ${CMAKE_BINARY_DIR} ${CMAKE_BINARY_DIR}/consumer-${scenario})
  set_tests_properties(consumer_${scenario} PROPERTIES
    TIMEOUT 600 SKIP_RETURN_CODE 77
    ENVIRONMENT "CMAKE=${CMAKE_COMMAND};CC=${CMAKE_C_COMPILER}")
  if(NOT scenario MATCHES "^(subproject|static_only|package)$")
    set_tests_properties(consumer_${scenario} PROPERTIES RESOURCE_LOCK gcweak_install_manifest)
  endif()
endforeach()
