/* SPDX-License-Identifier: MIT */
/*
 * control/reach_sched.c with an injected clock and seed: the reference's
 * defaults, the Normal(10 s, 3 s) draws, the random queue (every node once
 * per cycle, failing and busy nodes skipped, one test per interval), retests
 * with the linear back-off and its 2 min cap at the edge, at most 4 retests a
 * tick (earliest first), and the records oxend keeps: failing, "unreachable
 * for", stale after failure-validity (the edge), reset by a pass.
 */
#include <math.h>

#include "reach_sched.h"
#include "test_common_ctl.h"

static const uint8_t *
key(unsigned i)
{
	static uint8_t k[64][32];

	memset(k[i], 0, 32);
	k[i][0] = (uint8_t)(i + 1);
	k[i][31] = 0xaa;
	return k[i];
}

/* A schedule over nodes 0..n-1; sd 0 makes every draw exactly the mean. */
static void
start(struct ctl_reach_sched *s, unsigned n, uint64_t sd_ms, uint64_t seed)
{
	struct ctl_reach_conf c;
	uint8_t keys[64][32];

	ctl_reach_sched_conf_defaults(&c);
	c.interval_sd_ms = sd_ms;
	assert_int_equal(ctl_reach_sched_init(s, &c, seed), 0);
	for (unsigned i = 0; i < n; i++)
		memcpy(keys[i], key(i), 32);
	assert_int_equal(ctl_reach_sched_set_nodes(s, (const uint8_t(*)[32])keys, n), 0);
}

static unsigned
index_of(const uint8_t k[32])
{
	return (unsigned)k[0] - 1;
}

static void
defaults_are_the_reference(void **state)
{
	struct ctl_reach_conf c;

	(void)state;
	ctl_reach_sched_conf_defaults(&c);
	assert_int_equal(c.tick_ms, 200);
	assert_int_equal(c.retests_per_tick, 4);
	assert_int_equal(c.interval_mean_ms, 10000);
	assert_int_equal(c.interval_sd_ms, 3000);
	assert_int_equal(c.backoff_ms, 10000);
	assert_int_equal(c.backoff_max_ms, 120000);
	assert_int_equal(c.timeout_ms, 5000);
	assert_int_equal(c.failure_validity_ms, 300000);
}

static void
normal_draws_have_the_mean_and_spread(void **state)
{
	struct ctl_reach_sched s;
	double sum = 0, sq = 0;
	const int n = 40000;

	(void)state;
	assert_int_equal(ctl_reach_sched_init(&s, NULL, 7), 0);
	for (int i = 0; i < n; i++) {
		double v = (double)ctl_reach_sched_normal_ms(&s, 10000, 3000);

		sum += v;
		sq += v * v;
	}
	/* standard error of the mean is 3000/200 = 15 ms */
	assert_true(fabs(sum / n - 10000) < 100);
	assert_true(fabs(sqrt(sq / n - (sum / n) * (sum / n)) - 3000) < 100);
	/* a negative draw is 0, never a wrapped huge wait */
	for (int i = 0; i < 1000; i++)
		assert_true(ctl_reach_sched_normal_ms(&s, 0, 3000) <= 20 * 3000);
	ctl_reach_sched_free(&s);
}

/* The random node tested at each due time over `ticks` ticks of 200 ms. */
static void
random_order(uint64_t seed, unsigned *order, unsigned count)
{
	struct ctl_reach_sched s;
	struct ctl_reach_due due[8];
	unsigned got = 0;

	start(&s, 10, 3000, seed);
	for (uint64_t t = 0; got < count; t += 200) {
		size_t k = ctl_reach_sched_due(&s, t, due, 8);

		assert_true(k <= 1);
		if (k == 1) {
			assert_int_equal(due[0].previous_failures, 0);
			order[got++] = index_of(due[0].key);
			assert_true(ctl_reach_sched_report(&s, due[0].key, true, 0, t));
		}
	}
	ctl_reach_sched_free(&s);
}

