/* SPDX-License-Identifier: MIT */
/* dataplane/replay.c: a replay within the window is caught; after two windows it is forgotten. */
#include "test_common.h"

#include "replay.h"

enum {
	W = 1000
};

static void
catches_replays_for_one_to_two_windows(void **state)
{
	struct dp_replay r;
	uint8_t k[32];

	(void)state;
	randombytes_buf(k, 32);
	assert_int_equal(dp_replay_init(&r, 16, W, 0), 0);
	assert_false(dp_replay_check_and_add(&r, k, 0));
	assert_true(dp_replay_check_and_add(&r, k, W - 1));
	assert_true(dp_replay_check_and_add(&r, k, W)); /* rotated: found in previous */
	/* Each check re-adds the key, so keep it quiet for two windows. */
	assert_false(dp_replay_check_and_add(&r, k, 3 * W + 1));
	dp_replay_free(&r);
}

/* The two-step form a burst uses (hash and prefetch all, then test) is the same filter:
 * a key added by one form is found by the other, and a fresh key by neither. */
static void
two_steps_share_the_filter(void **state)
{
	struct dp_replay r;
	struct dp_replay_pos p, q;
	uint8_t k[32], other[32];

	(void)state;
	randombytes_buf(k, 32);
	randombytes_buf(other, 32);
	assert_int_equal(dp_replay_init(&r, 16, W, 0), 0);
	dp_replay_hash(&r, k, &p);
	dp_replay_hash(&r, k, &q);
	assert_memory_equal(&p, &q, sizeof(p));
	assert_false(dp_replay_check_and_add_at(&r, &p, 0));
	assert_true(dp_replay_check_and_add(&r, k, 1));
	assert_false(dp_replay_check_and_add(&r, other, 2));
	dp_replay_hash(&r, other, &q);
	assert_true(dp_replay_check_and_add_at(&r, &q, 3));
	dp_replay_free(&r);
}

static void
idle_gap_clears_everything(void **state)
{
	struct dp_replay r;
	uint8_t k[32] = {1};

	(void)state;
	assert_int_equal(dp_replay_init(&r, 12, W, 0), 0);
	assert_false(dp_replay_check_and_add(&r, k, 10));
	assert_false(dp_replay_check_and_add(&r, k, 10 + 2 * W));
	dp_replay_free(&r);
}

static void
false_positive_rate_is_as_sized(void **state)
{
	enum {
		N = 20000
	};
	struct dp_replay r;
	uint8_t k[32];
	int fp = 0;

	(void)state;
	/* 2^18 bits, 20,000 keys: (1 - e^(-4*20000/262144))^4 ~ 0.47%. Allow 1%. */
	assert_int_equal(dp_replay_init(&r, 18, W, 0), 0);
	for (int i = 0; i < N; i++) {
		randombytes_buf(k, 32);
		fp += dp_replay_check_and_add(&r, k, 1);
	}
	assert_true(fp < N / 100);
	dp_replay_free(&r);
}

static void
bad_init(void **state)
{
	struct dp_replay r;

	(void)state;
	assert_int_equal(dp_replay_init(&r, 9, W, 0), -EINVAL);
	assert_int_equal(dp_replay_init(&r, 33, W, 0), -EINVAL);
	assert_int_equal(dp_replay_init(&r, 16, 0, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catches_replays_for_one_to_two_windows),
		cmocka_unit_test(two_steps_share_the_filter),
		cmocka_unit_test(idle_gap_clears_everything),
		cmocka_unit_test(false_positive_rate_is_as_sized),
		cmocka_unit_test(bad_init),
	};
	return RUN_GROUP("dataplane/replay", tests);
}
