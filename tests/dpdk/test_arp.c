/* SPDX-License-Identifier: MIT */
/*
 * ARP resolution of next hops (dataplane/arp.c) on real EAL and net_ring
 * ports. Node A has port 0 (10.0.0.1/24, the client's side) and port 1
 * (10.0.1.1/24, no gateway MAC), where B (10.0.1.2) is on-link with no MAC
 * known. A client's CREATE for client -> A -> B makes A send one well-formed
 * ARP request out of port 1 (every field checked) and hold the cell; cells
 * before the answer are held too (exactly --arp-hold of them: the next one is
 * dropped, arp_hold_full) and send no second request; B's reply sends the held
 * cells, in their order and with B's MAC, and the next CREATE leaves at once.
 * Malformed ARP frames, replies nobody asked for, gratuitous and second
 * (spoofed) replies are counted and change nothing; a hop that stops
 * answering is forgotten, and the cells held for it then are dropped
 * (arp_failed); a hop the table cannot take (its bucket full) has its cells
 * dropped after 3.5 s (arp_hold_timeout); another worker's cells and replies
 * reach the tables only through the owner, and its held cells leave before
 * its newer ones; --arp-hold 0 drops (arp_unresolved); a worker freed with
 * cells held gives them back; the workers allocate nothing; no mbuf leaks.
 * Each net_ring loops back: what A transmits on a port is read back from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "alloc_count.h"
#include "alloc_count_assert.h"
#include "arp.h"
#include "arp_frame.h"
#include "cell_mask.h"
#include "eal_test.h"
#include "loop.h"
#include "mempool.h"
#include "onion_build.h"
#include "port.h"
#include "ports.h"
#include "reply.h"
#include "snc.h"

#define S 1000000000ull

enum {
	A_IP0 = 0x0a000001,	/* 10.0.0.1/24: A on port 0 */
	A_IP1 = 0x0a000101,	/* 10.0.1.1/24: A on port 1 */
	B_IP = 0x0a000102,	/* 10.0.1.2: B, on-link on port 1 */
	CLIENT_IP = 0x0a000064, /* 10.0.0.100 */
	POOL = 4096,
};

static struct rte_mempool *pool;
static uint16_t port0, port1;
static struct dp_ports ps;
static struct dp_arp arp;
static struct snc_node_keys keys[2];
static struct snc_onion_node pub[2];
static struct dp_node_table table;
static struct dp_worker a, w2; /* a owns the ARP tables; w2 is another worker */
static const uint8_t b_mac[6] = {2, 0, 0, 0, 0, 0xb};
static const uint8_t spoof_mac[6] = {2, 0, 0, 0, 0, 0x66};
static const struct dp_iface client_if = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 0x64}}, .ip = CLIENT_IP, .port = 40000};
static uint64_t now = 10 * S;

