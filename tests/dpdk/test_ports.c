/* SPDX-License-Identifier: MIT */
/*
 * Several ports (dataplane/ports.c, tx.c, loop.c) on real EAL and mbufs. Node
 * A has two ports: net_ring0 (port 0, 10.0.0.1/24, where the client 10.0.0.100
 * is) and net_ring1 (port 1, 10.0.1.1/24, where node B 10.0.1.2 is); B has
 * net_ring2. Each net_ring loops back, so what a node transmits on a port is
 * read back from that port. A client's CREATE for client -> A -> B enters A on
 * port 0 and must leave on port 1 only, with port 1's MAC and address; B's
 * reply enters A on port 1 and must leave on port 0 only, toward the client,
 * which opens it (both reply modes). ARP is answered per port, the per-port
 * counters add up, and no mbuf leaks. dp_tx_burst (tx.c) sends each port's
 * datagrams in order and, when a queue refuses some, hands back the sent first
 * with each slot's original index (the reply pump rewinds by it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "cell_mask.h"
#include "eal_test.h"
#include "loop.h"
#include "mempool.h"
#include "onion_build.h"
#include "port.h"
#include "ports.h"
#include "reply.h"
#include "snc.h"
#include "tx.h"

enum {
	A_IP0 = 0x0a000001,	/* 10.0.0.1/24: A on port 0 */
	A_IP1 = 0x0a000101,	/* 10.0.1.1/24: A on port 1 */
	B_IP = 0x0a000102,	/* 10.0.1.2: B, on port 1's subnet */
	CLIENT_IP = 0x0a000064, /* 10.0.0.100: on port 0's subnet */
	POOL = 4096,		/* room for a full net_ring (1,023 frames) */
};

static struct rte_mempool *pool;
static uint16_t port0, port1, portb;
static struct dp_ports ps; /* A's ports */
static struct snc_node_keys keys[2];
static struct snc_onion_node pub[2];
static struct dp_node_table tables[2];
static struct dp_worker a, b;
static const uint8_t b_mac[6] = {2, 0, 0, 0, 0, 0xb};
static const struct dp_iface client_if = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 0x64}}, .ip = CLIENT_IP, .port = 40000};

static struct {
	int n;
	uint64_t label;
	struct dp_addr prev;
} got;

static enum dp_drop_reason
on_deliver(struct dp_worker *w, const struct dp_delivery *d, struct rte_mbuf *m, void *arg)
{
	(void)w;
	(void)arg;
	got.n++;
	got.label = d->circuit->in_label;
	got.prev = d->circuit->prev;
	rte_pktmbuf_free(m);
	return DP_DROP_NONE;
}

/* A frame from (src_mac, src_ip) to (dst_mac, dst_ip): its Ethernet, IPv4 and UDP fields. */
static void
assert_frame(const struct rte_mbuf *m, const struct rte_ether_addr *src_mac, uint32_t src_ip,
	     const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t dst_port)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

	assert_memory_equal(f, dst_mac, 6);
	assert_memory_equal(f + 6, src_mac->addr_bytes, 6);
	assert_int_equal(eal_test_be32_at(f + 26), src_ip);
	assert_int_equal(eal_test_be32_at(f + 30), dst_ip);
	assert_int_equal((uint16_t)(f[36] << 8 | f[37]), dst_port);
}

static int
group_setup(void **state)
{
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};
	const struct dp_port_ip pip = {.port = 1, .prefix = 24, .ip = A_IP1};
	struct dp_worker_conf conf;
	struct dp_iface b_if = {.ip = B_IP, .port = 22030};

	(void)state;
	if (rte_eth_dev_get_port_by_name("net_ring0", &port0) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring1", &port1) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring2", &portb) != 0 || port0 != 0 || port1 != 1)
		return -1;
	for (int i = 0; i < 3; i++)
		if (dp_port_configure((uint16_t)i, &pc, pool) != 0 || dp_port_start((uint16_t)i))
			return -1;
	for (int i = 0; i < 2; i++) {
		uint8_t seed[32];
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, keys[i].x25519_sk, pub[i].x25519);
		memcpy(keys[i].x25519_pk, pub[i].x25519, 32);
		randombytes_buf(pub[i].ed25519, 32);
		if (dp_node_table_init(&tables[i], 8, keys[i].x25519_sk, keys[i].x25519_pk) != 0)
			return -1;
	}
	/* A: two ports, --ip 10.0.0.1/24 --port-ip "(1,10.0.1.1/24)" */
	dp_ports_build(&ps, 0x3, A_IP0, 24, NULL, &pip, 1, 22030);
	rte_eth_macaddr_get(port0, &ps.p[0].iface.mac);
	rte_eth_macaddr_get(port1, &ps.p[1].iface.mac);
	memcpy(b_if.mac.addr_bytes, b_mac, 6);
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	if (dp_node_table_add(&tables[0], pub[1].ed25519, pub[1].x25519, B_IP, 22030, b_mac) ||
	    dp_node_table_add(&tables[1], pub[0].ed25519, pub[0].x25519, A_IP1, 22030,
			      ps.p[1].iface.mac.addr_bytes) ||
	    dp_worker_init(&a, 1, &conf, &ps.p[0].iface, &keys[0], &tables[0], 0) != 0 ||
	    dp_worker_init(&b, 2, &conf, &b_if, &keys[1], &tables[1], 0) != 0 ||
	    dp_reply_init(&a, pool) != 0 || dp_reply_init(&b, pool) != 0)
		return -1;
	a.ports = &ps;
	a.txq[0] = a.txq[1] = 0;
	b.deliver = on_deliver;
	return 0;
}

