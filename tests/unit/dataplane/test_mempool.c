/* SPDX-License-Identifier: MIT */
/* dataplane/mempool.c: pool sizing (creation is covered by the dpdk suite). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mempool.h"

static void
size_counts_descriptors_caches_and_bursts(void **state)
{
	(void)state;
	/* 2 ports x 2 queues x (1024 + 1024) + 2 lcores x (256 + 32 x 3) */
	assert_int_equal(dp_mempool_size(2, 2, 1024, 1024, 2, 32), 8192 + 2 * (256 + 96));
}

static void
size_has_a_floor(void **state)
{
	(void)state;
	assert_int_equal(dp_mempool_size(0, 0, 0, 0, 0, 0), DP_MBUF_MIN);
	assert_int_equal(dp_mempool_size(1, 1, 64, 64, 1, 32), DP_MBUF_MIN);
}

static void
size_saturates_instead_of_wrapping(void **state)
{
	(void)state;
	assert_int_equal(dp_mempool_size(UINT16_MAX, UINT16_MAX, UINT16_MAX, UINT16_MAX, UINT16_MAX,
					 UINT16_MAX),
			 UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_counts_descriptors_caches_and_bursts),
		cmocka_unit_test(size_has_a_floor),
		cmocka_unit_test(size_saturates_instead_of_wrapping),
	};
	return cmocka_run_group_tests_name("dataplane/mempool", tests, NULL, NULL);
}