static int
group_setup(void **state)
{
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};
	const struct dp_port_ip pip = {.port = 1, .prefix = 24, .ip = A_IP1};
	struct dp_worker_conf conf;
	const uint8_t *mac;
	uint8_t seed[32];

	(void)state;
	if (rte_eth_dev_get_port_by_name("net_ring0", &port0) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring1", &port1) != 0 || port0 != 0 || port1 != 1)
		return -1;
	for (uint16_t i = 0; i < 2; i++)
		if (dp_port_configure(i, &pc, pool) != 0 || dp_port_start(i) != 0)
			return -1;
	for (int i = 0; i < 2; i++) {
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, keys[i].x25519_sk, pub[i].x25519);
		memcpy(keys[i].x25519_pk, pub[i].x25519, 32);
		randombytes_buf(pub[i].ed25519, 32);
	}
	/* A: --ip 10.0.0.1/24 --port-ip "(1,10.0.1.1/24)": no gateway MAC anywhere */
	dp_ports_build(&ps, 0x3, A_IP0, 24, NULL, &pip, 1, 22030);
	rte_eth_macaddr_get(port0, &ps.p[0].iface.mac);
	rte_eth_macaddr_get(port1, &ps.p[1].iface.mac);
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	if (dp_arp_init(&arp, &ps, 1, pool, false, "test_arp") != 0)
		return -1;
	mac = dp_arp_next_hop_mac(&arp, B_IP); /* as node_update.c picks it */
	if (mac == NULL || dp_node_table_init(&table, 8, keys[0].x25519_sk, keys[0].x25519_pk) ||
	    dp_node_table_add(&table, pub[1].ed25519, pub[1].x25519, B_IP, 22030, mac) ||
	    dp_worker_init(&a, 1, &conf, &ps.p[0].iface, &keys[0], &table, 0) != 0 ||
	    dp_reply_init(&a, pool) != 0)
		return -1;
	a.ports = &ps;
	a.txq[0] = a.txq[1] = 0;
	a.arp = &arp;
	if (dp_worker_init(&w2, 2, &conf, &ps.p[0].iface, &keys[0], &table, 0) != 0 ||
	    dp_reply_init(&w2, pool) != 0)
		return -1;
	w2.ports = &ps;
	w2.txq[0] = w2.txq[1] = 0;
	w2.arp = &arp;
	return 0;
}

/* A client's CREATE for client -> A -> B, entering A on port 0. */
static struct rte_mbuf *
client_create(void)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	struct snc_onion on;
	struct snc_payload p;
	struct snc_route_entry e;
	uint8_t seeds[2][32], mask[5], dh[32], eph_sk[32], eph_pk[32];
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint64_t label;
	uint8_t *cell;
	uint32_t used;

	randombytes_buf(seeds, sizeof(seeds));
	randombytes_buf(&label, sizeof(label));
	label |= 1;
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_XCHACHA20, pub, 1, &pub[1],
						 (const uint8_t *)body, strlen(body), &seeds[0][0],
						 &on),
			 0);
	snc_onion_layer_keypair_from_seed(seeds[0], eph_sk, eph_pk);
	assert_non_null(m);
	assert_int_equal(snc_payload_parse(on.payload, on.payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	assert_int_equal(crypto_scalarmult(dh, eph_sk, keys[0].x25519_pk), 0);
	snc_cell_mask(dh, DP_CELL_CREATE, label, 0, mask);
	assert_non_null(rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL));
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	used = dp_cell_write_create(cell, 0, DP_CELL_FLAG_CLIENT, label, (uint8_t)e.enc_type, 1,
				    e.eph_pk, 0, mask, p.blob, (uint32_t)p.blob_len);
	assert_true(used > 0);
	memset(cell + used, 0, DP_CELL_SMALL - used);
	dp_pkt_write_headers(m, &client_if, &ps.p[0].iface.mac, A_IP0, 22030, DP_CELL_SMALL);
	snc_onion_free(&on);
	return m;
}

/* Asserts that the worker calls since the last check allocated nothing. */
static void
assert_no_alloc(void)
{
	assert_no_alloc_counted();
	alloc_count_reset();
}

static void
create_in_on(struct dp_worker *w)
{
	struct rte_mbuf *m = client_create();

	alloc_count_arm(); /* what the worker does is counted (assert_no_alloc) */
	dp_loop_burst(w, port0, 0, &m, 1, now);
	alloc_count_disarm();
}

static void
create_in(void)
{
	create_in_on(&a);
}

/* An ARP frame of len bytes into A on port 1: a reply from (sha, spa) to (tha, tpa). */
static void
arp_in(uint16_t op, const uint8_t eth_dst[6], const uint8_t sha[6], uint32_t spa,
       const uint8_t tha[6], uint32_t tpa, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *f;

	assert_non_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, DP_ARP_FRAME_MIN);
	assert_non_null(f);
	dp_arp_frame_write_request(f, sha, spa, tpa);
	memcpy(f, eth_dst, 6);
	f[21] = (uint8_t)op;
	memcpy(f + 32, tha, 6);
	rte_pktmbuf_trim(m, (uint16_t)(DP_ARP_FRAME_MIN - len));
	alloc_count_arm();
	dp_loop_burst(&a, port1, 0, &m, 1, now);
	alloc_count_disarm();
}

