/* SPDX-License-Identifier: MIT */
/*
 * Keeping a chained collection callback's code mapped.
 *
 * gcweak calls the collection-event callback it found installed in every
 * collection, for the rest of the process. When that callback belongs to a
 * plugin with its own copy of gcweak (one that made a map before this copy
 * did), the plugin cannot unhook itself when it is unloaded: the installed
 * callback is ours now, and only we know its address. So the copy that
 * chains makes the callee's object permanent at the moment it chains: it
 * is the one that learns of the dependency, and it learns of it before any
 * dlclose can happen. The callee could not do it itself at unload time:
 * glibc's dlclose has already decided to unmap an object when its
 * destructors run, and a dlopen(RTLD_NODELETE) from one of them does not
 * stop it (the next call into it crashed). Pinning only what is chained to,
 * rather than every copy of gcweak in a plugin, leaves a plugin whose
 * callback is still the installed one free to unhook itself and unload.
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
/* dladdr1 and struct link_map are GNU extensions. */
#  define _GNU_SOURCE // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#endif
#include "image.h"

#if !defined(_WIN32)
#  include <dlfcn.h>
#endif
#if defined(__GLIBC__) && defined(RTLD_NODELETE) && defined(RTLD_NOLOAD)
#  include <link.h>

void gcw_keep_mapped(GC_on_collection_event_proc fn)
{
    Dl_info info;
    struct link_map *map = NULL;
    if (fn == NULL || dladdr1((const void *)fn, &info, (void **)&map, RTLD_DL_LINKMAP) == 0 ||
        map == NULL)
        return;
    /* The main program has an empty name and is never unloaded. */
    if (map->l_name == NULL || map->l_name[0] == '\0')
        return;
    /* RTLD_NOLOAD finds the object by the name it was loaded under and
     * never loads anything; the reference it returns is kept on purpose
     * (never dlclose'd), and RTLD_NODELETE keeps the object mapped even
     * past the other references' dlclose. Failing leaves things as they
     * were, which is all that can be done. */
    (void)dlopen(map->l_name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}
#else
/* Elsewhere the loader either never unmaps (musl) or gives no such flag:
 * a component that chained to a plugin must keep that plugin loaded. */
void gcw_keep_mapped(GC_on_collection_event_proc fn)
{
    (void)fn;
}
#endif
