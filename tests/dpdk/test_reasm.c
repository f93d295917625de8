/* SPDX-License-Identifier: MIT */
/*
 * dataplane/reasm.c on real EAL and mbufs: a datagram cut into fragments
 * (here, by hand, as a kernel would) comes back whole in one big mbuf, in any
 * order; every way a fragment is refused lands in its own counter; datagrams
 * that never complete are dropped at their deadline; no mbuf is ever kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "alloc_count_assert.h"
#include "eal_test.h"
#include "loop.h"
#include "mempool.h"
#include "reasm.h"
#include "snc.h"
#include "worker.h"

enum {
	POOL = 2048,
	BIG_POOL = DP_REASM_SLOTS + 4,
	FRAG_PAYLOAD = 1480, /* what a 1500-byte MTU carries after the IPv4 header */
};

static struct rte_mempool *pool, *big_pool;
static struct dp_worker w;
static struct snc_node_keys keys;
static struct dp_node_table table;
static const struct dp_iface me = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 1}}, .ip = 0x0a000001, .port = 22030};
static const struct dp_iface peer = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 2}}, .ip = 0x0a000002, .port = 22030};
static const uint64_t ms = 1000000ull;

/* A whole datagram: a cell of `size` bytes (random but for the given first byte) to me. */
static struct rte_mbuf *
datagram(uint32_t size, uint8_t first)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(big_pool);
	uint8_t *cell;

	assert_non_null(m);
	cell = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size));
	assert_non_null(cell);
	randombytes_buf(cell + DP_PKT_HDR_LEN, size);
	cell[DP_PKT_HDR_LEN] = first;
	dp_pkt_write_headers(m, &peer, &me.mac, me.ip, me.port, size);
	return m;
}

/* One fragment of d: IPv4 payload bytes [off, off + len) (zeros past d's end), MF,
 * IP id and source (0: d's own) as given. */
static struct rte_mbuf *
fragment_from(const struct rte_mbuf *d, uint32_t off, uint32_t len, bool more, uint16_t id,
	      uint32_t src_ip)
{
	static const uint8_t zeros[70000];
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	const uint8_t *src = rte_pktmbuf_mtod(d, const uint8_t *);
	bool inside = 34 + off + len <= rte_pktmbuf_data_len(d);
	uint8_t *p;
	struct rte_ipv4_hdr *ip;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(34 + len));
	assert_non_null(p);
	memcpy(p, src, 34);
	memcpy(p + 34, inside ? src + 34 + off : zeros, len);
	ip = (struct rte_ipv4_hdr *)(p + 14);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + len));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(off / 8 | (more ? 0x2000 : 0)));
	if (src_ip != 0)
		ip->src_addr = rte_cpu_to_be_32(src_ip);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static struct rte_mbuf *
fragment(const struct rte_mbuf *d, uint32_t off, uint32_t len, bool more, uint16_t id)
{
	return fragment_from(d, off, len, more, id, 0);
}

/* Cuts d into FRAG_PAYLOAD pieces; returns how many, in out[]. */
static unsigned
cut(const struct rte_mbuf *d, uint16_t id, struct rte_mbuf **out, unsigned max)
{
	uint32_t total = rte_pktmbuf_data_len(d) - 34;
	unsigned n = 0;

	for (uint32_t off = 0; off < total; off += FRAG_PAYLOAD) {
		uint32_t len = total - off < FRAG_PAYLOAD ? total - off : FRAG_PAYLOAD;
		assert_true(n < max);
		out[n++] = fragment(d, off, len, off + len < total, id);
	}
	return n;
}

static void
reset_worker(void)
{
	struct dp_worker_conf conf;

	dp_worker_free(&w);
	dp_worker_conf_defaults(&conf);
	conf.circuits = 16;
	conf.replay_log2_bits = 10;
	conf.ratelimit_sources = 16;
	assert_int_equal(dp_worker_init(&w, 0, &conf, &me, &keys, &table, 0), 0);
	w.big_pool = big_pool;
}

static void
assert_all_mbufs_back(void)
{
	assert_int_equal(rte_mempool_avail_count(pool), POOL);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_POOL);
	assert_int_equal(w.reasm.active, 0);
}

static bool
checksum_ok(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	uint16_t sent = ip->hdr_checksum, want;

	ip->hdr_checksum = 0;
	want = rte_ipv4_cksum(ip);
	ip->hdr_checksum = sent;
	return sent == want && ip->fragment_offset == 0;
}

