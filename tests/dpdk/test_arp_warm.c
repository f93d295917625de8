/* SPDX-License-Identifier: MIT */
/*
 * Warming (dataplane/arp_warm.c) on real EAL and net_ring ports: the ARP owner
 * asks for a node table's on-link nodes before any cell goes to them. Node A
 * has port 0 (10.0.0.1/24) and port 1 (10.0.16.1/20), no gateway MAC, so
 * on-link nodes have the zero MAC ("resolve by ARP"). With warming off nothing
 * is asked. On, a table of 20 zero-MAC nodes on port 1 (and one on port 0, one
 * with a MAC, one zero-MAC off-link) is asked for 8 a pass on port 1 (8, 8, 4:
 * the edge, then nothing), one on port 0, none between the 10 ms passes, none
 * for the node with a MAC or the off-link one, and a node a cell asked for
 * first is not asked twice; a cell to a warmed node still resolving is held
 * without a second request; once answered, a cell to a warmed node leaves at
 * once, never held. A new table, even at the same address, is walked again:
 * only its new nodes are asked (none for resolved or still pending ones). A
 * table of 1,200 on-link nodes (more than the 1,024 entries) fills at most 6
 * ways of each bucket, counts the rest no_room and never `full`, looks at 256
 * nodes a pass at most, and a cell to a node it left out still gets its
 * address asked and held. The owner allocates nothing; no mbuf leaks.
 * Each net_ring loops back: what A transmits on a port is read back from it.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "alloc_count.h"
#include "alloc_count_assert.h"
#include "arp.h"
#include "arp_frame.h"
#include "eal_test.h"
#include "loop.h"
#include "mempool.h"
#include "port.h"
#include "ports.h"
#include "reply.h"
#include "snc.h"

#define S    1000000000ull
#define PASS ((uint64_t)DP_ARP_TICK_NS)

enum {
	A_IP0 = 0x0a000001,	/* 10.0.0.1/24: A on port 0 */
	A_IP1 = 0x0a001001,	/* 10.0.16.1/20: A on port 1 */
	FIRST = 0x0a001010,	/* 10.0.16.16: the first of the on-link nodes of port 1 */
	NWARM = 20,		/* zero-MAC on-link nodes of port 1 in the first table */
	P0_NODE = 0x0a000032,	/* 10.0.0.50: zero MAC, on-link on port 0 */
	MAC_NODE = 0x0a001005,	/* 10.0.16.5: on-link, with a MAC */
	OFF_NODE = 0x0b000005,	/* 11.0.0.5: zero MAC, off-link: nothing to ask */
	BIG = 1200,		/* nodes of the table bigger than an ARP table */
	BIG_FIRST = 0x0a001400, /* 10.0.20.0: its first */
	POOL = 4096,
};

static struct rte_mempool *pool;
static uint16_t port0, port1;
static struct dp_ports ps;
static struct dp_arp arp;
static struct dp_node_table t1, t2;
static struct dp_worker a; /* owns the ARP tables */
static uint8_t sk[32], pk[32];
static const uint8_t zero_mac[6];
static const uint8_t node_mac[6] = {2, 0, 0, 0, 0, 0x5};
static uint64_t now = 10 * S;
static unsigned asked_of[NWARM + 3]; /* requests seen per on-link node of port 1 */

static uint8_t
mac_byte(uint32_t ip)
{
	return (uint8_t)(ip & 0xff);
}

/* An on-link node's MAC, as its reply will give it. */
static void
mac_of(uint32_t ip, uint8_t mac[6])
{
	const uint8_t m[6] = {2, 0xb, 0, (uint8_t)(ip >> 16), (uint8_t)(ip >> 8), mac_byte(ip)};

	memcpy(mac, m, 6);
}

/* Node number i of a table at ip with mac (no X25519: the link key is made up). */
static void
add(struct dp_node_table *t, uint32_t i, uint32_t ip, const uint8_t mac[6])
{
	uint8_t ed[32] = {0}, x[32] = {9}, link[32] = {7};
	uint32_t key = i << 1; /* the map keys on the first 8 bytes with the low bit set */

	memcpy(ed, &key, sizeof(key));
	assert_int_equal(dp_node_table_add_keyed(t, ed, x, link, ip, 22030, mac), 0);
}

