# bench_floor_pause: the link floor and the pause workload must produce their
# figures, and the report must show them (options given as --opt=value). In
# three rounds the pause takes a share of its collections in each, and must
# still have ten or more in all.
#   cmake -DBENCH=<gcweak-bench> -DOUT=<dir> -P check_floor_pause.cmake
execute_process(
  COMMAND ${BENCH} --quick --sizes=1e3 --reps=3 --rounds=3 --systems=strong,floor,gcweak,gcweak-wk
          --workloads=insert,get_hit,get_miss,has,delete,gc_cost,pause
          --json=${OUT}/floor_pause.json --report-dir=${OUT}/floor_pause
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gcweak-bench exited with ${rc}")
endif()
file(READ ${OUT}/floor_pause.json json)
foreach(figure IN ITEMS
    "floor\", \"workload\": \"insert\", \"n\": 1000, \"metric\": \"ns_per_op\""
    "floor\", \"workload\": \"get_hit\", \"n\": 1000, \"metric\": \"ns_per_op\""
    "floor\", \"workload\": \"has\", \"n\": 1000, \"metric\": \"ns_per_op\""
    "floor\", \"workload\": \"delete\", \"n\": 1000, \"metric\": \"ns_per_op\""
    "floor\", \"workload\": \"gc_cost\", \"n\": 1000, \"metric\": \"ns_per_entry\""
    "gcweak\", \"workload\": \"gc_cost\", \"n\": 1000, \"metric\": \"gc_ms_with_table\"")
  string(FIND "${json}" "${figure}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "no figure ${figure} in ${OUT}/floor_pause.json")
  endif()
endforeach()
# the floor has no get miss: a key without an entry number is free to miss
string(FIND "${json}" "floor\", \"workload\": \"get_miss\"" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "the floor reported a get miss figure")
endif()
foreach(sys IN ITEMS gcweak gcweak-wk strong floor)
  foreach(op IN ITEMS get has set insert delete)
    string(REGEX MATCH "\"${sys}\", \"workload\": \"pause\", \"n\": 1000, \"metric\": \"first_${op}_ns\", \"median\": [-0-9.e+]+, \"min\": [-0-9.e+]+, \"max\": [-0-9.e+]+, \"reps\": ([0-9]+)"
           hit "${json}")
    if(NOT hit)
      message(FATAL_ERROR "no pause figure first_${op}_ns for ${sys}")
    endif()
    if(CMAKE_MATCH_1 LESS 10)
      message(FATAL_ERROR "${sys} first_${op}_ns over ${CMAKE_MATCH_1} collections, expected 10 or more")
    endif()
  endforeach()
endforeach()
file(READ ${OUT}/floor_pause/report.md report)
foreach(text IN ITEMS "x floor)" "## First operation after a collection"
                      "## Collection cost" "## Ephemeron pass cost")
  string(FIND "${report}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "report.md lacks \"${text}\"")
  endif()
endforeach()
message(STATUS "bench_floor_pause: floor and pause figures present")
