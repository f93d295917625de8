/* SPDX-License-Identifier: MIT */
/*
 * dataplane/handoff.c and its use in loop.c, on real EAL rings and mbufs:
 * a REPLY whose label names another worker lcore leaves the lcore that
 * received it and is processed (and counted) by its owner; labels naming this
 * lcore or no worker stay; a full ring is a counted drop; no mbuf leaks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_mbuf.h>

#include "eal_test.h"
#include "handoff.h"
#include "loop.h"
#include "mempool.h"

enum {
	LC_A = 1, /* worker lcore ids as EAL would give them */
	LC_B = 2,
};

static struct rte_mempool *pool;
static struct dp_handoff handoff;
static struct dp_worker wa, wb;
static const struct snc_node_keys no_keys;
static struct dp_node_table no_nodes;
static const struct dp_iface us = {{{2, 0, 0, 0, 0, 1}}, 0x0a000001, 22030, 0};
static const struct dp_iface next_hop = {{{2, 0, 0, 0, 0, 2}}, 0x0a000002, 22030, 0};

/* A REPLY cell from the next hop on the circuit label. */
static struct rte_mbuf *
reply_cell(uint64_t label)
{
	static const uint8_t mask[DP_CELL_MASK_BYTES], payload[32];
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL);
	assert_non_null(p);
	assert_int_equal(dp_cell_write_data(p + DP_PKT_HDR_LEN, DP_CELL_REPLY, 0, 0, label, 0, mask,
					    payload, sizeof(payload)),
			 20 + sizeof(payload)); /* the header and payload; the rest is padding */
	dp_pkt_write_headers(m, &next_hop, &us.mac, us.ip, us.port, DP_CELL_SMALL);
	return m;
}

static void
burst_on(struct dp_worker *w, uint64_t label)
{
	struct rte_mbuf *m = reply_cell(label);

	dp_loop_burst(w, 0, 0, &m, 1, 0);
}

static void
reset(void)
{
	memset(&wa.stats, 0, sizeof(wa.stats));
	memset(&wb.stats, 0, sizeof(wb.stats));
}

static void
reply_for_another_worker_is_processed_by_its_owner(void **state)
{
	struct rte_mbuf *got[4];
	unsigned before = rte_mempool_in_use_count(pool);

	(void)state;
	reset();
	burst_on(&wa, 0xabcdef0000000000ull | LC_B);
	assert_int_equal(wa.stats.handoff_out, 1);
	assert_int_equal(wa.stats.drops[DP_DROP_UNKNOWN_PEER], 0);
	assert_int_equal(wa.stats.rx, 1);
	assert_int_equal(dp_handoff_receive(&handoff, LC_A, got, 4), 0);
	assert_int_equal(dp_handoff_receive(&handoff, LC_B, got, 4), 1);
	dp_loop_process(&wb, 0, 0, got, 1, 0);
	/* the owner checks it (the sender is in no node table here: unknown_peer) */
	assert_int_equal(wb.stats.drops[DP_DROP_UNKNOWN_PEER], 1);
	assert_int_equal(wb.stats.rx, 0); /* received once, on A */
	assert_int_equal(rte_mempool_in_use_count(pool), before);
}

static void
own_label_and_non_worker_labels_stay(void **state)
{
	(void)state;
	reset();
	burst_on(&wa, 0x1234560000000000ull | LC_A);
	burst_on(&wa, 0x1234560000000000ull | 7); /* lcore 7 is no worker */
	assert_int_equal(wa.stats.handoff_out, 0);
	assert_int_equal(wa.stats.drops[DP_DROP_UNKNOWN_PEER], 2);
}

