/* SPDX-License-Identifier: MIT */
/*
 * Jumbo frames on real EAL and net_ring ports: multi-segment frames (what a
 * NIC with scattered rx hands over) through the rx path (linear.c, loop.c),
 * an MTU per port on tx (frag.c, ports.h) and the MTU on the device (port.c).
 *
 * Two workers of node A with the same keys and table relay the same client
 * CREATE to B, one given it in one segment, the other as a chain of mbufs;
 * their random streams are keyed alike before each run (and they have the
 * same lcore id, which labels carry), so what they send must be the same bytes. The same for a
 * large cell that arrives as jumbo IPv4 fragments (MTU 9000), each one a chain. With no big mbuf
 * left, or none at all, a chain that needs one is dropped, counted seg_nombuf, nothing leaked.
 * Per-port MTUs: a medium cell leaves a port at MTU 9000 whole and a port at 1500 as 6 fragments,
 * both edges of the MTU; fragments stay under 2,000 bytes at MTU 9000. dp_port_configure_mtu takes
 * scattered rx exactly when a frame outgrows an rx mbuf.
 */
/* rte_eth_dev_conf_get is experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "cell_mask.h"
#include "eal_test.h"
#include "frag.h"
#include "loop.h"
#include "mempool.h"
#include "onion_build.h"
#include "port.h"
#include "ports.h"
#include "reply.h"
#include "snc.h"
#include "tx.h"

enum {
	POOL = 4096,		/* small mbufs: room for a full net_ring and the chains */
	BIG_POOL = 24,		/* big mbufs */
	A_IP = 0x0a000001,	/* 10.0.0.1 */
	B_IP = 0x0a000002,	/* 10.0.0.2: the next hop */
	CLIENT_IP = 0x0a000064, /* 10.0.0.100 */
	JUMBO_MTU = 9000,
	SEG = 1000, /* bytes per segment of a chain */
};

static struct rte_mempool *pool, *big_pool, *big_empty;
static struct snc_node_keys keys[2];
static struct snc_onion_node pub[2];
static struct dp_node_table table_a;
static struct dp_worker a_flat, a_chain, t; /* t: the tx tests' worker, two ports */
static struct dp_ports ps;
static uint16_t ring0, ring1, ring2, null0;
static const uint8_t b_mac[6] = {2, 0, 0, 0, 0, 0xb};
static const struct dp_iface a_if = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 0xa}}, .ip = A_IP, .port = 22030};
static const struct dp_iface client_if = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 0x64}}, .ip = CLIENT_IP, .port = 40000};

static uint16_t
drain(uint16_t port, struct rte_mbuf **out, uint16_t max)
{
	uint16_t n = 0, k;

	while (n < max && (k = rte_eth_rx_burst(port, 0, out + n, (uint16_t)(max - n))) > 0)
		n += k;
	return n;
}

/* len bytes as a chain of SEG-byte small mbufs. */
static struct rte_mbuf *
chain_of(const uint8_t *bytes, uint32_t len)
{
	struct rte_mbuf *head = NULL;

	for (uint32_t off = 0; off < len; off += SEG) {
		uint16_t n = (uint16_t)(len - off < SEG ? len - off : SEG);
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		assert_non_null(m);
		memcpy(rte_pktmbuf_append(m, n), bytes + off, n);
		if (head == NULL)
			head = m;
		else
			assert_int_equal(rte_pktmbuf_chain(head, m), 0);
	}
	assert_true(head->nb_segs > 1);
	assert_int_equal(rte_pktmbuf_pkt_len(head), len);
	return head;
}

