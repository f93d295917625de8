/* SPDX-License-Identifier: MIT */
/* dataplane/args.c: application options after EAL's "--", every value at its edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "args.h"
#include "frag.h"
#include "mempool.h"
#include "args_file.h"
#include "arp_hold.h"

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
	assert_int_equal(a.big_mbufs, DP_BIG_MBUFS_DEFAULT);
	assert_null(a.data_dir);
}

/* --arp's two values; a subnet alone (--ip /LEN under 32, or --port-ip) is enough for relay
 * mode: its next hops are resolved by ARP. */
static void
arp_mode_and_subnet_alone(void **state)
{
	const char *subnet[] = {"dp", "--ip", "10.0.0.1/24", NULL};
	const char *host[] = {"dp", "--ip", "10.0.0.1/32", NULL};
	const char *port_ip[] = {"dp",	"--ip",	     "10.0.0.1",	"--portmask",
				 "0x3", "--port-ip", "(1,10.0.1.1/31)", NULL};
	const char *argv[] = {"dp", "--ip", "10.0.0.1/24", "--arp", NULL, NULL};
	static const char *const bad[] = {"",	      "On-link",	 "onlink",
					  "gateway ", "on-link,gateway", "arp"};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, subnet), 0);
	assert_false(a.arp_on_link);
	assert_int_equal(parse(&a, 3, host), -1);
	assert_int_equal(parse(&a, 7, port_ip), 0);
	argv[4] = "on-link";
	assert_int_equal(parse(&a, 5, argv), 0);
	assert_true(a.arp_on_link);
	argv[4] = "gateway";
	assert_int_equal(parse(&a, 5, argv), 0);
	assert_false(a.arp_on_link);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[4] = bad[i];
		assert_int_equal(parse(&a, 5, argv), -1);
	}
}

/* --arp-warm: on (the default) or off, nothing else (the config file key: below). */
static void
arp_warm_on_or_off(void **state)
{
	const char *argv[] = {"dp", "--ip", "10.0.0.1/24", "--arp-warm", NULL, NULL};
	static const char *const bad[] = {"", "On", "1", "yes", "on ", "offf", "true"};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, argv), 0);
	assert_true(a.arp_warm);
	argv[4] = "off";
	assert_int_equal(parse(&a, 5, argv), 0);
	assert_false(a.arp_warm);
	argv[4] = "on";
	assert_int_equal(parse(&a, 5, argv), 0);
	assert_true(a.arp_warm);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[4] = bad[i];
		assert_int_equal(parse(&a, 5, argv), -1);
	}
}

/* --arp-hold: frames held per resolving next hop, 0..16, default 4; a config file key too. */
static void
arp_hold_at_its_edges(void **state)
{
	const char *argv[] = {"dp", "--ip", "10.0.0.1/24", "--arp-hold", NULL, NULL};
	static const char *const bad[] = {"", "17", "-1", "4x", " 4", "256", "4294967300"};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 3, argv), 0);
	assert_int_equal(a.arp_hold, DP_ARP_HOLD_FRAMES_DEFAULT);
	assert_int_equal(a.arp_hold, 4);
	argv[4] = "0";
	assert_int_equal(parse(&a, 5, argv), 0);
	assert_int_equal(a.arp_hold, 0);
	argv[4] = "16";
	assert_int_equal(parse(&a, 5, argv), 0);
	assert_int_equal(a.arp_hold, DP_ARP_HOLD_FRAMES_MAX);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[4] = bad[i];
		assert_int_equal(parse(&a, 5, argv), -1);
	}
}

