/* SPDX-License-Identifier: MIT */
/* dataplane/args_config.c: --portmask and l3fwd's --config, every limit at its edge, and
 * what this build runs (port 0, one queue per lcore, queues 0..n-1) with its messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "args_config.h"

static void
portmask_edges(void **state)
{
	static const char *const bad[] = {"",	  "0x", "0x0",	       "0",  "x1",
					  "0x1g", "-1", "0x100000000", " 1", "1 "};
	const char *why = NULL;
	uint32_t m = 0;

	(void)state;
	assert_int_equal(dp_parse_portmask("0x1", &m, &why), 0);
	assert_int_equal(m, 1);
	assert_int_equal(dp_parse_portmask("1", &m, &why), 0);
	assert_int_equal(dp_parse_portmask("0XfF", &m, &why), 0);
	assert_int_equal(m, 0xff);
	assert_int_equal(dp_parse_portmask("0x80000000", &m, &why), 0); /* port 31 */
	assert_int_equal(m, 0x80000000u);
	assert_int_equal(dp_parse_portmask("0x000000000001", &m, &why), 0); /* leading zeros */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(dp_parse_portmask(bad[i], &m, &why), -1);
		assert_non_null(why);
	}
}

static void
config_syntax_and_ranges(void **state)
{
	static const char *const bad[] = {"",
					  "(",
					  "()",
					  "(0,0)",
					  "(0,0,1",
					  "(0,0,1),",
					  "(0,0,1)(0,1,2)",
					  "(0,0,1);(0,1,2)",
					  "0,0,1",
					  "(32,0,1)",
					  "(0,1024,1)",
					  "(0,0,128)",
					  "(-1,0,1)",
					  "(000001,0,1)",
					  "(0,0,1) x",
					  "(0,,1)",
					  "(0x1,0,1)",
					  "(0,0,1),(0,0,2)",
					  ",(0,0,1)"};
	struct dp_lcore_conf c[DP_CONFIG_MAX];
	const char *why = NULL;
	unsigned n = 99;

	(void)state;
	assert_int_equal(dp_parse_config("(0,0,1)", c, &n, &why), 0);
	assert_int_equal(n, 1);
	assert_true(c[0].port == 0 && c[0].queue == 0 && c[0].lcore == 1);
	assert_int_equal(dp_parse_config(" ( 0 , 1 , 2 ) ,\t(0,0,3) ", c, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_true(c[0].queue == 1 && c[0].lcore == 2 && c[1].lcore == 3);
	/* the largest values of each field */
	assert_int_equal(dp_parse_config("(31,1023,127)", c, &n, &why), 0);
	assert_true(c[0].port == 31 && c[0].queue == 1023 && c[0].lcore == 127);
	assert_int_equal(dp_parse_config("(00031,0,0)", c, &n, &why), 0); /* 5 digits */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(dp_parse_config(bad[i], c, &n, &why), -1);
		assert_non_null(why);
	}
}

/* DP_CONFIG_MAX entries parse, one more does not. */
static void
config_entry_count_edge(void **state)
{
	static char text[DP_CONFIG_MAX * 16 + 32];
	struct dp_lcore_conf c[DP_CONFIG_MAX];
	const char *why = NULL;
	unsigned n;
	size_t off = 0;

	(void)state;
	for (unsigned i = 0; i < DP_CONFIG_MAX; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s(0,%u,%u)", i ? "," : "",
					i, i);
	assert_int_equal(dp_parse_config(text, c, &n, &why), 0);
	assert_int_equal(n, DP_CONFIG_MAX);
	snprintf(text + off, sizeof(text) - off, ",(0,%u,0)", DP_CONFIG_MAX);
	assert_int_equal(dp_parse_config(text, c, &n, &why), -1);
	assert_string_equal(why, "more than 128 (port,queue,lcore) entries");
}

static void
what_this_build_runs(void **state)
{
	struct dp_lcore_conf one[] = {{0, 0, 1}}, two[] = {{0, 1, 1}, {0, 0, 2}},
			     port1[] = {{0, 0, 1}, {1, 0, 2}},
			     same_lcore[] = {{0, 0, 1}, {0, 1, 1}}, gap[] = {{0, 0, 1}, {0, 2, 2}};
	char msg[256];

	(void)state;
	assert_int_equal(dp_lcore_conf_check(one, 1, 0, msg, sizeof(msg)), 0);
	assert_int_equal(dp_lcore_conf_check(one, 1, 1, msg, sizeof(msg)), 0);
	assert_int_equal(dp_lcore_conf_check(two, 2, 0, msg, sizeof(msg)), 0);
	assert_int_equal(dp_lcore_conf_check(NULL, 0, 0, msg, sizeof(msg)), 0);
	assert_int_equal(dp_lcore_conf_check(one, 1, 3, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--portmask 0x3: relaying on ports other than port 0 is not built "
				 "(multi-port relaying); use 0x1");
	assert_int_equal(dp_lcore_conf_check(NULL, 0, 2, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "not built"));
	assert_int_equal(dp_lcore_conf_check(port1, 2, 0, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--config (1,0,2): relaying on ports other than port 0 is not "
				 "built (multi-port relaying)");
	assert_int_equal(dp_lcore_conf_check(same_lcore, 2, 0, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "several queues per lcore are not built"));
	assert_int_equal(dp_lcore_conf_check(gap, 2, 0, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "--config: port 0's queues must be 0..1, one each (queue 2)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(portmask_edges),
		cmocka_unit_test(config_syntax_and_ranges),
		cmocka_unit_test(config_entry_count_edge),
		cmocka_unit_test(what_this_build_runs),
	};

	return cmocka_run_group_tests_name("dataplane/args_config", tests, NULL, NULL);
}
