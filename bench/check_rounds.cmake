# bench_rounds: a run with --reps 3 spread over 2 rounds must fold every
# figure from both rounds into one result of exactly 3 repetitions (a figure
# folded per round would show up twice, with 1 or 2), and keep each round's
# median apart. reclaim is among them: it runs no warm-up repetition, and
# reporting one would show as 5.
#   cmake -DBENCH=<gcweak-bench> -DJSON=<out.json> -P check_rounds.cmake
execute_process(
  COMMAND ${BENCH} --quick --reps 3 --rounds 2 --systems strong,gcweak
          --workloads get_hit,insert,reclaim,threads --json ${JSON}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gcweak-bench exited with ${rc}")
endif()
file(READ ${JSON} json)
string(REGEX MATCHALL "\"reps\": [0-9]+" reps "${json}")
list(LENGTH reps count)
# 1 in the config, then 2 systems x 2 sizes x (insert, get_hit) and the
# thread figures: far more than a handful.
if(count LESS 10)
  message(FATAL_ERROR "only ${count} figures in ${JSON}")
endif()
foreach(r IN LISTS reps)
  if(NOT r STREQUAL "\"reps\": 3")
    message(FATAL_ERROR "a figure with ${r}, expected 3 repetitions")
  endif()
endforeach()
string(REGEX MATCHALL "\"system\": \"strong\", \"workload\": \"get_hit\", \"n\": 1000,"
       strong_get "${json}")
list(LENGTH strong_get once)
if(NOT once EQUAL 1)
  message(FATAL_ERROR "strong get_hit at N=1000 appears ${once} times")
endif()
# Each figure keeps the median of each of its two rounds apart, so that the
# report can pair the systems round by round.
string(REGEX MATCHALL "\"round_medians\": \\[[^],]+, [^],]+\\]" paired "${json}")
list(LENGTH paired n_paired)
math(EXPR figures "${count} - 1")
if(NOT n_paired EQUAL figures)
  message(FATAL_ERROR "${n_paired} figures with two round medians, expected ${figures}")
endif()
message(STATUS "bench_rounds: ${count} reps fields, all 3, each figure paired by round")
