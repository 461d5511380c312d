/* SPDX-License-Identifier: MIT */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct holder {
    struct gcw_entries entries;
};

struct gcw_entries *new_entries(enum gcw_kind kind, size_t n)
{
    struct holder *h = GC_MALLOC(sizeof *h);
    ck_assert_ptr_nonnull(h);
    gcw_entries_init(&h->entries, kind);
    for (unsigned c = 0; c < GCW_CHUNKS && (c == 0 || gcw_chunk_first_id(c) < n); c++) {
        gcw_word *block = gcw_entries_alloc_chunk(&h->entries, c);
        ck_assert_ptr_nonnull(block);
        gcw_entries_install_chunk(&h->entries, c, block);
    }
    return &h->entries;
}

size_t add_entry(struct gcw_entries *e, void *key, void *value)
{
    size_t id = gcw_entries_next_free(e);
    ck_assert(gcw_entries_have_chunk(e, id));
    gcw_entries_set(e, id, gcw_key_word(key), value, false, false);
    return id;
}

void check_entries(const struct gcw_entries *e)
{
#ifdef GCWEAK_ASSERTS
    gcw_entries_check(e);
#else
    (void)e;
#endif
}

size_t check_index(const struct gcw_index *ix, const struct gcw_entries *e)
{
#ifdef GCWEAK_ASSERTS
    return gcw_index_check(ix, e, false);
#else
    (void)ix;
    (void)e;
    return 0;
#endif
}

int main(int argc, char **argv)
{
    GC_INIT();
    /* A fresh process's hash of one key, for the test that seeds differ. */
    if (argc == 3 && strcmp(argv[1], "--hash") == 0) {
        printf("%llx\n", (unsigned long long)gcw_key_of_bytes(argv[2], strlen(argv[2])).hash);
        return 0;
    }
    SRunner *sr = srunner_create(entries_suite());
    srunner_add_suite(sr, index_suite());
    srunner_add_suite(sr, bytes_suite());
    srunner_add_suite(sr, unindexed_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
