/* SPDX-License-Identifier: MIT */
/*
 * dataplane/create.c on real EAL and mbufs: an onion built by crypto/'s
 * client side for the path A -> B -> C crosses three in-process nodes, each
 * peeling its layer, re-padding to the class and re-masking for the next
 * link, until C delivers the request; in every size class (medium and large
 * cells in big single-segment mbufs). Then every way a CREATE is dropped,
 * each in its own counter, with no mbuf leaked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "alloc_count.h"
#include "alloc_count_assert.h"
#include "cell_mask.h"
#include "create.h"
#include "eal_test.h"
#include "mempool.h"
#include "onion_build.h"
#include "rng.h"
#include "snc.h"

enum {
	NODES = 3,
	POOL = 1024,
	BIG_POOL = 8
};

static struct rte_mempool *pool, *big_pool;
static struct snc_node_keys keys[NODES];
static struct snc_onion_node pub[NODES + 1]; /* [3]: a node nobody knows */
static struct dp_node_table tables[NODES];
static struct dp_worker workers[NODES];
static const uint8_t macs[NODES][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 3}};
static const uint32_t client_ip = 0x0a000064; /* 10.0.0.100 */

static int delivered;
static uint8_t delivered_body[DP_CELL_LARGE];
static size_t delivered_len;

static uint32_t
ip_of(int i)
{
	return 0x0a000001 + (uint32_t)i;
}

static enum dp_drop_reason
on_deliver(struct dp_worker *w, const struct dp_delivery *d, struct rte_mbuf *m, void *arg)
{
	(void)w;
	(void)arg;
	assert_int_equal(d->kind, SNC_ROUTE_DESTINATION);
	assert_non_null(d->circuit);
	delivered++;
	delivered_len = d->payload.blob_len;
	memcpy(delivered_body, d->payload.blob, delivered_len);
	rte_pktmbuf_free(m);
	return DP_DROP_NONE;
}

static void
setup_nodes(const struct dp_worker_conf *conf)
{
	for (int i = 0; i < NODES; i++) {
		struct dp_iface iface = {.ip = ip_of(i), .port = 22030};
		memcpy(iface.mac.addr_bytes, macs[i], 6);
		dp_worker_free(&workers[i]);
		dp_node_table_free(&tables[i]);
		assert_int_equal(
			dp_node_table_init(&tables[i], 8, keys[i].x25519_sk, keys[i].x25519_pk), 0);
		for (int j = 0; j < NODES; j++)
			if (j != i)
				assert_int_equal(dp_node_table_add(&tables[i], pub[j].ed25519,
								   pub[j].x25519, ip_of(j), 22030,
								   macs[j]),
						 0);
		assert_int_equal(dp_worker_init(&workers[i], (unsigned)i, conf, &iface, &keys[i],
						&tables[i], 0),
				 0);
		workers[i].deliver = on_deliver;
	}
	delivered = 0;
}

static int
group_setup(void **state)
{
	struct dp_worker_conf conf;

	(void)state;
	for (int i = 0; i <= NODES; i++) {
		uint8_t seed[32], sk[32];
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, i < NODES ? keys[i].x25519_sk : sk,
						  pub[i].x25519);
		if (i < NODES)
			memcpy(keys[i].x25519_pk, pub[i].x25519, 32);
		randombytes_buf(pub[i].ed25519, 32);
	}
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	setup_nodes(&conf);
	return 0;
}

/* The client's CREATE of class cls to node 0 for a built onion (relay 0 uses seeds[0]). */
static struct rte_mbuf *
client_create_class(const struct snc_onion *on, const uint8_t seed0[32], uint8_t cls)
{
	struct snc_payload p;
	struct snc_route_entry e;
	uint8_t mask[5], dh[32], eph_sk[32], eph_pk[32];
	struct rte_mbuf *m = rte_pktmbuf_alloc(cls == 0 ? pool : big_pool);
	struct dp_iface from = {.ip = client_ip, .port = 40000};
	uint32_t used, size = dp_cell_class_size(cls);
	uint8_t *cell;
	uint64_t label;

	assert_non_null(m);
	assert_int_equal(snc_payload_parse(on->payload, on->payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	snc_onion_layer_keypair_from_seed(seed0, eph_sk, eph_pk);
	assert_memory_equal(eph_pk, e.eph_pk, 32);
	assert_int_equal(crypto_scalarmult(dh, eph_sk, keys[0].x25519_pk), 0);
	randombytes_buf(&label, sizeof(label));
	label |= 1;
	snc_cell_mask(dh, DP_CELL_CREATE, label, 0, mask);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size)));
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	used = dp_cell_write_create(cell, cls, DP_CELL_FLAG_CLIENT, label, (uint8_t)e.enc_type, 1,
				    e.eph_pk, 0, mask, p.blob, (uint32_t)p.blob_len);
	assert_true(used > 0);
	memset(cell + used, 0, size - used);
	dp_pkt_write_headers(m, &from, (const struct rte_ether_addr *)macs[0], ip_of(0), 22030,
			     size);
	return m;
}

