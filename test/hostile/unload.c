/* SPDX-License-Identifier: MIT */
/*
 * dlclose of a plugin holding a private copy of gcweak: the collector must
 * not go on calling the plugin's collection-event callback, which is no
 * longer mapped. The plugin was the last to install a callback, so it can
 * put back the one it chained to (this host's) when it is unloaded.
 */
#define GC_THREADS
#include <gc/gc.h>

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_long host_events;

static void host_callback(GC_EventType event)
{
    (void)event;
    atomic_fetch_add(&host_events, 1);
}

int main(int argc, char **argv)
{
    GC_INIT();
    if (argc < 2)
        return 2;
    GC_set_on_collection_event(host_callback);
    void *plugin = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (plugin == NULL) {
        fprintf(stderr, "unload: %s\n", dlerror());
        return 1;
    }
    int (*use)(void) = (int (*)(void))dlsym(plugin, "plugin_use_a_map");
    if (use == NULL || use() != 0) {
        fprintf(stderr, "unload: the plugin failed\n");
        return 1;
    }
    dlclose(plugin);
    long before = atomic_load(&host_events);
    for (int i = 0; i < 3; i++)
        GC_gcollect(); /* calls into unmapped code if the plugin stayed hooked */
    int ok = GC_get_on_collection_event() == host_callback &&
             atomic_load(&host_events) > before;
    printf("unload: %s\n", ok ? "the host's callback is back and runs" : "FAILED");
    return ok ? 0 : 1;
}