/* What the client knows after building the onion client -> A -> B. */
struct client {
	struct snc_onion on;
	uint8_t seeds[2][32];
	uint8_t kr0[32]; /* A's reply key */
	uint64_t label;
	uint8_t mode;
};

static struct rte_mbuf *
client_create(struct client *cl, uint8_t mode)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	struct snc_payload p;
	struct snc_route_entry e;
	uint8_t mask[5], dh[32], eph_sk[32], eph_pk[32], key[32], kf[32];
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *cell;
	uint32_t used;

	memset(cl, 0, sizeof(*cl));
	cl->mode = mode;
	randombytes_buf(cl->seeds, sizeof(cl->seeds));
	randombytes_buf(&cl->label, sizeof(cl->label));
	cl->label |= 1;
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_XCHACHA20, pub, 1, &pub[1],
						 (const uint8_t *)body, strlen(body),
						 &cl->seeds[0][0], &cl->on),
			 0);
	snc_onion_layer_keypair_from_seed(cl->seeds[0], eph_sk, eph_pk);
	assert_int_equal(
		snc_onion_layer_client_key(SNC_ENC_XCHACHA20, eph_sk, eph_pk, pub[0].x25519, key),
		0);
	snc_cell_data_keys(key, kf, cl->kr0);
	assert_non_null(m);
	assert_int_equal(snc_payload_parse(cl->on.payload, cl->on.payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	assert_int_equal(crypto_scalarmult(dh, eph_sk, keys[0].x25519_pk), 0);
	snc_cell_mask(dh, DP_CELL_CREATE, cl->label, 0, mask);
	assert_non_null(rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL));
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	used = dp_cell_write_create(cell, 0, DP_CELL_FLAG_CLIENT, cl->label, (uint8_t)e.enc_type,
				    mode, e.eph_pk, 0, mask, p.blob, (uint32_t)p.blob_len);
	assert_true(used > 0);
	memset(cell + used, 0, DP_CELL_SMALL - used);
	dp_pkt_write_headers(m, &client_if, &ps.p[0].iface.mac, A_IP0, 22030, DP_CELL_SMALL);
	return m;
}

/* The body the client reads from A's REPLY cell. */
static size_t
client_open(const struct client *cl, const uint8_t *cell, uint8_t *out, size_t cap)
{
	uint8_t raw[DP_CELL_SMALL];
	struct dp_cell c;
	uint8_t mask[5];
	size_t len = 0;
	uint32_t n;

	assert_int_equal(dp_cell_parse(cell, DP_CELL_SMALL, &c), DP_DROP_NONE);
	assert_int_equal(c.kind, DP_CELL_REPLY);
	assert_true(c.label == cl->label);
	snc_cell_mask(cl->kr0, DP_CELL_REPLY, cl->label, c.seq, mask);
	assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
	memcpy(raw, c.data, c.data_len);
	n = c.data_len;
	if (cl->mode == DP_CELL_REPLY_LAYERED) { /* A's layer, then B's (both keys are the
						    client's: it built the onion) */
		uint8_t sk[32], pk[32], key[32], kf[32], kr1[32];

		assert_int_equal(snc_cell_data_open(cl->kr0, c.seq, raw, n, raw), 0);
		n -= DP_REPLY_LAYER;
		snc_onion_layer_keypair_from_seed(cl->seeds[1], sk, pk);
		assert_int_equal(
			snc_onion_layer_client_key(SNC_ENC_XCHACHA20, sk, pk, pub[1].x25519, key),
			0);
		snc_cell_data_keys(key, kf, kr1);
		assert_int_equal(snc_cell_data_open(kr1, c.seq, raw, n, raw), 0);
		n -= DP_REPLY_LAYER;
		memcpy(out, raw, n);
		return n;
	}
	assert_int_equal(snc_onion_open_reply(&cl->on, raw, n, out, cap, &len), 0);
	return len;
}

