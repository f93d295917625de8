/* SPDX-License-Identifier: MIT */
/* dataplane/args_config.c: --portmask, l3fwd's --config and --port-ip, every limit at its
 * edge, and how they fit together (mask, queues per port, addresses) with their messages. */
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

static int
check(const struct dp_lcore_conf *c, unsigned n, uint32_t portmask, const struct dp_port_ip *pip,
      unsigned npip, uint32_t *mask, char *msg)
{
	struct dp_port_opts o = {portmask, c, n, pip, npip, 0x0a000001, 24}; /* --ip 10.0.0.1/24 */

	return dp_port_opts_check(&o, mask, msg, 256);
}

static void
ports_and_queues(void **state)
{
	struct dp_lcore_conf one[] = {{0, 0, 1}}, two[] = {{0, 1, 1}, {0, 0, 2}},
			     port1[] = {{0, 0, 1}, {1, 0, 2}}, both[] = {{0, 0, 1}, {1, 0, 1}},
			     same_port[] = {{0, 0, 1}, {0, 1, 1}}, gap[] = {{0, 0, 1}, {0, 2, 2}},
			     gap1[] = {{0, 0, 1}, {1, 1, 1}}, only1[] = {{1, 0, 1}};
	struct dp_port_ip p1 = {1, 24, false, 0x0a000101, {0}};
	char msg[256];
	uint32_t mask = 0;

	(void)state;
	assert_int_equal(check(one, 1, 0, NULL, 0, &mask, msg), 0);
	assert_int_equal(mask, 1); /* no mask: port 0 */
	assert_int_equal(check(NULL, 0, 0, NULL, 0, &mask, msg), 0);
	assert_int_equal(mask, 1);
	assert_int_equal(check(two, 2, 1, NULL, 0, &mask, msg), 0);
	/* two ports: the config names them, the second has an address */
	if (check(port1, 2, 0, &p1, 1, &mask, msg) != 0)
		fail_msg("%s", msg);
	assert_int_equal(mask, 3);
	assert_int_equal(check(both, 2, 3, &p1, 1, &mask, msg), 0); /* one lcore, both ports */
	assert_int_equal(check(NULL, 0, 3, &p1, 1, &mask, msg), 0);
	/* only port 1: it is the default one, --ip's */
	assert_int_equal(check(only1, 1, 0, NULL, 0, &mask, msg), 0);
	assert_int_equal(mask, 2);
	assert_int_equal(check(only1, 1, 0, &p1, 1, &mask, msg), -1);
	assert_string_equal(msg, "--port-ip: port 1 is the default port (the lowest of the mask): "
				 "its address is --ip");
	/* errors */
	assert_int_equal(check(port1, 2, 1, &p1, 1, &mask, msg), -1);
	assert_string_equal(msg, "--config (1,0,2): port 1 is not in the port mask 0x1");
	assert_int_equal(check(one, 1, 3, &p1, 1, &mask, msg), -1);
	assert_string_equal(msg, "--config: port 1 is in the port mask 0x3 but no entry polls it");
	assert_int_equal(check(port1, 2, 0, NULL, 0, &mask, msg), -1);
	assert_string_equal(
		msg, "port 1 has no address: give it one with --port-ip \"(1,A.B.C.D/LEN)\"");
	assert_int_equal(check(one, 1, 0, &p1, 1, &mask, msg), -1);
	assert_string_equal(msg, "--port-ip: port 1 is not in the port mask 0x1");
	/* one lcore may poll several queues of a port (l3fwd's layout allows it) */
	assert_int_equal(check(same_port, 2, 0, NULL, 0, &mask, msg), 0);
	assert_int_equal(check(gap, 2, 0, NULL, 0, &mask, msg), -1);
	assert_string_equal(msg, "--config: port 0's queues must be 0..1, one each (queue 2)");
	assert_int_equal(check(gap1, 2, 0, &p1, 1, &mask, msg), -1);
	assert_string_equal(msg, "--config: port 1's queues must be 0..0, one each (queue 1)");
}

/* At the edge: one lcore polls all 128 entries, queues 0..127 of port 0 (loop.h's
 * DP_LCORE_RXQ_MAX holds them); a gap in those queues is still refused. */
static void
one_lcore_polls_every_queue(void **state)
{
	struct dp_lcore_conf c[DP_CONFIG_MAX];
	char msg[256];
	uint32_t mask = 0;

	(void)state;
	for (unsigned i = 0; i < DP_CONFIG_MAX; i++)
		c[i] = (struct dp_lcore_conf){0, (uint16_t)i, 1};
	assert_int_equal(check(c, DP_CONFIG_MAX, 0, NULL, 0, &mask, msg), 0);
	assert_int_equal(mask, 1);
	c[DP_CONFIG_MAX - 1].queue = DP_CONFIG_MAX;
	assert_int_equal(check(c, DP_CONFIG_MAX, 0, NULL, 0, &mask, msg), -1);
	assert_string_equal(msg, "--config: port 0's queues must be 0..127, one each (queue 128)");
}