static struct rte_mbuf *
client_create(const struct snc_onion *on, const uint8_t seed0[32])
{
	return client_create_class(on, seed0, 0);
}

/* Feeds one mbuf to node i; returns what it sent (or NULL) and the drop delta. */
static struct rte_mbuf *
feed(int i, struct rte_mbuf *m, uint64_t now)
{
	struct dp_worker *w = &workers[i];
	struct dp_create_item it = {.m = m};

	assert_int_equal(dp_pkt_parse(m, &w->iface, &it.pkt), DP_DROP_NONE);
	assert_int_equal(dp_cell_parse(it.pkt.cell, it.pkt.cell_len, &it.cell), DP_DROP_NONE);
	assert_int_equal(it.cell.kind, DP_CELL_CREATE);
	w->ntx = 0;
	alloc_count_arm(); /* what the worker does, counted (no_heap_allocation_on_the_workers) */
	dp_create_stage(w, &it, 1, now);
	alloc_count_disarm();
	return w->ntx == 1 ? w->tx[0] : NULL;
}

static void
build(enum snc_enc_type t, const struct snc_onion_node *relays, const struct snc_onion_node *dest,
      uint8_t seeds[3][32], struct snc_onion *on)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";

	randombytes_buf(seeds, 3 * 32);
	assert_int_equal(snc_onion_build_to_node(t, relays, 2, dest, (const uint8_t *)body,
						 strlen(body), &seeds[0][0], on),
			 0);
}

static void
three_hops_to_delivery(void **state)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	unsigned before = rte_mempool_avail_count(pool);

	(void)state;
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++) {
		uint8_t seeds[3][32], cells[NODES][DP_CELL_SMALL];
		struct snc_onion on;
		struct rte_mbuf *m;

		build(t, pub, &pub[2], seeds, &on);
		m = client_create(&on, seeds[0]);
		for (int i = 0; i < 2; i++) {
			memcpy(cells[i], rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN),
			       DP_CELL_SMALL);
			m = feed(i, m, 1000);
			assert_non_null(m);
			assert_int_equal(rte_pktmbuf_pkt_len(m), DP_PKT_HDR_LEN + DP_CELL_SMALL);
		}
		memcpy(cells[2], rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN),
		       DP_CELL_SMALL);
		assert_null(feed(2, m, 1000));
		assert_int_equal(delivered, t - SNC_ENC_AES_GCM + 1);
		assert_int_equal(delivered_len, strlen(body));
		assert_memory_equal(delivered_body, body, delivered_len);
		/* Same size on every link, and nothing in common but the version and class. */
		assert_memory_not_equal(cells[0] + 4, cells[1] + 4, 8);
		assert_memory_not_equal(cells[1] + 48, cells[2] + 48, 5);
		snc_onion_free(&on);
	}
	assert_int_equal(workers[0].stats.create_relayed, 2);
	assert_int_equal(workers[1].stats.create_relayed, 2);
	assert_int_equal(workers[2].stats.create_delivered, 2);
	assert_int_equal(dp_circuit_count(&workers[0].circuits), 2);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

/* A body of len bytes (a JSON string) through A -> B -> C in class cls; returns
 * the bytes the destination got. */