/* A worker's loop iteration of ARP work at now (counted as create_in_on is). */
static unsigned
service(struct dp_worker *w)
{
	unsigned n;

	alloc_count_arm();
	n = dp_arp_service(w, now);
	alloc_count_disarm();
	return n;
}

/* The frames w holds for B on port 1, oldest first; returns how many. */
static unsigned
held_for_b(const struct dp_worker *w, struct rte_mbuf **out)
{
	int i = dp_arp_hold_find(&w->arp_hold, port1, B_IP);

	if (i < 0)
		return 0;
	for (unsigned k = 0; k < w->arp_hold.a[i].n; k++)
		out[k] = w->arp_hold.a[i].f[k];
	return w->arp_hold.a[i].n;
}

/* n frames sent on port 1: pkts[k] is want[k] (the same mbuf, in order), a cell to B's MAC. */
static void
assert_sent_in_order(struct rte_mbuf **want, uint16_t n)
{
	struct rte_mbuf *pkts[DP_BURST];

	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), n);
	for (uint16_t k = 0; k < n; k++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[k], const uint8_t *);

		assert_ptr_equal(pkts[k], want[k]);
		assert_memory_equal(f, b_mac, 6);
		assert_memory_equal(f + 6, ps.p[1].iface.mac.addr_bytes, 6);
		assert_int_equal(eal_test_be32_at(f + 30), B_IP);
	}
	eal_test_free_all(pkts, n);
}

static void
reply_from_b(const uint8_t mac[6])
{
	arp_in(2, ps.p[1].iface.mac.addr_bytes, mac, B_IP, ps.p[1].iface.mac.addr_bytes, A_IP1,
	       DP_ARP_FRAME_MIN);
}

/* The one ARP request A sent on port 1 for B: every field. */
static void
assert_request(struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *), *me = ps.p[1].iface.mac.addr_bytes;
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, zero[18];

	assert_int_equal(rte_pktmbuf_data_len(m), 60);
	assert_memory_equal(f, bcast, 6);  /* to everyone on the link */
	assert_memory_equal(f + 6, me, 6); /* from port 1 */
	assert_int_equal(f[12] << 8 | f[13], 0x0806);
	assert_int_equal(f[14] << 8 | f[15], 1);      /* hardware: Ethernet */
	assert_int_equal(f[16] << 8 | f[17], 0x0800); /* protocol: IPv4 */
	assert_int_equal(f[18], 6);
	assert_int_equal(f[19], 4);
	assert_int_equal(f[20] << 8 | f[21], 1);	   /* request */
	assert_memory_equal(f + 22, me, 6);		   /* sender: port 1's MAC ... */
	assert_int_equal(eal_test_be32_at(f + 28), A_IP1); /* ... and address */
	assert_memory_equal(f + 32, zero, 6);		   /* target MAC: unknown */
	assert_int_equal(eal_test_be32_at(f + 38), B_IP);  /* who has B? */
	assert_memory_equal(f + 42, zero, 18);		   /* padding */
	assert_int_equal(m->port, port1);
}

