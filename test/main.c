/* SPDX-License-Identifier: MIT */
/*
 * Runs every suite. Environment switches of bdwgc (GC_MARKERS,
 * GC_ENABLE_INCREMENTAL, ...) are read by GC_INIT. Configurations an
 * application sets in code instead are chosen here by environment:
 *   GCWEAK_TEST_MANUAL_VDB=1         incremental collection with manual dirty
 *                                    bits (loses values stored without a
 *                                    write barrier)
 *   GCWEAK_TEST_INTERIOR_OFF=1       GC_set_all_interior_pointers(0)
 *   GCWEAK_TEST_FINALIZE_ON_DEMAND=1 finalizers run only when invoked: by
 *                                    the tests' collect() and by a thread of
 *                                    the application's own in each test
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

static bool env_on(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] == '1';
}

#ifndef GCWEAK_TEST_NO_THREADS
#include <pthread.h>
#include <time.h>

static void *run_finalizers_forever(void *unused)
{
    (void)unused;
    for (;;) {
        if (GC_should_invoke_finalizers())
            GC_invoke_finalizers();
        else
            nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 1000 * 1000}, NULL);
    }
    return NULL;
}

/* Check runs each test in a forked child, which has only the forking
 * thread: start the application's finalizer thread there. */
static void start_finalizer_thread(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, run_finalizers_forever, NULL) == 0)
        pthread_detach(t);
}
#endif

int main(void)
{
    if (env_on("GCWEAK_TEST_MANUAL_VDB")) {
        GC_set_manual_vdb_allowed(1);
        GC_enable_incremental();
    }
    if (env_on("GCWEAK_TEST_INTERIOR_OFF"))
        GC_set_all_interior_pointers(0);
    bool on_demand = env_on("GCWEAK_TEST_FINALIZE_ON_DEMAND");
    if (on_demand)
        GC_set_finalize_on_demand(1);
    GC_INIT();
#ifndef GCWEAK_TEST_NO_THREADS
    GC_allow_register_threads();
    if (on_demand)
        pthread_atfork(NULL, NULL, start_finalizer_thread);
#else
    (void)on_demand;
#endif

    SRunner *sr = srunner_create(errors_suite());
    srunner_add_suite(sr, map_suite());
    srunner_add_suite(sr, set_suite());
    srunner_add_suite(sr, keys_suite());
    srunner_add_suite(sr, death_suite());
#ifndef GCWEAK_TEST_NO_THREADS
    srunner_add_suite(sr, threads_suite());
#endif
    srunner_add_suite(sr, ephemeron_suite());
    srunner_add_suite(sr, get_or_create_suite());
    srunner_add_suite(sr, foreach_suite());
    srunner_add_suite(sr, stats_suite());
    srunner_add_suite(sr, pointer_free_suite());
    srunner_add_suite(sr, removal_suite());
    srunner_add_suite(sr, reclaim_suite());
    srunner_add_suite(sr, weakref_suite());
    srunner_add_suite(sr, registry_suite());
    srunner_add_suite(sr, weak_values_suite());
    srunner_add_suite(sr, valmap_suite());
    srunner_add_suite(sr, reuse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
