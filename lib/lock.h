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
 * finalizer (allocation): a finalizer that uses the same container would
 * deadlock. Registering, moving and unregistering disappearing links take
 * only the collector's lock and run no finalizers, so they may be called with
 * the mutex held.
 */
#ifndef GCWEAK_LOCK_H
#define GCWEAK_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>

#if defined(_WIN32)
#  include <windows.h>
typedef SRWLOCK gcw_mutex;
#  define GCW_MUTEX_INIT SRWLOCK_INIT
static inline void gcw_mutex_lock(gcw_mutex *m) { AcquireSRWLockExclusive(m); }
static inline bool gcw_mutex_trylock(gcw_mutex *m) { return TryAcquireSRWLockExclusive(m) != 0; }
static inline void gcw_mutex_unlock(gcw_mutex *m) { ReleaseSRWLockExclusive(m); }
static inline void gcw_cpu_relax(void) { YieldProcessor(); }
#else
#  include <pthread.h>
/* A default mutex needs no destroy on the platforms bdwgc supports, which is
 * what lets a container be reclaimed by the collector without a finalizer. */
typedef pthread_mutex_t gcw_mutex;
#  define GCW_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
static inline void gcw_mutex_lock(gcw_mutex *m) { pthread_mutex_lock(m); }
static inline bool gcw_mutex_trylock(gcw_mutex *m) { return pthread_mutex_trylock(m) == 0; }
static inline void gcw_mutex_unlock(gcw_mutex *m) { pthread_mutex_unlock(m); }
static inline void gcw_cpu_relax(void)
{
#  if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#  elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#  endif
}
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