static void
next_hop_mac_precedence(void **state)
{
	struct dp_ports g;
	struct dp_arp ga;
	const uint8_t gw[6] = {2, 0, 0, 0, 0, 0x99};
	const struct dp_port_ip pip = {.port = 1,
				       .prefix = 24,
				       .ip = A_IP1,
				       .have_gateway = true,
				       .gateway_mac = {2, 0, 0, 0, 0, 0x98}};
	static const uint8_t zero[6];

	(void)state;
	/* no gateway: on-link hops by ARP; off-link and the subnet's edges have no MAC */
	assert_memory_equal(dp_arp_next_hop_mac(&arp, B_IP), zero, 6);
	assert_memory_equal(dp_arp_next_hop_mac(&arp, CLIENT_IP), zero, 6);
	assert_null(dp_arp_next_hop_mac(&arp, 0x0b000001)); /* 11.0.0.1: off-link */
	assert_null(dp_arp_next_hop_mac(&arp, 0x0a0001ff)); /* 10.0.1.255: broadcast */
	assert_null(dp_arp_next_hop_mac(&arp, 0x0a000100)); /* 10.0.1.0: the subnet */
	assert_null(dp_arp_next_hop_mac(&arp, A_IP1));	    /* ourselves */
	/* with gateway MACs: the gateway, unless --arp on-link */
	dp_ports_build(&g, 0x3, A_IP0, 24, gw, &pip, 1, 22030);
	assert_int_equal(dp_arp_init(&ga, &g, 1, pool, false, "test_arp_g"), 0);
	assert_memory_equal(dp_arp_next_hop_mac(&ga, B_IP), pip.gateway_mac, 6);
	assert_memory_equal(dp_arp_next_hop_mac(&ga, 0x0b000001), gw, 6); /* default port's */
	dp_arp_free(&ga);
	assert_int_equal(dp_arp_init(&ga, &g, 1, pool, true, "test_arp_g"), 0);
	assert_memory_equal(dp_arp_next_hop_mac(&ga, B_IP), zero, 6);
	assert_memory_equal(dp_arp_next_hop_mac(&ga, 0x0b000001), gw, 6);
	dp_arp_free(&ga);
	/* --ip without /LEN: no subnet, no table, nothing on-link */
	dp_ports_build(&g, 0x1, A_IP0, 32, NULL, NULL, 0, 22030);
	assert_int_equal(dp_arp_init(&ga, &g, 1, pool, true, "test_arp_g"), 0);
	assert_null(ga.t[0]);
	assert_null(dp_arp_next_hop_mac(&ga, B_IP));
	dp_arp_free(&ga);
}

