# SPDX-License-Identifier: MIT
# bench_weak: the weak reference and registry workloads must produce their
# figures for every system of this binary, leave out what a system does not
# measure, and the report must show their sections and goals; the V8 and
# Python peers either give their figures or are skipped with a note (a
# wrong answer from any of them fails the run, and so this test).
#   cmake -DBENCH=<gcweak-bench> -DOUT=<dir> -P check_weak.cmake
execute_process(
  COMMAND ${BENCH} --quick --sizes=1e3 --reps=3
          --systems=plain,floor,box,gcweak-ref,gcweak-reg,finalizer,v8-ref,v8-reg,python-ref,python-reg
          --workloads=refs,registry
          --json=${OUT}/weak.json --report-dir=${OUT}/weak
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gcweak-bench exited with ${rc}")
endif()
file(READ ${OUT}/weak.json json)
set(figures
  "plain ref_new ns_per_op" "plain ref_get ns_per_op" "plain ref_threads mops_t1"
  "box ref_new ns_per_op" "box ref_get ns_per_op" "box ref_get_dead ns_per_op"
  "box ref_gc_cost ns_per_entry" "box ref_threads scaling_t2"
  "gcweak-ref ref_new ns_per_op" "gcweak-ref ref_get ns_per_op"
  "gcweak-ref ref_get_dead ns_per_op" "gcweak-ref ref_get_dead survived_pct"
  "gcweak-ref ref_gc_cost ns_per_entry" "gcweak-ref ref_threads mops_t2"
  "gcweak-ref ref_threads scaling_t2"
  "floor ref_new ns_per_op" "floor ref_gc_cost ns_per_entry"
  "floor reg_register ns_per_op" "floor reg_unregister ns_per_op"
  "floor reg_gc_cost ns_per_entry"
  "gcweak-reg reg_register ns_per_op" "gcweak-reg reg_unregister ns_per_op"
  "gcweak-reg reg_delivery ns_per_callback" "gcweak-reg reg_delivery callback_ns"
  "gcweak-reg reg_delivery delivered_pct" "gcweak-reg reg_gc_cost ns_per_entry"
  "finalizer reg_register ns_per_op" "finalizer reg_unregister ns_per_op"
  "finalizer reg_delivery ns_per_callback" "finalizer reg_gc_cost ns_per_entry")
foreach(f IN LISTS figures)
  string(REPLACE " " ";" parts "${f}")
  list(GET parts 0 sys)
  list(GET parts 1 wl)
  list(GET parts 2 metric)
  string(FIND "${json}" "\"${sys}\", \"workload\": \"${wl}\", \"n\": 1000, \"metric\": \"${metric}\"" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "no figure ${metric} of ${sys} ${wl} in ${OUT}/weak.json")
  endif()
endforeach()
# what a system does not measure: a plain pointer's dead read, the floor's
# reads and deliveries
foreach(f IN ITEMS "plain\", \"workload\": \"ref_get_dead\"" "floor\", \"workload\": \"ref_get\""
                   "floor\", \"workload\": \"reg_delivery\"")
  string(FIND "${json}" "${f}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "a figure that is not measured is in the JSON: ${f}")
  endif()
endforeach()
# every callback of the dead half ran, at most once (the workload warns, and
# the run fails, otherwise): delivered_pct is over the tolerance
string(REGEX MATCH "\"gcweak-reg\", \"workload\": \"reg_delivery\", \"n\": 1000, \"metric\": \"delivered_pct\", \"median\": ([0-9.]+)"
       hit "${json}")
if(NOT hit OR CMAKE_MATCH_1 LESS 95)
  message(FATAL_ERROR "gcweak-reg delivered ${CMAKE_MATCH_1}% of the callbacks")
endif()
# each peer: its figures, or the note that it was skipped
foreach(peer IN ITEMS v8-ref v8-reg python-ref python-reg)
  string(FIND "${json}" "\"system\": \"${peer}\", \"workload\"" figure)
  string(FIND "${json}" "\"kind\": \"skip\", \"system\": \"${peer}\"" skip)
  if(figure EQUAL -1 AND skip EQUAL -1)
    message(FATAL_ERROR "${peer}: neither figures nor a skip note")
  endif()
endforeach()
file(READ ${OUT}/weak/report.md report)
foreach(text IN ITEMS "## Weak references" "## Finalization registries"
                      "## gcweak_ref against the other weak references"
                      "## gcweak_registry against the other registries"
                      "| weak ref: get of a live target, time against a plain pointer load |"
                      "| registry: delivery per callback, from the collection through the last callback |"
                      "x plain)" "x floor)" "x finalizer)")
  string(FIND "${report}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "report.md lacks \"${text}\"")
  endif()
endforeach()
# no table workload ran: no table section, no table goal
foreach(text IN ITEMS "## Results" "## gcweak against the other weak tables"
                      "| get of a present key, time against the strong table's |")
  string(FIND "${report}" "${text}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "report.md of a run without table workloads has \"${text}\"")
  endif()
endforeach()
message(STATUS "bench_weak: weak reference and registry figures present")
