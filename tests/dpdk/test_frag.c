/* SPDX-License-Identifier: MIT */
/*
 * dataplane/frag.c on real EAL and a net_ring port: cells whose IP datagram
 * exceeds the MTU leave as IPv4 fragments (RFC 791 sizes, DF clear, one IP
 * id per datagram, valid checksums), in order with the cells around them;
 * this node's reassembly (reasm.c) makes them the same datagram again; a tx
 * queue that takes a datagram's fragments only in part, and a pool with no
 * mbufs for them, leave the cell to the caller; nothing leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "eal_test.h"
#include "frag.h"
#include "mempool.h"
#include "port.h"
#include "reasm.h"
#include "reply.h"
#include "snc.h"
#include "worker.h"

enum {
	POOL = 2048,
	BIG_POOL = 8,
	RING = 1024, /* net_ring's ring: holds RING - 1 frames */
	MTU = 1500,
};

static struct rte_mempool *pool, *big_pool, *empty_pool;
static struct dp_worker tx_w, rx_w;
static struct snc_node_keys keys;
static struct dp_node_table table;
static uint16_t port;
static const struct dp_iface me = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 1}}, .ip = 0x0a000001, .port = 22030};
static const struct dp_iface peer = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 2}}, .ip = 0x0a000002, .port = 22030};

/* A cell datagram of `size` bytes from me to peer, as a stage leaves it (DF set). */
static struct rte_mbuf *
datagram(uint32_t size)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(size == DP_CELL_SMALL ? pool : big_pool);
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size));
	assert_non_null(p);
	randombytes_buf(p + DP_PKT_HDR_LEN, size);
	dp_pkt_write_headers(m, &me, &peer.mac, peer.ip, peer.port, size);
	return m;
}

static struct rte_mbuf *
copy_of(const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, big_pool, 0, UINT32_MAX);

	assert_non_null(c);
	return c;
}

static const struct rte_ipv4_hdr *
ip_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
}

static bool
checksum_ok(const struct rte_mbuf *m)
{
	struct rte_ipv4_hdr ip = *ip_of(m);
	uint16_t sent = ip.hdr_checksum;

	ip.hdr_checksum = 0;
	return rte_ipv4_cksum(&ip) == sent;
}

static uint16_t
drain(struct rte_mbuf **out, uint16_t max)
{
	uint16_t n = 0, k;

	while (n < max && (k = rte_eth_rx_burst(port, 0, out + n, (uint16_t)(max - n))) > 0)
		n += k;
	return n;
}

static void
init_worker(struct dp_worker *w, uint16_t mtu)
{
	struct dp_worker_conf conf;

	dp_worker_free(w);
	dp_worker_conf_defaults(&conf);
	conf.circuits = 16;
	conf.replay_log2_bits = 10;
	conf.ratelimit_sources = 16;
	assert_int_equal(dp_worker_init(w, 1, &conf, &me, &keys, &table, 0), 0);
	assert_int_equal(dp_reply_init(w, pool), 0);
	w->big_pool = big_pool;
	w->mtu = mtu;
}

static void
assert_all_back(void)
{
	assert_int_equal(rte_mempool_avail_count(pool), POOL);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_POOL);
}

/* small, large, medium, small: 1 + 44 + 6 + 1 frames in that order; back whole. */
static void
over_the_mtu_leaves_as_fragments(void **state)
{
	static const uint32_t sizes[] = {DP_CELL_SMALL, DP_CELL_LARGE, DP_CELL_MEDIUM,
					 DP_CELL_SMALL};
	static const unsigned frames[] = {1, 44, 6, 1};
	struct rte_mbuf *in[4], *orig[4], *rx[64];
	uint16_t n, at = 0;

	(void)state;
	init_worker(&tx_w, MTU);
	init_worker(&rx_w, 0);
	for (int i = 0; i < 4; i++) {
		in[i] = datagram(sizes[i]);
		orig[i] = copy_of(in[i]);
	}
	assert_int_equal(dp_frag_tx_burst(&tx_w, port, 0, in, 4), 4);
	n = drain(rx, 64);
	assert_int_equal(n, 1 + 44 + 6 + 1);
	assert_int_equal(tx_w.stats.fragmented, 2);
	assert_int_equal(tx_w.stats.tx_frags, 44 + 6);
	for (int i = 0; i < 4; i++) {
		struct rte_mbuf *whole = NULL;
		uint16_t id = ip_of(rx[at])->packet_id;

		for (unsigned k = 0; k < frames[i]; k++, at++) {
			const struct rte_ipv4_hdr *ip = ip_of(rx[at]);
			uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);

			assert_true(rte_pktmbuf_pkt_len(rx[at]) <= 14 + MTU);
			assert_true(checksum_ok(rx[at]));
			assert_memory_equal(rte_pktmbuf_mtod(rx[at], uint8_t *),
					    rte_pktmbuf_mtod(orig[i], uint8_t *), 14);
			if (frames[i] == 1) { /* a small cell: as it was, DF set */
				assert_int_equal(fo, RTE_IPV4_HDR_DF_FLAG);
				assert_memory_equal(rte_pktmbuf_mtod(rx[at], uint8_t *),
						    rte_pktmbuf_mtod(orig[i], uint8_t *),
						    rte_pktmbuf_pkt_len(orig[i]));
				rte_pktmbuf_free(rx[at]);
				continue;
			}
			/* 1,480 payload bytes a fragment (185 units of 8), MF on all but the last
			 */
			assert_int_equal(ip->packet_id, id);
			assert_int_equal(fo & RTE_IPV4_HDR_OFFSET_MASK, k * 185);
			assert_int_equal((fo & RTE_IPV4_HDR_MF_FLAG) != 0, k + 1 < frames[i]);
			assert_int_equal(fo & RTE_IPV4_HDR_DF_FLAG, 0);
			whole = dp_reasm_add(&rx_w, rx[at], 0);
			assert_true((whole != NULL) == (k + 1 == frames[i]));
		}
		if (whole == NULL)
			continue;
		/* the same datagram: Ethernet, UDP and the cell byte for byte */
		assert_int_equal(rte_pktmbuf_pkt_len(whole), rte_pktmbuf_pkt_len(orig[i]));
		assert_memory_equal(rte_pktmbuf_mtod_offset(whole, uint8_t *, 34),
				    rte_pktmbuf_mtod_offset(orig[i], uint8_t *, 34),
				    rte_pktmbuf_pkt_len(orig[i]) - 34);
		rte_pktmbuf_free(whole);
	}
	/* two fragmented datagrams, two IP ids */
	assert_int_equal(rx_w.stats.reassembled, 2);
	for (int i = 0; i < 4; i++)
		rte_pktmbuf_free(orig[i]);
	assert_all_back();
}

