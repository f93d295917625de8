/* SPDX-License-Identifier: MIT */
/*
 * swarm/swarm_steps.c: each step of calc_swarm_changes on hand-made swarms.
 * Ports oxen-core's assign_snodes and create_new_swarm_from_excess tests
 * (tests/unit_tests/service_nodes_swarm.cpp, oxen-io/oxen-core at
 * 8b663a7c8ce75e75702ff99e1544ff5ee97975af, mt19937_64(42) as there) and pins
 * the quirks that decide the result: stale sort in Robin Hood, its stop at the
 * first swarm it cannot fill, lowest id dissolved first, failure with no swarm.
 */
#include "swarm_test.h"

#include "swarm_rules.h"
#include "swarm_set.h"
#include "swarm_steps.h"

static struct swarm_set set;
static struct swarm_mt19937_64 rng;
static struct swarm_assign_stats st;
static uint32_t next_node;

static int
setup(void **state)
{
	(void)state;
	next_node = 0;
	memset(&st, 0, sizeof(st));
	swarm_mt19937_64_seed(&rng, 42);
	return swarm_set_init(&set, 1000);
}

static int
teardown(void **state)
{
	(void)state;
	swarm_set_free(&set);
	return 0;
}

static size_t
slot_of(uint64_t id)
{
	size_t slot;

	if (swarm_set_find(&set, id, &slot) != 0)
		assert_int_equal(swarm_set_insert(&set, id, &slot), 0);
	return slot;
}

static void
add(uint64_t id, size_t count)
{
	for (size_t i = 0; i < count; i++)
		swarm_set_append(&set, slot_of(id), next_node++);
}

static size_t
size_of(uint64_t id)
{
	size_t slot;

	if (swarm_set_find(&set, id, &slot) != 0)
		return SIZE_MAX;
	return set.lists[slot].size;
}

static size_t
total(void)
{
	size_t sum = 0;

	for (size_t i = 0; i < set.n; i++)
		sum += set.lists[i].size;
	return sum;
}

/* Places count fresh nodes with swarm_steps_assign. */
static int
assign(size_t count, unsigned percentile)
{
	uint32_t nodes[64];

	assert_true(count <= 64);
	for (size_t i = 0; i < count; i++)
		nodes[i] = next_node++;
	return swarm_steps_assign(&set, &rng, nodes, count, percentile, &st);
}

/* upstream assign_snodes */
static void
test_assign_upstream(void **state)
{
	(void)state;
	add(0, 3);
	add(1, 1);
	add(2, 5);
	add(3, 2);
	/* swarm 1 is alone in the lowest 25 percent */
	assert_int_equal(assign(1, SWARM_RULES_FILL_PERCENTILE), 0);
	assert_int_equal(size_of(1), 2);
	/* now 1 and 3 tie at 2: one node each, whichever is drawn first */
	assert_int_equal(assign(1, SWARM_RULES_FILL_PERCENTILE), 0);
	assert_int_equal(assign(1, SWARM_RULES_FILL_PERCENTILE), 0);
	assert_int_equal(size_of(1), 3);
	assert_int_equal(size_of(3), 3);
	assert_int_equal(size_of(0), 3);
	assert_int_equal(size_of(2), 5);
}

/* The candidates run to the last swarm of the percentile's size, not just to it. */
static void
test_assign_candidates(void **state)
{
	size_t hits[4] = {0};

	(void)state;
	/* sizes 6 6 6 9: percentile index 25 * 3 / 100 = 0, size 6 -> indices 0..2 */
	for (int round = 0; round < 300; round++) {
		swarm_set_free(&set);
		assert_int_equal(swarm_set_init(&set, 1000), 0);
		next_node = 0;
		add(10, 6);
		add(20, 6);
		add(30, 6);
		add(40, 9);
		assert_int_equal(assign(1, SWARM_RULES_FILL_PERCENTILE), 0);
		hits[0] += size_of(10) == 7;
		hits[1] += size_of(20) == 7;
		hits[2] += size_of(30) == 7;
		hits[3] += size_of(40) == 10;
	}
	assert_true(hits[0] > 0 && hits[1] > 0 && hits[2] > 0);
	assert_int_equal(hits[3], 0);
	assert_int_equal(hits[0] + hits[1] + hits[2], 300);
}

static void
test_assign_no_swarm(void **state)
{
	(void)state;
	assert_int_equal(assign(1, SWARM_RULES_FILL_PERCENTILE), -ERANGE);
	assert_int_equal(assign(0, SWARM_RULES_FILL_PERCENTILE), 0);
}

/* upstream create_new_swarm_from_excess */
static void
test_new_from_excess_upstream(void **state)
{
	const size_t swarms = 11;
	const size_t needed = swarms * SWARM_RULES_IDEAL_MARGIN + SWARM_RULES_NEW_SIZE;
	size_t slot;

	(void)state;
	for (uint64_t i = 0; i < swarms; i++)
		add(i, SWARM_RULES_EXCESS_BASE);
	assert_int_equal(swarm_steps_new_from_excess(&set, &rng, &st), 0);
	assert_int_equal(set.n, swarms);
	for (size_t i = 0; i < needed - 1; i++)
		add(i % swarms, 1);
	assert_int_equal(swarm_steps_new_from_excess(&set, &rng, &st), 0);
	assert_int_equal(set.n, swarms);
	assert_int_equal(st.created, 0);
	add(1, 1);
	assert_int_equal(swarm_steps_new_from_excess(&set, &rng, &st), 0);
	assert_int_equal(set.n, swarms + 1);
	assert_int_equal(st.created, 1);
	assert_int_equal(total(), swarms * SWARM_RULES_EXCESS_BASE + needed);
	/* ids 0..10: the widest gap is the wrap from 10, so the new id is halfway round */
	assert_int_equal(swarm_set_find(&set, 10 + (SWARM_ID_MAX - 9) / 2, &slot), 0);
	assert_int_equal(set.lists[slot].size, SWARM_RULES_NEW_SIZE);
	/* nobody was taken below the base */
	for (size_t i = 0; i < set.n; i++)
		assert_true(set.lists[i].size >= SWARM_RULES_EXCESS_BASE);
}