/* --ip's /LEN at its edges; --port-ip and --portmask together (args_config.c has the rest). */
static void
ip_prefix_and_port_ip(void **state)
{
	const char *plain[] = {"dp", "--ip", "10.0.0.1", "--nodes", "n", NULL};
	const char *p1[] = {"dp", "--ip", "10.0.0.1/1", "--nodes", "n", NULL};
	const char *p32[] = {"dp", "--ip", "10.0.0.1/32", "--nodes", "n", NULL};
	static const char *const bad[] = {"10.0.0.1/0",	  "10.0.0.1/33",  "10.0.0.1/",
					  "10.0.0.1/24x", "10.0.0.1//24", "0.0.0.0/8",
					  "10.0.0.1/-1",  "1000.0.0.1/8"};
	const char *two[] = {"dp",	"--ip",	     "10.0.0.1/24",
			     "--nodes", "n",	     "--portmask",
			     "0x3",	"--port-ip", "(1,10.0.1.1/24,02:00:00:00:01:fe)",
			     NULL};
	const char *no_addr[] = {"dp", "--ip",	     "10.0.0.1/24", "--nodes",
				 "n",  "--portmask", "0x3",	    NULL};
	const char *bad_pip[] = {"dp", "--ip",	    "10.0.0.1", "--nodes",
				 "n",  "--port-ip", "(1,x)",	NULL};
	struct dp_args a;

	(void)state;
	assert_int_equal(parse(&a, 5, plain), 0);
	assert_int_equal(a.ip_prefix, 32);
	assert_int_equal(a.ports, 1);
	assert_int_equal(parse(&a, 5, p1), 0);
	assert_int_equal(a.ip_prefix, 1);
	assert_int_equal(a.ip, 0x0a000001);
	assert_int_equal(parse(&a, 5, p32), 0);
	assert_int_equal(a.ip_prefix, 32);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = {"dp", "--ip", bad[i], "--nodes", "n", NULL};

		if (parse(&a, 5, argv) != -1)
			fail_msg("accepted --ip %s", bad[i]);
	}
	assert_int_equal(parse(&a, 9, two), 0);
	assert_int_equal(a.ports, 3);
	assert_int_equal(a.npip, 1);
	assert_int_equal(a.pip[0].ip, 0x0a000101);
	assert_true(a.pip[0].have_gateway);
	assert_int_equal(parse(&a, 7, no_addr), -1);
	assert_int_equal(parse(&a, 7, bad_pip), -1);
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

/* --big-mbufs: 0 (medium and large off) to 65536 mbufs. */
static void
big_mbufs_edges(void **state)
{
	struct dp_args a;
	const char *zero[] = {"dp", "--self-check", "--big-mbufs", "0", NULL};
	const char *max[] = {"dp", "--self-check", "--big-mbufs", "65536", NULL};
	const char *over[] = {"dp", "--self-check", "--big-mbufs", "65537", NULL};
	const char *junk[] = {"dp", "--self-check", "--big-mbufs", "-1", NULL};

	(void)state;
	assert_int_equal(parse(&a, 4, zero), 0);
	assert_int_equal(a.big_mbufs, 0);
	assert_int_equal(parse(&a, 4, max), 0);
	assert_int_equal(a.big_mbufs, DP_BIG_MBUFS_MAX);
	assert_int_equal(parse(&a, 4, over), -1);
	assert_int_equal(parse(&a, 4, junk), -1);
}

/* --mtu: 576 to 9000 IP bytes (jumbo frames); absent: each port's own (0). */
static void
mtu_edges(void **state)
{
	struct dp_args a;
	const char *none[] = {"dp", "--self-check", NULL};
	const char *low[] = {"dp", "--self-check", "--mtu", "576", NULL};
	const char *high[] = {"dp", "--self-check", "--mtu", "9000", NULL};
	const char *under[] = {"dp", "--self-check", "--mtu", "575", NULL};
	const char *over[] = {"dp", "--self-check", "--mtu", "9001", NULL};

	(void)state;
	assert_int_equal(parse(&a, 2, none), 0);
	assert_int_equal(a.mtu, 0);
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		assert_int_equal(a.port_mtu[p], 0);
	assert_int_equal(parse(&a, 4, low), 0);
	assert_int_equal(a.mtu, DP_MTU_MIN);
	assert_int_equal(parse(&a, 4, high), 0);
	assert_int_equal(a.mtu, DP_MTU_MAX);
	assert_int_equal(parse(&a, 4, under), -1);
	assert_int_equal(parse(&a, 4, over), -1);
}

/* --port-mtu on the command line: its ports must be in the mask; the default port
 * may have one too; a later --port-mtu replaces an earlier one (test_args_mtu.c: syntax). */
