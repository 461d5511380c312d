/* SPDX-License-Identifier: MIT */
/*
 * Configuration: an application that sets GC_set_finalize_on_demand(1) and
 * runs finalizers from a thread of its own, woken by the collector's
 * finalizer notifier. The collector then never runs a finalizer inside an
 * allocation; gcweak must still release values of dead keys, and a finalizer
 * running on that thread may use gcweak containers while the main thread
 * does too.
 */
#define GC_THREADS
#include <gc/gc.h>

#include <pthread.h>

#include "hardening.h"

static pthread_mutex_t fin_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fin_cond = PTHREAD_COND_INITIALIZER;
static unsigned long fin_requested; /* drains asked for (and notifications) */
static unsigned long fin_done;      /* drains finished */
static int fin_stop;
static pthread_t fin_thread;
static atomic_long finalizers_on_main;
static atomic_long notifications;

static void request_drain_locked(void)
{
    fin_requested++;
    pthread_cond_broadcast(&fin_cond);
}

/* Called by the collector when finalizers are pending. */
static void on_finalizers_pending(void)
{
    atomic_fetch_add(&notifications, 1);
    pthread_mutex_lock(&fin_lock);
    request_drain_locked();
    pthread_mutex_unlock(&fin_lock);
}

static void *finalizer_thread(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&fin_lock);
    while (!fin_stop) {
        if (fin_done == fin_requested) {
            pthread_cond_wait(&fin_cond, &fin_lock);
            continue;
        }
        unsigned long target = fin_requested;
        pthread_mutex_unlock(&fin_lock);
        while (GC_should_invoke_finalizers())
            (void)GC_invoke_finalizers();
        pthread_mutex_lock(&fin_lock);
        fin_done = target;
        pthread_cond_broadcast(&fin_cond);
    }
    pthread_mutex_unlock(&fin_lock);
    return NULL;
}

/* run_finalizers replacement: asks the finalizer thread for a drain and
 * waits for it. The main thread itself never invokes a finalizer. */
static void drain_on_finalizer_thread(void)
{
    pthread_mutex_lock(&fin_lock);
    request_drain_locked();
    unsigned long target = fin_requested;
    while (fin_done < target)
        pthread_cond_wait(&fin_cond, &fin_lock);
    pthread_mutex_unlock(&fin_lock);
}

/* ------------------------------------------- finalizers that use gcweak */

enum { SHARED_KEPT = 500, TOUCHING = 2000 };

static gcweak_map *shared_map;    /* used by finalizers and main alike */
static void **shared_keys;        /* SHARED_KEPT keys, kept */
static gcweak_set *finalizer_set; /* keys added from finalizers */
static atomic_long touch_errors;
static atomic_long touches;

static void touching_finalizer(void *obj, void *index)
{
    (void)obj;
    if (pthread_equal(pthread_self(), fin_thread) == 0)
        atomic_fetch_add(&finalizers_on_main, 1);
    size_t i = (size_t)(uintptr_t)index % SHARED_KEPT;
    void *v = NULL;
    if (!gcweak_map_lookup(shared_map, shared_keys[i], &v) || v != hard_expected(i))
        atomic_fetch_add(&touch_errors, 1);
    /* A write from the finalizer thread too; the key dies right away. */
    void *k = GC_MALLOC(16);
    if (k == NULL || gcweak_set_add(finalizer_set, k) != GCWEAK_OK ||
        gcweak_map_set(shared_map, k, (void *)1) != GCWEAK_OK)
        atomic_fetch_add(&touch_errors, 1);
    atomic_fetch_add(&touches, 1);
}

static NOINLINE void make_touching_garbage(void)
{
    for (size_t i = 0; i < TOUCHING; i++) {
        void *o = GC_MALLOC(24);
        REQUIRE(o != NULL);
        GC_REGISTER_FINALIZER(o, touching_finalizer, (void *)(uintptr_t)i, NULL, NULL);
        /* The main thread writes the same map meanwhile. */
        CHECK(gcweak_map_set(shared_map, shared_keys[i % SHARED_KEPT],
                             hard_expected(i % SHARED_KEPT)) == GCWEAK_OK);
    }
}

int main(void)
{
    GC_set_finalize_on_demand(1);
    GC_set_finalizer_notifier(on_finalizers_pending);
    GC_INIT();
    GC_allow_register_threads();
    REQUIRE(GC_get_finalize_on_demand() == 1);
    REQUIRE(pthread_create(&fin_thread, NULL, finalizer_thread, NULL) == 0);
    run_finalizers = drain_on_finalizer_thread;

    hard_standard_checks("finalize_on_demand", NULL);

    shared_map = gcweak_map_new();
    finalizer_set = gcweak_set_new();
    REQUIRE(shared_map != NULL && finalizer_set != NULL);
    shared_keys = key_array(SHARED_KEPT);
    for (size_t i = 0; i < SHARED_KEPT; i++) {
        shared_keys[i] = GC_MALLOC(16);
        REQUIRE(shared_keys[i] != NULL);
        CHECK(gcweak_map_set(shared_map, shared_keys[i], hard_expected(i)) == GCWEAK_OK);
    }
    make_touching_garbage();
    collect(4);
    printf("finalize_on_demand: %ld notifications, %ld touching finalizers "
           "ran (%d made), %ld errors, %ld finalizers on other threads, "
           "shared map size %zu\n",
           atomic_load(&notifications), atomic_load(&touches), TOUCHING,
           atomic_load(&touch_errors), atomic_load(&finalizers_on_main),
           gcweak_map_size(shared_map));
    CHECK(atomic_load(&notifications) > 0);
    CHECK(atomic_load(&touches) >= TOUCHING - TOLERATED(TOUCHING));
    CHECK(atomic_load(&touch_errors) == 0);
    CHECK(atomic_load(&finalizers_on_main) == 0);
    CHECK(hard_check_kept_map(shared_map, shared_keys, SHARED_KEPT) == 0);
    /* The keys finalizers added died at once. */
    CHECK(gcweak_map_size(shared_map) <= SHARED_KEPT + TOLERATED(TOUCHING));
    CHECK(gcweak_set_size(finalizer_set) <= TOLERATED(TOUCHING));

    pthread_mutex_lock(&fin_lock);
    fin_stop = 1;
    pthread_cond_broadcast(&fin_cond);
    pthread_mutex_unlock(&fin_lock);
    pthread_join(fin_thread, NULL);
    return checks_exit_status("finalize_on_demand");
}