static void
random_tests_cover_every_node_per_cycle_same_seed_same_order(void **state)
{
	unsigned a[30], b[30], c[30];
	int differs = 0;

	(void)state;
	random_order(42, a, 30);
	random_order(42, b, 30);
	random_order(43, c, 30);
	assert_memory_equal(a, b, sizeof(a));
	for (int i = 0; i < 30; i++)
		differs |= a[i] != c[i];
	assert_true(differs);
	for (int cycle = 0; cycle < 3; cycle++) { /* a permutation of the 10 nodes each */
		unsigned seen = 0;

		for (int i = 0; i < 10; i++)
			seen |= 1u << a[cycle * 10 + i];
		assert_int_equal(seen, 0x3ff);
	}
}

static void
one_random_test_per_interval_due_at_its_edge(void **state)
{
	struct ctl_reach_sched s;
	struct ctl_reach_due due[8];

	(void)state;
	start(&s, 3, 0, 1); /* sd 0: every interval is exactly 10 s */
	assert_int_equal(ctl_reach_sched_due(&s, 1000, due, 8), 1); /* the first at once */
	assert_int_equal(ctl_reach_sched_due(&s, 1000, due, 8), 0);
	assert_int_equal(ctl_reach_sched_due(&s, 10999, due, 8), 0);
	assert_int_equal(ctl_reach_sched_due(&s, 11000, due, 8), 1);
	assert_int_equal(ctl_reach_sched_due(&s, 20999, due, 8), 0);
	assert_int_equal(ctl_reach_sched_due(&s, 21000, due, 8), 1);
	ctl_reach_sched_free(&s);
}

static void
random_tests_skip_failing_and_busy_nodes(void **state)
{
	struct ctl_reach_sched s;
	struct ctl_reach_due due[8];
	uint64_t t = 0;
	unsigned busy;

	(void)state;
	start(&s, 3, 0, 5);
	assert_int_equal(ctl_reach_sched_due(&s, t, due, 8), 1);
	busy = index_of(due[0].key); /* never reported: stays busy */
	assert_true(ctl_reach_sched_report(&s, key((busy + 1) % 3), false, 0, t));
	/* node busy+1 is failing (retest at 10 s), node busy is busy: only busy+2 remains */
	for (int i = 0; i < 5; i++) {
		t += 10000;
		size_t k = ctl_reach_sched_due(&s, t, due, 8);

		for (size_t j = 0; j < k; j++) {
			if (due[j].previous_failures == 0)
				assert_int_equal(index_of(due[j].key), (busy + 2) % 3);
			ctl_reach_sched_report(&s, due[j].key, due[j].previous_failures == 0, 0, t);
		}
	}
	ctl_reach_sched_free(&s);
}

static void
backoff_is_linear_and_capped_at_its_edge(void **state)
{
	struct ctl_reach_sched s;
	const struct ctl_reach_node *n;
	static const struct {
		unsigned prev;
		uint64_t wait;
	} cases[] = {
		{0, 10000},   {1, 20000},   {5, 60000},	   {10, 110000},
		{11, 120000}, {12, 120000}, {500, 120000},
	};

	(void)state;
	start(&s, 1, 0, 3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(ctl_reach_sched_report(&s, key(0), false, cases[i].prev, 1000000));
		n = ctl_reach_sched_find(&s, key(0));
		assert_true(n->failing && n->queued);
		assert_int_equal(n->retest_ms - 1000000, cases[i].wait);
		assert_int_equal(n->failures, cases[i].prev + 1);
	}
	ctl_reach_sched_free(&s);
}

