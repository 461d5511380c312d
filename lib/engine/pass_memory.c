/* SPDX-License-Identifier: MIT */
/*
 * Memory for the pass: anonymous mappings, grown by doubling and kept.
 */
#if !defined(_WIN32) && !defined(_DEFAULT_SOURCE)
/* The feature macro that exposes MAP_ANONYMOUS under -std=c11. */
#  define _DEFAULT_SOURCE // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#endif
#include "pass_memory.h"

#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#  include <windows.h>
#else
#  include <sys/mman.h>
#  include <unistd.h>
#endif

static void *pass_memory_map(size_t bytes)
{
#if defined(_WIN32)
    return VirtualAlloc(NULL, bytes, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
#else
    /* fd -1 is what MAP_ANONYMOUS asks for; the mapping is the result. */
    // cppcheck-suppress invalidFunctionArg
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    // cppcheck-suppress memleak
    return p == MAP_FAILED ? NULL : p;
#endif
}

static void pass_memory_unmap(void *p, size_t bytes)
{
#if defined(_WIN32)
    (void)bytes;
    VirtualFree(p, 0, MEM_RELEASE);
#else
    munmap(p, bytes);
#endif
}

_Noreturn static void pass_out_of_memory(void)
{
    /* No safe way on: an untraced value would be reclaimed while its key
     * lives, and the program would later read freed memory. */
    static const char msg[] = "gcweak: the kernel refused memory to the ephemeron pass\n";
#if defined(_WIN32)
    OutputDebugStringA(msg);
#else
    /* write(2), not stdio: a stopped thread may hold the stream's lock. */
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
#endif
    abort();
}

void gcw_pass_array_reserve(struct gcw_pass_array *a, size_t bytes, size_t keep)
{
    if (a->bytes >= bytes)
        return;
    size_t want = a->bytes ? a->bytes : (size_t)64 * 1024;
    while (want < bytes)
        want *= 2;
    void *p = pass_memory_map(want);
    if (p == NULL)
        pass_out_of_memory();
    if (a->base != NULL) {
        memcpy(p, a->base, keep);
        pass_memory_unmap(a->base, a->bytes);
    }
    a->base = p;
    a->bytes = want;
}