/* The first table: a node with a MAC, one off-link, one on port 0, then NWARM on port 1. */
static void
build_first(struct dp_node_table *t)
{
	assert_int_equal(dp_node_table_init(t, 64, sk, pk), 0);
	add(t, 0, MAC_NODE, node_mac);
	add(t, 1, OFF_NODE, zero_mac);
	add(t, 2, P0_NODE, zero_mac);
	for (uint32_t k = 0; k < NWARM; k++)
		add(t, 3 + k, FIRST + k, zero_mac);
}

static int
group_setup(void **state)
{
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 512, .tx_desc = 512};
	const struct dp_port_ip pip = {.port = 1, .prefix = 20, .ip = A_IP1};
	struct dp_worker_conf conf;
	static struct snc_node_keys keys; /* the worker keeps a pointer */

	(void)state;
	if (rte_eth_dev_get_port_by_name("net_ring0", &port0) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring1", &port1) != 0 || port0 != 0 || port1 != 1)
		return -1;
	for (uint16_t i = 0; i < 2; i++)
		if (dp_port_configure(i, &pc, pool) != 0 || dp_port_start(i) != 0)
			return -1;
	dp_ports_build(&ps, 0x3, A_IP0, 24, NULL, &pip, 1, 22030);
	rte_eth_macaddr_get(port0, &ps.p[0].iface.mac);
	rte_eth_macaddr_get(port1, &ps.p[1].iface.mac);
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	sk[0] = 1;
	pk[0] = 9;
	if (dp_arp_init(&arp, &ps, 1, pool, false, "test_arp_warm") != 0 ||
	    dp_worker_init(&a, 1, &conf, &ps.p[0].iface, &keys, NULL, 0) != 0 ||
	    dp_reply_init(&a, pool) != 0)
		return -1;
	a.ports = &ps;
	a.txq[0] = a.txq[1] = 0;
	a.arp = &arp;
	dp_arp_hold_init(&a.arp_hold, DP_ARP_HOLD_FRAMES_DEFAULT);
	return 0;
}

/* One loop iteration's ARP work of the owner at now; asserts it allocated nothing. */
static unsigned
service(void)
{
	unsigned n;

	alloc_count_reset();
	alloc_count_arm();
	n = dp_arp_service(&a, now);
	alloc_count_disarm();
	assert_no_alloc_counted();
	return n;
}

/* The next 10 ms pass. */
static void
pass(void)
{
	now += PASS;
	service();
}

/* The ARP requests A sent on port since the last read: each well formed; their targets
 * into ips (room for max); returns how many. */
static unsigned
requests_on(uint16_t port, uint32_t *ips, unsigned max)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned total = 0;
	uint16_t n;

	while ((n = eal_test_sent_on(port, pkts, DP_BURST)) > 0) {
		for (uint16_t k = 0; k < n; k++) {
			const uint8_t *f = rte_pktmbuf_mtod(pkts[k], const uint8_t *);

			assert_int_equal(f[12] << 8 | f[13], 0x0806);
			assert_int_equal(f[20] << 8 | f[21], 1); /* a request */
			assert_memory_equal(f + 6, ps.p[port].iface.mac.addr_bytes, 6);
			assert_int_equal(eal_test_be32_at(f + 28), ps.p[port].iface.ip);
			if (total < max)
				ips[total] = eal_test_be32_at(f + 38);
			total++;
		}
		eal_test_free_all(pkts, n);
	}
	return total;
}

/* The requests on port 1 since the last read, counted per node into asked_of; how many. */
static unsigned
requests_for_first(void)
{
	uint32_t ips[64];
	unsigned n = requests_on(port1, ips, 64);

	assert_true(n <= 64);
	for (unsigned k = 0; k < n; k++) {
		assert_true(ips[k] >= FIRST && ips[k] < FIRST + NWARM + 3);
		asked_of[ips[k] - FIRST]++;
	}
	return n;
}