/* The client's CREATE of class cls for A -> B, in one segment. */
static struct rte_mbuf *
client_create(uint8_t cls)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	uint32_t size = dp_cell_class_size(cls), used;
	struct rte_mbuf *m = rte_pktmbuf_alloc(cls == 0 ? pool : big_pool);
	uint8_t seeds[2][32], mask[5], dh[32], eph_sk[32], eph_pk[32];
	struct snc_onion on;
	struct snc_payload p;
	struct snc_route_entry e;
	uint64_t label;
	uint8_t *cell;

	assert_non_null(m);
	randombytes_buf(seeds, sizeof(seeds));
	randombytes_buf(&label, sizeof(label));
	label |= 1;
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_XCHACHA20, pub, 1, &pub[1],
						 (const uint8_t *)body, strlen(body), &seeds[0][0],
						 &on),
			 0);
	assert_int_equal(snc_payload_parse(on.payload, on.payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	snc_onion_layer_keypair_from_seed(seeds[0], eph_sk, eph_pk);
	assert_int_equal(crypto_scalarmult(dh, eph_sk, keys[0].x25519_pk), 0);
	snc_cell_mask(dh, DP_CELL_CREATE, label, 0, mask);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size)));
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	used = dp_cell_write_create(cell, cls, DP_CELL_FLAG_CLIENT, label, (uint8_t)e.enc_type, 1,
				    e.eph_pk, 0, mask, p.blob, (uint32_t)p.blob_len);
	assert_true(used > 0);
	memset(cell + used, 0, size - used);
	dp_pkt_write_headers(m, &client_if, &a_if.mac, A_IP, 22030, size);
	snc_onion_free(&on);
	return m;
}

/* Both A workers' random streams keyed alike: the same labels and padding (a new key
 * each run: a label already in a worker's circuit table would be refused). */
static void
same_randomness(void)
{
	static uint8_t key[DP_RNG_KEY_BYTES], iv[DP_RNG_IV_BYTES];

	key[0]++;

	dp_rng_free(&a_flat.rng);
	dp_rng_free(&a_chain.rng);
	assert_int_equal(dp_rng_init(&a_flat.rng, key, iv), 0);
	assert_int_equal(dp_rng_init(&a_chain.rng, key, iv), 0);
}

/* Runs pkts through w's rx path on ring0; returns the one frame it sent to B. */
static struct rte_mbuf *
relayed_by(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *out[DP_BURST];
	uint64_t before = w->stats.create_relayed;

	dp_loop_burst(w, ring0, 0, pkts, n, 1);
	assert_int_equal(w->stats.create_relayed, before + 1);
	assert_int_equal(drain(ring0, out, DP_BURST), 1);
	assert_int_equal(out[0]->nb_segs, 1);
	assert_int_equal(
		rte_be_to_cpu_32(
			rte_pktmbuf_mtod_offset(out[0], struct rte_ipv4_hdr *, 14)->dst_addr),
		B_IP);
	return out[0];
}

static void
assert_same_frame(const struct rte_mbuf *x, const struct rte_mbuf *y)
{
	assert_int_equal(rte_pktmbuf_pkt_len(x), rte_pktmbuf_pkt_len(y));
	assert_memory_equal(rte_pktmbuf_mtod(x, const uint8_t *),
			    rte_pktmbuf_mtod(y, const uint8_t *), rte_pktmbuf_pkt_len(x));
}

static void
assert_pools_back(void)
{
	assert_int_equal(rte_mempool_avail_count(pool), POOL);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_POOL);
}

/* A small and a medium CREATE as chains (2 and 9 segments) are relayed as the very
 * bytes their single-segment selves are; the small one is copied into a small mbuf,
 * the medium one into a big mbuf. */
static void
chained_create_relayed_byte_identical(void **state)
{
	(void)state;
	for (uint8_t cls = 0; cls <= 1; cls++) {
		struct rte_mbuf *flat = client_create(cls), *chain, *x, *y;
		uint64_t lin = a_chain.stats.rx_linearized;
		unsigned big_free;

		chain = chain_of(rte_pktmbuf_mtod(flat, const uint8_t *),
				 rte_pktmbuf_pkt_len(flat));
		same_randomness();
		x = relayed_by(&a_flat, &flat, 1);
		big_free = rte_mempool_avail_count(big_pool);
		y = relayed_by(&a_chain, &chain, 1);
		assert_int_equal(a_chain.stats.rx_linearized, lin + 1);
		assert_same_frame(x, y);
		/* small: copied into a small mbuf; medium: one big mbuf, which y is */
		assert_int_equal(rte_mempool_avail_count(big_pool), big_free - (cls == 1));
		assert_int_equal(rte_pktmbuf_pkt_len(y), DP_PKT_HDR_LEN + dp_cell_class_size(cls));
		rte_pktmbuf_free(x);
		rte_pktmbuf_free(y);
	}
	assert_int_equal(a_chain.stats.drops[DP_DROP_SEG_NOMBUF], 0);
	assert_pools_back();
}

