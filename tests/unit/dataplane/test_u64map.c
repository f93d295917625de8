/* SPDX-License-Identifier: MIT */
/* dataplane/u64map.c: capacity edge, deletion keeps every chain reachable (checked against a
 * model). */
#include "test_common.h"

#include "u64map.h"

static void
put_get_del_and_errors(void **state)
{
	struct dp_u64map m;
	uint32_t v;

	(void)state;
	assert_int_equal(dp_u64map_init(&m, 12), -EINVAL);
	assert_int_equal(dp_u64map_init(&m, 4), -EINVAL);
	assert_int_equal(dp_u64map_init(&m, 16), 0);
	assert_int_equal(dp_u64map_put(&m, 0, 1), -EINVAL);
	assert_int_equal(dp_u64map_put(&m, 42, 7), 0);
	assert_int_equal(dp_u64map_put(&m, 42, 8), -EEXIST);
	assert_true(dp_u64map_get(&m, 42, &v));
	assert_int_equal(v, 7);
	assert_false(dp_u64map_get(&m, 43, &v));
	assert_false(dp_u64map_get(&m, 0, &v));
	assert_true(dp_u64map_del(&m, 42));
	assert_false(dp_u64map_del(&m, 42));
	assert_false(dp_u64map_get(&m, 42, &v));
	dp_u64map_free(&m);
}

static void
fills_to_seven_eighths_then_refuses(void **state)
{
	struct dp_u64map m;

	(void)state;
	assert_int_equal(dp_u64map_init(&m, 64), 0);
	for (uint64_t k = 1; k <= 56; k++)
		assert_int_equal(dp_u64map_put(&m, k, (uint32_t)k), 0);
	assert_int_equal(dp_u64map_put(&m, 57, 57), -ENOSPC);
	assert_true(dp_u64map_del(&m, 3));
	assert_int_equal(dp_u64map_put(&m, 57, 57), 0);
	dp_u64map_free(&m);
}

/* 200,000 random operations against a plain array model. */
static void
random_churn_matches_a_model(void **state)
{
	enum {
		KEYS = 300,
		OPS = 200000
	};
	static uint32_t model[KEYS + 1];
	struct dp_u64map m;
	uint32_t v;

	(void)state;
	memset(model, 0, sizeof(model));
	assert_int_equal(dp_u64map_init(&m, 512), 0);
	for (int i = 0; i < OPS; i++) {
		uint64_t k = 1 + randombytes_uniform(KEYS);
		switch (randombytes_uniform(3)) {
		case 0:
			assert_int_equal(dp_u64map_put(&m, k, (uint32_t)i + 1),
					 model[k] ? -EEXIST : 0);
			if (!model[k])
				model[k] = (uint32_t)i + 1;
			break;
		case 1:
			assert_int_equal(dp_u64map_del(&m, k), model[k] != 0);
			model[k] = 0;
			break;
		default:
			assert_int_equal(dp_u64map_get(&m, k, &v), model[k] != 0);
			if (model[k])
				assert_int_equal(v, model[k]);
		}
	}
	for (uint64_t k = 1; k <= KEYS; k++)
		assert_int_equal(dp_u64map_get(&m, k, &v), model[k] != 0);
	dp_u64map_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_get_del_and_errors),
		cmocka_unit_test(fills_to_seven_eighths_then_refuses),
		cmocka_unit_test(random_churn_matches_a_model),
	};
	return RUN_GROUP("dataplane/u64map", tests);
}
