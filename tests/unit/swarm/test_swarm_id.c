/* SPDX-License-Identifier: MIT */
/*
 * swarm/swarm_id.c: get_new_swarm_id. The cases are ported from oxen-core
 * tests/unit_tests/service_nodes_swarm.cpp (oxen-io/oxen-core, read at commit
 * 8b663a7c8ce75e75702ff99e1544ff5ee97975af): TEST(swarm_to_snodes,
 * unassigned_swarm_bug) and TEST(swarm_to_snodes, deterministic_swarm_ids), the
 * 10,000-step mt19937_64(12345) add/remove sequence.
 */
#include "swarm_test.h"

#include "swarm_id.h"

static uint64_t
new_id(const uint64_t *ids, size_t n)
{
	uint64_t id = 12345;

	assert_int_equal(swarm_id_new(ids, n, &id), 0);
	return id;
}

/* Keeps ids sorted like the std::map upstream uses. */
static void
insert(uint64_t *ids, size_t *n, uint64_t id)
{
	size_t at = 0;

	while (at < *n && ids[at] < id)
		at++;
	assert_true(at == *n || ids[at] != id); /* upstream: ASSERT_FALSE(swarms.count(id)) */
	memmove(ids + at + 1, ids + at, (*n - at) * sizeof(*ids));
	ids[at] = id;
	(*n)++;
}

static void
erase_at(uint64_t *ids, size_t *n, size_t at)
{
	memmove(ids + at, ids + at + 1, (*n - at - 1) * sizeof(*ids));
	(*n)--;
}

static void
test_constants(void **state)
{
	(void)state;
	assert_true(SWARM_ID_UNASSIGNED == UINT64_C(18446744073709551615));
	assert_true(SWARM_ID_MAX == UINT64_C(18446744073709551614));
}

static void
test_errors(void **state)
{
	uint64_t ids[1] = {5}, out = 7;

	(void)state;
	assert_int_equal(swarm_id_new(ids, 1, NULL), -EINVAL);
	assert_int_equal(swarm_id_new(NULL, 1, &out), -EINVAL);
	assert_true(out == 7);
	assert_int_equal(swarm_id_new(NULL, 0, &out), 0);
	assert_true(out == 0);
}

/* upstream unassigned_swarm_bug (oxen-core issue #1437), first part */
static void
test_first_four(void **state)
{
	const uint64_t max = SWARM_ID_MAX;
	uint64_t ids[4] = {0};
	size_t n = 0;

	(void)state;
	assert_true(new_id(ids, n) == 0);
	insert(ids, &n, 0);
	assert_true(new_id(ids, n) == max / 2);
	insert(ids, &n, max / 2);
	assert_true(new_id(ids, n) == max / 2 + max / 4 + 1);
	insert(ids, &n, max / 2 + max / 4 + 1);
	assert_true(new_id(ids, n) == max / 4);
	/* only b = max / 2 left: the new id must not be b again (the bug) but max */
	ids[0] = max / 2;
	assert_true(new_id(ids, 1) == max);
}

/* upstream unassigned_swarm_bug, the rest */
static void
test_single_and_straddle(void **state)
{
	const uint64_t max = SWARM_ID_MAX;
	uint64_t one[1], two[2];

	(void)state;
	one[0] = max / 4;
	assert_true(new_id(one, 1) == max / 2 + max / 4);
	one[0] = UINT64_C(12345678901234567890);
	assert_true(new_id(one, 1) == UINT64_C(12345678901234567890) - max / 2 - 1);
	two[0] = max / 2 - 100;
	two[1] = max / 2 + 100;
	assert_true(new_id(two, 2) == max);
	two[1] = max / 2 + 101;
	assert_true(new_id(two, 2) == 0);
	two[0] = max / 2 - 101;
	two[1] = max / 2 + 101;
	assert_true(new_id(two, 2) == max);
	two[1] = max / 2 + 102;
	assert_true(new_id(two, 2) == 0);
}