/* Several swarms at once while the excess lasts; none while any swarm starves. */
static void
test_new_from_excess_loops_and_starving(void **state)
{
	(void)state;
	add(5, 40);
	add(6, 4);
	assert_int_equal(swarm_steps_new_from_excess(&set, &rng, &st), 0);
	assert_int_equal(set.n, 2);
	add(6, 1);
	/* 45 nodes: excess 35 + 0 >= 7 + 4, then 28 >= 9 ... until excess < 7 + 2 * swarms */
	assert_int_equal(swarm_steps_new_from_excess(&set, &rng, &st), 0);
	assert_true(swarm_set_excess(&set) <
		    SWARM_RULES_NEW_SIZE + SWARM_RULES_IDEAL_MARGIN * set.n);
	assert_int_equal(st.created, set.n - 2);
	assert_true(st.created >= 3);
	assert_int_equal(total(), 45);
}

static void
test_robin_hood_feeds(void **state)
{
	(void)state;
	add(1, 3);
	add(2, 7);
	add(3, 7);
	add(4, 7);
	swarm_steps_robin_hood(&set, &rng, &st);
	assert_int_equal(size_of(1), SWARM_RULES_MIN_SIZE);
	assert_int_equal(st.stolen, 2);
	assert_int_equal(size_of(2) + size_of(3) + size_of(4), 19);
	assert_int_equal(total(), 24);
}

/* The 75th-percentile size minus one is the bar: a swarm of 8 under a bar of 8 keeps all. */
static void
test_robin_hood_percentile(void **state)
{
	(void)state;
	add(1, 4);
	add(2, 8);
	add(3, 9);
	add(4, 9);
	add(5, 9);
	swarm_steps_robin_hood(&set, &rng, &st);
	assert_int_equal(size_of(1), 5);
	assert_int_equal(size_of(2), 8);
	assert_int_equal(size_of(3) + size_of(4) + size_of(5), 26);
}

/* Excess (members above 5 of rich swarms) below the deficit: nothing moves. */
static void
test_robin_hood_insufficient(void **state)
{
	(void)state;
	add(1, 1);
	add(2, 6);
	add(3, 6);
	swarm_steps_robin_hood(&set, &rng, &st);
	assert_int_equal(size_of(1), 1);
	assert_int_equal(st.stolen, 0);
}

/*
 * Upstream stops for good at the first swarm it cannot fill, even if a later,
 * less starving one could be: swarm 2 (1 member, deficit 4) comes first in the
 * size order and the excess is 2, so swarm 1 (4 members) gets nothing either.
 */
static void
test_robin_hood_stops_at_first_failure(void **state)
{
	(void)state;
	add(1, 4);
	add(2, 1);
	add(3, 5);
	add(4, 5);
	add(5, 7);
	swarm_steps_robin_hood(&set, &rng, &st);
	assert_int_equal(size_of(1), 4);
	assert_int_equal(size_of(2), 1);
	assert_int_equal(st.stolen, 0);
}

static void
test_dissolve_single_swarm_kept(void **state)
{
	uint32_t buf[16];

	(void)state;
	add(9, 3);
	assert_int_equal(swarm_steps_dissolve(&set, &rng, buf, &st), 0);
	assert_int_equal(size_of(9), 3);
	assert_int_equal(st.dissolved, 0);
}

/* The lowest id goes first, its members to the smallest swarms. */
static void
test_dissolve_lowest_first(void **state)
{
	uint32_t buf[32];

	(void)state;
	add(30, 6);
	add(20, 4);
	add(10, 4);
	assert_int_equal(swarm_steps_dissolve(&set, &rng, buf, &st), 0);
	assert_int_equal(size_of(10), SIZE_MAX);
	assert_int_equal(st.dissolved, 1);
	assert_int_equal(size_of(20), 7);
	assert_int_equal(size_of(30), 7);
}

/* Fewer than 5 nodes over two swarms: both dissolve, then upstream throws. */
static void
test_dissolve_to_nothing(void **state)
{
	uint32_t buf[8];

	(void)state;
	add(1, 2);
	add(2, 2);
	assert_int_equal(swarm_steps_dissolve(&set, &rng, buf, &st), -ERANGE);
	assert_int_equal(st.dissolved, 2);
	assert_int_equal(set.n, 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_assign_upstream),
		T(test_assign_candidates),
		T(test_assign_no_swarm),
		T(test_new_from_excess_upstream),
		T(test_new_from_excess_loops_and_starving),
		T(test_robin_hood_feeds),
		T(test_robin_hood_percentile),
		T(test_robin_hood_insufficient),
		T(test_robin_hood_stops_at_first_failure),
		T(test_dissolve_single_swarm_kept),
		T(test_dissolve_lowest_first),
		T(test_dissolve_to_nothing),
	};
#undef T

	return cmocka_run_group_tests_name("swarm_steps", tests, NULL, NULL);
}
