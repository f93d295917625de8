/* SPDX-License-Identifier: MIT */
/*
 * Memory for the worker's large random-access tables (label maps, circuit entries,
 * replay filters, rate-limit slots): zeroed, every page touched at init (prefault.h),
 * and from 2 MiB up aligned to 2 MiB with transparent huge pages requested
 * (madvise(MADV_HUGEPAGE)). Each lookup in those tables lands on a random page: with
 * 4 KiB pages that is a TLB miss per access, and in a VM a two-level page walk whose
 * entries are themselves cache misses. Where the kernel has no THP (or "never"), the
 * advice fails silently and the table keeps 4 KiB pages: nothing else changes. No
 * hugetlbfs pages are taken (they belong to DPDK's EAL).
 */
#ifndef DP_BIGMEM_H
#define DP_BIGMEM_H

#include <stddef.h>

enum {
	DP_BIGMEM_HUGE = 2 * 1024 * 1024, /* tables this large or larger get THP advice */
};

/* len > 0 bytes, zeroed and touched; NULL when out of memory. */
void *dp_bigmem_alloc(size_t len);
/* p from dp_bigmem_alloc(len) with the same len, or NULL. */
void dp_bigmem_free(void *p, size_t len);

#endif