static void
create_leaves_on_the_next_hops_port_and_reply_on_the_clients(void **state)
{
	static const char reply[] = "{\"status\":200,\"body\":\"two ports\"}";
	struct rte_mbuf *pkts[DP_BURST];
	unsigned before = rte_mempool_avail_count(pool);
	uint8_t out[256];
	struct client cl;

	(void)state;
	for (uint8_t mode = 0; mode <= 1; mode++) {
		struct dp_port_counters c0 = a.port_stats[0], c1 = a.port_stats[1];
		uint16_t n;

		/* the CREATE enters A on port 0 ... */
		dp_loop_burst(&a, port0, 0, (struct rte_mbuf *[]){client_create(&cl, mode)}, 1, 1);
		assert_int_equal(a.stats.create_relayed, mode + 1);
		assert_int_equal(eal_test_sent_on(port0, pkts, DP_BURST),
				 0);			     /* ... nothing back out on port 0 */
		n = eal_test_sent_on(port1, pkts, DP_BURST); /* ... and leaves on port 1 to B */
		assert_int_equal(n, 1);
		assert_frame(pkts[0], &ps.p[1].iface.mac, A_IP1, b_mac, B_IP, 22030);
		assert_int_equal(a.port_stats[0].rx, c0.rx + 1);
		assert_int_equal(a.port_stats[1].tx, c1.tx + 1);
		assert_int_equal(a.port_stats[0].tx, c0.tx);
		/* B takes it as the destination: A's port-1 address is its previous hop */
		dp_loop_burst(&b, portb, 0, pkts, 1, 1);
		assert_int_equal(got.n, mode + 1);
		assert_int_equal(got.prev.ip, A_IP1);
		assert_int_equal(dp_reply_submit(&b, got.label, &got.prev, 0,
						 (const uint8_t *)reply, strlen(reply), 1),
				 DP_DROP_NONE);
		while (dp_reply_pending(&b) > 0)
			dp_reply_pump(&b, portb, 0, 1);
		n = eal_test_sent_on(portb, pkts, DP_BURST);
		assert_int_equal(n, 1);
		assert_int_equal(eal_test_be32_at(rte_pktmbuf_mtod(pkts[0], uint8_t *) + 30),
				 A_IP1);
		/* the REPLY enters A on port 1 and leaves on port 0, to the client */
		dp_loop_burst(&a, port1, 0, pkts, 1, 1);
		assert_int_equal(a.stats.reply_relayed, mode + 1);
		assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 0);
		n = eal_test_sent_on(port0, pkts, DP_BURST);
		assert_int_equal(n, 1);
		assert_frame(pkts[0], &ps.p[0].iface.mac, A_IP0, client_if.mac.addr_bytes,
			     CLIENT_IP, 40000);
		assert_int_equal(
			client_open(&cl,
				    rte_pktmbuf_mtod_offset(pkts[0], uint8_t *, DP_PKT_HDR_LEN),
				    out, sizeof(out)),
			strlen(reply));
		assert_memory_equal(out, reply, strlen(reply));
		eal_test_free_all(pkts, n);
		snc_onion_free(&cl.on);
		assert_int_equal(a.port_stats[1].rx, c1.rx + 1);
		assert_int_equal(a.port_stats[0].tx, c0.tx + 1);
	}
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

/* An ARP request for port 1's address is answered on port 1 with port 1's MAC; the
 * same request arriving on port 0 is not this port's address and is dropped. */
static void
arp_is_answered_per_port(void **state)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint64_t not_cell = a.stats.drops[DP_DROP_NOT_CELL];

	(void)state;
	for (int on = 0; on < 2; on++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		struct rte_ether_hdr *eth;
		struct rte_arp_hdr *arp;
		char *p;

		assert_non_null(m);
		assert_non_null(rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp)));
		p = rte_pktmbuf_mtod(m, char *);
		memset(p, 0, sizeof(*eth) + sizeof(*arp));
		eth = (struct rte_ether_hdr *)p;
		arp = (struct rte_arp_hdr *)(eth + 1);
		memset(eth->dst_addr.addr_bytes, 0xff, 6);
		eth->src_addr = client_if.mac;
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
		arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
		arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		arp->arp_hlen = 6;
		arp->arp_plen = 4;
		arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
		arp->arp_data.arp_sha = client_if.mac;
		arp->arp_data.arp_sip = rte_cpu_to_be_32(B_IP);
		arp->arp_data.arp_tip = rte_cpu_to_be_32(A_IP1);
		dp_loop_burst(&a, on == 0 ? port0 : port1, 0, &m, 1, 1);
	}
	assert_int_equal(a.stats.drops[DP_DROP_NOT_CELL], not_cell + 1); /* the one on port 0 */
	assert_int_equal(eal_test_sent_on(port0, pkts, DP_BURST), 0);
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST), 1);
	assert_memory_equal(rte_pktmbuf_mtod(pkts[0], uint8_t *) + 6, ps.p[1].iface.mac.addr_bytes,
			    6);
	assert_int_equal(eal_test_be32_at(rte_pktmbuf_mtod(pkts[0], uint8_t *) + 14 + 14), A_IP1);
	eal_test_free_all(pkts, 1);
}

