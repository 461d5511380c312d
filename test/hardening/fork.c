/* SPDX-License-Identifier: MIT */
/*
 * Configuration: a program that forks (GC_set_handle_fork(1) before GC_INIT)
 * and keeps using its containers in the child: the child finds every entry
 * made before the fork, sets, gets and deletes, and sees keys die after its
 * own collections. A second thread keeps allocating and using another map
 * while the fork happens, so the collector's fork handling has a running
 * thread to deal with. The parent checks its own copy is unaffected.
 *
 * The busy thread writes into a map the children then use: whatever it was
 * doing at the moment of a fork, the child's copy must work (gcweak's fork
 * handlers hold every container's mutex across the fork). Several forks
 * make it likely that some land in the middle of a write; a child that
 * hangs on a mutex copied locked shows as the test's timeout.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep, fork, waitpid under -std=c11 */
#define GC_THREADS
#include <gc/gc.h>

#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hardening.h"

enum { BEFORE = 3000, CHILD_NEW = 3000, FORKS = 12 };

static atomic_int busy_running = 1;
static gcweak_map *written; /* by the busy thread, during the forks */

static void *busy_thread(void *unused)
{
    (void)unused;
    while (atomic_load(&busy_running)) {
        void *k = GC_MALLOC(32);
        if (k != NULL) {
            (void)gcweak_map_set(written, k, k);
            (void)gcweak_map_get(written, k);
            (void)gcweak_map_delete(written, k);
            (void)gcweak_map_set(written, k, k); /* dies soon: rebuilds follow */
        }
    }
    return NULL;
}

/* A child that only uses the map the busy thread was writing. */
static int child_of_a_writer(void)
{
    void **keys = key_array(100);
    for (size_t i = 0; i < 100; i++) {
        REQUIRE((keys[i] = GC_MALLOC(16)) != NULL);
        CHECK(gcweak_map_set(written, keys[i], hard_expected(i)) == GCWEAK_OK);
    }
    collect(1);
    for (size_t i = 0; i < 100; i++)
        CHECK(gcweak_map_get(written, keys[i]) == hard_expected(i));
    CHECK(gcweak_map_size(written) >= 100);
    return checks_failed == 0 ? 0 : 1;
}

static void *before_value(size_t i)
{
    return (void *)(uintptr_t)(0x1000 + i);
}

static size_t count_before_wrong(gcweak_map *m, gcweak_set *s, void **keys)
{
    size_t bad = 0;
    for (size_t i = 0; i < BEFORE; i++) {
        void *v = NULL;
        if (!gcweak_map_lookup(m, keys[i], &v) || v != before_value(i))
            bad++;
        bad += !gcweak_set_has(s, keys[i]);
    }
    return bad;
}

static int child(gcweak_map *m, gcweak_set *s, void **keys)
{
    CHECK(count_before_wrong(m, s, keys) == 0);
    /* Writes in the child. */
    void **fresh = key_array(CHILD_NEW);
    for (size_t i = 0; i < CHILD_NEW; i++) {
        fresh[i] = GC_MALLOC(16);
        REQUIRE(fresh[i] != NULL);
        CHECK(gcweak_map_set(m, fresh[i], hard_expected(i)) == GCWEAK_OK);
        CHECK(gcweak_set_add(s, fresh[i]) == GCWEAK_OK);
    }
    /* Delete a tenth of the pre-fork keys, overwrite another tenth. */
    for (size_t i = 0; i < BEFORE / 10; i++) {
        CHECK(gcweak_map_delete(m, keys[i]));
        CHECK(gcweak_set_delete(s, keys[i]));
        CHECK(gcweak_map_set(m, keys[BEFORE / 10 + i], hard_expected(i)) == GCWEAK_OK);
    }
    /* Key death in the child: the standard scenario on fresh containers... */
    hard_standard_checks("fork child", NULL);
    /* ...and on the inherited ones: drop the child's fresh keys. */
    collect(2);
    size_t live = BEFORE - BEFORE / 10 + CHILD_NEW;
    CHECK(gcweak_map_size(m) == live);
    for (size_t i = 0; i < CHILD_NEW; i++)
        fresh[i] = NULL;
    collect(4);
    size_t msize = gcweak_map_size(m), ssize = gcweak_set_size(s);
    printf("fork child: inherited map %zu entries, set %zu (kept %d, dropped %d)\n",
           msize, ssize, BEFORE - BEFORE / 10, CHILD_NEW);
    CHECK(msize >= BEFORE - BEFORE / 10);
    CHECK(msize <= BEFORE - BEFORE / 10 + TOLERATED(CHILD_NEW));
    CHECK(ssize <= BEFORE - BEFORE / 10 + TOLERATED(CHILD_NEW));
    for (size_t i = 0; i < BEFORE / 10; i++) {
        CHECK(!gcweak_map_has(m, keys[i]));
        CHECK(gcweak_map_get(m, keys[BEFORE / 10 + i]) == hard_expected(i));
    }
    for (size_t i = 2 * (BEFORE / 10); i < BEFORE; i++)
        CHECK(gcweak_map_get(m, keys[i]) == before_value(i));
    return checks_exit_status("fork child");
}

int main(void)
{
    GC_set_handle_fork(1);
    GC_INIT();
    GC_allow_register_threads();

    gcweak_map *m = gcweak_map_new();
    gcweak_set *s = gcweak_set_new();
    REQUIRE(m != NULL && s != NULL);
    void **keys = key_array(BEFORE);
    for (size_t i = 0; i < BEFORE; i++) {
        keys[i] = GC_MALLOC(24);
        REQUIRE(keys[i] != NULL);
        CHECK(gcweak_map_set(m, keys[i], before_value(i)) == GCWEAK_OK);
        CHECK(gcweak_set_add(s, keys[i]) == GCWEAK_OK);
    }
    written = gcweak_map_new();
    REQUIRE(written != NULL);
    pthread_t busy;
    REQUIRE(pthread_create(&busy, NULL, busy_thread, NULL) == 0);
    nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000}, NULL);
    for (int f = 0; f < FORKS; f++) {
        fflush(NULL);
        pid_t writer_child = fork();
        REQUIRE(writer_child >= 0);
        if (writer_child == 0)
            _exit(child_of_a_writer());
        int st = 0;
        REQUIRE(waitpid(writer_child, &st, 0) == writer_child);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork %d: child status %d", f,
                  WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 2 * 1000 * 1000}, NULL);
    }

    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int rc = child(m, s, keys);
        fflush(NULL);
        _exit(rc);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    atomic_store(&busy_running, 0);
    pthread_join(busy, NULL);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "child status %d (signal %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
              WIFSIGNALED(status) ? WTERMSIG(status) : 0);

    /* The parent's copy saw none of the child's changes. */
    collect(2);
    CHECK(count_before_wrong(m, s, keys) == 0);
    CHECK(gcweak_map_size(m) == BEFORE);
    hard_standard_checks("fork parent", NULL);
    return checks_exit_status("fork parent");
}