/* ip's reply to A on port 1 (to A's MAC and address). */
static void
reply_from(uint32_t ip)
{
	const uint8_t *me = ps.p[1].iface.mac.addr_bytes;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t mac[6], *f;

	assert_non_null(m);
	mac_of(ip, mac);
	f = (uint8_t *)rte_pktmbuf_append(m, DP_ARP_FRAME_MIN);
	assert_non_null(f);
	dp_arp_frame_write_request(f, mac, ip, A_IP1);
	memcpy(f, me, 6);
	f[21] = 2;
	memcpy(f + 32, me, 6);
	dp_loop_burst(&a, port1, 0, &m, 1, now);
}

/* A cell from A's port 1 to ip with the zero MAC, flushed as a burst is. */
static void
cell_to(uint32_t ip)
{
	static const struct rte_ether_addr zero;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL));
	memset(rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN), 0, DP_CELL_SMALL);
	dp_pkt_write_headers(m, &ps.p[1].iface, &zero, ip, 22030, DP_CELL_SMALL);
	a.ntx = 0;
	a.tx[a.ntx++] = m;
	alloc_count_reset();
	alloc_count_arm();
	dp_loop_flush(&a, port1, 0);
	alloc_count_disarm();
	assert_int_equal(alloc_count_allocs(), 0);
}

static void
off_asks_nothing(void **state)
{
	uint32_t ips[8];

	(void)state;
	build_first(&t1);
	a.nodes = &t1;
	assert_false(arp.warm.on); /* dp_arp_init's default: relay.c sets --arp-warm */
	for (int k = 0; k < 5; k++)
		pass();
	assert_int_equal(requests_on(port1, ips, 8), 0);
	assert_int_equal(requests_on(port0, ips, 8), 0);
	assert_int_equal(arp.warm.tables, 0);
	assert_int_equal(arp.t[1]->n, 0);
	assert_int_equal(arp.sent, 0);
}

/* Left by the case above: t1 in use, nothing asked. */
static void
new_table_is_asked_paced(void **state)
{
	unsigned before = rte_mempool_avail_count(pool);
	uint32_t ips[8];

	(void)state;
	arp.warm.on = true;
	pass(); /* the first pass: 8 of port 1's 20, and port 0's one */
	assert_int_equal(requests_for_first(), DP_ARP_WARM_ASK);
	assert_int_equal(requests_on(port0, ips, 8), 1);
	assert_int_equal(ips[0], P0_NODE);
	assert_int_equal(arp.warm.tables, 1);
	assert_int_equal(arp.warm.asked, DP_ARP_WARM_ASK + 1);
	for (unsigned k = 0; k < DP_ARP_WARM_ASK; k++)
		assert_int_equal(asked_of[k], 1);
	/* between passes the owner asks nothing more */
	now += PASS / 2;
	service();
	assert_int_equal(requests_for_first(), 0);
	/* a cell to a node warming asked for: held, not asked again; a cell to one it has
	 * not reached yet: asked at once (through the ring), and warming skips it later */
	cell_to(FIRST + 2);
	cell_to(FIRST + 15);
	assert_int_equal(a.arp_hold.nframes, 2);
	now += PASS / 2; /* the second pass */
	service();
	assert_int_equal(requests_for_first(), 1 + DP_ARP_WARM_ASK); /* the cell's, and 8 */
	assert_int_equal(asked_of[15], 1);
	pass(); /* the third: the last 3 (8..14, 16 went in the second) */
	assert_int_equal(requests_for_first(), NWARM - 1 - 2 * DP_ARP_WARM_ASK);
	pass();
	assert_int_equal(requests_for_first(), 0);
	assert_int_equal(requests_on(port0, ips, 8), 0);
	for (unsigned k = 0; k < NWARM; k++)
		assert_int_equal(asked_of[k], 1);
	assert_int_equal(arp.warm.asked, NWARM); /* 19 on port 1, 1 on port 0 */
	assert_int_equal(arp.warm.known, 1);	 /* the one the cell asked for */
	assert_int_equal(arp.warm.left, 0);
	assert_int_equal(arp.warm.no_room, 0);
	assert_int_equal(arp.t[1]->n, NWARM);
	assert_int_equal(arp.t[0]->n, 1);
	assert_int_equal(arp.sent, NWARM + 1);
	/* answers for all but the last: the 2 held cells leave */
	for (unsigned k = 0; k < NWARM - 1; k++)
		reply_from(FIRST + k);
	service();
	assert_int_equal(a.arp_hold.nframes, 0);
	assert_int_equal(a.arp_hold.released, 2);
	{
		struct rte_mbuf *pkts[DP_BURST];
		uint16_t n = eal_test_sent_on(port1, pkts, DP_BURST);

		assert_int_equal(n, 2); /* the 2 cells, to their nodes' MACs, no request */
		for (uint16_t k = 0; k < n; k++)
			assert_int_equal(rte_pktmbuf_mtod(pkts[k], uint8_t *)[12], 0x08);
		eal_test_free_all(pkts, n);
	}
	assert_int_equal(arp.t[1]->c.learned, NWARM - 1);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

/* Left by the case above: t1's port 1 nodes answered but the last. */
static void
cell_to_warmed_node_is_not_held(void **state)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t held = a.arp_hold.held, sent = arp.sent;
	uint8_t mac[6];
	uint16_t n;

	(void)state;
	cell_to(FIRST + 5);
	assert_int_equal(a.arp_hold.held, held);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	mac_of(FIRST + 5, mac);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[0], uint8_t *), mac, 6);
	assert_int_equal(eal_test_be32_at(rte_pktmbuf_mtod(pkts[0], uint8_t *) + 30), FIRST + 5);
	eal_test_free_all(pkts, n);
	service();
	assert_int_equal(arp.sent, sent);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_UNRESOLVED], 0);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

