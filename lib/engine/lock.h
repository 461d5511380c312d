/* SPDX-License-Identifier: MIT */
/*
 * Locks of one container: a writer mutex and a sequence counter that lets
 * readers run without taking any lock.
 *
 * Writers serialise on the mutex. Around every change a reader could observe
 * half-done, a writer makes the sequence odd, changes, and makes it even
 * again. A reader samples the sequence, reads, and accepts what it read only
 * if the sequence was even and unchanged: the classic seqlock, written with
 * the fences the C11 memory model requires for it (H.-J. Boehm, "Can seqlocks
 * get along with programming language memory models?", 2012). Everything a
 * reader touches is read with atomic loads, so a torn read can only be
 * retried, never crash: every table a reader can reach stays valid memory
 * (the collector keeps it alive while the reader holds a pointer to it).
 *
 * The mutex is never held while calling into code that may run a user's
 * finalizer (allocation) or a user's callback: either may use the same
 * container and would deadlock. Registering and unregistering disappearing
 * links take only the collector's lock and run no finalizers, so they may be
 * called with the mutex held.
 */
#ifndef GCWEAK_LOCK_H
#define GCWEAK_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>

/* Where a measured hot path must not pay for one more call. */
#if defined(__GNUC__) || defined(__clang__)
#  define GCW_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define GCW_ALWAYS_INLINE inline
#endif

#if defined(_WIN32)
#  include <windows.h>
typedef SRWLOCK gcw_native_mutex;
#  define GCW_NATIVE_MUTEX_INIT SRWLOCK_INIT
static inline void gcw_native_lock(gcw_native_mutex *m) { AcquireSRWLockExclusive(m); }
static inline void gcw_native_unlock(gcw_native_mutex *m) { ReleaseSRWLockExclusive(m); }
static inline void gcw_cpu_relax(void) { YieldProcessor(); }
#else
#  include <pthread.h>
/* A default mutex needs no destroy on the platforms bdwgc supports, which is
 * what lets a container be reclaimed by the collector without a finalizer. */
typedef pthread_mutex_t gcw_native_mutex;
#  define GCW_NATIVE_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
static inline void gcw_native_lock(gcw_native_mutex *m) { pthread_mutex_lock(m); }
static inline void gcw_native_unlock(gcw_native_mutex *m) { pthread_mutex_unlock(m); }
static inline void gcw_cpu_relax(void)
{
#  if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#  elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#  endif
}
#endif

/*
 * The test build records which thread holds each mutex, so that functions
 * whose contract is "call with the mutex held" (or "without it") check it:
 * GCW_ASSERT_HELD / GCW_ASSERT_NOT_HELD. A thread is named by the address of
 * a thread-local byte. The release build keeps the bare mutex.
 */
#ifdef GCWEAK_ASSERTS
#  include <stdint.h>
#  include <stdio.h>
#  include <stdlib.h>
#  define GCW_ASSERT(cond)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "gcweak: %s:%d: invariant failed: %s\n", __FILE__, \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)
typedef struct {
    gcw_native_mutex native;
    _Atomic uintptr_t owner;
} gcw_mutex;
#  define GCW_MUTEX_INIT {GCW_NATIVE_MUTEX_INIT, 0}
uintptr_t gcw_this_thread(void); /* lock.c */
static inline void gcw_mutex_lock(gcw_mutex *m)
{
    GCW_ASSERT(atomic_load(&m->owner) != gcw_this_thread()); /* not reentrant */
    gcw_native_lock(&m->native);
    atomic_store(&m->owner, gcw_this_thread());
}
static inline void gcw_mutex_unlock(gcw_mutex *m)
{
    GCW_ASSERT(atomic_load(&m->owner) == gcw_this_thread());
    atomic_store(&m->owner, (uintptr_t)0);
    gcw_native_unlock(&m->native);
}
#  define GCW_ASSERT_HELD(m) GCW_ASSERT(atomic_load(&(m)->owner) == gcw_this_thread())
#  define GCW_ASSERT_NOT_HELD(m) GCW_ASSERT(atomic_load(&(m)->owner) != gcw_this_thread())
#else
#  define GCW_ASSERT(cond) ((void)0)
typedef gcw_native_mutex gcw_mutex;
#  define GCW_MUTEX_INIT GCW_NATIVE_MUTEX_INIT
static inline void gcw_mutex_lock(gcw_mutex *m) { gcw_native_lock(m); }
static inline void gcw_mutex_unlock(gcw_mutex *m) { gcw_native_unlock(m); }
#  define GCW_ASSERT_HELD(m) ((void)0)
#  define GCW_ASSERT_NOT_HELD(m) ((void)0)
#endif

/* Writer side; call with the mutex held. */
static inline void gcw_seq_write_begin(atomic_uint *seq)
{
    unsigned s = atomic_load_explicit(seq, memory_order_relaxed);
    atomic_store_explicit(seq, s + 1, memory_order_relaxed);
    /* Orders the odd count before the writer's data stores. */
    atomic_thread_fence(memory_order_release);
}

static inline void gcw_seq_write_end(atomic_uint *seq)
{
    unsigned s = atomic_load_explicit(seq, memory_order_relaxed);
    atomic_store_explicit(seq, s + 1, memory_order_release);
}

/* Reader side: begin returns the sample; an odd sample means a writer is
 * inside and the read must be retried. */
static inline unsigned gcw_seq_read_begin(atomic_uint *seq)
{
    return atomic_load_explicit(seq, memory_order_acquire);
}

static inline bool gcw_seq_read_valid(atomic_uint *seq, unsigned sample)
{
    /* Orders the reader's data loads before the second sample. */
    atomic_thread_fence(memory_order_acquire);
    return (sample & 1u) == 0 &&
           atomic_load_explicit(seq, memory_order_relaxed) == sample;
}

#endif /* GCWEAK_LOCK_H */
