/* SPDX-License-Identifier: MIT */
/* dataplane/ratelimit.c: burst edge, refill rate, per-source isolation, eviction. */
#include "test_common.h"

#include "ratelimit.h"

#define SEC 1000000000ull

static void
burst_edge_then_refill(void **state)
{
	struct dp_ratelimit rl;

	(void)state;
	assert_int_equal(dp_ratelimit_init(&rl, 64, DP_RATELIMIT_BURST, DP_RATELIMIT_RATE), 0);
	for (int i = 0; i < DP_RATELIMIT_BURST; i++)
		assert_true(dp_ratelimit_allow(&rl, 0x01020304, 0));
	assert_false(dp_ratelimit_allow(&rl, 0x01020304, 0));
	/* One token every 1/300 s: not a nanosecond before. */
	assert_false(dp_ratelimit_allow(&rl, 0x01020304, SEC / 300 - 1));
	assert_true(dp_ratelimit_allow(&rl, 0x01020304, SEC / 300 + 1));
	assert_false(dp_ratelimit_allow(&rl, 0x01020304, SEC / 300 + 2));
	/* One second later: 300 more, not a full bucket of 600. */
	int n = 0;
	while (dp_ratelimit_allow(&rl, 0x01020304, SEC + SEC / 300 + 1) && n < 1000)
		n++;
	assert_int_equal(n, 300);
	/* A long idle period refills to the burst, no more. */
	n = 0;
	while (dp_ratelimit_allow(&rl, 0x01020304, 100 * SEC) && n < 1000)
		n++;
	assert_int_equal(n, DP_RATELIMIT_BURST);
	dp_ratelimit_free(&rl);
}

static void
sources_are_independent(void **state)
{
	struct dp_ratelimit rl;

	(void)state;
	assert_int_equal(dp_ratelimit_init(&rl, 64, 2, 1), 0);
	assert_true(dp_ratelimit_allow(&rl, 1, 0));
	assert_true(dp_ratelimit_allow(&rl, 1, 0));
	assert_false(dp_ratelimit_allow(&rl, 1, 0));
	assert_true(dp_ratelimit_allow(&rl, 2, 0));
	assert_false(dp_ratelimit_allow(&rl, 0, 0)); /* 0.0.0.0 is never allowed */
	dp_ratelimit_free(&rl);
}

static void
a_full_table_evicts_the_stalest(void **state)
{
	struct dp_ratelimit rl;

	(void)state;
	assert_int_equal(dp_ratelimit_init(&rl, 8, 1, 1), 0);
	for (uint32_t a = 1; a <= 8; a++)
		assert_true(dp_ratelimit_allow(&rl, a, a)); /* fills all 8 slots */
	assert_true(dp_ratelimit_allow(&rl, 100, 50));	    /* evicts source 1, the stalest */
	assert_int_equal(rl.evictions, 1);
	assert_true(dp_ratelimit_allow(&rl, 1, 60)); /* a fresh bucket, evicting another */
	assert_false(dp_ratelimit_allow(&rl, 100, 61));
	dp_ratelimit_free(&rl);
}

static void
bad_init(void **state)
{
	struct dp_ratelimit rl;

	(void)state;
	assert_int_equal(dp_ratelimit_init(&rl, 48, 1, 1), -EINVAL);
	assert_int_equal(dp_ratelimit_init(&rl, 4, 1, 1), -EINVAL);
	assert_int_equal(dp_ratelimit_init(&rl, 64, 0, 1), -EINVAL);
	assert_int_equal(dp_ratelimit_init(&rl, 64, 1, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_edge_then_refill),
		cmocka_unit_test(sources_are_independent),
		cmocka_unit_test(a_full_table_evicts_the_stalest),
		cmocka_unit_test(bad_init),
	};
	return RUN_GROUP("dataplane/ratelimit", tests);
}
