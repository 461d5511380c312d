/* SPDX-License-Identifier: MIT */
/*
 * The operations of gcweak's map systems (gcweak.c), shared by every mode of
 * the map: default, weak keys, and doubly weak (doubly_weak.c).
 */
#ifndef BENCH_SYSTEMS_GCWEAK_MAP_H
#define BENCH_SYSTEMS_GCWEAK_MAP_H

#include <stddef.h>
#include <stdint.h>

void bench_gcweak_set_all(void *m, void *const *keys, void *const *vals, size_t n);
size_t bench_gcweak_get_all(void *m, void *const *keys, size_t n, uintptr_t *sum);
size_t bench_gcweak_has_all(void *m, void *const *keys, size_t n);
size_t bench_gcweak_del_all(void *m, void *const *keys, size_t n);
size_t bench_gcweak_size(void *m);

#endif
