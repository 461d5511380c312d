/* SPDX-License-Identifier: MIT */
/* Error codes to text (libuv's uv_strerror pattern). */
#include "gcweak.h"

const char *gcweak_strerror(int code)
{
    switch (code) {
    case GCWEAK_OK:
        return "success";
    case GCWEAK_EINVAL:
        return "invalid argument: key is not a pointer into a live GC-heap object, or no container";
    case GCWEAK_ENOMEM:
        return "out of memory: the collector could not allocate; the container is unchanged";
    default:
        return "unknown gcweak error code";
    }
}