static void
a_retest_is_due_at_its_time_not_before(void **state)
{
	struct ctl_reach_sched s;
	struct ctl_reach_due due[8];

	(void)state;
	start(&s, 1, 0, 3);
	assert_int_equal(ctl_reach_sched_due(&s, 0, due, 8), 1);
	assert_true(ctl_reach_sched_report(&s, due[0].key, false, 0, 0));
	assert_int_equal(ctl_reach_sched_due(&s, 9999, due, 8), 0);
	assert_int_equal(ctl_reach_sched_due(&s, 10000, due, 8), 1);
	assert_int_equal(due[0].previous_failures, 1);
	/* it failed again: 10 s x 1 + 10 s */
	assert_true(ctl_reach_sched_report(&s, due[0].key, false, 1, 10000));
	assert_int_equal(ctl_reach_sched_due(&s, 29999, due, 8), 0);
	assert_int_equal(ctl_reach_sched_due(&s, 30000, due, 8), 1);
	assert_int_equal(due[0].previous_failures, 2);
	/* while in flight it is not offered again */
	assert_int_equal(ctl_reach_sched_due(&s, 90000, due, 8), 0);
	/* a pass takes it out of the failing set */
	assert_true(ctl_reach_sched_report(&s, due[0].key, true, 2, 30500));
	assert_false(ctl_reach_sched_find(&s, key(0))->failing);
	assert_int_equal(ctl_reach_sched_find(&s, key(0))->failures, 0);
	ctl_reach_sched_free(&s);
}

static void
at_most_four_retests_a_tick_earliest_first(void **state)
{
	struct ctl_reach_sched s;
	struct ctl_reach_due due[8];
	size_t k;

	(void)state;
	start(&s, 7, 0, 9);
	/* nodes 0..5 fail with 6 - i previous failures at the same time: retest times
	 * 70, 60, ..., 20 s: node 5 first */
	for (unsigned i = 0; i < 6; i++)
		assert_true(ctl_reach_sched_report(&s, key(i), false, 6 - i, 0));
	k = ctl_reach_sched_due(&s, 100000, due, 8);
	assert_int_equal(k, 5); /* 4 retests and the random one (node 6, the only one left) */
	for (unsigned j = 0; j < 4; j++) {
		assert_int_equal(index_of(due[j].key), 5 - j);
		assert_int_equal(due[j].previous_failures, 7 - (5 - j));
	}
	assert_int_equal(index_of(due[4].key), 6);
	assert_int_equal(due[4].previous_failures, 0);
	k = ctl_reach_sched_due(&s, 100200, due, 8);
	assert_int_equal(k, 2);
	assert_int_equal(index_of(due[0].key), 1);
	assert_int_equal(index_of(due[1].key), 0);
	/* cap below retests_per_tick: only what fits, the rest stays due */
	ctl_reach_sched_free(&s);
	start(&s, 7, 0, 9);
	for (unsigned i = 0; i < 6; i++)
		assert_true(ctl_reach_sched_report(&s, key(i), false, 1, 0));
	assert_int_equal(ctl_reach_sched_due(&s, 100000, due, 2), 2);
	assert_int_equal(ctl_reach_sched_due(&s, 100000, due, 8), 5); /* 4 of 4 left + random */
	ctl_reach_sched_free(&s);
}