static void
create_to_unresolved_hop_is_held_then_leaves_in_order(void **state)
{
	struct rte_mbuf *pkts[DP_BURST], *held[DP_ARP_HOLD_FRAMES_MAX];
	unsigned before = rte_mempool_avail_count(pool);
	uint16_t n;

	(void)state;
	alloc_count_reset();
	assert_int_equal(a.arp_hold.per_addr, DP_ARP_HOLD_FRAMES_DEFAULT);
	/* the first CREATE: relayed, but its next hop has no MAC yet: held */
	create_in();
	assert_int_equal(a.stats.create_relayed, 1);
	assert_int_equal(a.arp_hold.nframes, 1);
	assert_int_equal(a.arp_hold.naddrs, 1);
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 0);
	assert_int_equal(eal_test_sent_on(port0, pkts, DP_BURST), 0);
	/* the owner (this worker) sends one request out of port 1 */
	assert_int_equal(service(&a), 1);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	assert_request(pkts[0]);
	eal_test_free_all(pkts, n);
	assert_int_equal(eal_test_sent_on(port0, pkts, DP_BURST), 0);
	assert_int_equal(arp.sent, 1);
	/* more cells before the answer: held up to --arp-hold (4), the 5th dropped; no second
	 * request within 1 s */
	now += S / 2;
	for (int k = 1; k < DP_ARP_HOLD_FRAMES_DEFAULT; k++)
		create_in();
	assert_int_equal(a.arp_hold.nframes, DP_ARP_HOLD_FRAMES_DEFAULT);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_HOLD_FULL], 0);
	create_in();
	assert_int_equal(a.arp_hold.nframes, DP_ARP_HOLD_FRAMES_DEFAULT);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_HOLD_FULL], 1);
	assert_int_equal(held_for_b(&a, held), DP_ARP_HOLD_FRAMES_DEFAULT);
	service(&a);
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 0);
	assert_int_equal(arp.sent, 1);
	assert_int_equal(a.arp_hold.nframes, DP_ARP_HOLD_FRAMES_DEFAULT); /* still waiting */
	/* B answers: the owner learns it and the held cells leave, in their order */
	reply_from_b(b_mac);
	assert_int_equal(service(&a), 1 + DP_ARP_HOLD_FRAMES_DEFAULT);
	assert_int_equal(arp.t[1]->c.learned, 1);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_UNSOLICITED], 0);
	assert_sent_in_order(held, DP_ARP_HOLD_FRAMES_DEFAULT);
	assert_int_equal(a.arp_hold.nframes, 0);
	assert_int_equal(a.arp_hold.naddrs, 0);
	assert_int_equal(a.arp_hold.held, DP_ARP_HOLD_FRAMES_DEFAULT);
	assert_int_equal(a.arp_hold.released, DP_ARP_HOLD_FRAMES_DEFAULT);
	/* the next CREATE leaves on port 1 to B's MAC at once */
	create_in();
	assert_int_equal(a.stats.create_relayed, 2 + DP_ARP_HOLD_FRAMES_DEFAULT);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[0], uint8_t *), b_mac, 6);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[0], uint8_t *) + 6, ps.p[1].iface.mac.addr_bytes,
			    6);
	assert_int_equal(eal_test_be32_at(rte_pktmbuf_mtod(pkts[0], uint8_t *) + 30), B_IP);
	eal_test_free_all(pkts, n);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_UNRESOLVED], 0);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_HOLD_FULL], 1);
	assert_int_equal(rte_mempool_avail_count(pool), before);
	assert_no_alloc();
}

static void
bad_and_unasked_arp_is_counted_and_changes_nothing(void **state)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t *me = ps.p[1].iface.mac.addr_bytes;
	struct rte_mbuf *pkts[DP_BURST];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t bad = a.stats.drops[DP_DROP_ARP_BAD];
	uint64_t unasked = a.stats.drops[DP_DROP_ARP_UNSOLICITED];
	uint64_t not_cell = a.stats.drops[DP_DROP_NOT_CELL];
	uint16_t n;

	(void)state;
	arp_in(2, me, spoof_mac, B_IP, me, A_IP1, DP_ARP_FRAME_LEN - 1);    /* short */
	arp_in(2, me, spoof_mac, B_IP, me, A_IP1, 14);			    /* header only */
	arp_in(3, me, spoof_mac, B_IP, me, A_IP1, DP_ARP_FRAME_MIN);	    /* opcode 3 */
	arp_in(2, me, spoof_mac, B_IP, me, A_IP0, DP_ARP_FRAME_MIN);	    /* not our address */
	arp_in(2, me, spoof_mac, B_IP, spoof_mac, A_IP1, DP_ARP_FRAME_MIN); /* not our MAC */
	arp_in(2, me, bcast, B_IP, me, A_IP1, DP_ARP_FRAME_MIN);	    /* sender broadcast */
	assert_int_equal(a.stats.drops[DP_DROP_ARP_BAD], bad + 6);
	{ /* wrong hardware and protocol types */
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, DP_ARP_FRAME_MIN);

		dp_arp_frame_write_request(f, spoof_mac, B_IP, A_IP1);
		f[15] = 6;
		dp_loop_burst(&a, port1, 0, &m, 1, now);
		m = rte_pktmbuf_alloc(pool);
		f = (uint8_t *)rte_pktmbuf_append(m, DP_ARP_FRAME_MIN);
		dp_arp_frame_write_request(f, spoof_mac, B_IP, A_IP1);
		f[16] = 0x86;
		f[17] = 0xdd;
		dp_loop_burst(&a, port1, 0, &m, 1, now);
	}
	assert_int_equal(a.stats.drops[DP_DROP_ARP_BAD], bad + 8);
	/* a reply for an address A never asked for, a gratuitous one, one from off-link,
	 * and a second reply for B with another MAC (B was answered already) */
	arp_in(2, me, spoof_mac, 0x0a000109, me, A_IP1, DP_ARP_FRAME_MIN);
	arp_in(2, bcast, spoof_mac, B_IP, bcast, B_IP, DP_ARP_FRAME_MIN);
	arp_in(2, me, spoof_mac, 0x0b000001, me, A_IP1, DP_ARP_FRAME_MIN);
	reply_from_b(spoof_mac);
	/* another host's reply to someone else (the port is promiscuous): not ours */
	arp_in(2, spoof_mac, b_mac, B_IP, spoof_mac, 0x0a000109, DP_ARP_FRAME_MIN);
	dp_arp_service(&a, now);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_UNSOLICITED], unasked + 4);
	assert_int_equal(a.stats.drops[DP_DROP_NOT_CELL], not_cell + 1);
	assert_int_equal(arp.t[1]->n, 1);
	/* nothing was sent, and cells still go to B's real MAC */
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 0);
	create_in();
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[0], uint8_t *), b_mac, 6);
	eal_test_free_all(pkts, n);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