/* MTU 0 (a port with no limit, as the stage tests use): nothing is cut. */
static void
no_mtu_no_fragments(void **state)
{
	struct rte_mbuf *m = datagram(DP_CELL_LARGE), *rx[4];

	(void)state;
	init_worker(&tx_w, 0);
	assert_int_equal(dp_frag_tx_burst(&tx_w, port, 0, &m, 1), 1);
	assert_int_equal(drain(rx, 4), 1);
	assert_int_equal(rte_pktmbuf_pkt_len(rx[0]), DP_PKT_HDR_LEN + DP_CELL_LARGE);
	rte_pktmbuf_free(rx[0]);
	assert_int_equal(tx_w.stats.fragmented, 0);
	assert_all_back();
}

/* A ring with room for 5 of a medium cell's 6 fragments: not sent, left to the caller
 * (the 5 that went count in tx_frags); and fragments with no mbufs: counted, left. */
static void
refused_in_part_or_no_mbufs(void **state)
{
	static struct rte_mbuf *fill[RING];
	struct rte_mbuf *m = datagram(DP_CELL_MEDIUM), *s[2], *rx[RING];
	unsigned k = 0;

	(void)state;
	init_worker(&tx_w, MTU);
	while (k < RING - 1 - 5) {
		fill[k] = datagram(DP_CELL_SMALL);
		assert_int_equal(rte_eth_tx_burst(port, 0, &fill[k], 1), 1);
		k++;
	}
	s[0] = datagram(DP_CELL_SMALL);
	s[1] = m;
	/* the small cell goes, the medium one does not */
	assert_int_equal(dp_frag_tx_burst(&tx_w, port, 0, s, 2), 1);
	assert_int_equal(tx_w.stats.tx_frags, 4);
	assert_int_equal(tx_w.stats.fragmented, 0);
	assert_int_equal(drain(rx, RING), RING - 1);
	rte_pktmbuf_free_bulk(rx, RING - 1);
	/* no mbufs for the fragments */
	dp_reply_free(&tx_w);
	assert_int_equal(dp_reply_init(&tx_w, empty_pool), 0);
	assert_int_equal(dp_frag_tx_burst(&tx_w, port, 0, &m, 1), 0);
	assert_int_equal(tx_w.stats.frag_tx_nombuf, 1);
	dp_reply_free(&tx_w);
	assert_int_equal(dp_reply_init(&tx_w, pool), 0);
	assert_int_equal(dp_frag_tx_burst(&tx_w, port, 0, &m, 1), 1);
	assert_int_equal(drain(rx, RING), 6);
	rte_pktmbuf_free_bulk(rx, 6);
	assert_all_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(over_the_mtu_leaves_as_fragments),
		cmocka_unit_test(no_mtu_no_fragments),
		cmocka_unit_test(refused_in_part_or_no_mbufs),
	};
	static const char *const vdevs[] = {"net_ring0", NULL};
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};
	int rc;

	if (eal_test_init("frag", vdevs) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_frag", POOL, SOCKET_ID_ANY);
	big_pool = dp_mempool_big_create("test_frag_big", BIG_POOL, SOCKET_ID_ANY);
	empty_pool = rte_pktmbuf_pool_create("test_frag_none", 1, 0, 0, 64, SOCKET_ID_ANY);
	crypto_box_keypair(keys.x25519_pk, keys.x25519_sk);
	if (pool == NULL || big_pool == NULL || empty_pool == NULL ||
	    dp_node_table_init(&table, 4, keys.x25519_sk, keys.x25519_pk) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring0", &port) != 0 ||
	    dp_port_configure(port, &pc, pool) != 0 || dp_port_start(port) != 0) {
		printf("not ok 1 - pools and port\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("dpdk/frag", tests, NULL, NULL);
	dp_worker_free(&tx_w);
	dp_worker_free(&rx_w);
	dp_port_shutdown(port);
	dp_node_table_free(&table);
	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	rte_mempool_free(empty_pool);
	eal_test_cleanup();
	return rc;
}