static void
port_addresses_apart(void **state)
{
	struct dp_port_ip same_net = {1, 24, false, 0x0a000002, {0}},
			  p1 = {1, 24, false, 0x0a000101, {0}},
			  p2_same = {2, 24, false, 0x0a000102, {0}},
			  p2_wider = {2, 16, false, 0x0a000102, {0}},
			  p1_self = {1, 30, false, 0x0a000001, {0}};
	struct dp_port_ip two[2];
	char msg[256];
	uint32_t mask;

	(void)state;
	assert_int_equal(check(NULL, 0, 3, &same_net, 1, &mask, msg), -1);
	assert_string_equal(msg, "--port-ip: port 1 has the address or subnet of --ip");
	assert_int_equal(check(NULL, 0, 3, &p1_self, 1, &mask, msg), -1); /* --ip's address */
	two[0] = p1;
	two[1] = p2_same;
	assert_int_equal(check(NULL, 0, 7, two, 2, &mask, msg), -1);
	assert_string_equal(msg, "--port-ip: ports 1 and 2 have the same address or subnet");
	two[1] = p2_wider; /* nested subnets: the longest prefix routes */
	assert_int_equal(check(NULL, 0, 7, two, 2, &mask, msg), 0);
	assert_int_equal(mask, 7);
}

static void
port_ip_syntax_and_ranges(void **state)
{
	static const char *const bad[] = {"",
					  "(1)",
					  "(1,10.0.1.1)",
					  "(1,10.0.1.1/)",
					  "(1,10.0.1.1/0)",
					  "(1,10.0.1.1/33)",
					  "(1,0.0.0.0/24)",
					  "(1,10.0.1/24)",
					  "(1,10.0.1.256/24)",
					  "(32,10.0.1.1/24)",
					  "(1,10.0.1.1/24,)",
					  "(1,10.0.1.1/24,01:00:00:00:00:01)",
					  "(1,10.0.1.1/24,00:00:00:00:00:00)",
					  "(1,10.0.1.1/24,02:00:00:00:00)",
					  "(1,10.0.1.1/24,02:00:00:00:00:011)",
					  "(1,10.0.1.1/24",
					  "(1,10.0.1.1/24),",
					  "(1,10.0.1.1/24)(2,10.0.2.1/24)",
					  "(1,10.0.1.1/24),(1,10.0.2.1/24)",
					  "(1,10.0.1.1.1/24)",
					  "(1,1000000000000000/24)"};
	struct dp_port_ip e[DP_PORTS_MAX];
	char text[DP_PORTS_MAX * 24 + 32];
	const char *why = NULL;
	unsigned n = 0;
	size_t off = 0;

	(void)state;
	assert_int_equal(
		dp_parse_port_ip(" ( 1 , 10.0.1.1/24 , 02:AA:bb:cc:dd:0f ) ,(31,192.168.7.9/32)", e,
				 &n, &why),
		0);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].port, 1);
	assert_int_equal(e[0].ip, 0x0a000101);
	assert_int_equal(e[0].prefix, 24);
	assert_true(e[0].have_gateway);
	assert_memory_equal(e[0].gateway_mac, "\x02\xaa\xbb\xcc\xdd\x0f", 6);
	assert_int_equal(e[1].port, 31);
	assert_int_equal(e[1].prefix, 32);
	assert_false(e[1].have_gateway);
	assert_int_equal(dp_parse_port_ip("(1,10.0.1.1/1)", e, &n, &why), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (dp_parse_port_ip(bad[i], e, &n, &why) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(why);
	}
	/* 32 entries (every port) pass; a 33rd cannot name a new port */
	for (unsigned i = 0; i < DP_PORTS_MAX; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s(%u,10.%u.0.1/16)",
					i ? "," : "", i, i);
	assert_int_equal(dp_parse_port_ip(text, e, &n, &why), 0);
	assert_int_equal(n, DP_PORTS_MAX);
	snprintf(text + off, sizeof(text) - off, ",(0,10.99.0.1/16)");
	assert_int_equal(dp_parse_port_ip(text, e, &n, &why), -1);
	assert_string_equal(why, "more than 32 (port,address) entries");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(portmask_edges),
		cmocka_unit_test(config_syntax_and_ranges),
		cmocka_unit_test(config_entry_count_edge),
		cmocka_unit_test(ports_and_queues),
		cmocka_unit_test(one_lcore_polls_every_queue),
		cmocka_unit_test(port_addresses_apart),
		cmocka_unit_test(port_ip_syntax_and_ranges),
	};

	return cmocka_run_group_tests_name("dataplane/args_config", tests, NULL, NULL);
}