static void
verdicts_follow_oxend_reachable_stats(void **state)
{
	struct ctl_reach_sched s;
	uint64_t f;

	(void)state;
	start(&s, 2, 0, 11);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(0), 0, &f), CTL_REACH_UNTESTED);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(9), 0, &f), CTL_REACH_UNTESTED);
	ctl_reach_sched_report(&s, key(0), true, 0, 1000);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(0), 2000, &f), CTL_REACH_PASSING);
	assert_int_equal(f, 0);
	ctl_reach_sched_report(&s, key(0), false, 0, 5000);
	ctl_reach_sched_report(&s, key(0), false, 1, 20000);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(0), 30000, &f), CTL_REACH_FAILING);
	assert_int_equal(f, 25000); /* since the first failure after the pass */
	/* the last failure is valid for 5 min: failing at the edge - 1, stale at the edge */
	assert_int_equal(ctl_reach_sched_verdict(&s, key(0), 20000 + 299999, &f),
			 CTL_REACH_FAILING);
	assert_int_equal(f, 315000 - 1);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(0), 20000 + 300000, &f), CTL_REACH_STALE);
	assert_int_equal(f, 0);
	/* a pass resets the run; the next failure starts "unreachable for" again */
	ctl_reach_sched_report(&s, key(0), true, 2, 400000);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(0), 400000, &f), CTL_REACH_PASSING);
	ctl_reach_sched_report(&s, key(0), false, 0, 410000);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(0), 411000, &f), CTL_REACH_FAILING);
	assert_int_equal(f, 1000);
	/* never passed, failing: still failing */
	ctl_reach_sched_report(&s, key(1), false, 0, 0);
	assert_int_equal(ctl_reach_sched_verdict(&s, key(1), 1, NULL), CTL_REACH_FAILING);
	ctl_reach_sched_free(&s);
}

static void
node_set_changes_keep_records_and_limits_hold(void **state)
{
	struct ctl_reach_sched s;
	static uint8_t many[CTL_REACH_NODES_MAX + 1][32];
	uint8_t two[3][32];

	(void)state;
	start(&s, 3, 0, 13);
	ctl_reach_sched_report(&s, key(1), false, 0, 100);
	memcpy(two[0], key(1), 32);
	memcpy(two[1], key(5), 32);
	memcpy(two[2], key(1), 32); /* listed twice: one record */
	assert_int_equal(ctl_reach_sched_set_nodes(&s, (const uint8_t(*)[32])two, 3), 0);
	assert_int_equal(s.n, 2);
	assert_true(ctl_reach_sched_find(&s, key(1))->failing); /* kept */
	assert_null(ctl_reach_sched_find(&s, key(0)));		/* forgotten */
	assert_false(ctl_reach_sched_report(&s, key(0), true, 0, 200));
	for (unsigned i = 0; i <= CTL_REACH_NODES_MAX; i++) {
		many[i][0] = (uint8_t)i;
		many[i][1] = (uint8_t)(i >> 8);
	}
	assert_int_equal(
		ctl_reach_sched_set_nodes(&s, (const uint8_t(*)[32])many, CTL_REACH_NODES_MAX + 1),
		-EINVAL);
	assert_int_equal(s.n, 2); /* unchanged */
	assert_int_equal(
		ctl_reach_sched_set_nodes(&s, (const uint8_t(*)[32])many, CTL_REACH_NODES_MAX), 0);
	assert_int_equal(s.n, CTL_REACH_NODES_MAX);
	ctl_reach_sched_free(&s);
}

static void
no_nodes_no_tests(void **state)
{
	struct ctl_reach_sched s;
	struct ctl_reach_due due[8];

	(void)state;
	start(&s, 0, 3000, 17);
	for (uint64_t t = 0; t < 60000; t += 200)
		assert_int_equal(ctl_reach_sched_due(&s, t, due, 8), 0);
	ctl_reach_sched_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_reference),
		cmocka_unit_test(normal_draws_have_the_mean_and_spread),
		cmocka_unit_test(random_tests_cover_every_node_per_cycle_same_seed_same_order),
		cmocka_unit_test(one_random_test_per_interval_due_at_its_edge),
		cmocka_unit_test(random_tests_skip_failing_and_busy_nodes),
		cmocka_unit_test(backoff_is_linear_and_capped_at_its_edge),
		cmocka_unit_test(a_retest_is_due_at_its_time_not_before),
		cmocka_unit_test(at_most_four_retests_a_tick_earliest_first),
		cmocka_unit_test(verdicts_follow_oxend_reachable_stats),
		cmocka_unit_test(node_set_changes_keep_records_and_limits_hold),
		cmocka_unit_test(no_nodes_no_tests),
	};

	return cmocka_run_group_tests_name("reach_sched", tests, NULL, NULL);
}