/* Left by the case above. A new table at t1's own address (its swap_seq tells it apart):
 * t1's nodes and 3 more. Only the 3 are asked: none of the resolved, not the pending one. */
static void
new_table_at_the_same_address_asks_only_new_nodes(void **state)
{
	uint64_t asked = arp.warm.asked, known = arp.warm.known;
	uint32_t ips[8];

	(void)state;
	dp_node_table_free(&t1);
	build_first(&t1);
	for (uint32_t k = 0; k < 3; k++)
		add(&t1, 3 + NWARM + k, FIRST + NWARM + k, zero_mac);
	t1.swap_seq = 1;
	pass();
	assert_int_equal(requests_for_first(), 3);
	assert_int_equal(requests_on(port0, ips, 8), 0);
	pass();
	assert_int_equal(requests_for_first(), 0);
	for (unsigned k = 0; k < NWARM + 3; k++)
		assert_int_equal(asked_of[k], 1);
	assert_int_equal(arp.warm.tables, 2);
	assert_int_equal(arp.warm.asked, asked + 3);
	assert_int_equal(arp.warm.known, known + NWARM + 1); /* port 1's 20 and port 0's */
	/* the same table again (same pointer, same swap_seq) is not walked again */
	pass();
	assert_int_equal(arp.warm.tables, 2);
	/* another table (another address): walked, and nothing new to ask */
	build_first(&t2);
	t2.swap_seq = 2;
	a.nodes = &t2;
	pass();
	assert_int_equal(requests_for_first(), 0);
	assert_int_equal(arp.warm.tables, 3);
	assert_int_equal(arp.warm.asked, asked + 3);
	a.nodes = &t1;
}

static struct dp_node_table big;
static struct dp_arp big_arp;

