/* SPDX-License-Identifier: MIT */
/*
 * The alloc_count checks of a cmocka test (include after cmocka.h): whether
 * the count works in this build, and the assertion that nothing was counted.
 */
#ifndef SNODE_TEST_ALLOC_COUNT_ASSERT_H
#define SNODE_TEST_ALLOC_COUNT_ASSERT_H

#include <stdbool.h>
#include <stdio.h>

#include "alloc_count.h"

/* false (and says so) in sanitizer builds: the test then returns at once, as a pass,
 * since cmocka's skip() reads as a failure under meson's TAP. */
static inline bool
alloc_count_usable(void)
{
	if (alloc_count_works())
		return true;
	print_message("alloc_count is off in sanitizer builds: nothing counted\n");
	return false;
}

/* Fails the test (at the caller's line) unless no allocation and no free were counted;
 * first prints where the counted calls came from. */
#define assert_no_alloc_counted()                                                                  \
	do {                                                                                       \
		if (alloc_count_allocs() + alloc_count_frees() > 0)                                \
			alloc_count_report(stdout);                                                \
		assert_int_equal(alloc_count_allocs(), 0);                                         \
		assert_int_equal(alloc_count_frees(), 0);                                          \
	} while (0)

#endif
