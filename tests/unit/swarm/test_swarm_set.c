/* SPDX-License-Identifier: MIT */
/*
 * swarm/swarm_set.c: the map of swarms. Ports oxen-core's calc_excess,
 * get_excess_pool, remove_excess_snode_from_swarm and calc_swarm_sizes tests
 * (tests/unit_tests/service_nodes_swarm.cpp, oxen-io/oxen-core at
 * 8b663a7c8ce75e75702ff99e1544ff5ee97975af) and checks the orders upstream's
 * draws depend on.
 */
#include "swarm_test.h"

#include "swarm_rules.h"
#include "swarm_set.h"

static struct swarm_set set;
static uint32_t next_node;

static int
setup(void **state)
{
	(void)state;
	next_node = 0;
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
	size_t slot = 999;

	if (swarm_set_find(&set, id, &slot) != 0)
		assert_int_equal(swarm_set_insert(&set, id, &slot), 0);
	return slot;
}

/* Appends count fresh nodes to swarm id. */
static void
add(uint64_t id, size_t count)
{
	for (size_t i = 0; i < count; i++)
		swarm_set_append(&set, slot_of(id), next_node++);
}

static void
expect_members(uint64_t id, const uint32_t *want, size_t n)
{
	size_t slot, k = 0;

	assert_int_equal(swarm_set_find(&set, id, &slot), 0);
	assert_int_equal(set.lists[slot].size, n);
	for (uint32_t v = set.lists[slot].head; v != SWARM_SET_NONE; v = set.next[v])
		assert_int_equal(v, want[k++]);
	assert_int_equal(k, n);
	/* and backwards, so prev[] is consistent */
	for (uint32_t v = set.lists[slot].tail; v != SWARM_SET_NONE; v = set.prev[v])
		assert_int_equal(v, want[--k]);
}

static void
test_init_errors(void **state)
{
	struct swarm_set s;

	(void)state;
	assert_int_equal(swarm_set_init(NULL, 5), -EINVAL);
	assert_int_equal(swarm_set_init(&s, 0), -EINVAL);
	assert_int_equal(swarm_set_init(&s, SWARM_SET_NONE), -EINVAL);
	assert_int_equal(swarm_set_init(&s, 1), 0);
	assert_int_equal(s.cap, 2);
	swarm_set_free(&s);
	swarm_set_free(NULL);
}

static void
test_insert_find_order(void **state)
{
	static const uint64_t ids[] = {50, 10, UINT64_MAX - 1, 0, 30};
	size_t slot;

	(void)state;
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(swarm_set_insert(&set, ids[i], &slot), 0);
	assert_int_equal(set.n, 5);
	assert_true(set.ids[0] == 0 && set.ids[1] == 10 && set.ids[2] == 30 && set.ids[3] == 50 &&
		    set.ids[4] == UINT64_MAX - 1);
	assert_int_equal(swarm_set_insert(&set, 30, &slot), -EEXIST);
	assert_int_equal(swarm_set_find(&set, 30, &slot), 0);
	assert_int_equal(slot, 2);
	assert_int_equal(swarm_set_find(&set, 31, &slot), -ENOENT);
	assert_int_equal(swarm_set_find(&set, UINT64_MAX, &slot), -ENOENT);
	assert_int_equal(slot, 2); /* untouched on a miss */
}

/* Members follow their swarm when slots shift under an insert. */
static void
test_insert_shifts_members(void **state)
{
	static const uint32_t in50[] = {0, 1}, in10[] = {2};

	(void)state;
	add(50, 2);
	add(10, 1);
	expect_members(50, in50, 2);
	expect_members(10, in10, 1);
}

static void
test_capacity(void **state)
{
	struct swarm_set s;
	size_t slot;

	(void)state;
	assert_int_equal(swarm_set_init(&s, 2), 0);
	assert_int_equal(swarm_set_insert(&s, 1, &slot), 0);
	assert_int_equal(swarm_set_insert(&s, 2, &slot), 0);
	assert_int_equal(swarm_set_insert(&s, 3, &slot), 0);
	assert_int_equal(swarm_set_insert(&s, 4, &slot), -ENOSPC);
	assert_int_equal(s.n, 3);
	swarm_set_free(&s);
}

