/* SPDX-License-Identifier: MIT */
/* control/quorum_draw.c: quorum sizes at their edges (10 and 11 active
 * nodes, 50 workers, the list limit), the seed's byte order, and shuffled
 * positions against tests/tools/quorum_reference.py (draw() over positions,
 * seed bytes 00 01 .. 1f): validators only active, workers from both. */
#include "test_common_ctl.h"

#include "quorum_draw.h"

static void
sizes(size_t na, size_t nd, size_t want_v, size_t want_w)
{
	size_t nv, nw;

	ctl_quorum_sizes(na, nd, &nv, &nw);
	assert_int_equal(nv, want_v);
	assert_int_equal(nw, want_w);
}

static void
test_sizes(void **state)
{
	(void)state;
	sizes(0, 0, 0, 0);
	sizes(0, 3, 0, 3); /* no validators: workers nobody can vote on */
	sizes(9, 2, 9, 2);
	sizes(10, 0, 10, 0); /* 10 active nodes: nobody is tested */
	sizes(11, 0, 10, 1);
	sizes(10, 1, 10, 1);
	sizes(60, 0, 10, 50);
	sizes(61, 0, 10, 50);
	sizes(4000, 96, 10, 50); /* 4086 / 100 = 40 < 50 */
}

static void
test_seed64(void **state)
{
	uint8_t seed[32];

	(void)state;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	assert_true(ctl_quorum_seed64(seed) == 0x0706050403020100ull);
}

static void
expect_draw(size_t na, size_t nd, const uint16_t *want, size_t nwant)
{
	uint8_t seed[32];
	uint16_t idx[CTL_QUORUM_LIST_MAX];

	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	assert_int_equal(ctl_quorum_shuffle(na, nd, ctl_quorum_seed64(seed), idx), 0);
	for (size_t i = 0; i < nwant; i++)
		assert_int_equal(idx[i], want[i]);
}

static void
test_vectors(void **state)
{
	/* validators then workers, from quorum_reference.draw */
	static const uint16_t a[] = {1, 5, 0, 8, 2, 4, 11, 9, 10, 6, 3, 14, 7, 13, 12};
	static const uint16_t b[] = {1, 4, 0, 3, 2, 6, 7, 5};
	static const uint16_t c[] = {1, 5, 0, 8, 2, 13, 11, 9, 10, 6, 7, 12, 3, 4, 14};
	static const uint16_t d[] = {1, 2, 0};

	(void)state;
	expect_draw(12, 3, a, 15); /* two shuffles: validators from the 12 active */
	expect_draw(5, 3, b, 8);
	expect_draw(15, 0, c, 15); /* all active: one shuffle */
	expect_draw(3, 0, d, 3);
}

static void
test_list_limit(void **state)
{
	static uint16_t idx[CTL_QUORUM_LIST_MAX + 1];
	uint8_t seen[CTL_QUORUM_LIST_MAX] = {0};

	(void)state;
	assert_int_equal(ctl_quorum_shuffle(4000, 96, 1, idx), 0);
	for (size_t i = 0; i < CTL_QUORUM_LIST_MAX; i++)
		seen[idx[i]]++;
	for (size_t i = 0; i < CTL_QUORUM_LIST_MAX; i++)
		assert_int_equal(seen[i], 1); /* a permutation */
	for (size_t i = 0; i < CTL_QUORUM_VALIDATORS; i++)
		assert_true(idx[i] < 4000); /* validators are active */
	assert_int_equal(ctl_quorum_shuffle(4000, 97, 1, idx), -EINVAL);
	assert_int_equal(ctl_quorum_shuffle(0, 0, 1, idx), 0);
}

static void
test_member_lookup(void **state)
{
	struct ctl_quorum q = {0};
	uint8_t k[32];

	(void)state;
	memset(k, 7, 32);
	assert_int_equal(ctl_quorum_worker_index(&q, k), -1); /* not drawn */
	q.valid = true;
	q.nv = 2;
	q.nw = 2;
	memcpy(q.validators[1], k, 32);
	memcpy(q.workers[1], k, 32);
	assert_int_equal(ctl_quorum_validator_index(&q, k), 1);
	assert_int_equal(ctl_quorum_worker_index(&q, k), 1);
	q.nw = 1; /* beyond the count: not a member */
	assert_int_equal(ctl_quorum_worker_index(&q, k), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),	      cmocka_unit_test(test_seed64),
		cmocka_unit_test(test_vectors),	      cmocka_unit_test(test_list_limit),
		cmocka_unit_test(test_member_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
