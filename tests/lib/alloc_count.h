/* SPDX-License-Identifier: MIT */
/*
 * Counts heap allocations and frees made by the threads that armed it: the
 * test binary that links this defines malloc, calloc, realloc, free and the
 * aligned allocators itself (forwarding to glibc's __libc_*), so the count
 * sees every call, from our code and from inside libcrypto, libsodium and
 * DPDK alike. A test arms it around the calls a worker lcore makes (the
 * burst, the reply pump) and asserts that nothing was counted.
 *
 * Not in sanitizer builds (ASan brings its own malloc): there
 * alloc_count_works() is false and the tests that need it return at once.
 */
#ifndef SNODE_TEST_ALLOC_COUNT_H
#define SNODE_TEST_ALLOC_COUNT_H

#include <stdbool.h>
#include <stdio.h>

/* The calling thread counts from now on / no longer. */
void alloc_count_arm(void);
void alloc_count_disarm(void);

/* Whether the calling thread is armed (a callback may pause around its own use). */
bool alloc_count_armed(void);

/* Allocations (malloc, calloc, realloc, aligned) and frees counted since the reset. */
unsigned long alloc_count_allocs(void);
unsigned long alloc_count_frees(void);
void alloc_count_reset(void);

/* Prints where the first counted calls came from (symbol + offset, by dladdr). */
void alloc_count_report(FILE *f);

/* false when built without the interposer (sanitizers). */
bool alloc_count_works(void);

#endif
