/* SPDX-License-Identifier: MIT */
/*
 * The table of systems: every system this binary knows, in one place, so
 * that the command line, the runner and the report ask it rather than each
 * other. A new system is a file of systems/ with its descriptor, declared
 * here and listed in systems.c.
 */
#ifndef GCWEAK_BENCH_SYSTEMS_H
#define GCWEAK_BENCH_SYSTEMS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "system.h"

/* In the order of the default --systems list and of the report. */
size_t systems_count(void);
const bench_system *systems_at(size_t i);
/* By command-line name, or NULL. */
const bench_system *systems_find(const char *name);
/* The workload families sys measures (enum bench_family): those it has the
 * operations of, or for a peer what it says. */
unsigned systems_families(const bench_system *sys);
/* Whether cfg selects any workload that sys measures. */
bool systems_has_work(const bench_config *cfg, const bench_system *sys);

/* The descriptors, one per file of systems/; only systems.c lists them. */
extern const bench_system bench_sys_strong;
extern const bench_system bench_sys_floor;
extern const bench_system bench_sys_gcweak;
extern const bench_system bench_sys_gcweak_weak_keys;
extern const bench_system bench_sys_naive;
extern const bench_system bench_sys_card;
#ifdef BENCH_HAVE_GUILE
extern const bench_system bench_sys_guile;
#endif
extern const bench_system bench_sys_v8;
/* doubly-weak maps (doubly_weak.c) */
extern const bench_system bench_sys_gcweak_dw;
extern const bench_system bench_sys_naive_dw;
/* byte-string keys (bytes.h): weak-value maps and their ceiling */
extern const bench_system bench_sys_valmap;
extern const bench_system bench_sys_strong_bytes;
extern const bench_system bench_sys_naive_values;
#ifdef BENCH_HAVE_GUILE
extern const bench_system bench_sys_guile_values;
#endif
extern const bench_system bench_sys_python;
/* weak references */
extern const bench_system bench_sys_plain;
extern const bench_system bench_sys_box;
extern const bench_system bench_sys_gcweak_ref;
extern const bench_system bench_sys_v8_ref;
extern const bench_system bench_sys_python_ref;
/* finalization registries */
extern const bench_system bench_sys_gcweak_registry;
extern const bench_system bench_sys_finalizer;
extern const bench_system bench_sys_v8_registry;
extern const bench_system bench_sys_python_registry;

#endif
