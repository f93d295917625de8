/* SPDX-License-Identifier: MIT */
/*
 * libstdc++'s std::sort (bits/stl_algo.h, bits/stl_heap.h) over
 * swarm_stl_sort_item. The order of comparisons and moves is the library's,
 * because with ties that order is the result: do not "simplify" a loop here
 * without rerunning the std::sort comparison in tests/unit/swarm.
 */
#include "stl_sort.h"

#include <string.h>

enum {
	SORT_THRESHOLD = 16, /* _S_threshold */
};

static int
less(const struct swarm_stl_sort_item *a, const struct swarm_stl_sort_item *b)
{
	return a->size < b->size;
}

static void
swap_items(struct swarm_stl_sort_item *a, struct swarm_stl_sort_item *b)
{
	struct swarm_stl_sort_item t = *a;

	*a = *b;
	*b = t;
}

/* __move_median_to_first(result, a, b, c) */
static void
median_to_first(struct swarm_stl_sort_item *result, struct swarm_stl_sort_item *a,
		struct swarm_stl_sort_item *b, struct swarm_stl_sort_item *c)
{
	if (less(a, b)) {
		if (less(b, c))
			swap_items(result, b);
		else if (less(a, c))
			swap_items(result, c);
		else
			swap_items(result, a);
	} else if (less(a, c)) {
		swap_items(result, a);
	} else if (less(b, c)) {
		swap_items(result, c);
	} else {
		swap_items(result, b);
	}
}

/* __unguarded_partition(first, last, pivot) */
static struct swarm_stl_sort_item *
partition(struct swarm_stl_sort_item *first, struct swarm_stl_sort_item *last,
	  const struct swarm_stl_sort_item *pivot)
{
	for (;;) {
		while (less(first, pivot))
			first++;
		last--;
		while (less(pivot, last))
			last--;
		if (!(first < last))
			return first;
		swap_items(first, last);
		first++;
	}
}

static struct swarm_stl_sort_item *
partition_pivot(struct swarm_stl_sort_item *first, struct swarm_stl_sort_item *last)
{
	struct swarm_stl_sort_item *mid = first + (last - first) / 2;

	median_to_first(first, first + 1, mid, last - 1);
	return partition(first + 1, last, first);
}

/* __push_heap(first, hole, top, value) */
static void
push_heap(struct swarm_stl_sort_item *first, ptrdiff_t hole, ptrdiff_t top,
	  struct swarm_stl_sort_item value)
{
	ptrdiff_t parent = (hole - 1) / 2;

	while (hole > top && less(first + parent, &value)) {
		first[hole] = first[parent];
		hole = parent;
		parent = (hole - 1) / 2;
	}
	first[hole] = value;
}

/* __adjust_heap(first, hole, len, value) */
static void
adjust_heap(struct swarm_stl_sort_item *first, ptrdiff_t hole, ptrdiff_t len,
	    struct swarm_stl_sort_item value)
{
	const ptrdiff_t top = hole;
	ptrdiff_t child = hole;

	while (child < (len - 1) / 2) {
		child = 2 * (child + 1);
		if (less(first + child, first + (child - 1)))
			child--;
		first[hole] = first[child];
		hole = child;
	}
	if ((len & 1) == 0 && child == (len - 2) / 2) {
		child = 2 * (child + 1);
		first[hole] = first[child - 1];
		hole = child - 1;
	}
	push_heap(first, hole, top, value);
}

/* __pop_heap(first, last, result) */
static void
pop_heap(struct swarm_stl_sort_item *first, struct swarm_stl_sort_item *last,
	 struct swarm_stl_sort_item *result)
{
	struct swarm_stl_sort_item value = *result;

	*result = *first;
	adjust_heap(first, 0, last - first, value);
}

/* __partial_sort(first, last, last): __make_heap, then __sort_heap. */
static void
heap_sort(struct swarm_stl_sort_item *first, struct swarm_stl_sort_item *last)
{
	ptrdiff_t len = last - first;

	if (len >= 2) {
		for (ptrdiff_t parent = (len - 2) / 2;; parent--) {
			adjust_heap(first, parent, len, first[parent]);
			if (parent == 0)
				break;
		}
	}
	while (last - first > 1) {
		last--;
		pop_heap(first, last, last);
	}
}

static void
introsort_loop(struct swarm_stl_sort_item *first, struct swarm_stl_sort_item *last, unsigned depth,
	       unsigned *heap_fallbacks)
{
	while (last - first > SORT_THRESHOLD) {
		struct swarm_stl_sort_item *cut;

		if (depth == 0) {
			if (heap_fallbacks != NULL)
				(*heap_fallbacks)++;
			heap_sort(first, last);
			return;
		}
		depth--;
		cut = partition_pivot(first, last);
		introsort_loop(cut, last, depth, heap_fallbacks);
		last = cut;
	}
}

/* __unguarded_linear_insert(last) */
static void
linear_insert(struct swarm_stl_sort_item *last)
{
	struct swarm_stl_sort_item val = *last;
	struct swarm_stl_sort_item *next = last - 1;

	while (less(&val, next)) {
		*last = *next;
		last = next;
		next--;
	}
	*last = val;
}

/* __insertion_sort(first, last) */
static void
insertion_sort(struct swarm_stl_sort_item *first, struct swarm_stl_sort_item *last)
{
	if (first == last)
		return;
	for (struct swarm_stl_sort_item *i = first + 1; i != last; i++) {
		if (less(i, first)) {
			struct swarm_stl_sort_item val = *i;

			memmove(first + 1, first, (size_t)(i - first) * sizeof(*first));
			*first = val;
		} else {
			linear_insert(i);
		}
	}
}

static unsigned
floor_log2(size_t n)
{
	unsigned lg = 0;

	while (n >>= 1)
		lg++;
	return lg;
}

void
swarm_stl_sort_by_size(struct swarm_stl_sort_item *items, size_t n, unsigned *heap_fallbacks)
{
	if (items == NULL || n == 0)
		return;
	introsort_loop(items, items + n, 2 * floor_log2(n), heap_fallbacks);
	/* __final_insertion_sort: the tail relies on the first 16 as a sentinel. */
	if (n > SORT_THRESHOLD) {
		insertion_sort(items, items + SORT_THRESHOLD);
		for (struct swarm_stl_sort_item *i = items + SORT_THRESHOLD; i != items + n; i++)
			linear_insert(i);
	} else {
		insertion_sort(items, items + n);
	}
}
