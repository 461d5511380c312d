/* SPDX-License-Identifier: MIT */
/*
 * fork() handlers (fork.c).
 */
#ifndef GCWEAK_FORK_H
#define GCWEAK_FORK_H

#include "table.h"

/* Installs the handlers, once per process. */
void gcw_fork_handle_once(void);

#endif /* GCWEAK_FORK_H */