static void
port_mtu_option(void **state)
{
	struct dp_args a;
	const char *two[] = {"dp",
			     "--ip",
			     "10.0.0.1/24",
			     "--nodes",
			     "n",
			     "--portmask",
			     "0x3",
			     "--port-ip",
			     "(1,10.0.1.1/24)",
			     "--port-mtu",
			     "(0,9000), (1,1500)",
			     NULL};
	const char *outside[] = {"dp", "--ip",	     "10.0.0.1", "--nodes",
				 "n",  "--port-mtu", "(1,9000)", NULL};
	const char *bad[] = {"dp", "--self-check", "--port-mtu", "(0,9001)", NULL};
	const char *again[] = {"dp",	     "--self-check", "--port-mtu", "(0,9000)",
			       "--port-mtu", "(0,576)",	     NULL};

	(void)state;
	assert_int_equal(parse(&a, 11, two), 0);
	assert_int_equal(a.port_mtu[0], 9000);
	assert_int_equal(a.port_mtu[1], 1500);
	assert_int_equal(a.port_mtu[2], 0);
	assert_int_equal(a.mtu, 0);
	assert_int_equal(parse(&a, 7, outside), -1); /* port 1 is not in the mask 0x1 */
	assert_int_equal(parse(&a, 4, bad), -1);
	assert_int_equal(parse(&a, 6, again), 0);
	assert_int_equal(a.port_mtu[0], 576);
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

static char dir[64], file[96];

static void
write_text(const char *text)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Parses "dp --config-file FILE" plus extra options, the file holding text. */
static int
with_file(struct dp_args *a, const char *text, const char *extra1, const char *extra2)
{
	const char *argv[] = {"dp", "--config-file", file, extra1, extra2, NULL};
	int argc = 3 + (extra1 != NULL) + (extra2 != NULL);

	write_text(text);
	dp_args_free(a);
	return parse(a, argc, argv);
}

/* --config-file: every option as key = value, the command line overriding, errors with
 * FILE:LINE, the line and file limits at their edges. */
static void
config_file_keys_and_limits(void **state)
{
	static char big[DP_ARGS_FILE_MAX + 2];
	char line[DP_ARGS_FILE_LINE_MAX + 16];
	struct dp_args a = {0};
	const char *twice[] = {"dp", "--config-file", file, "--config-file=x", NULL};
	const char *missing[] = {"dp", "--config-file", "/nonexistent/snode.conf", NULL};

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/snode-dp-args.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/dp.conf", dir);
	assert_int_equal(with_file(&a,
				   "# a relay\n"
				   "ip = 10.0.0.7\n"
				   "  nodes=n.txt   # the peers\n"
				   "gateway-mac = 02:00:00:00:00:01\n"
				   "\n"
				   "cell-port = 4000\n"
				   "stats-interval = 5\n"
				   "channel = none\n"
				   "data-dir = /srv/snode\n"
				   "portmask = 0x1\n"
				   "config = (0,0,1), (0,1,2)",
				   NULL, NULL),
			 0);
	assert_int_equal(a.ip, 0x0a000007);
	assert_string_equal(a.nodes, "n.txt");
	assert_true(a.have_gateway);
	assert_int_equal(a.cell_port, 4000);
	assert_int_equal(a.stats_interval, 5);
	assert_string_equal(a.channel, "none");
	assert_string_equal(a.data_dir, "/srv/snode");
	assert_int_equal(a.portmask, 1);
	assert_int_equal(a.nlconf, 2);
	/* --arp as a key; a subnet alone is enough there too */
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp = on-link\n", NULL, NULL), 0);
	assert_true(a.arp_on_link);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp = on-link\n", "--arp", "gateway"), 0);
	assert_false(a.arp_on_link);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp = all\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp-hold = 9\n", NULL, NULL), 0);
	assert_int_equal(a.arp_hold, 9);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp-hold = 9\n", "--arp-hold", "0"), 0);
	assert_int_equal(a.arp_hold, 0);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp-hold = 17\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp-warm = off\n", NULL, NULL), 0);
	assert_false(a.arp_warm);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp-warm = off\n", "--arp-warm", "on"),
			 0);
	assert_true(a.arp_warm);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7/24\narp-warm = no\n", NULL, NULL), -1);
	/* the command line wins */
	assert_int_equal(with_file(&a, "ip = 10.0.0.7\nnodes = n\ncell-port = 4000\n",
				   "--cell-port", "5000"),
			 0);
	assert_int_equal(a.cell_port, 5000);
	/* per-port MTUs; the command line's replace the file's */
	assert_int_equal(with_file(&a,
				   "ip = 10.0.0.7\nnodes = n\nmtu = 1400\nport-mtu = (0,9000)\n",
				   NULL, NULL),
			 0);
	assert_int_equal(a.mtu, 1400);
	assert_int_equal(a.port_mtu[0], 9000);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7\nnodes = n\nport-mtu = (0,9000)\n",
				   "--port-mtu", "(0,1280)"),
			 0);
	assert_int_equal(a.port_mtu[0], 1280);
	assert_int_equal(
		with_file(&a, "ip = 10.0.0.7\nnodes = n\nport-mtu = (0,575)\n", NULL, NULL), -1);
	/* errors */
	assert_int_equal(with_file(&a, "ip = 10.0.0.7\nbogus = 1\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "ip 10.0.0.7\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "ip =\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "= 1\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7\nip = 10.0.0.8\nnodes = n\n", NULL, NULL),
			 -1);
	assert_int_equal(with_file(&a, "self-check = 1\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "config-file = other\n", NULL, NULL), -1);
	assert_int_equal(with_file(&a, "ip = 10.0.0.7\nnodes = n\nportmask = 0x3\n", NULL, NULL),
			 -1);
	assert_int_equal(with_file(&a, "ip = 10.0.0.x\nnodes = n\n", NULL, NULL), -1);
	write_text("ip = 10.0.0.7\n");
	dp_args_free(&a);
	assert_int_equal(parse(&a, 4, twice), -1);
	dp_args_free(&a);
	assert_int_equal(parse(&a, 3, missing), -1);
	/* a line of 511 bytes (512 with its newline) is read, 512 is not */
	memset(line, ' ', sizeof(line));
	memcpy(line, "ip = 10.0.0.7", 13);
	line[DP_ARGS_FILE_LINE_MAX - 1] = '\n';
	line[DP_ARGS_FILE_LINE_MAX] = '\0';
	assert_int_equal(with_file(&a, line, "--nodes", "n"), 0);
	line[DP_ARGS_FILE_LINE_MAX] = '\n';
	line[DP_ARGS_FILE_LINE_MAX - 1] = ' ';
	line[DP_ARGS_FILE_LINE_MAX + 1] = '\0';
	assert_int_equal(with_file(&a, line, "--nodes", "n"), -1);
	/* a file of 65,536 bytes is read, one more is not; a NUL byte is refused */
	memset(big, '\n', sizeof(big));
	memcpy(big, "ip = 10.0.0.7", 13);
	big[DP_ARGS_FILE_MAX] = '\0';
	assert_int_equal(with_file(&a, big, "--nodes", "n"), 0);
	big[DP_ARGS_FILE_MAX] = '\n';
	big[DP_ARGS_FILE_MAX + 1] = '\0';
	assert_int_equal(with_file(&a, big, "--nodes", "n"), -1);
	{
		FILE *f = fopen(file, "w");

		assert_non_null(f);
		fwrite("ip = 10.0.0.7\n\0\n", 1, 17, f);
		fclose(f);
	}
	dp_args_free(&a);
	{
		const char *argv[] = {"dp", "--config-file", file, "--nodes", "n", NULL};

		assert_int_equal(parse(&a, 5, argv), -1);
	}
	dp_args_free(&a);
	unlink(file);
	rmdir(dir);
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
		cmocka_unit_test(big_mbufs_edges),
		cmocka_unit_test(mtu_edges),
		cmocka_unit_test(port_mtu_option),
		cmocka_unit_test(channel_path_edges),
		cmocka_unit_test(gateway_mac_edges),
		cmocka_unit_test(config_file_keys_and_limits),
		cmocka_unit_test(ip_prefix_and_port_ip),
		cmocka_unit_test(arp_mode_and_subnet_alone),
		cmocka_unit_test(arp_hold_at_its_edges),
		cmocka_unit_test(arp_warm_on_or_off),
		cmocka_unit_test(bad_addresses_and_options),
	};
	return cmocka_run_group_tests_name("dataplane/args", tests, NULL, NULL);
}
