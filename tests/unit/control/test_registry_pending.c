/* SPDX-License-Identifier: MIT */
/* control/registry_pending.c: every pending form filled (heights 0 and
 * 2^64-1, a trailing newline or CRLF, tabs), every refusal, and the output
 * length at its edge. (test_quorum_vote and test_randao_contrib apply the
 * filled lines of snode-control's own submissions to a registry.) */
#include "test_common_ctl.h"

#include "registry_pending.h"

static void
expect_fill(const char *line, uint64_t h, const char *want)
{
	char out[300];

	assert_int_equal(ctl_registry_pending_fill(line, h, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void
test_forms(void **state)
{
	(void)state;
	expect_fill("decommission K * 3,0:ab", 7, "decommission K 7 3,0:ab");
	expect_fill("recommission K * R\n", 0, "recommission K 0 R");
	expect_fill("deregister K * R\r\n", UINT64_MAX, "deregister K 18446744073709551615 R");
	expect_fill("commit K * H S", 12, "commit K 12 H S");
	expect_fill("\treveal  K\t*  S", 5, "reveal K 5 S");
}

static void
test_refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"block 1 *",
		"register K * R",
		"decommission K 5 R", /* already a height */
		"decommission K *",   /* no record */
		"decommission K * \n",
		"decommission K ** R",
		"decommission * R",
		"decommissionx K * R",
		"decommission K * R\nblock 9 H", /* two lines */
	};
	char out[100];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ctl_registry_pending_fill(bad[i], 1, out, sizeof(out)) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i]);
}

static void
test_out_edge(void **state)
{
	char out[32];
	const char *want = "reveal K 10 S"; /* 13 bytes */

	(void)state;
	assert_int_equal(ctl_registry_pending_fill("reveal K * S", 10, out, strlen(want)), -ENOSPC);
	assert_int_equal(ctl_registry_pending_fill("reveal K * S", 10, out, strlen(want) + 1), 0);
	assert_string_equal(out, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_out_edge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
