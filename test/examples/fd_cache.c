/* SPDX-License-Identifier: MIT */
/* A cache of file descriptors: each connection object owns a descriptor,
 * and nobody tracks when a connection is dropped. A finalization registry
 * closes the descriptor once the collector reclaims its connection, without
 * a finalizer on the connection itself (the program may want its own there,
 * and bdwgc allows one). Weak references remember connections without
 * keeping them open. */
#define _POSIX_C_SOURCE 200809L
#include <gc.h>
#include <gcweak.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)

typedef struct connection { int fd; char peer[40]; } connection;

static gcweak_registry *closer;     /* closes a dropped connection's fd */
static long released;

/* held is the descriptor, stored as an integer: it keeps nothing alive. */
static void close_fd(void *held, void *arg)
{
    (void)arg;
    CHECK(close((int)(intptr_t)held) == 0);
    released++;
}

static connection *open_connection(int n)
{
    connection *c = GC_MALLOC_ATOMIC(sizeof *c);
    CHECK(c != NULL);
    c->fd = open("/dev/null", O_RDONLY);
    CHECK(c->fd >= 0);
    snprintf(c->peer, sizeof c->peer, "peer %d", n);
    CHECK(gcweak_registry_register(closer, c, (void *)(intptr_t)c->fd, NULL) == GCWEAK_OK);
    return c;
}

#define KEPT 10
#define OPENED 2000
static connection *pool[KEPT];
static int fds[OPENED];
static gcweak_ref *seen[OPENED];    /* every connection, held weakly */

__attribute__((noinline)) static void serve(void)
{
    for (int i = 0; i < OPENED; i++) {
        connection *c = open_connection(i);
        fds[i] = c->fd;
        CHECK(gcweak_ref_new(c, &seen[i]) == GCWEAK_OK);
        if (i < KEPT)
            pool[i] = c;        /* the rest are dropped when this returns */
    }
}

__attribute__((noinline)) static void clear_stack(void)
{
    volatile char junk[64 * 1024];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0;
}

int main(void)
{
    GC_INIT();
    closer = gcweak_registry_new(close_fd, NULL);
    CHECK(closer != NULL);
    serve();
    /* In main itself: clear_stack() then zeroes the stack right below main,
     * where serve() left stale connection pointers. */
    for (int round = 0; round < 4; round++) {
        clear_stack();
        GC_gcollect();
        GC_invoke_finalizers();     /* where the registry's callbacks run */
    }
    gcweak_registry_cleanup(closer);  /* and anything still due, now */

    long dropped = OPENED - KEPT;
    printf("fd_cache: %ld of %ld dropped connections closed\n", released, dropped);
    CHECK(released <= dropped);
    CHECK(released >= dropped - dropped / 20);
    /* The descriptors of kept connections are open, and no other was closed
     * twice (close would have failed). */
    for (int i = 0; i < KEPT; i++)
        CHECK(fcntl(pool[i]->fd, F_GETFD) != -1 && pool[i]->fd == fds[i]);
    /* Weak references give back the kept connections, and not the dropped. */
    long lingering = 0;
    for (int i = 0; i < OPENED; i++) {
        connection *c = gcweak_ref_get(seen[i]);
        if (i < KEPT)
            CHECK(c == pool[i]);
        else
            lingering += c != NULL;
    }
    CHECK(lingering <= dropped / 20);
    puts("fd_cache: ok");
    return 0;
}