/*
 * Gaps are measured on a ring of 2^64 - 1 points (0 follows SWARM_ID_MAX), which
 * 3 * (t + 1) fills exactly for t = SWARM_ID_MAX / 3. Equal gaps: the first
 * wins, and the wrap gap must be strictly wider to win.
 */
static void
test_ties(void **state)
{
	const uint64_t t = SWARM_ID_MAX / 3;
	uint64_t ids[3] = {0, t + 1, 2 * t + 2};

	(void)state;
	/* three equal gaps of t + 1: the first inner one */
	assert_true(new_id(ids, 3) == (t + 1) / 2);
	/* inner gaps t + 1 and t, wrap gap t + 2: the wrap one, from the last id */
	ids[2] = 2 * t + 1;
	assert_true(new_id(ids, 3) == 2 * t + 1 + (t + 2) / 2);
	/* the last id at SWARM_ID_MAX and the first at 0 are neighbours one apart */
	ids[0] = 0;
	ids[1] = 10;
	ids[2] = SWARM_ID_MAX;
	assert_true(new_id(ids, 3) == 10 + (SWARM_ID_MAX - 10) / 2);
}

/* A midpoint past SWARM_ID_MAX wraps to 0 and on. */
static void
test_wrap_arithmetic(void **state)
{
	uint64_t ids[2] = {100, SWARM_ID_MAX - 100};

	(void)state;
	/* wrap gap 201 < inner gap: plain midpoint */
	assert_true(new_id(ids, 2) == 100 + (SWARM_ID_MAX - 200) / 2);
	/* wrap gap SWARM_ID_MAX - 9 from 2^63 + 10: 2^63 + 10 + 2^63 - 6 = 2^64 + 4, i.e. 5 */
	ids[0] = UINT64_C(1) << 63;
	ids[1] = (UINT64_C(1) << 63) + 10;
	assert_true(new_id(ids, 2) == 5);
}

/* upstream deterministic_swarm_ids: 10,000 steps of mt19937_64(12345). */
static void
test_deterministic_sequence(void **state)
{
	static const struct {
		size_t at;
		uint64_t id;
	} want[] = {
		{0, UINT64_C(1548112371908607)},	{1, UINT64_C(4398046511103999)},
		{2, UINT64_C(7247980650299391)},	{3, UINT64_C(10097914789494783)},
		{4, UINT64_C(12947848928690175)},	{25, UINT64_C(72796465851793407)},
		{29, UINT64_C(84196202408574975)},	{42, UINT64_C(121245346218115071)},
		{99, UINT64_C(283691592152252415)},	{404, UINT64_C(1203745330089164798)},
		{888, UINT64_C(2829738309616402430)},	{999, UINT64_C(3243154681660178430)},
		{2000, UINT64_C(6581905302285713406)},	{3000, UINT64_C(10403878089179267070)},
		{3333, UINT64_C(11669248846982021118)}, {4567, UINT64_C(16860997617805426686)},
		{5000, UINT64_C(18311495347400081406)}, {5045, UINT64_C(18439742383663874046)},
		{5046, UINT64_C(18442592317803069438)}, {5047, UINT64_C(18445442251942264830)},
	};
	struct swarm_mt19937_64 rng;
	uint64_t *ids = calloc(10000, sizeof(*ids));
	size_t n = 0;

	(void)state;
	assert_non_null(ids);
	swarm_mt19937_64_seed(&rng, 12345);
	for (int i = 0; i < 10000; i++) {
		uint64_t r = swarm_mt19937_64_next(&rng);

		if (r < (UINT64_C(1) << 62)) { /* remove the (r mod size)-th id, p = 1/4 */
			assert_true(n > 0);
			erase_at(ids, &n, (size_t)(r % n));
		} else {
			insert(ids, &n, new_id(ids, n));
		}
	}
	assert_int_equal(n, 5048);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_true(ids[want[i].at] == want[i].id);
	free(ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_first_four),
		cmocka_unit_test(test_single_and_straddle),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_wrap_arithmetic),
		cmocka_unit_test(test_deterministic_sequence),
	};

	return cmocka_run_group_tests_name("swarm_id", tests, NULL, NULL);
}