static struct rte_mbuf *
tagged(uint16_t port, uint8_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 64));
	rte_pktmbuf_mtod(m, uint8_t *)[0] = tag;
	m->port = port;
	return m;
}

static void
tx_burst_splits_by_port_and_reports_what_was_refused(void **state)
{
	struct rte_mbuf *pkts[DP_BURST], *fill;
	uint16_t idx[6], n, room = 0, ours = 0;
	uint64_t refused = a.port_stats[1].tx_refused;
	unsigned before = rte_mempool_avail_count(pool);

	(void)state;
	/* port 1's ring full but for one frame */
	do {
		fill = tagged(1, 0xff);
		n = rte_eth_tx_burst(port1, 0, &fill, 1);
		room += n;
	} while (n == 1);
	rte_pktmbuf_free(fill);
	assert_int_equal(eal_test_sent_on(port1, pkts, DP_BURST),
			 DP_BURST); /* 32 slots free again ... */
	eal_test_free_all(pkts, DP_BURST);
	for (int i = 0; i < DP_BURST - 1; i++) { /* ... and 31 taken back */
		fill = tagged(1, 0xff);
		assert_int_equal(rte_eth_tx_burst(port1, 0, &fill, 1), 1);
	}
	for (uint8_t i = 0; i < 6; i++)
		pkts[i] = tagged(i % 2 == 0 ? 1 : 0, i);
	n = dp_tx_burst(&a, 0, 0, pkts, 6, idx);
	assert_int_equal(n, 4); /* port 0's three, then port 1's first */
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 3);
	assert_int_equal(idx[2], 5);
	assert_int_equal(idx[3], 0);
	assert_int_equal(idx[4], 2); /* refused, in their order */
	assert_int_equal(idx[5], 4);
	for (int k = 0; k < 6; k++)
		assert_int_equal(rte_pktmbuf_mtod(pkts[k], uint8_t *)[0], idx[k]);
	assert_int_equal(a.port_stats[1].tx_refused, refused + 2);
	eal_test_free_all(pkts + 4, 2);
	/* what reached the wires: 1, 3, 5 on port 0; the fillers then 0 on port 1 */
	assert_int_equal(eal_test_sent_on(port0, pkts, DP_BURST), 3);
	for (int k = 0; k < 3; k++)
		assert_int_equal(rte_pktmbuf_mtod(pkts[k], uint8_t *)[0], 2 * k + 1);
	eal_test_free_all(pkts, 3);
	while ((n = eal_test_sent_on(port1, pkts, DP_BURST)) > 0) {
		for (uint16_t k = 0; k < n; k++)
			if (rte_pktmbuf_mtod(pkts[k], uint8_t *)[0] != 0xff) {
				assert_int_equal(rte_pktmbuf_mtod(pkts[k], uint8_t *)[0], 0);
				ours++;
			}
		eal_test_free_all(pkts, n);
	}
	assert_int_equal(ours, 1);
	assert_true(room > DP_BURST);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_leaves_on_the_next_hops_port_and_reply_on_the_clients),
		cmocka_unit_test(arp_is_answered_per_port),
		cmocka_unit_test(tx_burst_splits_by_port_and_reports_what_was_refused),
	};
	static const char *const vdevs[] = {"net_ring0", "net_ring1", "net_ring2", NULL};
	int rc;

	if (eal_test_init("ports", vdevs) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_ports", POOL, SOCKET_ID_ANY);
	rc = cmocka_run_group_tests_name("dpdk/ports", tests, group_setup, NULL);
	dp_worker_free(&a);
	dp_worker_free(&b);
	for (int i = 0; i < 2; i++)
		dp_node_table_free(&tables[i]);
	for (uint16_t p = 0; p < 3; p++)
		dp_port_shutdown(p);
	rte_mempool_free(pool);
	eal_test_cleanup();
	return rc;
}