static void
big_body_three_hops(uint8_t cls, size_t len)
{
	uint32_t size = dp_cell_class_size(cls);
	static char body[DP_CELL_LARGE];
	uint8_t seeds[3][32], first[16];
	struct snc_onion on;
	struct rte_mbuf *m;

	memset(body, 'x', len);
	memcpy(body, "{\"b\":\"", 6);
	memcpy(body + len - 2, "\"}", 2);
	randombytes_buf(seeds, sizeof(seeds));
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_XCHACHA20, pub, 2, &pub[2],
						 (const uint8_t *)body, len, &seeds[0][0], &on),
			 0);
	m = client_create_class(&on, seeds[0], cls);
	for (int i = 0; i < 2; i++) {
		memcpy(first, rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN), 16);
		m = feed(i, m, 5000);
		assert_non_null(m);
		/* Same class, re-padded to its full size, in one segment. */
		assert_int_equal(m->nb_segs, 1);
		assert_int_equal(rte_pktmbuf_pkt_len(m), DP_PKT_HDR_LEN + size);
		assert_int_equal(rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN)[2], cls);
		assert_memory_not_equal(
			first + 4, rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN + 4), 8);
	}
	assert_null(feed(2, m, 5000));
	assert_int_equal(delivered_len, len);
	assert_memory_equal(delivered_body, body, len);
	snc_onion_free(&on);
}

/* One CREATE of each enc type the test knows through A -> B -> C. */
static void
each_enc_type_three_hops(const enum snc_enc_type *types, int n)
{
	for (int k = 0; k < n; k++) {
		uint8_t seeds[3][32];
		struct snc_onion on;
		struct rte_mbuf *m;
		unsigned d0 = delivered;

		build(types[k], pub, &pub[2], seeds, &on);
		m = client_create(&on, seeds[0]);
		for (int i = 0; i < 2; i++)
			assert_non_null(m = feed(i, m, 1000));
		assert_null(feed(2, m, 1000));
		assert_int_equal(delivered, d0 + 1);
		snc_onion_free(&on);
	}
}

/* Once warmed up, relaying and delivering CREATEs (every enc type, every class) takes no
 * heap allocation or free on the worker (dataplane/create.c, crypto/ batch paths). */
static void
no_heap_allocation_on_the_workers(void **state)
{
	/* aes-cbc too: one EVP_CIPHER_CTX per thread (crypto/, 092de8e); before it, each CBC
	 * layer created and freed one (9 counted calls in libcrypto here) */
	static const enum snc_enc_type types[] = {SNC_ENC_AES_GCM, SNC_ENC_XCHACHA20,
						  SNC_ENC_AES_CBC};
	const int n = (int)(sizeof(types) / sizeof(types[0]));
	void *(*volatile get)(size_t) = malloc; /* not folded away by the compiler */

	(void)state;
	if (!alloc_count_usable())
		return;
	for (int round = 0; round < 2; round++) {
		alloc_count_reset(); /* round 0 warms up (one-time set-ups), round 1 counts */
		each_enc_type_three_hops(types, n);
		big_body_three_hops(1, 4000);
		big_body_three_hops(2, 30000);
	}
	assert_no_alloc_counted();
	/* the counter is not blind: an allocation on an armed thread counts */
	alloc_count_arm();
	free(get(1));
	alloc_count_disarm();
	assert_int_equal(alloc_count_allocs(), 1);
}

/* Medium and large cells: a body that needs the class (over a small, resp. a
 * medium cell), and one that fills the class to its last byte at the entry. */
static void
medium_and_large_cross_three_hops(void **state)
{
	unsigned before = rte_mempool_avail_count(pool),
		 big_before = rte_mempool_avail_count(big_pool);

	(void)state;
	delivered = 0;
	big_body_three_hops(1, 4000);
	big_body_three_hops(2, 30000);
	assert_int_equal(delivered, 2);
	assert_int_equal(workers[0].stats.drops[DP_DROP_NOT_SUPPORTED], 0);
	assert_int_equal(rte_mempool_avail_count(pool), before);
	assert_int_equal(rte_mempool_avail_count(big_pool), big_before);
}

/* A blob one byte past what a large cell holds cannot be written; one that fills it can. */
static void
large_cell_blob_edge(void **state)
{
	static uint8_t cell[DP_CELL_LARGE], blob[DP_CELL_LARGE];
	const uint8_t mask[5] = {0}, eph[32] = {1};
	struct dp_cell c;

	(void)state;
	assert_int_equal(dp_cell_write_create(cell, 2, 0, 1, 0, 1, eph, 0, mask, blob,
					      DP_CELL_LARGE - DP_CELL_CREATE_HDR),
			 DP_CELL_LARGE);
	assert_int_equal(dp_cell_parse(cell, DP_CELL_LARGE, &c), DP_DROP_NONE);
	assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
	assert_int_equal(c.data_len, DP_CELL_LARGE - DP_CELL_CREATE_HDR);
	assert_int_equal(dp_cell_write_create(cell, 2, 0, 1, 0, 1, eph, 0, mask, blob,
					      DP_CELL_LARGE - DP_CELL_CREATE_HDR + 1),
			 0);
}