static void
silent_next_hop_is_forgotten_and_its_held_cells_dropped(void **state)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t failed = arp.t[1]->c.failed;
	uint16_t n;

	(void)state;
	alloc_count_reset();
	/* B stays in use: refreshed from its 50th second, then 3 requests go unanswered */
	now += DP_ARP_REFRESH_NS;
	service(&a);
	for (int k = 1; k <= 2; k++) {
		now += S;
		service(&a);
	}
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 3);
	for (uint16_t k = 0; k < n; k++)
		assert_request(pkts[k]);
	eal_test_free_all(pkts, n);
	create_in(); /* still served with the old MAC while it is asked again */
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[0], uint8_t *), b_mac, 6);
	eal_test_free_all(pkts, n);
	assert_int_equal(a.arp_hold.nframes, 0);
	now += S;
	service(&a);
	assert_int_equal(arp.t[1]->c.failed, failed + 1);
	assert_int_equal(arp.t[1]->n, 0);
	/* the next cell starts over: held, one new request ... */
	create_in();
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 0);
	service(&a);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	assert_request(pkts[0]);
	eal_test_free_all(pkts, n);
	assert_int_equal(a.arp_hold.nframes, 1);
	/* ... and B answers none of the 3: the table forgets it after 3 s and the cell held
	 * for it is dropped then (before the hold's own 3.5 s) */
	for (int k = 1; k <= 2; k++) {
		now += S;
		service(&a);
		assert_int_equal(a.arp_hold.nframes, 1);
	}
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 2);
	eal_test_free_all(pkts, n);
	now += S;
	service(&a);
	assert_int_equal(arp.t[1]->c.failed, failed + 2);
	assert_int_equal(a.arp_hold.nframes, 0);
	assert_int_equal(a.arp_hold.naddrs, 0);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_FAILED], 1);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_HOLD_TIMEOUT], 0);
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 0);
	assert_int_equal(rte_mempool_avail_count(pool), before);
	assert_no_alloc();
}

/* Left by the case above: B not in the table. With B's bucket full of other addresses the
 * table cannot take B: its cells are held 3.5 s, then dropped (arp_hold_timeout). */
