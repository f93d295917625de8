/* SPDX-License-Identifier: MIT */
/* dataplane/args_mtu.c: --port-mtu "(port,MTU),..." syntax, every range at its edge,
 * and its ports against the mask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "args_mtu.h"

static uint16_t mtu[DP_PORTS_MAX];

static int
parse(const char *s)
{
	const char *why = NULL;
	int rc;

	memset(mtu, 0xee, sizeof(mtu)); /* every port is written on success */
	rc = dp_parse_port_mtu(s, mtu, &why);
	if (rc != 0) {
		assert_non_null(why);
		for (unsigned p = 0; p < DP_PORTS_MAX; p++)
			assert_int_equal(mtu[p], 0xeeee); /* untouched on error */
	}
	return rc;
}

static void
one_entry_at_the_edges(void **state)
{
	(void)state;
	assert_int_equal(parse("(0,576)"), 0);
	assert_int_equal(mtu[0], DP_MTU_MIN);
	for (unsigned p = 1; p < DP_PORTS_MAX; p++)
		assert_int_equal(mtu[p], 0);
	assert_int_equal(parse("(31,9000)"), 0);
	assert_int_equal(mtu[31], DP_MTU_MAX);
	assert_int_equal(mtu[0], 0);
	assert_int_equal(parse("(0,575)"), -1);
	assert_int_equal(parse("(0,9001)"), -1);
	assert_int_equal(parse("(32,1500)"), -1);
	assert_int_equal(parse("(0,0)"), -1);
	assert_int_equal(parse("(0,65535)"), -1);
	assert_int_equal(parse("(0,100000)"), -1); /* 6 digits */
	assert_int_equal(parse("(0,01500)"), 0);   /* 5 digits */
	assert_int_equal(mtu[0], 1500);
	assert_int_equal(parse("(00000,1500)"), 0);
	assert_int_equal(parse("(000000,1500)"), -1);
}

static void
syntax(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"(0,1500",
		"0,1500)",
		"(0 1500)",
		"(0,)",
		"(,1500)",
		"(-1,1500)",
		"(0,-1500)",
		"(0,1500),",
		"(0,1500)x",
		"(0,1500)(1,1500)",
		"(0,1500),,(1,1500)",
		"(0,1500,1)",
		"(0x1,1500)",
		"(0,15 00)",
		"(0,1500) ,",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i]), -1);
	assert_int_equal(parse(" ( 1 ,\t1280 ) ,\t(2,9000) "), 0);
	assert_int_equal(mtu[1], 1280);
	assert_int_equal(mtu[2], 9000);
}

/* Each port once; all 32 ports is the most there can be. */
static void
each_port_once(void **state)
{
	char all[DP_PORTS_MAX * 12 + 16];
	size_t off = 0;

	(void)state;
	assert_int_equal(parse("(1,1500),(2,1500),(1,9000)"), -1);
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		off += (size_t)snprintf(all + off, sizeof(all) - off, "%s(%u,%u)", p ? "," : "", p,
					600 + p);
	assert_int_equal(parse(all), 0);
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		assert_int_equal(mtu[p], 600 + p);
	snprintf(all + off, sizeof(all) - off, ",(0,700)"); /* a 33rd entry repeats a port */
	assert_int_equal(parse(all), -1);
}

static void
ports_against_the_mask(void **state)
{
	char msg[128];

	(void)state;
	assert_int_equal(parse("(0,9000),(3,1500)"), 0);
	assert_int_equal(dp_port_mtu_check(mtu, 0x9, msg, sizeof(msg)), 0);
	assert_int_equal(dp_port_mtu_check(mtu, 0x1, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "port 3 is not in the port mask 0x1"));
	assert_int_equal(parse("(31,9000)"), 0);
	assert_int_equal(dp_port_mtu_check(mtu, 0x80000000u, msg, sizeof(msg)), 0);
	assert_int_equal(dp_port_mtu_check(mtu, 0x7fffffffu, msg, sizeof(msg)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_entry_at_the_edges),
		cmocka_unit_test(syntax),
		cmocka_unit_test(each_port_once),
		cmocka_unit_test(ports_against_the_mask),
	};
	return cmocka_run_group_tests_name("dataplane/args_mtu", tests, NULL, NULL);
}