/* The IPv4 fragment frames of a datagram (the frame in m) at mtu, each a chain. */
static uint16_t
jumbo_fragments(const struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out)
{
	static uint8_t frame[14 + JUMBO_MTU];
	const uint8_t *src = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t payload = rte_pktmbuf_pkt_len(m) - 34, per = (uint32_t)(mtu - 20) & ~7u;
	uint16_t n = 0;

	for (uint32_t off = 0; off < payload; off += per) {
		uint32_t len = payload - off < per ? payload - off : per;
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + 14);

		memcpy(frame, src, 34); /* Ethernet and IPv4 headers */
		memcpy(frame + 34, src + 34 + off, len);
		ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + len));
		ip->packet_id = rte_cpu_to_be_16(4242);
		ip->fragment_offset = rte_cpu_to_be_16(
			(uint16_t)(off / 8 | (off + len < payload ? RTE_IPV4_HDR_MF_FLAG : 0)));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		out[n++] = chain_of(frame, 34 + len);
	}
	return n;
}

/* A large CREATE from a jumbo link: 8 fragments of up to 9,000 bytes, each a chain of
 * 1,000-byte segments, is reassembled and relayed as the bytes the whole datagram in
 * one big mbuf is. */
static void
chained_fragments_reassembled_byte_identical(void **state)
{
	struct rte_mbuf *flat = client_create(2), *frags[DP_BURST], *x, *y;
	uint64_t lin = a_chain.stats.rx_linearized, in = a_chain.stats.frags_in;
	uint16_t n;

	(void)state;
	n = jumbo_fragments(flat, JUMBO_MTU, frags);
	assert_int_equal(n, 8); /* 65,008 bytes of payload, 8,976 a fragment */
	same_randomness();
	x = relayed_by(&a_flat, &flat, 1);
	y = relayed_by(&a_chain, frags, n);
	assert_int_equal(a_chain.stats.rx_linearized, lin + 8);
	assert_int_equal(a_chain.stats.frags_in, in + 8);
	assert_int_equal(a_chain.stats.reassembled, 1);
	assert_same_frame(x, y);
	rte_pktmbuf_free(x);
	rte_pktmbuf_free(y);
	assert_pools_back();
}

/* A chain that needs a big mbuf when none is free, or with --big-mbufs 0: dropped,
 * counted seg_nombuf, its segments freed. A small cell's chain still goes through
 * without big mbufs (it fits a small one). */
static void
no_big_mbuf_left_is_a_counted_drop(void **state)
{
	struct rte_mbuf *flat = client_create(1), *chain, *taken, *out[DP_BURST];
	uint64_t dropped = a_chain.stats.drops[DP_DROP_SEG_NOMBUF];

	(void)state;
	taken = rte_pktmbuf_alloc(big_empty); /* its only mbuf */
	assert_non_null(taken);
	a_chain.big_pool = big_empty;
	chain = chain_of(rte_pktmbuf_mtod(flat, const uint8_t *), rte_pktmbuf_pkt_len(flat));
	dp_loop_burst(&a_chain, ring0, 0, &chain, 1, 1);
	assert_int_equal(a_chain.stats.drops[DP_DROP_SEG_NOMBUF], dropped + 1);
	a_chain.big_pool = NULL; /* --big-mbufs 0 */
	chain = chain_of(rte_pktmbuf_mtod(flat, const uint8_t *), rte_pktmbuf_pkt_len(flat));
	dp_loop_burst(&a_chain, ring0, 0, &chain, 1, 1);
	assert_int_equal(a_chain.stats.drops[DP_DROP_SEG_NOMBUF], dropped + 2);
	assert_int_equal(drain(ring0, out, DP_BURST), 0);
	rte_pktmbuf_free(flat);
	flat = client_create(0);
	chain = chain_of(rte_pktmbuf_mtod(flat, const uint8_t *), rte_pktmbuf_pkt_len(flat));
	rte_pktmbuf_free(flat);
	rte_pktmbuf_free(relayed_by(&a_chain, &chain, 1));
	assert_int_equal(a_chain.stats.drops[DP_DROP_SEG_NOMBUF], dropped + 2);
	a_chain.big_pool = big_pool;
	rte_pktmbuf_free(taken);
	assert_pools_back();
}

