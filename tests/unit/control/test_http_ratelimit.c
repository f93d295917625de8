/* SPDX-License-Identifier: MIT */
/* control/http_ratelimit.c: burst and refill at their edges, many clients, a full table. */
#include "test_common_ctl.h"

#include <stdlib.h>

#include "http_ratelimit.h"

static const uint64_t S = 1000000000ull; /* ns */

static struct ctl_http_rl *
new_rl(unsigned burst, unsigned per_s)
{
	struct ctl_http_rl *rl = malloc(sizeof(*rl));

	assert_non_null(rl);
	ctl_http_rl_init(rl, burst, per_s);
	return rl;
}

static void
burst_then_refill(void **state)
{
	struct ctl_http_rl *rl = new_rl(600, 300);

	(void)state;
	for (int i = 0; i < 600; i++)
		assert_true(ctl_http_rl_allow(rl, 0x0a000001, S));
	assert_false(ctl_http_rl_allow(rl, 0x0a000001, S)); /* the 601st at the same instant */
	/* another client has its own bucket */
	assert_true(ctl_http_rl_allow(rl, 0x0a000002, S));
	/* 300/s: one token after 1/300 s, not before */
	assert_false(ctl_http_rl_allow(rl, 0x0a000001, S + S / 300 - 1000));
	assert_true(ctl_http_rl_allow(rl, 0x0a000001, S + S / 300 + 1000));
	assert_false(ctl_http_rl_allow(rl, 0x0a000001, S + S / 300 + 1000));
	/* refill stops at the burst: after a long pause exactly 600 again */
	for (int i = 0; i < 600; i++)
		assert_true(ctl_http_rl_allow(rl, 0x0a000001, 100 * S));
	assert_false(ctl_http_rl_allow(rl, 0x0a000001, 100 * S));
	assert_int_equal(ctl_http_rl_clients(rl), 2);
	free(rl);
}

static void
full_table(void **state)
{
	struct ctl_http_rl *rl = new_rl(2, 1);

	(void)state;
	for (uint32_t i = 0; i < CTL_HTTP_RL_CLIENTS; i++) {
		assert_true(ctl_http_rl_allow(rl, i + 1, S));
		if (i % 2 == 0)
			assert_true(ctl_http_rl_allow(rl, i + 1, S)); /* half are busy: empty */
	}
	assert_int_equal(ctl_http_rl_clients(rl), CTL_HTTP_RL_CLIENTS);
	/* full, and no bucket has refilled yet: a new client is refused, not an old one evicted */
	assert_false(ctl_http_rl_allow(rl, 0xffff0000, S));
	assert_int_equal(rl->refused_full, 1);
	/* 1.5 s later the clients with one token used are full again and forgotten; the busy
	 * ones (2 used, 1.5 refilled) are kept with their state */
	assert_true(ctl_http_rl_allow(rl, 0xffff0000, S + S + S / 2));
	assert_int_equal(ctl_http_rl_clients(rl), CTL_HTTP_RL_CLIENTS / 2 + 1);
	assert_true(ctl_http_rl_allow(rl, 1, S + S + S / 2));  /* 1.5 tokens: one */
	assert_false(ctl_http_rl_allow(rl, 1, S + S + S / 2)); /* 0.5 left */
	/* every tracked address is still found after the compaction */
	for (uint32_t i = 0; i < CTL_HTTP_RL_CLIENTS; i += 2)
		assert_true(ctl_http_rl_allow(rl, i + 1, 10 * S));
	assert_int_equal(ctl_http_rl_clients(rl), CTL_HTTP_RL_CLIENTS / 2 + 1);
	free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_refill),
		cmocka_unit_test(full_table),
	};

	return cmocka_run_group_tests_name("http_ratelimit", tests, NULL, NULL);
}