/* A medium and a large datagram, in order and backwards: the same bytes, one segment. */
static void
whole_again_in_any_order(void **state)
{
	static const uint32_t sizes[] = {DP_CELL_MEDIUM, DP_CELL_LARGE};
	struct rte_mbuf *frags[64], *d, *got = NULL;

	(void)state;
	reset_worker();
	for (unsigned s = 0; s < 2; s++) {
		for (int backwards = 0; backwards <= 1; backwards++) {
			unsigned n;
			d = datagram(sizes[s], 1);
			n = cut(d, (uint16_t)(100 + s * 2 + backwards), frags, 64);
			/* UDP + cell: 8,200 bytes in 6 pieces, 65,008 in 44 */
			assert_int_equal(n, s == 0 ? 6 : 44);
			for (unsigned k = 0; k < n; k++) {
				struct rte_mbuf *f = frags[backwards ? n - 1 - k : k];
				alloc_count_arm(); /* what the worker does is counted */
				got = dp_reasm_add(&w, f, 0);
				alloc_count_disarm();
				if (k + 1 < n)
					assert_null(got);
			}
			assert_non_null(got);
			assert_int_equal(got->nb_segs, 1);
			assert_int_equal(rte_pktmbuf_data_len(got), rte_pktmbuf_data_len(d));
			/* Ethernet, then IPv4 with no fragment bits, then UDP and the cell
			 * unchanged. */
			assert_memory_equal(rte_pktmbuf_mtod(got, uint8_t *),
					    rte_pktmbuf_mtod(d, uint8_t *), 14);
			assert_memory_equal(rte_pktmbuf_mtod_offset(got, uint8_t *, 34),
					    rte_pktmbuf_mtod_offset(d, uint8_t *, 34),
					    rte_pktmbuf_data_len(d) - 34);
			assert_true(checksum_ok(got));
			rte_pktmbuf_free(got);
			rte_pktmbuf_free(d);
		}
	}
	assert_int_equal(w.stats.reassembled, 4);
	assert_int_equal(w.stats.frags_in, 2 * (6 + 44));
	assert_all_mbufs_back();
}

/* Every refusal in its counter, the mbufs all freed. */
static void
each_bad_fragment_lands_in_its_counter(void **state)
{
	struct rte_mbuf *d, *big, *extra[BIG_POOL], *x;
	const uint64_t *drops = w.stats.drops;
	unsigned k = 0;

	(void)state;
	reset_worker();
	d = datagram(DP_CELL_MEDIUM, 1);
	big = datagram(DP_CELL_LARGE, 1);
	/* MF set and a length off the 8-byte grid; an empty fragment. */
	assert_null(dp_reasm_add(&w, fragment(d, 0, 1001, true, 1), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 0, 0, true, 1), 0));
	assert_int_equal(drops[DP_DROP_FRAG_BAD], 2);
	assert_int_equal(w.reasm.active, 0);
	/* A duplicate, an overlap, a second end (twice), past the end already set. */
	assert_null(dp_reasm_add(&w, fragment(d, 0, 1000, true, 2), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 0, 1000, true, 2), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 992, 16, true, 2), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 2000, 100, false, 2), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 3000, 100, false, 2), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 1000, 8, false, 2), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 2096, 16, true, 2), 0));
	/* An end before bytes already in. */
	assert_null(dp_reasm_add(&w, fragment(d, 1000, 8, true, 4), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 0, 16, false, 4), 0));
	assert_int_equal(drops[DP_DROP_FRAG_BAD], 2 + 6);
	assert_int_equal(w.reasm.active, 2);
	/* Past what a big mbuf holds (65,008 bytes) and past the IPv4 limit (65,515). */
	assert_null(dp_reasm_add(&w, fragment(big, 64000, 1016, false, 3), 0));
	assert_null(dp_reasm_add(&w, fragment(big, 65512, 8, false, 3), 0));
	assert_int_equal(drops[DP_DROP_FRAG_OVERSIZE], 2);
	assert_int_equal(w.reasm.active, 2); /* the refused first fragments hold nothing */
	/* Ending at exactly 65,008 it is taken. */
	assert_null(dp_reasm_add(&w, fragment(big, 64000, 1008, false, 3), 0));
	assert_int_equal(w.reasm.active, 3);
	/* One source holds DP_REASM_PER_SOURCE datagrams, not one more; another
	 * source still gets a slot. */
	for (uint16_t id = 10; w.reasm.active < DP_REASM_PER_SOURCE; id++)
		assert_null(dp_reasm_add(&w, fragment(d, 0, 8, true, id), 0));
	assert_null(dp_reasm_add(&w, fragment(d, 0, 8, true, 998), 0));
	assert_int_equal(drops[DP_DROP_FRAG_SOURCE_LIMIT], 1);
	assert_int_equal(w.reasm.active, DP_REASM_PER_SOURCE);
	/* The table holds DP_REASM_SLOTS datagrams, not one more (sources 10.1.0.x). */
	for (uint16_t id = 100; w.reasm.active < DP_REASM_SLOTS; id++)
		assert_null(
			dp_reasm_add(&w, fragment_from(d, 0, 8, true, id, 0x0a010000u + id), 0));
	assert_null(dp_reasm_add(&w, fragment_from(d, 0, 8, true, 999, 0x0a01ffffu), 0));
	assert_int_equal(drops[DP_DROP_FRAG_TABLE_FULL], 1);
	assert_int_equal(drops[DP_DROP_FRAG_SOURCE_LIMIT], 1);
	/* Nothing dropped a nanosecond before the deadline; everything at it. */
	dp_reasm_age(&w, DP_REASM_TIMEOUT_MS * ms - 1);
	assert_int_equal(w.reasm.active, DP_REASM_SLOTS);
	assert_int_equal(drops[DP_DROP_FRAG_TIMEOUT], 0);
	dp_reasm_age(&w, DP_REASM_TIMEOUT_MS * ms);
	assert_int_equal(w.reasm.active, 0);
	assert_int_equal(drops[DP_DROP_FRAG_TIMEOUT], DP_REASM_SLOTS);
	/* No big mbuf left: counted, not held. */
	while ((x = rte_pktmbuf_alloc(big_pool)) != NULL)
		extra[k++] = x;
	assert_null(dp_reasm_add(&w, fragment(d, 0, 8, true, 5), 0));
	assert_int_equal(drops[DP_DROP_FRAG_NOMBUF], 1);
	assert_int_equal(w.reasm.active, 0);
	while (k > 0)
		rte_pktmbuf_free(extra[--k]);
	/* --big-mbufs 0: fragments are dropped as such. */
	w.big_pool = NULL;
	assert_null(dp_reasm_add(&w, fragment(d, 0, 8, true, 6), 0));
	assert_int_equal(drops[DP_DROP_FRAGMENT], 1);
	w.big_pool = big_pool;
	rte_pktmbuf_free(d);
	rte_pktmbuf_free(big);
	assert_all_mbufs_back();
}