/* A table of 1,200 on-link nodes of port 1 into fresh ARP tables: more than they hold. */
static void
table_bigger_than_the_arp_table(void **state)
{
	unsigned before = rte_mempool_avail_count(pool), passes = 0, full_scans = 0;
	const struct dp_arp_table *t;
	uint32_t ips[64], skipped = 0;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(dp_arp_init(&big_arp, &ps, 1, pool, false, "test_arp_warm_big"), 0);
	big_arp.warm.on = true;
	big_arp.last_tick_ns = now;
	a.arp = &big_arp;
	assert_int_equal(dp_node_table_init(&big, BIG, sk, pk), 0);
	for (uint32_t k = 0; k < BIG; k++)
		add(&big, k, BIG_FIRST + k, zero_mac);
	big.swap_seq = 3;
	a.nodes = &big;
	t = big_arp.t[1];
	do {
		uint64_t asked = big_arp.warm.asked;
		uint32_t left = passes == 0 ? BIG : big_arp.warm.left;
		unsigned n;

		pass();
		passes++;
		n = requests_on(port1, ips, 64);
		/* 8 warming requests a pass at most, retries (from 1 s) within the 32 */
		assert_true(big_arp.warm.asked - asked <= DP_ARP_WARM_ASK);
		assert_true(n <= DP_ARP_ASK_MAX);
		assert_true(n >= big_arp.warm.asked - asked);
		assert_true(left - big_arp.warm.left <= DP_ARP_WARM_SCAN);
		full_scans += left - big_arp.warm.left == DP_ARP_WARM_SCAN;
	} while (big_arp.warm.left > 0 && passes < 1000);
	printf("# %u nodes: %" PRIu64 " asked, %" PRIu64 " no_room, in %u passes\n", BIG,
	       big_arp.warm.asked, big_arp.warm.no_room, passes);
	assert_int_equal(big_arp.warm.left, 0);
	assert_true(full_scans > 0); /* once the table is full, 256 nodes a pass are looked at */
	assert_int_equal(big_arp.warm.tables, 1);
	assert_int_equal(big_arp.warm.asked + big_arp.warm.no_room, BIG);
	assert_true(big_arp.warm.no_room > 0);
	assert_int_equal(big_arp.warm.known, 0);
	assert_int_equal(t->n, big_arp.warm.asked);
	assert_true(t->n <= DP_ARP_BUCKETS * DP_ARP_WARM_WAYS);
	for (unsigned b = 0; b < DP_ARP_BUCKETS; b++)
		assert_true(t->bn[b] <= DP_ARP_WARM_WAYS);
	assert_int_equal(t->c.full, 0);
	/* a cell to a node warming left out: asked for and held, in one of the last 2 ways */
	for (uint32_t k = 0; k < BIG && skipped == 0; k++)
		if (dp_arp_table_lookup(big_arp.t[1], BIG_FIRST + k, mac) == DP_ARP_MISS)
			skipped = BIG_FIRST + k;
	assert_true(skipped != 0);
	cell_to(skipped);
	assert_int_equal(a.arp_hold.nframes, 1);
	service();
	assert_int_equal(requests_on(port1, ips, 64), 1);
	assert_int_equal(ips[0], skipped);
	assert_int_equal(dp_arp_table_lookup(big_arp.t[1], skipped, mac), DP_ARP_PENDING);
	assert_int_equal(t->c.full, 0);
	/* give the held cell back, and the tables */
	dp_arp_hold_free(&a);
	dp_arp_hold_init(&a.arp_hold, DP_ARP_HOLD_FRAMES_DEFAULT);
	a.arp = &arp;
	a.nodes = &t1;
	dp_arp_free(&big_arp);
	dp_node_table_free(&big);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_asks_nothing),
		cmocka_unit_test(new_table_is_asked_paced),
		cmocka_unit_test(cell_to_warmed_node_is_not_held),
		cmocka_unit_test(new_table_at_the_same_address_asks_only_new_nodes),
		cmocka_unit_test(table_bigger_than_the_arp_table),
	};
	static const char *const vdevs[] = {"net_ring0", "net_ring1", NULL};
	int rc;

	if (eal_test_init("arp_warm", vdevs) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_arp_warm", POOL, SOCKET_ID_ANY);
	rc = cmocka_run_group_tests_name("dpdk/arp_warm", tests, group_setup, NULL);
	dp_worker_free(&a);
	dp_arp_free(&arp);
	dp_node_table_free(&t1);
	dp_node_table_free(&t2);
	for (uint16_t p = 0; p < 2; p++)
		dp_port_shutdown(p);
	rte_mempool_free(pool);
	eal_test_cleanup();
	return rc;
}