/* A cell datagram of class cls from A to B leaving by port (ps's routes aside: m->port). */
static struct rte_mbuf *
datagram(uint8_t cls, uint16_t port)
{
	uint32_t size = dp_cell_class_size(cls);
	struct rte_mbuf *m = rte_pktmbuf_alloc(cls == 0 ? pool : big_pool);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size)));
	randombytes_buf(rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN), size);
	dp_pkt_write_headers(m, &ps.p[port].iface, (const struct rte_ether_addr *)b_mac, B_IP,
			     22030, size);
	return m;
}

/* Sends one datagram of class cls by port; returns the frames the port took, each at
 * most 14 + max_ip bytes. */
static uint16_t
frames_on(uint8_t cls, uint16_t port, uint32_t max_ip)
{
	struct rte_mbuf *m = datagram(cls, port), *out[128];
	uint16_t n;

	assert_int_equal(dp_tx_burst(&t, port, 0, &m, 1, NULL), 1);
	n = drain(port, out, 128);
	for (uint16_t i = 0; i < n; i++) {
		assert_true(rte_pktmbuf_pkt_len(out[i]) <= 14 + max_ip);
		assert_int_equal(out[i]->nb_segs, 1);
	}
	rte_pktmbuf_free_bulk(out, n);
	return n;
}

/* Port 0 at MTU 9000 sends a medium cell (8,220 IP bytes) whole, port 1 at 1500 cuts
 * it in 6; a large cell is 33 fragments of at most 2,000 bytes on port 0 (small mbufs)
 * and 44 on port 1; the MTU's edge is the datagram's size; dp_frag_frames agrees. */
static void
each_port_fragments_by_its_own_mtu(void **state)
{
	const uint32_t medium = DP_PKT_HDR_LEN + DP_CELL_MEDIUM,
		       large = DP_PKT_HDR_LEN + DP_CELL_LARGE;

	(void)state;
	ps.p[0].mtu = JUMBO_MTU;
	ps.p[1].mtu = 1500;
	assert_int_equal(frames_on(1, 0, JUMBO_MTU), 1);
	assert_int_equal(frames_on(1, 1, 1500), 6);
	assert_int_equal(frames_on(2, 0, DP_FRAG_PIECE_MAX), 33);
	assert_int_equal(frames_on(2, 1, 1500), 44);
	assert_int_equal(frames_on(0, 0, JUMBO_MTU), 1);
	assert_int_equal(frames_on(0, 1, 1500), 1);
	assert_int_equal(dp_frag_frames(&t, 0, medium), 1);
	assert_int_equal(dp_frag_frames(&t, 1, medium), 6);
	assert_int_equal(dp_frag_frames(&t, 0, large), 33);
	assert_int_equal(dp_frag_frames(&t, 1, large), 44);
	ps.p[0].mtu = (uint16_t)(medium - 14); /* the datagram's size exactly: whole */
	assert_int_equal(frames_on(1, 0, medium - 14), 1);
	ps.p[0].mtu = (uint16_t)(medium - 15); /* one byte less: fragments */
	assert_int_equal(frames_on(1, 0, medium - 15), 5);
	/* a port without its own MTU in the table, or not in it: the worker's */
	ps.p[0].mtu = 0;
	assert_int_equal(dp_frag_port_mtu(&t, 0), t.mtu);
	assert_int_equal(dp_frag_port_mtu(&t, 7), t.mtu);
	assert_int_equal(dp_frag_port_mtu(&t, 1), 1500);
	assert_pools_back();
}

/* The MTU on the device: up to a frame that fills an rx mbuf (2,048 bytes: MTU 2,030)
 * no scattered rx; one byte more needs it (net_ring has it), and a PMD without it
 * (net_null) is refused. */
static void
device_mtu_takes_scattered_rx_when_frames_outgrow_mbufs(void **state)
{
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 64, .tx_desc = 64};
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t mtu = 0;
	int rc;

	(void)state;
	assert_int_equal(rte_eth_dev_info_get(ring2, &info), 0);
	assert_int_equal(dp_port_configure_mtu(ring2, &pc, pool, 2030), 0);
	assert_int_equal(rte_eth_dev_get_mtu(ring2, &mtu), 0);
	assert_int_equal(mtu, 2030);
	assert_int_equal(rte_eth_dev_conf_get(ring2, &conf), 0);
	assert_int_equal(conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER, 0);
	rc = dp_port_configure_mtu(ring2, &pc, pool, 2031);
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) {
		assert_int_equal(rc, 0);
		assert_int_equal(rte_eth_dev_conf_get(ring2, &conf), 0);
		assert_true(conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER);
	} else {
		assert_int_equal(rc, -ENOTSUP);
	}
	assert_int_equal(dp_port_configure_mtu(ring2, &pc, pool, 0), 0); /* the default */
	assert_int_equal(rte_eth_dev_get_mtu(ring2, &mtu), 0);
	assert_int_equal(mtu, RTE_ETHER_MTU);
	/* net_null has no scattered rx: jumbo refused, up to a full mbuf taken */
	assert_int_equal(rte_eth_dev_info_get(null0, &info), 0);
	assert_int_equal(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER, 0);
	assert_int_equal(dp_port_configure_mtu(null0, &pc, pool, JUMBO_MTU), -ENOTSUP);
	assert_int_equal(dp_port_configure_mtu(null0, &pc, pool, 2031), -ENOTSUP);
	assert_int_equal(dp_port_configure_mtu(null0, &pc, pool, 2030), 0);
}

