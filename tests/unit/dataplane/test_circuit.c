/* SPDX-License-Identifier: MIT */
/* dataplane/circuit.c: both lookups, address checks, expiry at its edge, ageing, capacity, wiping.
 */
#include "test_common.h"

#include "circuit.h"

enum {
	TTL = 1000
};

static const struct dp_addr prev = {0x0a000001, 22030}, next = {0x0a000002, 22030},
			    other = {0x0a000001, 22031};

static void
add_link_and_find_both_ways(void **state)
{
	struct dp_circuit_table t;
	struct dp_circuit *c;

	(void)state;
	assert_int_equal(dp_circuit_table_init(&t, 4, TTL), 0);
	c = dp_circuit_add(&t, 11, &prev, 0);
	assert_non_null(c);
	memset(c->hop_key, 0x5a, 32);
	assert_int_equal(dp_circuit_set_out(&t, c, 22, &next), 0);
	assert_ptr_equal(dp_circuit_find_in(&t, 11, &prev, 10), c);
	assert_ptr_equal(dp_circuit_find_out(&t, 22, &next, 10), c);
	assert_null(dp_circuit_find_in(&t, 22, &prev, 10)); /* labels are per direction */
	assert_null(dp_circuit_find_out(&t, 11, &next, 10));
	assert_null(dp_circuit_find_in(&t, 11, &other, 10)); /* wrong source port */
	assert_null(dp_circuit_find_out(&t, 22, &prev, 10)); /* wrong source */
	assert_null(dp_circuit_add(&t, 11, &prev, 0));	     /* label taken */
	assert_null(dp_circuit_add(&t, 0, &prev, 0));	     /* label 0 */
	assert_int_equal(dp_circuit_count(&t), 1);
	dp_circuit_table_free(&t);
}

static void
expiry_edge_and_refresh(void **state)
{
	struct dp_circuit_table t;
	struct dp_circuit *c;

	(void)state;
	assert_int_equal(dp_circuit_table_init(&t, 4, TTL), 0);
	c = dp_circuit_add(&t, 11, &prev, 0);
	assert_non_null(c);
	assert_ptr_equal(dp_circuit_find_in(&t, 11, &prev, TTL - 1), c); /* refreshed to 2*TTL-1 */
	assert_ptr_equal(dp_circuit_find_in(&t, 11, &prev, 2 * TTL - 2), c);
	assert_null(dp_circuit_find_in(&t, 11, &prev, 4 * TTL)); /* expired: removed */
	assert_int_equal(dp_circuit_count(&t), 0);
	assert_null(dp_circuit_find_in(&t, 11, &prev, 0));
	dp_circuit_table_free(&t);
}

static void
capacity_edge_and_reuse_wipes_keys(void **state)
{
	struct dp_circuit_table t;
	struct dp_circuit *c[3];
	const uint8_t zero[32] = {0};

	(void)state;
	assert_int_equal(dp_circuit_table_init(&t, 3, TTL), 0);
	for (int i = 0; i < 3; i++) {
		c[i] = dp_circuit_add(&t, 100 + i, &prev, 0);
		assert_non_null(c[i]);
		memset(c[i]->hop_key, 0x77, 32);
	}
	assert_null(dp_circuit_add(&t, 200, &prev, 0));
	dp_circuit_remove(&t, c[1]);
	assert_memory_equal(c[1]->hop_key, zero, 32);
	assert_null(dp_circuit_find_in(&t, 101, &prev, 0));
	assert_non_null(dp_circuit_add(&t, 200, &prev, 0));
	assert_int_equal(dp_circuit_count(&t), 3);
	dp_circuit_table_free(&t);
}

static void
ageing_removes_only_expired_within_budget(void **state)
{
	struct dp_circuit_table t;

	(void)state;
	assert_int_equal(dp_circuit_table_init(&t, 8, TTL), 0);
	for (int i = 0; i < 4; i++)
		assert_non_null(dp_circuit_add(&t, 1 + i, &prev, 0));
	for (int i = 0; i < 2; i++)
		assert_non_null(dp_circuit_add(&t, 50 + i, &prev, 5 * TTL));
	assert_int_equal(dp_circuit_age(&t, TTL - 1, 8), 0);
	assert_int_equal(dp_circuit_age(&t, TTL, 2) + dp_circuit_age(&t, TTL, 6), 4);
	assert_int_equal(dp_circuit_count(&t), 2);
	assert_non_null(dp_circuit_find_in(&t, 50, &prev, 5 * TTL));
	dp_circuit_table_free(&t);
}

static void
bad_init(void **state)
{
	struct dp_circuit_table t;

	(void)state;
	assert_int_equal(dp_circuit_table_init(&t, 0, TTL), -EINVAL);
	assert_int_equal(dp_circuit_table_init(&t, 4, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_link_and_find_both_ways),
		cmocka_unit_test(expiry_edge_and_refresh),
		cmocka_unit_test(capacity_edge_and_reuse_wipes_keys),
		cmocka_unit_test(ageing_removes_only_expired_within_budget),
		cmocka_unit_test(bad_init),
	};
	return RUN_GROUP("dataplane/circuit", tests);
}