/* std::remove keeps the order of the others; push_back appends. */
static void
test_unlink_keeps_order(void **state)
{
	static const uint32_t mid[] = {0, 2, 3, 4}, ends[] = {2, 3}, again[] = {2, 3, 0};
	size_t slot = slot_of(7);

	(void)state;
	add(7, 5);
	swarm_set_unlink(&set, slot, 1);
	expect_members(7, mid, 4);
	swarm_set_unlink(&set, slot, 0);
	swarm_set_unlink(&set, slot, 4);
	expect_members(7, ends, 2);
	swarm_set_append(&set, slot, 0);
	expect_members(7, again, 3);
	swarm_set_unlink(&set, slot, 2);
	swarm_set_unlink(&set, slot, 3);
	swarm_set_unlink(&set, slot, 0);
	assert_int_equal(set.lists[slot].size, 0);
	assert_int_equal(set.lists[slot].head, SWARM_SET_NONE);
	assert_int_equal(set.lists[slot].tail, SWARM_SET_NONE);
}

static void
test_erase(void **state)
{
	uint32_t out[10];
	size_t count = 99, slot;

	(void)state;
	add(5, 3);
	add(9, 2);
	add(1, 1);
	assert_int_equal(swarm_set_erase(&set, 3, out, &count), -EINVAL);
	assert_int_equal(count, 99);
	assert_int_equal(swarm_set_find(&set, 5, &slot), 0);
	assert_int_equal(swarm_set_erase(&set, slot, out, &count), 0);
	assert_int_equal(count, 3);
	assert_true(out[0] == 0 && out[1] == 1 && out[2] == 2);
	assert_int_equal(set.n, 2);
	assert_true(set.ids[0] == 1 && set.ids[1] == 9);
	assert_int_equal(swarm_set_find(&set, 5, &slot), -ENOENT);
	/* the survivors kept their members */
	assert_int_equal(swarm_set_find(&set, 9, &slot), 0);
	assert_int_equal(set.lists[slot].size, 2);
}

/* upstream calc_excess: 11 swarms of EXCESS_BASE have none; 52 more make 52. */
static void
test_excess(void **state)
{
	(void)state;
	assert_int_equal(swarm_set_excess(&set), 0);
	for (uint64_t i = 0; i < 11; i++)
		add(i, SWARM_RULES_EXCESS_BASE);
	assert_int_equal(swarm_set_excess(&set), 0);
	for (uint64_t i = 0; i < 52; i++)
		add(i % 11, 1);
	assert_int_equal(swarm_set_excess(&set), 52);
	add(20, 3); /* a swarm below the base adds nothing (no negative excess) */
	assert_int_equal(swarm_set_excess(&set), 52);
}

static void
test_starving(void **state)
{
	(void)state;
	assert_int_equal(swarm_set_has_starving(&set), 0);
	add(1, SWARM_RULES_MIN_SIZE);
	assert_int_equal(swarm_set_has_starving(&set), 0);
	add(2, SWARM_RULES_MIN_SIZE - 1);
	assert_int_equal(swarm_set_has_starving(&set), 1);
	add(2, 1);
	assert_int_equal(swarm_set_has_starving(&set), 0);
	slot_of(3); /* an empty swarm starves */
	assert_int_equal(swarm_set_has_starving(&set), 1);
}