static void
init_worker(struct dp_worker *w, unsigned lcore, const struct dp_iface *iface)
{
	struct dp_worker_conf conf;

	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	assert_int_equal(dp_worker_init(w, lcore, &conf, iface, &keys[0], &table_a, 0), 0);
	assert_int_equal(dp_reply_init(w, pool), 0);
	w->big_pool = big_pool;
}

static int
group_setup(void **state)
{
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 1024, .tx_desc = 1024};
	const struct dp_port_ip pip = {.port = 1, .prefix = 24, .ip = 0x0a000101};

	(void)state;
	for (int i = 0; i < 2; i++) {
		uint8_t seed[32];

		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, keys[i].x25519_sk, pub[i].x25519);
		memcpy(keys[i].x25519_pk, pub[i].x25519, 32);
		randombytes_buf(pub[i].ed25519, 32);
	}
	if (rte_eth_dev_get_port_by_name("net_ring0", &ring0) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring1", &ring1) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring2", &ring2) != 0 ||
	    rte_eth_dev_get_port_by_name("net_null0", &null0) != 0 || ring0 != 0 || ring1 != 1 ||
	    dp_port_configure(ring0, &pc, pool) != 0 || dp_port_start(ring0) != 0 ||
	    dp_port_configure(ring1, &pc, pool) != 0 || dp_port_start(ring1) != 0 ||
	    dp_node_table_init(&table_a, 8, keys[0].x25519_sk, keys[0].x25519_pk) != 0 ||
	    dp_node_table_add(&table_a, pub[1].ed25519, pub[1].x25519, B_IP, 22030, b_mac) != 0)
		return -1;
	init_worker(&a_flat, 1, &a_if);
	init_worker(&a_chain, 1, &a_if); /* the same lcore: labels carry it */
	init_worker(&t, 3, &a_if);
	dp_ports_build(&ps, 0x3, A_IP, 24, NULL, &pip, 1, 22030);
	t.ports = &ps;
	t.txq[0] = t.txq[1] = 0;
	t.mtu = 1400;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chained_create_relayed_byte_identical),
		cmocka_unit_test(chained_fragments_reassembled_byte_identical),
		cmocka_unit_test(no_big_mbuf_left_is_a_counted_drop),
		cmocka_unit_test(each_port_fragments_by_its_own_mtu),
		cmocka_unit_test(device_mtu_takes_scattered_rx_when_frames_outgrow_mbufs),
	};
	static const char *const vdevs[] = {"net_ring0", "net_ring1", "net_ring2", "net_null0",
					    NULL};
	int rc;

	if (eal_test_init("jumbo", vdevs) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_jumbo", POOL, SOCKET_ID_ANY);
	big_pool = dp_mempool_big_create("test_jumbo_big", BIG_POOL, SOCKET_ID_ANY);
	big_empty = dp_mempool_big_create("test_jumbo_none", 1, SOCKET_ID_ANY);
	if (pool == NULL || big_pool == NULL || big_empty == NULL) {
		printf("not ok 1 - pools\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("dpdk/jumbo", tests, group_setup, NULL);
	dp_worker_free(&a_flat);
	dp_worker_free(&a_chain);
	dp_worker_free(&t);
	dp_port_shutdown(ring0);
	dp_port_shutdown(ring1);
	dp_port_shutdown(ring2);
	dp_port_shutdown(null0);
	dp_node_table_free(&table_a);
	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	rte_mempool_free(big_empty);
	eal_test_cleanup();
	return rc;
}
