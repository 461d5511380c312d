/* SPDX-License-Identifier: MIT */
/* The test build's name for the calling thread (see lock.h): one
 * thread-local byte for the whole library, whose address differs per thread. */
#include "lock.h"

#ifdef GCWEAK_ASSERTS
uintptr_t gcw_this_thread(void)
{
    static _Thread_local char tag;
    return (uintptr_t)&tag;
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int gcw_lock_c_is_empty_without_asserts;
#endif
