/* SPDX-License-Identifier: MIT */
/*
 * The loaded object a collection callback lives in (image.c): what gcweak
 * needs of the dynamic loader.
 */
#ifndef GCWEAK_IMAGE_H
#define GCWEAK_IMAGE_H

#include <gc/gc.h>

/* Makes the shared object holding fn (a callback gcweak is about to chain
 * to) stay mapped until the process exits, even after a dlclose. Does
 * nothing for NULL, for the main program, or where the loader cannot do it.
 * Takes the loader's lock: call with no lock of gcweak's or the
 * collector's held. */
void gcw_keep_mapped(GC_on_collection_event_proc fn);

#endif /* GCWEAK_IMAGE_H */
