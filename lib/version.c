/* SPDX-License-Identifier: MIT */
/* The library's own version, compiled from the header it was built with, so
 * that a program can compare it with the GCWEAK_VERSION it was compiled with. */
#include "gcweak.h"

#define GCWEAK_STR_(x) #x
#define GCWEAK_STR(x) GCWEAK_STR_(x)

int gcweak_version(void)
{
    return GCWEAK_VERSION;
}

const char *gcweak_version_string(void)
{
    return GCWEAK_STR(GCWEAK_VERSION_MAJOR) "." GCWEAK_STR(GCWEAK_VERSION_MINOR) "."
           GCWEAK_STR(GCWEAK_VERSION_PATCH);
}
