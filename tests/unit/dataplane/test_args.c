/* SPDX-License-Identifier: MIT */
/* dataplane/args.c: application options after EAL's "--", every value at its edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"

static int
parse(struct dp_args *a, int argc, const char **argv)
{
	return dp_args_parse(argc, (char **)argv, a);
}

static void
relay_mode_needs_ip_and_nodes(void **state)
{
	const char *none[] = {"dp", NULL};
	const char *ip_only[] = {"dp", "--ip", "10.0.0.1", NULL};
	const char *nodes_only[] = {"dp", "--nodes", "n.txt", NULL};
	const char *both[] = {"dp", "--ip", "10.0.0.1", "--nodes", "n.txt", NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 1, none), -1);
	assert_int_equal(parse(&a, 3, ip_only), -1);
	assert_int_equal(parse(&a, 3, nodes_only), -1);
	assert_int_equal(parse(&a, 5, both), 0);
	assert_int_equal(a.ip, 0x0a000001);
	assert_string_equal(a.nodes, "n.txt");
	assert_int_equal(a.cell_port, DP_DEFAULT_CELL_PORT);
	assert_int_equal(a.stats_interval, 0);
	assert_null(a.data_dir);
}

static void
self_check_and_help_need_nothing_else(void **state)
{
	const char *argv[] = {"dp", "--self-check", "-h", NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, argv), 0);
	assert_true(a.self_check);
	assert_true(a.help);
}

static void
cell_port_and_stats_interval_edges(void **state)
{
	struct dp_args a;
	const char *ok[] = {
		"dp", "--self-check", "--cell-port", "65535", "--stats-interval", "86400", NULL};
	const char *low[] = {"dp", "--self-check", "--cell-port", "0", NULL};
	const char *high[] = {"dp", "--self-check", "--cell-port", "65536", NULL};
	const char *junk[] = {"dp", "--self-check", "--cell-port", "80x", NULL};
	const char *neg[] = {"dp", "--self-check", "--stats-interval", "-1", NULL};
	const char *big[] = {"dp", "--self-check", "--stats-interval", "86401", NULL};

	(void)state;
	assert_int_equal(parse(&a, 6, ok), 0);
	assert_int_equal(a.cell_port, 65535);
	assert_int_equal(a.stats_interval, 86400);
	assert_int_equal(parse(&a, 4, low), -1);
	assert_int_equal(parse(&a, 4, high), -1);
	assert_int_equal(parse(&a, 4, junk), -1);
	assert_int_equal(parse(&a, 4, neg), -1);
	assert_int_equal(parse(&a, 4, big), -1);
}

/* --channel: a path up to 107 bytes (sun_path), or "none"; absent means DATA-DIR/dp.sock. */
static void
channel_path_edges(void **state)
{
	char longest[DP_CHANNEL_PATH_MAX], too_long[DP_CHANNEL_PATH_MAX + 1];
	const char *ok[] = {"dp", "--self-check", "--channel", longest, NULL};
	const char *over[] = {"dp", "--self-check", "--channel", too_long, NULL};
	const char *empty[] = {"dp", "--self-check", "--channel", "", NULL};
	const char *none[] = {"dp", "--self-check", "--channel", "none", NULL};
	const char *absent[] = {"dp", "--self-check", NULL};
	struct dp_args a;

	(void)state;
	memset(longest, 'p', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memset(too_long, 'p', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	assert_int_equal(parse(&a, 4, ok), 0);
	assert_int_equal(strlen(a.channel), 107);
	assert_int_equal(parse(&a, 4, over), -1);
	assert_int_equal(parse(&a, 4, empty), -1);
	assert_int_equal(parse(&a, 4, none), 0);
	assert_string_equal(a.channel, "none");
	assert_int_equal(parse(&a, 2, absent), 0);
	assert_null(a.channel);
}

/* --gateway-mac: six hex pairs with colons, unicast, not zero; it stands in for --nodes. */
static void
gateway_mac_edges(void **state)
{
	static const uint8_t want[6] = {0x02, 0xab, 0xCD, 0x00, 0x09, 0xff};
	const char *only[] = {"dp", "--ip", "10.0.0.1", "--gateway-mac", "02:ab:CD:00:09:ff", NULL};
	const char *bad[] = {"02:00:00:00:00",
			     "02:00:00:00:00:00:00",
			     "02:00:00:00:00:0",
			     "02:00:00:00:00:000",
			     "02-00-00-00-00-01",
			     "02:00:00:00:00:0g",
			     "03:00:00:00:00:01",
			     "00:00:00:00:00:00",
			     "02:00:00:00:00:01 ",
			     "+2:00:00:00:00:01",
			     ""};
	const char *argv[] = {"dp", "--self-check", "--gateway-mac", NULL, NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 5, only), 0);
	assert_true(a.have_gateway);
	assert_memory_equal(a.gateway_mac, want, 6);
	assert_null(a.nodes);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[3] = bad[i];
		assert_int_equal(parse(&a, 4, argv), -1);
	}
	argv[3] = "fe:ff:ff:ff:ff:ff"; /* the highest unicast, locally administered */
	assert_int_equal(parse(&a, 4, argv), 0);
}

static void
bad_addresses_and_options(void **state)
{
	struct dp_args a;
	const char *zero[] = {"dp", "--ip", "0.0.0.0", "--nodes", "n", NULL};
	const char *v6[] = {"dp", "--ip", "::1", "--nodes", "n", NULL};
	const char *bogus[] = {"dp", "--bogus", NULL};
	const char *missing[] = {"dp", "--self-check", "--nodes", NULL};
	const char *stray[] = {"dp", "--self-check", "extra", NULL};

	(void)state;
	assert_int_equal(parse(&a, 5, zero), -1);
	assert_int_equal(parse(&a, 5, v6), -1);
	assert_int_equal(parse(&a, 2, bogus), -1);
	assert_int_equal(parse(&a, 3, missing), -1);
	assert_int_equal(parse(&a, 3, stray), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relay_mode_needs_ip_and_nodes),
		cmocka_unit_test(self_check_and_help_need_nothing_else),
		cmocka_unit_test(cell_port_and_stats_interval_edges),
		cmocka_unit_test(channel_path_edges),
		cmocka_unit_test(gateway_mac_edges),
		cmocka_unit_test(bad_addresses_and_options),
	};
	return cmocka_run_group_tests_name("dataplane/args", tests, NULL, NULL);
}
