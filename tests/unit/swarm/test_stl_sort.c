/* SPDX-License-Identifier: MIT */
/*
 * swarm/stl_sort.c: the exact permutation libstdc++'s std::sort gives
 * equal-sized swarms. Expected orders were printed by g++ 12 (Debian 12)
 * sorting the same arrays with std::sort and the size-only comparator;
 * tests/unit/swarm/gxx_vectors.cpp prints them again.
 */
#include "swarm_test.h"

#include "stl_sort.h"

static void
load(struct swarm_stl_sort_item *items, const size_t *sizes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		items[i] = (struct swarm_stl_sort_item){i, sizes[i], 100 + i};
}

static void
expect_order(const struct swarm_stl_sort_item *items, const uint64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(items[i].id == ids[i]);
		assert_int_equal(items[i].slot, 100 + ids[i]); /* the payload moved with it */
	}
}

/* sizes = mt19937_64(seed)() % mod, as the g++ program drew them */
static void
draw_sizes(size_t *sizes, size_t n, uint64_t seed, uint64_t mod)
{
	struct swarm_mt19937_64 rng;

	swarm_mt19937_64_seed(&rng, seed);
	for (size_t i = 0; i < n; i++)
		sizes[i] = swarm_mt19937_64_next(&rng) % mod;
}

/* 16 items: insertion sort only, which is stable. */
static void
test_sixteen_is_insertion(void **state)
{
	static const uint64_t want[16] = {1, 6, 13, 0, 2, 3, 8, 10, 15, 4, 5, 7, 9, 11, 12, 14};
	struct swarm_stl_sort_item items[16];
	size_t sizes[16];
	unsigned fb = 0;

	(void)state;
	draw_sizes(sizes, 16, 16, 3);
	load(items, sizes, 16);
	swarm_stl_sort_by_size(items, 16, &fb);
	expect_order(items, want, 16);
	assert_int_equal(fb, 0);
}

/* 17 items: one partition step first, and ties come out unstable. */
static void
test_seventeen_partitions(void **state)
{
	static const uint64_t want[17] = {8, 16, 15, 11, 9, 2, 1, 5, 6, 7, 12, 0, 4, 10, 3, 13, 14};
	struct swarm_stl_sort_item items[17];
	size_t sizes[17];

	(void)state;
	draw_sizes(sizes, 17, 17, 3);
	load(items, sizes, 17);
	swarm_stl_sort_by_size(items, 17, NULL);
	expect_order(items, want, 17);
}

static void
test_hundred_with_ties(void **state)
{
	static const uint64_t want[100] = {
		42, 67, 68, 29, 20, 19, 62, 16, 58, 14, 13, 56, 82, 10, 54, 87, 39, 53, 52, 95,
		97, 98, 32, 64, 30, 1,	27, 70, 74, 75, 76, 81, 12, 91, 90, 47, 66, 48, 99, 89,
		85, 55, 78, 63, 65, 18, 22, 43, 11, 28, 41, 40, 24, 36, 8,  83, 61, 15, 25, 69,
		23, 79, 73, 86, 57, 5,	93, 44, 84, 72, 9,  6,	80, 4,	3,  17, 0,  21, 46, 51,
		38, 33, 77, 45, 71, 2,	49, 96, 50, 94, 92, 31, 37, 7,	88, 35, 59, 60, 34, 26,
	};
	struct swarm_stl_sort_item items[100];
	size_t sizes[100];
	unsigned fb = 0;

	(void)state;
	draw_sizes(sizes, 100, 2024, 6);
	load(items, sizes, 100);
	swarm_stl_sort_by_size(items, 100, &fb);
	expect_order(items, want, 100);
	assert_int_equal(fb, 0);
}

/*
 * A McIlroy "antiqsort" input (built against g++'s std::sort) with some values
 * rounded to make ties: the depth limit 2 * floor(log2 40) = 10 runs out and
 * the heapsort fallback sorts the rest, ties included.
 */
static void
test_heap_fallback(void **state)
{
	static const size_t sizes[40] = {38, 0,	 36, 2,	 34, 5,	 32, 7,	 37, 9,	 33, 11, 39, 13,
					 30, 15, 34, 17, 20, 19, 0,  2,	 4,  6,	 8,  10, 12, 14,
					 16, 18, 30, 26, 28, 25, 26, 22, 24, 20, 22, 29};
	static const uint64_t want[40] = {1,  20, 3,  21, 22, 5,  23, 7,  24, 9,  25, 11, 26, 13,
					  27, 15, 28, 17, 29, 19, 37, 18, 38, 35, 36, 33, 31, 34,
					  32, 39, 14, 30, 6,  10, 16, 4,  2,  8,  0,  12};
	struct swarm_stl_sort_item items[40];
	unsigned fb = 0;

	(void)state;
	load(items, sizes, 40);
	swarm_stl_sort_by_size(items, 40, &fb);
	expect_order(items, want, 40);
	assert_int_equal(fb, 1);
}

static void
test_empty_and_one(void **state)
{
	struct swarm_stl_sort_item one = {7, 3, 9};
	unsigned fb = 0;

	(void)state;
	swarm_stl_sort_by_size(NULL, 5, &fb);
	swarm_stl_sort_by_size(&one, 0, &fb);
	swarm_stl_sort_by_size(&one, 1, &fb);
	assert_true(one.id == 7 && one.size == 3 && one.slot == 9);
	assert_int_equal(fb, 0);
}

/* Large arrays: sorted by size, a permutation of the input. */
static void
test_large_is_sorted_permutation(void **state)
{
	enum {
		N = 5000
	};
	struct swarm_stl_sort_item *items = calloc(N, sizeof(*items));
	unsigned char *seen = calloc(N, 1);
	size_t *sizes = calloc(N, sizeof(*sizes));

	(void)state;
	assert_non_null(items);
	assert_non_null(seen);
	assert_non_null(sizes);
	for (uint64_t mod = 1; mod <= 5000; mod *= 10) {
		draw_sizes(sizes, N, mod, mod);
		load(items, sizes, N);
		swarm_stl_sort_by_size(items, N, NULL);
		memset(seen, 0, N);
		for (size_t i = 0; i < N; i++) {
			assert_true(i == 0 || items[i - 1].size <= items[i].size);
			assert_int_equal(items[i].size, sizes[items[i].id]);
			assert_int_equal(seen[items[i].id], 0);
			seen[items[i].id] = 1;
		}
	}
	free(items);
	free(seen);
	free(sizes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sixteen_is_insertion),
		cmocka_unit_test(test_seventeen_partitions),
		cmocka_unit_test(test_hundred_with_ties),
		cmocka_unit_test(test_heap_fallback),
		cmocka_unit_test(test_empty_and_one),
		cmocka_unit_test(test_large_is_sorted_permutation),
	};

	return cmocka_run_group_tests_name("stl_sort", tests, NULL, NULL);
}