/* A big mbuf holds one large frame exactly; pools below 64 mbufs have no cache. */
static void
big_mbuf_holds_one_large_frame(void **state)
{
	struct rte_mempool *one = dp_mempool_big_create("test_create_one", 1, SOCKET_ID_ANY);
	struct rte_mbuf *m = rte_pktmbuf_alloc(big_pool);

	(void)state;
	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_LARGE));
	assert_null(rte_pktmbuf_append(m, 1));
	rte_pktmbuf_free(m);
	assert_non_null(one);
	assert_int_equal(one->cache_size, 0);
	assert_int_equal(big_pool->cache_size, 0);
	m = rte_pktmbuf_alloc(one);
	assert_non_null(m);
	assert_null(rte_pktmbuf_alloc(one));
	rte_pktmbuf_free(m);
	rte_mempool_free(one);
}

static void
each_bad_create_lands_in_its_counter(void **state)
{
	struct dp_stats *s = &workers[0].stats;
	unsigned before = rte_mempool_avail_count(pool);
	uint8_t seeds[3][32];
	struct snc_onion on, lost;
	struct rte_mbuf *m, *copy;
	uint8_t *cell;

	(void)state;
	build(SNC_ENC_AES_GCM, pub, &pub[2], seeds, &on);
	/* Replay: the same cell twice. */
	m = client_create(&on, seeds[0]);
	copy = rte_pktmbuf_copy(m, pool, 0, UINT32_MAX);
	assert_non_null(feed(0, m, 2000));
	rte_pktmbuf_free(workers[0].tx[0]);
	assert_null(feed(0, copy, 2000));
	assert_int_equal(s->drops[DP_DROP_REPLAY], 1);
	/* A flipped ciphertext byte (fresh onion, so no replay). */
	snc_onion_free(&on);
	build(SNC_ENC_AES_GCM, pub, &pub[2], seeds, &on);
	m = client_create(&on, seeds[0]);
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	cell[DP_CELL_CREATE_HDR + 20] ^= 1;
	assert_null(feed(0, m, 2000));
	assert_int_equal(s->drops[DP_DROP_BAD_MAC], 1);
	/* A low-order ephemeral key. */
	m = client_create(&on, seeds[0]);
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	memset(cell + 16, 0, 32);
	assert_null(feed(0, m, 2000));
	assert_int_equal(s->drops[DP_DROP_LOW_ORDER], 1);
	/* A node cell (no CLIENT flag) from an address that is no node (fresh key: no replay). */
	snc_onion_free(&on);
	build(SNC_ENC_AES_GCM, pub, &pub[2], seeds, &on);
	m = client_create(&on, seeds[0]);
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	cell[3] = 0;
	assert_null(feed(0, m, 2000));
	assert_int_equal(s->drops[DP_DROP_UNKNOWN_PEER], 1);
	/* A next hop missing from the node table. */
	build(SNC_ENC_AES_GCM, (const struct snc_onion_node[]){pub[0], pub[3]}, &pub[2], seeds,
	      &lost);
	assert_null(feed(0, client_create(&lost, seeds[0]), 2000));
	assert_int_equal(s->drops[DP_DROP_UNKNOWN_NEXT_HOP], 1);
	snc_onion_free(&lost);
	snc_onion_free(&on);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

/* Worker 0's random stream from a fixed key: the same labels and padding again. */
static void
rekey_worker0(void)
{
	static const uint8_t key[DP_RNG_KEY_BYTES] = {7}, iv[DP_RNG_IV_BYTES];

	dp_rng_free(&workers[0].rng);
	assert_int_equal(dp_rng_init(&workers[0].rng, key, iv), 0);
}

/* Three fresh CREATEs to node 0 in one burst; their mbufs in m[]. */
static void
feed_three(struct rte_mbuf *m[3], uint64_t now)
{
	struct dp_worker *w = &workers[0];
	struct dp_create_item it[3];

	for (int i = 0; i < 3; i++) {
		uint8_t seeds[3][32];
		struct snc_onion on;
		build(SNC_ENC_XCHACHA20, pub, &pub[2], seeds, &on);
		m[i] = client_create(&on, seeds[0]);
		snc_onion_free(&on);
		it[i] = (struct dp_create_item){.m = m[i]};
		assert_int_equal(dp_pkt_parse(m[i], &w->iface, &it[i].pkt), DP_DROP_NONE);
		assert_int_equal(dp_cell_parse(it[i].pkt.cell, it[i].pkt.cell_len, &it[i].cell),
				 DP_DROP_NONE);
	}
	w->ntx = 0;
	dp_create_stage(w, it, 3, now);
}

/* The out labels go into the circuit table after the whole burst is routed: a label that
 * is taken by then drops its cell alone (circuit_full), taken back out of the burst's tx,
 * its circuit removed, the cells after it sent in order. The stream replayed from the
 * same key draws a one-cell burst's label again for the next burst's first cell (same
 * onion lengths, so the same padding after it); the next cells' labels come from bytes
 * that were padding before: fresh. */
static void
taken_out_label_drops_its_cell_alone(void **state)
{
	struct dp_worker *w = &workers[0];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t relayed = w->stats.create_relayed, full = w->stats.drops[DP_DROP_CIRCUIT_FULL];
	uint32_t circuits = dp_circuit_count(&w->circuits);
	uint8_t seeds[3][32];
	struct snc_onion on;
	struct rte_mbuf *m[3];

	(void)state;
	rekey_worker0();
	build(SNC_ENC_XCHACHA20, pub, &pub[2], seeds, &on);
	m[0] = feed(0, client_create(&on, seeds[0]), 4000);
	snc_onion_free(&on);
	assert_non_null(m[0]);
	rte_pktmbuf_free(m[0]);
	rekey_worker0();
	feed_three(m, 4000);
	assert_int_equal(w->stats.drops[DP_DROP_CIRCUIT_FULL], full + 1);
	assert_int_equal(w->ntx, 2);
	assert_ptr_equal(w->tx[0], m[1]);
	assert_ptr_equal(w->tx[1], m[2]);
	assert_int_equal(w->stats.create_relayed, relayed + 3);
	assert_int_equal(dp_circuit_count(&w->circuits), circuits + 3);
	rte_pktmbuf_free(w->tx[0]);
	rte_pktmbuf_free(w->tx[1]);
	w->ntx = 0;
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

static void
rate_limit_sheds_before_public_key_work(void **state)
{
	struct dp_worker_conf conf;
	uint8_t seeds[3][32];
	struct snc_onion on;

	(void)state;
	dp_worker_conf_defaults(&conf);
	conf.circuits = 64;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	conf.ratelimit_burst = 2;
	conf.ratelimit_rate = 1;
	setup_nodes(&conf);
	for (int i = 0; i < 3; i++) {
		struct rte_mbuf *out;
		build(SNC_ENC_XCHACHA20, pub, &pub[2], seeds, &on);
		out = feed(0, client_create(&on, seeds[0]), 3000);
		if (i < 2) {
			assert_non_null(out);
			rte_pktmbuf_free(out);
		} else {
			assert_null(out);
		}
		snc_onion_free(&on);
	}
	assert_int_equal(workers[0].stats.drops[DP_DROP_RATELIMIT], 1);
	assert_int_equal(workers[0].stats.create_relayed, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_hops_to_delivery),
		cmocka_unit_test(medium_and_large_cross_three_hops),
		cmocka_unit_test(no_heap_allocation_on_the_workers),
		cmocka_unit_test(large_cell_blob_edge),
		cmocka_unit_test(big_mbuf_holds_one_large_frame),
		cmocka_unit_test(each_bad_create_lands_in_its_counter),
		cmocka_unit_test(taken_out_label_drops_its_cell_alone),
		cmocka_unit_test(rate_limit_sheds_before_public_key_work),
	};
	int rc;

	if (eal_test_init("create", NULL) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_create", POOL, SOCKET_ID_ANY);
	big_pool = dp_mempool_big_create("test_create_big", BIG_POOL, SOCKET_ID_ANY);
	rc = cmocka_run_group_tests_name("dpdk/create", tests, group_setup, NULL);
	for (int i = 0; i < NODES; i++) {
		dp_worker_free(&workers[i]);
		dp_node_table_free(&tables[i]);
	}
	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	eal_test_cleanup();
	return rc;
}