/* upstream get_excess_pool, step by step. */
static void
test_pool_upstream(void **state)
{
	size_t pool, excess;

	(void)state;
	for (int i = 0; i < SWARM_RULES_MIN_SIZE; i++) {
		add(0, 1);
		swarm_set_pool(&set, SWARM_RULES_MIN_SIZE, &pool, &excess);
		assert_int_equal(pool, 0);
		assert_int_equal(excess, 0);
	}
	for (int i = 0; i < SWARM_RULES_MIN_SIZE; i++) {
		add(1, 1);
		swarm_set_pool(&set, SWARM_RULES_MIN_SIZE, &pool, &excess);
		assert_int_equal(pool, 0);
	}
	for (size_t i = 0; i < 10; i++) {
		add(0, 1);
		swarm_set_pool(&set, SWARM_RULES_MIN_SIZE, &pool, &excess);
		assert_int_equal(excess, i + 1);
		assert_int_equal(pool, SWARM_RULES_MIN_SIZE + i + 1);
	}
	for (size_t i = 0; i < 10; i++) {
		add(1, 1);
		swarm_set_pool(&set, SWARM_RULES_MIN_SIZE, &pool, &excess);
		assert_int_equal(excess, 10 + i + 1);
		assert_int_equal(pool, 2 * SWARM_RULES_MIN_SIZE + 10 + i + 1);
	}
	/* a third swarm at the threshold stays out of the pool */
	for (int i = 0; i < SWARM_RULES_MIN_SIZE; i++) {
		add(3, 1);
		swarm_set_pool(&set, SWARM_RULES_MIN_SIZE, &pool, &excess);
		assert_int_equal(excess, 20);
		assert_int_equal(pool, 2 * SWARM_RULES_MIN_SIZE + 20);
	}
}

/* Pool member k runs through swarms in id order, members in list order. */
static void
test_pool_pick_order(void **state)
{
	size_t slot, pool, excess;
	uint32_t node;

	(void)state;
	add(40, 6); /* nodes 0..5 */
	add(20, 5); /* 6..10: not above 5 */
	add(10, 7); /* 11..17 */
	swarm_set_pool(&set, 5, &pool, &excess);
	assert_int_equal(pool, 13);
	assert_int_equal(excess, 3);
	assert_int_equal(swarm_set_pool_pick(&set, 5, 0, &slot, &node), 0);
	assert_true(set.ids[slot] == 10 && node == 11);
	assert_int_equal(swarm_set_pool_pick(&set, 5, 6, &slot, &node), 0);
	assert_true(set.ids[slot] == 10 && node == 17);
	assert_int_equal(swarm_set_pool_pick(&set, 5, 7, &slot, &node), 0);
	assert_true(set.ids[slot] == 40 && node == 0);
	assert_int_equal(swarm_set_pool_pick(&set, 5, 12, &slot, &node), 0);
	assert_true(set.ids[slot] == 40 && node == 5);
	node = 77;
	assert_int_equal(swarm_set_pool_pick(&set, 5, 13, &slot, &node), -ERANGE);
	assert_int_equal(node, 77);
	/* a higher threshold: only the 7-member swarm */
	swarm_set_pool(&set, 6, &pool, &excess);
	assert_int_equal(pool, 7);
	assert_int_equal(excess, 2);
	assert_int_equal(swarm_set_pool_pick(&set, 6, 7, &slot, &node), -ERANGE);
	/* below MIN_SWARM_SIZE upstream returns an empty pool */
	swarm_set_pool(&set, SWARM_RULES_MIN_SIZE - 1, &pool, &excess);
	assert_int_equal(pool, 0);
	assert_int_equal(excess, 0);
	assert_int_equal(swarm_set_pool_pick(&set, SWARM_RULES_MIN_SIZE - 1, 0, &slot, &node),
			 -ERANGE);
}

/* upstream calc_swarm_sizes: 42 swarms of 1..42 members come out ascending. */
static void
test_sorted_sizes(void **state)
{
	(void)state;
	assert_int_equal(swarm_set_sorted_sizes(&set), 0);
	for (uint64_t i = 0; i < 42; i++)
		add(1000 - i, i + 1);
	assert_int_equal(swarm_set_sorted_sizes(&set), 42);
	for (size_t i = 0; i < 42; i++) {
		assert_int_equal(set.sorted[i].size, i + 1);
		assert_true(set.sorted[i].id == 1000 - i);
		assert_true(set.ids[set.sorted[i].slot] == set.sorted[i].id);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test_setup_teardown(test_insert_find_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_shifts_members, setup, teardown),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test_setup_teardown(test_unlink_keeps_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_excess, setup, teardown),
		cmocka_unit_test_setup_teardown(test_starving, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_upstream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_pick_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorted_sizes, setup, teardown),
	};

	return cmocka_run_group_tests_name("swarm_set", tests, NULL, NULL);
}