/* Through the burst path: fragments reach the cell parser whole (a bad version is
 * the parser's own verdict); a datagram left incomplete is freed with the worker. */
static void
loop_reassembles_before_parsing(void **state)
{
	struct rte_mbuf *frags[8], *d;
	unsigned n;

	(void)state;
	reset_worker();
	d = datagram(DP_CELL_MEDIUM, 9); /* version 9 */
	n = cut(d, 7, frags, 8);
	alloc_count_arm();
	dp_loop_process(&w, 0, 0, frags, (uint16_t)n, 0);
	alloc_count_disarm();
	assert_int_equal(w.stats.reassembled, 1);
	assert_int_equal(w.stats.drops[DP_DROP_BAD_VERSION], 1);
	n = cut(d, 8, frags, 8);
	dp_loop_process(&w, 0, 0, frags, (uint16_t)(n - 1), 0);
	assert_int_equal(w.reasm.active, 1);
	rte_pktmbuf_free(frags[n - 1]); /* the piece that never came */
	dp_worker_free(&w);
	rte_pktmbuf_free(d);
	assert_int_equal(rte_mempool_avail_count(pool), POOL);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_POOL);
	reset_worker();
}

/* Reassembling fragments (on a fresh worker, in order and backwards, through the table
 * and through the burst path) takes no heap allocation or free on the worker. */
static void
no_heap_allocation_on_the_worker(void **state)
{
	void *(*volatile get)(size_t) = malloc; /* not folded away by the compiler */

	if (!alloc_count_usable()) /* ASan owns malloc */
		return;
	alloc_count_reset();
	whole_again_in_any_order(state);
	loop_reassembles_before_parsing(state);
	assert_no_alloc_counted();
	alloc_count_arm(); /* the counter is not blind */
	free(get(1));
	alloc_count_disarm();
	assert_int_equal(alloc_count_allocs(), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_again_in_any_order),
		cmocka_unit_test(each_bad_fragment_lands_in_its_counter),
		cmocka_unit_test(loop_reassembles_before_parsing),
		cmocka_unit_test(no_heap_allocation_on_the_worker),
	};
	int rc;

	if (eal_test_init("reasm", NULL) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_reasm", POOL, SOCKET_ID_ANY);
	big_pool = dp_mempool_big_create("test_reasm_big", BIG_POOL, SOCKET_ID_ANY);
	crypto_box_keypair(keys.x25519_pk, keys.x25519_sk);
	if (pool == NULL || big_pool == NULL ||
	    dp_node_table_init(&table, 4, keys.x25519_sk, keys.x25519_pk) != 0) {
		printf("not ok 1 - pools\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("dpdk/reasm", tests, NULL, NULL);
	dp_worker_free(&w);
	dp_node_table_free(&table);
	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	eal_test_cleanup();
	return rc;
}
