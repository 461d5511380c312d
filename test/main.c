/* Runs every suite. Environment switches of bdwgc (GC_MARKERS,
 * GC_ENABLE_INCREMENTAL, ...) are read by GC_INIT; GCWEAK_TEST_MANUAL_VDB=1
 * additionally turns on incremental collection with manual dirty bits, the
 * mode that loses values stored without a write barrier. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    const char *manual = getenv("GCWEAK_TEST_MANUAL_VDB");
    if (manual != NULL && manual[0] == '1') {
        GC_set_manual_vdb_allowed(1);
        GC_enable_incremental();
    }
    GC_INIT();
    GC_allow_register_threads();

    SRunner *sr = srunner_create(errors_suite());
    srunner_add_suite(sr, map_suite());
    srunner_add_suite(sr, set_suite());
    srunner_add_suite(sr, keys_suite());
    srunner_add_suite(sr, death_suite());
    srunner_add_suite(sr, threads_suite());
    srunner_add_suite(sr, ephemeron_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
