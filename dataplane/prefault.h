/* SPDX-License-Identifier: MIT */
/*
 * Worker tables come from calloc: the kernel maps their pages on first write,
 * one page fault (a kernel entry plus zeroing 4 KiB) each, which on the fast
 * path costs about as much as peeling a cell and breaks "no system calls on
 * the fast path". dp_prefault writes every page once at init instead.
 */
#ifndef DP_PREFAULT_H
#define DP_PREFAULT_H

#include <stddef.h>
#include <stdint.h>

enum {
	DP_PREFAULT_PAGE = 4096, /* the smallest page: larger ones are touched too */
};

static inline void
dp_prefault(void *p, size_t len)
{
	volatile uint8_t *b = p; /* volatile: a write the compiler cannot drop */

	for (size_t i = 0; i < len; i += DP_PREFAULT_PAGE)
		b[i] = 0;
	if (len > 0)
		b[len - 1] = 0;
}

#endif
