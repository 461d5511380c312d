/* SPDX-License-Identifier: MIT */
/* gcweak-bench's command line into a bench_config. */
#ifndef GCWEAK_BENCH_OPTIONS_H
#define GCWEAK_BENCH_OPTIONS_H

#include "core/config.h"

/* 0, or the exit status of a usage error (2, the message printed); --help
 * prints the usage and exits. */
int options_parse(int argc, char **argv, bench_config *cfg);

#endif
