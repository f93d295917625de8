/* SPDX-License-Identifier: MIT */
/* control/decomm_credit.c and registry_credit.c: the decommission credit at its edges (facts
 * 6.1: 2 h initial and minimum, 48 h cap, 24 h earned per 30 days, recommission credit =
 * max(0, credit - 2 * decommissioned blocks)), in blocks of 120 s unless the log says. */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>

#include "decomm_credit.h"
#include "registry.h"

enum {
	H = 30, /* blocks per hour at 120 s */
};

static void
test_hours(void **state)
{
	(void)state;
	assert_int_equal(ctl_credit_hours(0, 2), 2 * H); /* the default block time */
	assert_int_equal(ctl_credit_hours(120, 48), 48 * H);
	assert_int_equal(ctl_credit_hours(1, 2), 7200);
	assert_int_equal(ctl_credit_hours(7200, 1), 0); /* rounded down */
	assert_int_equal(ctl_credit_hours(86400, 48), 2);
	assert_int_equal(ctl_credit_hours(1u << 30, 48), 2); /* clamped to 86400 s */
}

static void
test_active(void **state)
{
	(void)state;
	/* a new node: the 2 h initial credit, nothing earned in its first 29 blocks */
	assert_int_equal(ctl_credit_active(120, 0, true, 0), 2 * H);
	assert_int_equal(ctl_credit_active(120, 29, true, 0), 2 * H);
	assert_int_equal(ctl_credit_active(120, 30, true, 0), 2 * H + 1);
	/* 30 days up: 24 h earned */
	assert_int_equal(ctl_credit_active(120, 30 * 24 * H, false, 0), 24 * H);
	assert_int_equal(ctl_credit_active(120, 30 * 24 * H, true, 0), 26 * H);
	/* the 48 h cap: just below, at, beyond (and far beyond: no overflow) */
	assert_int_equal(ctl_credit_active(120, (48 * H - 1) * 30, false, 0), 48 * H - 1);
	assert_int_equal(ctl_credit_active(120, 48 * H * 30, false, 0), 48 * H);
	assert_int_equal(ctl_credit_active(120, 48 * H * 30 + 30, false, 0), 48 * H);
	assert_int_equal(ctl_credit_active(120, UINT64_MAX, true, INT64_MAX), 48 * H);
	/* carried credit counts, capped, and a negative one is ignored */
	assert_int_equal(ctl_credit_active(120, 0, false, 10), 10);
	assert_int_equal(ctl_credit_active(120, 0, false, 100 * H), 48 * H);
	assert_int_equal(ctl_credit_active(120, 0, false, -5), 0);
}

static void
test_minimum(void **state)
{
	(void)state;
	assert_true(ctl_credit_may_decommission(120, 2 * H));
	assert_false(ctl_credit_may_decommission(120, 2 * H - 1));
	assert_false(ctl_credit_may_decommission(120, 0));
	assert_false(ctl_credit_may_decommission(120, -1));
	assert_true(ctl_credit_may_decommission(1, 7200));
	assert_false(ctl_credit_may_decommission(1, 7199));
}

static void
test_decommissioned_and_back(void **state)
{
	(void)state;
	assert_int_equal(ctl_credit_decommissioned(60, 0), 60);
	assert_int_equal(ctl_credit_decommissioned(60, 60), 0); /* not run out yet */
	assert_int_equal(ctl_credit_decommissioned(60, 61), -1);
	assert_true(ctl_credit_decommissioned(60, UINT64_MAX) < 0);
	/* back into service: max(0, credit - 2 * down) */
	assert_int_equal(ctl_credit_recommission(60, 0), 60);
	assert_int_equal(ctl_credit_recommission(60, 29), 2);
	assert_int_equal(ctl_credit_recommission(60, 30), 0);
	assert_int_equal(ctl_credit_recommission(60, 31), 0);
	assert_int_equal(ctl_credit_recommission(60, UINT64_MAX), 0);
}

static void apply(struct ctl_registry *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
apply(struct ctl_registry *r, const char *fmt, ...)
{
	char line[300], why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (ctl_registry_apply_line(r, line, why, sizeof(why)) != 0)
		fail_msg("%s: %s", line, why);
}

/* The registry's bookkeeping over a replayed log: every node computes the same. */
static void
test_registry_replay(void **state)
{
	struct ctl_registry r;
	char k[65], why[200];
	const struct ctl_registry_node *nd;
	const char *x = "1111111111111111111111111111111111111111111111111111111111111111";

	(void)state;
	memset(k, 'a', 64);
	k[64] = '\0';
	ctl_registry_init(&r);
	apply(&r, "option unverified-records");
	apply(&r, "option block-seconds 120");
	assert_int_equal(ctl_registry_apply_line(&r, "option block-seconds 120", why, sizeof(why)),
			 -EINVAL); /* once */
	apply(&r, "register %s %s 10.0.0.1:1 100", k, x);
	apply(&r, "block 100 %064d", 1);
	{
		uint8_t key[32];

		memset(key, 0xaa, 32);
		nd = ctl_registry_find(&r, key);
	}
	assert_non_null(nd);
	assert_int_equal(ctl_registry_credit(&r, nd, 100), 2 * H);
	assert_int_equal(ctl_registry_credit(&r, nd, 100 + 300), 2 * H + 10);
	/* decommissioned at 400 with 70 blocks */
	apply(&r, "decommission %s 400 -", k);
	apply(&r, "block 400 %064d", 2);
	assert_int_equal(nd->decomm_credit, 2 * H + 10);
	assert_int_equal(ctl_registry_credit(&r, nd, 470), 0);
	assert_int_equal(ctl_registry_credit(&r, nd, 471), -1);
	/* back at 420: 70 - 2 * 20 = 30 carried, no initial credit any more */
	apply(&r, "recommission %s 420 -", k);
	apply(&r, "block 420 %064d", 3);
	assert_int_equal(nd->carried, 30);
	assert_int_equal(ctl_registry_credit(&r, nd, 420), 30);
	assert_int_equal(ctl_registry_credit(&r, nd, 450), 31);
	assert_false(ctl_credit_may_decommission(r.block_seconds, 31)); /* below 2 h */
	ctl_registry_free(&r);

	/* the option: bounds, and after the first event */
	ctl_registry_init(&r);
	assert_int_equal(ctl_registry_apply_line(&r, "option block-seconds 0", why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(
		ctl_registry_apply_line(&r, "option block-seconds 86401", why, sizeof(why)),
		-EINVAL);
	apply(&r, "option block-seconds 86400");
	apply(&r, "register %s %s 10.0.0.1:1 1", k, x);
	ctl_registry_free(&r);
	ctl_registry_init(&r);
	apply(&r, "register %s %s 10.0.0.1:1 1", k, x);
	assert_int_equal(ctl_registry_apply_line(&r, "option block-seconds 1", why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "after the first event"));
	ctl_registry_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_minimum),
		cmocka_unit_test(test_decommissioned_and_back),
		cmocka_unit_test(test_registry_replay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
