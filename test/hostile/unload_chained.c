/* SPDX-License-Identifier: MIT */
/*
 * dlclose of a plugin holding a private copy of gcweak whose callback the
 * program's own copy chains to: the plugin made its first map before the
 * program did, so the program's copy calls the plugin's callback in every
 * collection and the plugin can no longer unhook itself. The plugin must
 * stay mapped after dlclose, and the program's map must keep working.
 */
#define _GNU_SOURCE /* dladdr */
#define GC_THREADS
#include <gc/gc.h>

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

#include "gcweak.h"

enum { KEYS = 1000, COLLECTIONS = 5 };

/* In the data segment, which the collector scans: the keys stay alive. */
static void *keys[KEYS];

/* The loaded object a function lives in, or NULL. */
static const void *image_of(const void *fn)
{
    Dl_info info;
    return fn != NULL && dladdr(fn, &info) != 0 ? info.dli_fbase : NULL;
}

/* Outside main's frame, so that no stale copy of a value stays on the stack
 * and keeps it alive without the pass. */
static __attribute__((noinline)) int fill(gcweak_map *m)
{
    for (size_t i = 0; i < KEYS; i++) {
        uintptr_t *v = GC_MALLOC(sizeof *v);
        keys[i] = GC_MALLOC(16);
        if (v == NULL || keys[i] == NULL)
            return -1;
        *v = i;
        if (gcweak_map_set(m, keys[i], v) != GCWEAK_OK)
            return -1;
    }
    return 0;
}

static __attribute__((noinline)) size_t count_intact(gcweak_map *m)
{
    size_t intact = 0;
    for (size_t i = 0; i < KEYS; i++) {
        const uintptr_t *v = gcweak_map_get(m, keys[i]);
        intact += v != NULL && *v == i;
    }
    return intact;
}

int main(int argc, char **argv)
{
    GC_INIT();
    if (argc < 2)
        return 2;
    void *plugin = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (plugin == NULL) {
        fprintf(stderr, "unload_chained: %s\n", dlerror());
        return 1;
    }
    int (*use)(void) = (int (*)(void))dlsym(plugin, "plugin_use_a_map");
    if (use == NULL || use() != 0) {
        fprintf(stderr, "unload_chained: the plugin failed\n");
        return 1;
    }
    /* The scenario holds only if the plugin's own copy took the empty slot
     * (its gcweak symbols were not bound to this program's library). */
    GC_on_collection_event_proc plugin_callback = GC_get_on_collection_event();
    if (plugin_callback == NULL ||
        image_of((const void *)plugin_callback) != image_of((const void *)use)) {
        fprintf(stderr, "unload_chained: the plugin's own gcweak did not install its callback\n");
        return 1;
    }
    gcweak_map *m = gcweak_map_new();
    if (m == NULL || fill(m) != 0) {
        fprintf(stderr, "unload_chained: the program's map failed\n");
        return 1;
    }
    if (GC_get_on_collection_event() == plugin_callback) {
        fprintf(stderr, "unload_chained: the program's copy did not chain to the plugin\n");
        return 1;
    }
    dlclose(plugin);
    for (int i = 0; i < COLLECTIONS; i++)
        GC_gcollect(); /* calls the plugin's callback: unmapped if it was unloaded */
    size_t intact = count_intact(m);
    int still_loaded = dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD) != NULL;
    int ok = intact == KEYS && still_loaded;
    printf("unload_chained: %s (%zu of %d values intact, plugin %s)\n",
           ok ? "the plugin stayed mapped and the program's map works" : "FAILED",
           intact, KEYS, still_loaded ? "still loaded" : "unloaded");
    return ok ? 0 : 1;
}