static void
full_ring_is_a_counted_drop(void **state)
{
	struct rte_mbuf *got[DP_BURST];
	unsigned before = rte_mempool_in_use_count(pool);
	uint16_t n, total = 0;

	(void)state;
	reset();
	for (int i = 0; i < DP_HANDOFF_RING - 1; i++) /* an rte_ring holds size - 1 */
		burst_on(&wa, 0x4200ull | LC_B);
	assert_int_equal(wa.stats.handoff_out, DP_HANDOFF_RING - 1);
	assert_int_equal(wa.stats.drops[DP_DROP_HANDOFF_FULL], 0);
	burst_on(&wa, 0x4200ull | LC_B);
	assert_int_equal(wa.stats.drops[DP_DROP_HANDOFF_FULL], 1);
	while ((n = dp_handoff_receive(&handoff, LC_B, got, DP_BURST)) > 0) {
		dp_loop_process(&wb, 0, 0, got, n, 0);
		total += n;
	}
	assert_int_equal(total, DP_HANDOFF_RING - 1);
	assert_int_equal(rte_mempool_in_use_count(pool), before);
}

/* DIRECT cells (loop.c): only from a node in the table; without a channel, channel_down. */
static void
direct_cells_need_a_known_sender_and_a_channel(void **state)
{
	static const uint8_t body[8] = {1, 2, 3};
	static const uint8_t ed[32] = {0xee}, x[32] = {5};
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL);
	struct rte_mbuf *again;

	(void)state;
	reset();
	dp_cell_write_direct(p + DP_PKT_HDR_LEN, 0, body, sizeof(body));
	dp_pkt_write_headers(m, &next_hop, &us.mac, us.ip, us.port, DP_CELL_SMALL);
	again = rte_pktmbuf_copy(m, pool, 0, UINT32_MAX);
	dp_loop_burst(&wa, 0, 0, &m, 1, 0);
	assert_int_equal(wa.stats.drops[DP_DROP_UNKNOWN_PEER], 1);
	assert_int_equal(dp_node_table_add(&no_nodes, ed, x, next_hop.ip, next_hop.port,
					   next_hop.mac.addr_bytes),
			 0);
	dp_loop_burst(&wa, 0, 0, &again, 1, 0);
	assert_int_equal(wa.stats.drops[DP_DROP_CHANNEL_DOWN], 1);
	assert_int_equal(wa.stats.direct_in, 0);
}

static void
init_refuses_bad_lcore_lists(void **state)
{
	struct dp_handoff h;
	const unsigned dup[] = {3, 3}, big[] = {RTE_MAX_LCORE};

	(void)state;
	assert_int_equal(dp_handoff_init(&h, dup, 2), -EINVAL);
	assert_int_equal(dp_handoff_init(&h, big, 1), -EINVAL);
}

int
main(void)
{
	static const char *const vdevs[] = {NULL};
	const unsigned lcores[] = {LC_A, LC_B};
	struct dp_worker_conf conf;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reply_for_another_worker_is_processed_by_its_owner),
		cmocka_unit_test(own_label_and_non_worker_labels_stay),
		cmocka_unit_test(full_ring_is_a_counted_drop),
		cmocka_unit_test(direct_cells_need_a_known_sender_and_a_channel),
		cmocka_unit_test(init_refuses_bad_lcore_lists),
	};
	int rc;

	if (eal_test_init("handoff", vdevs) != 0)
		return 1;
	pool = dp_mempool_create("test_handoff", 4096, 0);
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	if (pool == NULL ||
	    dp_node_table_init(&no_nodes, 4, no_keys.x25519_sk, no_keys.x25519_pk) ||
	    dp_worker_init(&wa, LC_A, &conf, &us, &no_keys, &no_nodes, 0) != 0 ||
	    dp_worker_init(&wb, LC_B, &conf, &us, &no_keys, &no_nodes, 0) != 0 ||
	    dp_handoff_init(&handoff, lcores, 2) != 0)
		return 1;
	wa.handoff = wb.handoff = &handoff;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dp_handoff_free(&handoff);
	dp_worker_free(&wa);
	dp_worker_free(&wb);
	dp_node_table_free(&no_nodes);
	rte_mempool_free(pool);
	eal_test_cleanup();
	return rc;
}
