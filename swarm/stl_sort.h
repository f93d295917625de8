/* SPDX-License-Identifier: MIT */
/*
 * std::sort of libstdc++ (GCC's introsort), reproduced step for step for the
 * one sort the swarm assignment does: swarms ordered by member count alone.
 * std::sort is not stable, and which of several equal-sized swarms lands at
 * which index decides where a new node goes, so a stable or a different
 * unstable sort (libc++, qsort) would assign nodes differently from oxend on
 * Linux. Verified against g++ 12's std::sort (docs/swarms.md).
 */
#ifndef SWARM_STL_SORT_H
#define SWARM_STL_SORT_H

#include <stddef.h>
#include <stdint.h>

/* upstream's swarm_size: the sort key is size; id and slot ride along. */
struct swarm_stl_sort_item {
	uint64_t id;
	size_t size;
	size_t slot; /* caller's index of the swarm (not used by the sort) */
};

/*
 * std::sort(items, items + n, [](a, b) { return a.size < b.size; }) as
 * libstdc++ does it: introsort with median-of-three pivots, heapsort below
 * depth 2*floor(log2 n), insertion sort for the final pass (16-element
 * threshold). O(n log n), no allocation. n == 0 or items == NULL does nothing.
 * heap_fallbacks, if not NULL, is incremented per heapsort fallback (tests).
 */
void swarm_stl_sort_by_size(struct swarm_stl_sort_item *items, size_t n, unsigned *heap_fallbacks);

#endif
