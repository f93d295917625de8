/* SPDX-License-Identifier: MIT */
/*
 * swarm/mt19937_64.c: std::mt19937_64 outputs (the C++ standard's 10000th
 * value of the default seed, and values g++ 12's <random> printed across the
 * 312-word regeneration), and the portable uniform draw.
 */
#include "swarm_test.h"

static uint64_t
nth(uint64_t seed, unsigned n)
{
	struct swarm_mt19937_64 rng;
	uint64_t v = 0;

	swarm_mt19937_64_seed(&rng, seed);
	for (unsigned i = 0; i < n; i++)
		v = swarm_mt19937_64_next(&rng);
	return v;
}

/* [rand.predef]: "the 10000th consecutive invocation of a default-constructed object". */
static void
test_default_seed_10000th(void **state)
{
	(void)state;
	assert_int_equal(SWARM_MT19937_64_DEFAULT_SEED, 5489);
	assert_true(nth(SWARM_MT19937_64_DEFAULT_SEED, 10000) == UINT64_C(9981545732273789042));
}

struct mt_vector {
	uint64_t seed;
	uint64_t first[3];
	uint64_t out312, out313; /* last of the first state, first after regeneration */
};

static const struct mt_vector vectors[] = {
	{5489,
	 {UINT64_C(14514284786278117030), UINT64_C(4620546740167642908),
	  UINT64_C(13109570281517897720)},
	 UINT64_C(1370093900783164344),
	 UINT64_C(6776537281339823025)},
	{0,
	 {UINT64_C(2947667278772165694), UINT64_C(18301848765998365067),
	  UINT64_C(729919693006235833)},
	 UINT64_C(11228354904504431959),
	 UINT64_C(17661967264253682746)},
	{12345,
	 {UINT64_C(6597103971274460346), UINT64_C(7386862472818278521),
	  UINT64_C(12716877617435052285)},
	 UINT64_C(2789196745742239809),
	 UINT64_C(7708707412167858263)},
	{UINT64_MAX,
	 {UINT64_C(478026398904862820), UINT64_C(13243134898385798468),
	  UINT64_C(709236020254955927)},
	 UINT64_C(8835741269252529079),
	 UINT64_C(17926718052445221126)},
};

static void
test_gxx_vectors(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		for (unsigned i = 0; i < 3; i++)
			assert_true(nth(vectors[v].seed, i + 1) == vectors[v].first[i]);
		assert_true(nth(vectors[v].seed, 312) == vectors[v].out312);
		assert_true(nth(vectors[v].seed, 313) == vectors[v].out313);
	}
}

/* Reseeding restarts the stream: no state survives from before. */
static void
test_reseed(void **state)
{
	struct swarm_mt19937_64 rng;

	(void)state;
	swarm_mt19937_64_seed(&rng, 7);
	for (int i = 0; i < 1000; i++)
		swarm_mt19937_64_next(&rng);
	swarm_mt19937_64_seed(&rng, 12345);
	assert_true(swarm_mt19937_64_next(&rng) == vectors[2].first[0]);
}

static void
test_uniform_errors(void **state)
{
	struct swarm_mt19937_64 rng;
	uint64_t out = 77;

	(void)state;
	swarm_mt19937_64_seed(&rng, 12345);
	assert_int_equal(swarm_mt19937_64_uniform(&rng, 0, &out), -EINVAL);
	assert_int_equal(swarm_mt19937_64_uniform(NULL, 5, &out), -EINVAL);
	assert_int_equal(swarm_mt19937_64_uniform(&rng, 5, NULL), -EINVAL);
	assert_true(out == 77);
	/* nothing was drawn by the refused calls */
	assert_true(swarm_mt19937_64_next(&rng) == vectors[2].first[0]);
}

/* n = 1 still consumes an output (upstream draws before dividing). */
static void
test_uniform_one_consumes(void **state)
{
	struct swarm_mt19937_64 rng;
	uint64_t out = 9;

	(void)state;
	swarm_mt19937_64_seed(&rng, 12345);
	assert_int_equal(swarm_mt19937_64_uniform(&rng, 1, &out), 0);
	assert_true(out == 0);
	assert_true(swarm_mt19937_64_next(&rng) == vectors[2].first[1]);
}

/* 2^64 - 1 is divisible by 3: no redraw, result = x / (2^64 - 1) / 3. */
static void
test_uniform_three(void **state)
{
	struct swarm_mt19937_64 rng;
	uint64_t out;

	(void)state;
	swarm_mt19937_64_seed(&rng, 12345);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(swarm_mt19937_64_uniform(&rng, 3, &out), 0);
		assert_true(out == vectors[2].first[i] / UINT64_C(0x5555555555555555));
	}
}

/* The largest n: limit is 2^64 - 1 and each draw is the raw output. */
static void
test_uniform_max(void **state)
{
	struct swarm_mt19937_64 rng;
	uint64_t out;

	(void)state;
	swarm_mt19937_64_seed(&rng, 0);
	assert_int_equal(swarm_mt19937_64_uniform(&rng, UINT64_MAX, &out), 0);
	assert_true(out == vectors[1].first[0]);
}

/*
 * n = 2^63 + 1: limit = n, so outputs >= 2^63 + 1 are redrawn and an accepted
 * x maps to itself. Seed 0's second output (18301848765998365067) is above the
 * limit and must be skipped; the third is taken.
 */
static void
test_uniform_redraw(void **state)
{
	const uint64_t n = (UINT64_C(1) << 63) + 1;
	struct swarm_mt19937_64 rng;
	uint64_t out;

	(void)state;
	swarm_mt19937_64_seed(&rng, 0);
	assert_int_equal(swarm_mt19937_64_uniform(&rng, n, &out), 0);
	assert_true(out == vectors[1].first[0]);
	assert_true(vectors[1].first[1] >= n);
	assert_int_equal(swarm_mt19937_64_uniform(&rng, n, &out), 0);
	assert_true(out == vectors[1].first[2]);
}

/* Every small n: in range, and each value of [0, n) turns up. */
static void
test_uniform_range(void **state)
{
	struct swarm_mt19937_64 rng;

	(void)state;
	swarm_mt19937_64_seed(&rng, 99);
	for (uint64_t n = 1; n <= 64; n++) {
		uint64_t seen = 0, out;

		for (int i = 0; i < 2000; i++) {
			assert_int_equal(swarm_mt19937_64_uniform(&rng, n, &out), 0);
			assert_true(out < n);
			seen |= UINT64_C(1) << out;
		}
		assert_true(seen == (n == 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_seed_10000th),
		cmocka_unit_test(test_gxx_vectors),
		cmocka_unit_test(test_reseed),
		cmocka_unit_test(test_uniform_errors),
		cmocka_unit_test(test_uniform_one_consumes),
		cmocka_unit_test(test_uniform_three),
		cmocka_unit_test(test_uniform_max),
		cmocka_unit_test(test_uniform_redraw),
		cmocka_unit_test(test_uniform_range),
	};

	return cmocka_run_group_tests_name("mt19937_64", tests, NULL, NULL);
}