static void
hop_the_table_cannot_take_times_out(void **state)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned before = rte_mempool_avail_count(pool), k = 0;
	uint64_t full = arp.t[1]->c.full, failed = arp.t[1]->c.failed;
	uint64_t t0;
	uint16_t n;

	(void)state;
	alloc_count_reset();
	for (uint32_t ip = 0x0b000001; k < DP_ARP_WAYS; ip++) /* 8 others in B's bucket */
		if (dp_arp_bucket(ip) == dp_arp_bucket(B_IP) &&
		    dp_arp_table_want(arp.t[1], ip, now) == 1)
			k++;
	t0 = now;
	create_in();
	create_in();
	assert_int_equal(a.arp_hold.nframes, 2);
	service(&a);
	assert_int_equal(arp.t[1]->c.full, full + 1); /* B refused */
	/* the 8 others are asked at 1 s and 2 s and forgotten at 3 s; B, never in the table,
	 * is held until 3.5 s */
	while (now + S / 4 < t0 + DP_ARP_HOLD_NS) {
		now += S / 4;
		service(&a);
		assert_int_equal(a.arp_hold.nframes, 2);
	}
	assert_int_equal(arp.t[1]->c.failed, failed + DP_ARP_WAYS);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 2 * DP_ARP_WAYS);
	eal_test_free_all(pkts, n);
	now = t0 + DP_ARP_HOLD_NS;
	service(&a);
	assert_int_equal(a.arp_hold.nframes, 0);
	assert_int_equal(a.arp_hold.naddrs, 0);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_HOLD_TIMEOUT], 2);
	assert_int_equal(a.stats.drops[DP_DROP_ARP_FAILED], 1);
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 0);
	assert_int_equal(arp.t[1]->n, 0);
	assert_int_equal(rte_mempool_avail_count(pool), before);
	assert_no_alloc();
}

/* Left by the case above: B not in the table. Another worker's cells and the reply it
 * receives reach the tables only through the owner; its held cells leave before a newer
 * one, in the newer one's flush. */
static void
another_worker_goes_through_the_owner(void **state)
{
	struct rte_mbuf *pkts[DP_BURST], *held[DP_ARP_HOLD_FRAMES_MAX + 1];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t learned = arp.t[1]->c.learned;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *f;
	uint16_t n;

	(void)state;
	alloc_count_reset();
	create_in(); /* A asks for B again */
	service(&a);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	assert_request(pkts[0]);
	eal_test_free_all(pkts, n);
	create_in_on(&w2); /* B pending: held on w2 too */
	create_in_on(&w2);
	assert_int_equal(w2.arp_hold.nframes, 2);
	assert_int_equal(held_for_b(&w2, held), 2);
	assert_non_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, DP_ARP_FRAME_MIN);
	dp_arp_frame_write_request(f, b_mac, B_IP, A_IP1);
	memcpy(f, ps.p[1].iface.mac.addr_bytes, 6);
	f[21] = 2;
	memcpy(f + 32, ps.p[1].iface.mac.addr_bytes, 6);
	alloc_count_arm();
	dp_loop_burst(&w2, port1, 0, &m, 1, now); /* B's reply reaches w2 */
	alloc_count_disarm();
	assert_int_equal(service(&w2), 0); /* w2 writes nothing, and still holds its cells */
	assert_int_equal(w2.arp_hold.nframes, 2);
	assert_int_equal(arp.t[1]->c.learned, learned);
	assert_int_equal(service(&a), 2); /* the reply, and A's own held cell */
	assert_int_equal(arp.t[1]->c.learned, learned + 1);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	eal_test_free_all(pkts, n);
	/* a newer cell on w2 before its loop looked: its 2 held cells leave first */
	create_in_on(&w2);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 3);
	assert_ptr_equal(pkts[0], held[0]);
	assert_ptr_equal(pkts[1], held[1]);
	for (uint16_t k = 0; k < n; k++)
		assert_memory_equal(rte_pktmbuf_mtod(pkts[k], uint8_t *), b_mac, 6);
	eal_test_free_all(pkts, n);
	assert_int_equal(w2.arp_hold.nframes, 0);
	assert_int_equal(w2.arp_hold.released, 2);
	assert_int_equal(w2.stats.drops[DP_DROP_ARP_UNRESOLVED], 0);
	assert_int_equal(rte_mempool_avail_count(pool), before);
	assert_no_alloc();
}

