/* SPDX-License-Identifier: MIT */
/*
 * Configuration: an application built WITHOUT GC_THREADS (gc.h then does not
 * redirect pthread_create and the program never registers a thread). The
 * library itself is the same build as everywhere else; it must not rely on
 * the application's thread macros.
 */
#ifdef GC_THREADS
#  error "this program checks the library from an application without GC_THREADS"
#endif
#include <gc/gc.h>

#include "hardening.h"

/* Atomic keys: the collector never scans them, which is how many
 * single-threaded programs allocate their strings and buffers. */
static void *atomic_key(size_t index)
{
    (void)index;
    void *k = GC_MALLOC_ATOMIC(24);
    REQUIRE(k != NULL);
    return k;
}

int main(void)
{
    GC_INIT();
    hard_standard_checks("no_threads", NULL);
    hard_standard_checks("no_threads atomic keys", atomic_key);
    return checks_exit_status("no_threads");
}
