/* SPDX-License-Identifier: MIT */
/* Key and value populations shared by the workloads (see keyset.h). */
#include "keyset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gc/gc.h>

void **new_ptr_array(size_t n)
{
  void **a = GC_MALLOC_IGNORE_OFF_PAGE((n ? n : 1) * sizeof *a);
  if (a == NULL)
    abort();
  return a;
}

void **new_keys(size_t n)
{
  void **keys = new_ptr_array(n);
  for (size_t i = 0; i < n; i++) {
    keys[i] = GC_MALLOC(KEY_BYTES);
    if (keys[i] == NULL)
      abort();
  }
  return keys;
}

void **new_word_values(size_t n)
{
  void **vals = new_ptr_array(n);
  for (size_t i = 0; i < n; i++)
    vals[i] = (void *)(((uintptr_t)i << 2) | 2);
  return vals;
}

void **new_object_values(size_t n)
{
  void **vals = new_ptr_array(n);
  for (size_t i = 0; i < n; i++) {
    vals[i] = GC_MALLOC_ATOMIC(16);
    if (vals[i] == NULL)
      abort();
  }
  return vals;
}

void **shuffled_copy(void *const *a, size_t n, rng *r)
{
  void **copy = new_ptr_array(n);
  memcpy(copy, a, n * sizeof *copy);
  shuffle_ptrs(copy, n, r);
  return copy;
}