/* A frame from A's port 1 to ip with the zero MAC ("resolve by ARP"), queued on w. */
static void
frame_to(struct dp_worker *w, uint32_t ip)
{
	static const struct rte_ether_addr zero;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL));
	memset(rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN), 0, DP_CELL_SMALL);
	dp_pkt_write_headers(m, &ps.p[1].iface, &zero, ip, 22030, DP_CELL_SMALL);
	w->tx[w->ntx++] = m;
}

/* --arp-hold 0 holds nothing (the frame is dropped, arp_unresolved, and still asked for);
 * a worker freed while it holds frames gives them back to the pool. */
static void
no_hold_and_freed_with_frames_held(void **state)
{
	const uint32_t c_ip = 0x0a000103; /* 10.0.1.3: on-link, nobody there */
	struct dp_worker_conf conf;
	struct dp_worker w3;
	struct rte_mbuf *pkts[DP_BURST];
	unsigned before = rte_mempool_avail_count(pool);
	uint16_t n;

	(void)state;
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	assert_int_equal(dp_worker_init(&w3, 3, &conf, &ps.p[0].iface, &keys[0], &table, 0), 0);
	w3.ports = &ps;
	w3.arp = &arp;
	w3.arp_hold.per_addr = 0; /* --arp-hold 0 */
	frame_to(&w3, c_ip);
	dp_arp_resolve_tx(&w3);
	assert_int_equal(w3.ntx, 0);
	assert_int_equal(w3.stats.drops[DP_DROP_ARP_UNRESOLVED], 1);
	assert_int_equal(w3.arp_hold.nframes, 0);
	assert_int_equal(rte_mempool_avail_count(pool), before);
	dp_arp_hold_init(&w3.arp_hold, DP_ARP_HOLD_FRAMES_DEFAULT);
	for (int k = 0; k < 3; k++)
		frame_to(&w3, c_ip);
	dp_arp_resolve_tx(&w3);
	assert_int_equal(w3.ntx, 0);
	assert_int_equal(w3.arp_hold.nframes, 3);
	assert_int_equal(rte_mempool_avail_count(pool), before - 3);
	dp_worker_free(&w3); /* with 3 frames held */
	assert_int_equal(rte_mempool_avail_count(pool), before);
	/* the owner asks once for 10.0.1.3 (the two wants are one) */
	service(&a);
	n = eal_test_sent_on(port1, pkts, DP_BURST);
	assert_int_equal(n, 1);
	assert_int_equal(eal_test_be32_at(rte_pktmbuf_mtod(pkts[0], uint8_t *) + 38), c_ip);
	eal_test_free_all(pkts, n);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(next_hop_mac_precedence),
		cmocka_unit_test(create_to_unresolved_hop_is_held_then_leaves_in_order),
		cmocka_unit_test(bad_and_unasked_arp_is_counted_and_changes_nothing),
		cmocka_unit_test(silent_next_hop_is_forgotten_and_its_held_cells_dropped),
		cmocka_unit_test(hop_the_table_cannot_take_times_out),
		cmocka_unit_test(another_worker_goes_through_the_owner),
		cmocka_unit_test(no_hold_and_freed_with_frames_held),
	};
	static const char *const vdevs[] = {"net_ring0", "net_ring1", NULL};
	int rc;

	if (eal_test_init("arp", vdevs) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_arp", POOL, SOCKET_ID_ANY);
	rc = cmocka_run_group_tests_name("dpdk/arp", tests, group_setup, NULL);
	dp_worker_free(&a);
	dp_worker_free(&w2);
	dp_arp_free(&arp);
	dp_node_table_free(&table);
	for (uint16_t p = 0; p < 2; p++)
		dp_port_shutdown(p);
	rte_mempool_free(pool);
	eal_test_cleanup();
	return rc;
}
