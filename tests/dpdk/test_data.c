/* SPDX-License-Identifier: MIT */
/*
 * dataplane/data.c on real EAL and mbufs: nodes A, B, C on net_ring loopback
 * ports (what a node sends, the test hands to the node it is addressed to).
 * A client sends a CREATE with MORE, then the rest of its request in DATA
 * cells, one layer per hop sealed with each hop's kf; every relay opens its
 * layer and forwards cut-through; C reassembles and delivers the whole layer
 * at LAST; the reply then goes back on the same circuit. Then the request
 * limit at its edge, every drop in its counter, the timeout, no mbuf leaked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "alloc_count_assert.h"
#include "cell_mask.h"
#include "data.h"
#include "eal_test.h"
#include "loop.h"
#include "mempool.h"
#include "onion_build.h"
#include "port.h"
#include "reply.h"
#include "snc.h"

enum {
	NODES = 3,
	POOL = 4096,
	CIRCUITS = 64,
	BIG_POOL = 8,
};

static const uint64_t second = 1000000000ull;
static const char first_part[] = "{\"method\":\"store\",\"params\":{\"data\":\"";

static struct rte_mempool *pool, *big_pool;
static uint8_t cls; /* size class of the cells the client sends */
static uint16_t ports[NODES];
static struct snc_node_keys keys[NODES];
static struct snc_onion_node pub[NODES];
static struct dp_node_table tables[NODES];
static struct dp_worker workers[NODES];
static const uint8_t macs[NODES][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 3}};
static const struct dp_iface client_if = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 0x64}}, .ip = 0x0a000064, .port = 40000};

/* What C delivered. */
static struct {
	int n;
	uint64_t label;
	struct dp_addr prev;
	uint8_t *blob;
	size_t blob_len;
	char json[64];
} got;
static unsigned to_client;

struct client {
	struct snc_onion on;
	uint8_t seeds[NODES][32];
	uint8_t kf[NODES][32], kr[NODES][32];
	uint64_t label;
};

static uint32_t
ip_of(int i)
{
	return 0x0a000001 + (uint32_t)i;
}

/* What worker w does with a burst, counted by alloc_count (the worker's own calls only). */
static void
burst(struct dp_worker *w, uint16_t port, struct rte_mbuf **m, uint16_t n, uint64_t now)
{
	alloc_count_arm();
	dp_loop_burst(w, port, 0, m, n, now);
	alloc_count_disarm();
}

/* Stands for the channel (which writes into mbufs): its malloc is the test's, not counted. */
static enum dp_drop_reason
on_deliver(struct dp_worker *w, const struct dp_delivery *d, struct rte_mbuf *m, void *arg)
{
	(void)w;
	(void)arg;
	alloc_count_disarm();
	got.n++;
	got.label = d->circuit->in_label;
	got.prev = d->circuit->prev;
	free(got.blob);
	got.blob = malloc(d->payload.blob_len + 1);
	memcpy(got.blob, d->payload.blob, d->payload.blob_len);
	got.blob_len = d->payload.blob_len;
	assert_true(d->payload.json_len < sizeof(got.json));
	memcpy(got.json, d->payload.json, d->payload.json_len);
	got.json[d->payload.json_len] = 0;
	rte_pktmbuf_free(m);
	alloc_count_arm();
	return DP_DROP_NONE;
}

static int
group_setup(void **state)
{
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};
	struct dp_worker_conf conf;
	char name[16];

	(void)state;
	dp_worker_conf_defaults(&conf);
	conf.circuits = CIRCUITS;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	for (int i = 0; i < NODES; i++) {
		uint8_t seed[32];
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, keys[i].x25519_sk, pub[i].x25519);
		memcpy(keys[i].x25519_pk, pub[i].x25519, 32);
		randombytes_buf(pub[i].ed25519, 32);
		snprintf(name, sizeof(name), "net_ring%d", i);
		if (rte_eth_dev_get_port_by_name(name, &ports[i]) != 0 ||
		    dp_port_configure(ports[i], &pc, pool) != 0 || dp_port_start(ports[i]) != 0)
			return -1;
	}
	for (int i = 0; i < NODES; i++) {
		struct dp_iface iface = {.ip = ip_of(i), .port = 22030};
		memcpy(iface.mac.addr_bytes, macs[i], 6);
		if (dp_node_table_init(&tables[i], 8, keys[i].x25519_sk, keys[i].x25519_pk) != 0)
			return -1;
		for (int j = 0; j < NODES; j++)
			if (j != i && dp_node_table_add(&tables[i], pub[j].ed25519, pub[j].x25519,
							ip_of(j), 22030, macs[j]) != 0)
				return -1;
		if (dp_worker_init(&workers[i], (unsigned)i, &conf, &iface, &keys[i], &tables[i],
				   0) != 0 ||
		    dp_reply_init(&workers[i], pool) != 0)
			return -1;
		workers[i].deliver = on_deliver;
	}
	return 0;
}

/* Hands every frame each node sent to its addressee until the rings are empty. */
static void
carry_all(uint64_t now)
{
	unsigned moved;

	do {
		moved = 0;
		for (int i = NODES - 1; i >= 0; i--) {
			struct rte_mbuf *pkts[DP_BURST];
			uint16_t n = rte_eth_rx_burst(ports[i], 0, pkts, DP_BURST);
			moved += n;
			for (uint16_t k = 0; k < n; k++) {
				const uint8_t *f = rte_pktmbuf_mtod(pkts[k], const uint8_t *);
				uint32_t dst = (uint32_t)f[30] << 24 | (uint32_t)f[31] << 16 |
					       f[32] << 8 | f[33];
				if (dst >= ip_of(0) && dst < ip_of(NODES)) {
					int to = (int)(dst - ip_of(0));
					burst(&workers[to], ports[to], &pkts[k], 1, now);
					continue;
				}
				to_client += dst == client_if.ip;
				rte_pktmbuf_free(pkts[k]);
			}
		}
	} while (moved > 0);
}

static uint32_t
size(void)
{
	return dp_cell_class_size(cls);
}

/* DATA payload a client cell of the class carries for the three hops (1164 when small). */
static uint32_t
cell_chunk(void)
{
	return size() - DP_CELL_DATA_HDR - 3 * DP_DATA_LAYER;
}

static struct rte_mbuf *
frame(const uint8_t *cell)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(cls == 0 ? pool : big_pool);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size())));
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN), cell, size());
	dp_pkt_write_headers(m, &client_if, (const struct rte_ether_addr *)macs[0], ip_of(0), 22030,
			     size());
	return m;
}

static void
to_a(struct rte_mbuf *m, uint64_t now)
{
	burst(&workers[0], ports[0], &m, 1, now);
	carry_all(now);
}

/* The client's CREATE (with MORE when more) for a request whose body starts with blob. */
static void
send_create(struct client *cl, const uint8_t *blob, size_t len, bool more, uint64_t now)
{
	struct snc_payload p;
	struct snc_route_entry e;
	uint8_t mask[5], dh[32], sk[32], pk[32], key[32];
	static uint8_t cell[DP_CELL_LARGE];
	uint32_t used;

	memset(cl, 0, sizeof(*cl));
	randombytes_buf(cl->seeds, sizeof(cl->seeds));
	randombytes_buf(&cl->label, sizeof(cl->label));
	cl->label |= 1;
	assert_int_equal(snc_onion_build_to_node(SNC_ENC_XCHACHA20, pub, 2, &pub[2], blob, len,
						 &cl->seeds[0][0], &cl->on),
			 0);
	for (int i = 0; i < NODES; i++) {
		snc_onion_layer_keypair_from_seed(cl->seeds[i], sk, pk);
		assert_int_equal(
			snc_onion_layer_client_key(SNC_ENC_XCHACHA20, sk, pk, pub[i].x25519, key),
			0);
		snc_cell_data_keys(key, cl->kf[i], cl->kr[i]);
	}
	assert_int_equal(snc_payload_parse(cl->on.payload, cl->on.payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	snc_onion_layer_keypair_from_seed(cl->seeds[0], sk, pk);
	assert_int_equal(crypto_scalarmult(dh, sk, keys[0].x25519_pk), 0);
	snc_cell_mask(dh, DP_CELL_CREATE, cl->label, 0, mask);
	used = dp_cell_write_create(cell, cls, DP_CELL_FLAG_CLIENT | (more ? DP_CELL_FLAG_MORE : 0),
				    cl->label, (uint8_t)e.enc_type, DP_CELL_REPLY_LAYERED, e.eph_pk,
				    0, mask, p.blob, (uint32_t)p.blob_len);
	assert_true(used > 0);
	randombytes_buf(cell + used, size() - used);
	to_a(frame(cell), now);
}

/* A DATA cell from the client: chunk sealed for C, B, A (A's layer outermost). */
static struct rte_mbuf *
data_cell(const struct client *cl, uint32_t seq, uint8_t flags, const uint8_t *chunk, uint32_t n)
{
	static uint8_t payload[DP_CELL_LARGE], cell[DP_CELL_LARGE];
	uint8_t mask[5];

	assert_true(n <= cell_chunk());
	memcpy(payload, chunk, n);
	for (int h = NODES - 1; h >= 0; h--, n += DP_DATA_LAYER)
		snc_cell_data_seal(cl->kf[h], seq, payload, n, payload);
	snc_cell_mask(cl->kf[0], DP_CELL_DATA, cl->label, seq, mask);
	assert_true(dp_cell_write_data(cell, DP_CELL_DATA, cls, DP_CELL_FLAG_CLIENT | flags,
				       cl->label, seq, mask, payload, n) > 0);
	randombytes_buf(cell + DP_CELL_DATA_HDR + n, size() - DP_CELL_DATA_HDR - n);
	return frame(cell);
}

/* Sends rest in DATA cells from seq first on, LAST on the final one. */
static void
send_rest(const struct client *cl, const uint8_t *rest, size_t len, uint64_t now)
{
	uint32_t seq = 0;

	for (size_t off = 0; off < len || seq == 0; off += cell_chunk(), seq++) {
		uint32_t n = (uint32_t)(len - off < cell_chunk() ? len - off : cell_chunk());
		to_a(data_cell(cl, seq, off + n == len ? DP_CELL_FLAG_LAST : 0, rest + off, n),
		     now);
	}
}

static void
assert_no_circuits_and_no_leak(unsigned avail_before)
{
	for (int i = 0; i < NODES; i++) {
		dp_circuit_age(&workers[i].circuits, UINT64_MAX, CIRCUITS);
		assert_int_equal(dp_data_pending(&workers[i]), 0);
	}
	assert_int_equal(rte_mempool_avail_count(pool), avail_before);
}

static void
request_in_data_cells_then_the_reply(void **state)
{
	static uint8_t rest[10000], out[64];
	unsigned before = rte_mempool_avail_count(pool);
	struct client cl;
	int n0 = got.n;
	uint8_t cell_out[DP_CELL_SMALL];
	const uint64_t relayed[2] = {workers[0].stats.data_relayed, workers[1].stats.data_relayed},
		       delivered = workers[2].stats.data_delivered;

	(void)state;
	randombytes_buf(rest, sizeof(rest));
	send_create(&cl, (const uint8_t *)first_part, strlen(first_part), true, second);
	assert_int_equal(got.n, n0); /* held until LAST */
	assert_int_equal(dp_data_pending(&workers[2]), 1);
	send_rest(&cl, rest, sizeof(rest), second);
	assert_int_equal(got.n, n0 + 1);
	assert_int_equal(got.blob_len, strlen(first_part) + sizeof(rest));
	assert_memory_equal(got.blob, first_part, strlen(first_part));
	assert_memory_equal(got.blob + strlen(first_part), rest, sizeof(rest));
	assert_string_equal(got.json, "{\"headers\":\"\"}");
	assert_int_equal(workers[0].stats.data_relayed - relayed[0], 9);
	assert_int_equal(workers[1].stats.data_relayed - relayed[1], 9);
	assert_int_equal(workers[2].stats.data_delivered - delivered, 1);
	assert_int_equal(dp_data_pending(&workers[2]), 0);
	/* The reply goes back on the circuit the DATA came on. */
	alloc_count_arm(); /* the worker takes the reply from the channel's ring */
	assert_int_equal(dp_reply_submit(&workers[2], got.label, &got.prev, 0,
					 (const uint8_t *)"ok", 2, second),
			 DP_DROP_NONE);
	alloc_count_disarm();
	to_client = 0;
	{
		struct rte_mbuf *m;
		struct dp_cell c;
		uint8_t mask[5];
		uint32_t len;
		alloc_count_arm();
		dp_reply_pump(&workers[2], ports[2], 0, second);
		alloc_count_disarm();
		/* Carry by hand to catch the client's cell. */
		for (int i = NODES - 1; i >= 0; i--) {
			assert_int_equal(rte_eth_rx_burst(ports[i], 0, &m, 1), 1);
			if (i > 0) {
				burst(&workers[i - 1], ports[i - 1], &m, 1, second);
				continue;
			}
			memcpy(cell_out, rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN),
			       DP_CELL_SMALL);
			rte_pktmbuf_free(m);
		}
		assert_int_equal(dp_cell_parse(cell_out, DP_CELL_SMALL, &c), DP_DROP_NONE);
		snc_cell_mask(cl.kr[0], DP_CELL_REPLY, cl.label, 0, mask);
		assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
		memcpy(out, c.data, c.data_len);
		len = c.data_len;
		for (int h = 0; h < NODES; h++, len -= 16)
			assert_int_equal(snc_cell_data_open(cl.kr[h], 0, out, len, out), 0);
		assert_int_equal(len, 2);
		assert_memory_equal(out, "ok", 2);
	}
	snc_onion_free(&cl.on);
	assert_no_circuits_and_no_leak(before);
}

/* The same in medium and large cells: fewer, bigger DATA cells relayed in place in big
 * mbufs; all of them come back. */
static void
medium_and_large_requests_in_data_cells(void **state)
{
	static uint8_t rest[100000];
	/* 100,000 bytes in 8,124-byte chunks: 13 cells; in 64,932-byte chunks: 2 */
	static const struct {
		uint8_t cls;
		uint64_t cells;
	} cases[] = {{1, 13}, {2, 2}};
	unsigned before = rte_mempool_avail_count(pool);

	(void)state;
	randombytes_buf(rest, sizeof(rest));
	for (int i = 0; i < 2; i++) {
		uint64_t relayed = workers[1].stats.data_relayed;
		struct client cl;
		int n0 = got.n;

		cls = cases[i].cls;
		send_create(&cl, (const uint8_t *)first_part, strlen(first_part), true, second);
		send_rest(&cl, rest, sizeof(rest), second);
		assert_int_equal(got.n, n0 + 1);
		assert_int_equal(got.blob_len, strlen(first_part) + sizeof(rest));
		assert_memory_equal(got.blob + strlen(first_part), rest, sizeof(rest));
		assert_int_equal(workers[1].stats.data_relayed - relayed, cases[i].cells);
		snc_onion_free(&cl.on);
	}
	cls = 0;
	assert_no_circuits_and_no_leak(before);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_POOL);
}

static void
request_limit_at_its_edge(void **state)
{
	uint8_t *rest = malloc(DP_DATA_MAX);
	size_t first = strlen(first_part);
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t big = workers[2].stats.drops[DP_DROP_DATA_TOO_BIG];
	struct client cl;
	int n0 = got.n;

	(void)state;
	assert_non_null(rest);
	randombytes_buf(rest, DP_DATA_MAX);
	/* Exactly DP_DATA_MAX bytes of body: delivered whole. */
	send_create(&cl, (const uint8_t *)first_part, first, true, second);
	send_rest(&cl, rest, DP_DATA_MAX - first, second);
	assert_int_equal(got.n, n0 + 1);
	assert_int_equal(got.blob_len, DP_DATA_MAX);
	assert_memory_equal(got.blob + first, rest, DP_DATA_MAX - first);
	snc_onion_free(&cl.on);
	/* One byte more: refused at the cell that passes it, the request and circuit gone. */
	send_create(&cl, (const uint8_t *)first_part, first, true, second);
	send_rest(&cl, rest, DP_DATA_MAX - first + 1, second);
	assert_int_equal(got.n, n0 + 1);
	assert_int_equal(workers[2].stats.drops[DP_DROP_DATA_TOO_BIG] - big, 1);
	assert_int_equal(dp_data_pending(&workers[2]), 0);
	assert_int_equal(dp_circuit_count(&workers[2].circuits), 1); /* the first request's */
	snc_onion_free(&cl.on);
	free(rest);
	assert_no_circuits_and_no_leak(before);
}

static void
each_bad_data_cell_lands_in_its_counter(void **state)
{
	const uint8_t chunk[40] = {1, 2, 3};
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t a[DP_DROP_COUNT], c[DP_DROP_COUNT];
	const struct dp_stats *sa = &workers[0].stats, *sc = &workers[2].stats;
	struct client cl, plain;
	struct rte_mbuf *m;
	uint8_t *cell;

	(void)state;
	memcpy(a, sa->drops, sizeof(a));
	memcpy(c, sc->drops, sizeof(c));
	send_create(&cl, (const uint8_t *)first_part, strlen(first_part), true, second);
	/* Unknown label. */
	m = data_cell(&cl, 0, 0, chunk, sizeof(chunk));
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	cell[11] ^= 0x10;
	to_a(m, second);
	assert_int_equal(sa->drops[DP_DROP_NO_CIRCUIT] - a[DP_DROP_NO_CIRCUIT], 1);
	/* No CLIENT flag on the client's link. */
	m = data_cell(&cl, 0, 0, chunk, sizeof(chunk));
	rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN)[3] = 0;
	to_a(m, second);
	assert_int_equal(sa->drops[DP_DROP_BAD_FLAGS] - a[DP_DROP_BAD_FLAGS], 1);
	/* A flipped payload byte: bad_mac, and the genuine seq 0 still passes. */
	m = data_cell(&cl, 0, 0, chunk, sizeof(chunk));
	rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN)[DP_CELL_DATA_HDR + 3] ^= 1;
	to_a(m, second);
	assert_int_equal(sa->drops[DP_DROP_BAD_MAC] - a[DP_DROP_BAD_MAC], 1);
	to_a(data_cell(&cl, 0, 0, chunk, sizeof(chunk)), second);
	/* Seq 0 again at A; seq 2 then 1: A passes the gap on, drops the late one; C,
	 * which has no reorder buffer, drops the gap. */
	to_a(data_cell(&cl, 0, 0, chunk, sizeof(chunk)), second);
	to_a(data_cell(&cl, 2, 0, chunk, sizeof(chunk)), second);
	to_a(data_cell(&cl, 1, 0, chunk, sizeof(chunk)), second);
	assert_int_equal(sa->drops[DP_DROP_DATA_SEQ] - a[DP_DROP_DATA_SEQ], 2);
	assert_int_equal(sc->drops[DP_DROP_DATA_SEQ] - c[DP_DROP_DATA_SEQ], 1);
	/* The request now waits for seq 1 that will never come: it times out. */
	assert_int_equal(dp_data_pending(&workers[2]), 1);
	assert_int_equal(dp_data_age(&workers[2], second + DP_DATA_TIMEOUT_MS * 1000000ull - 1), 0);
	assert_int_equal(dp_data_age(&workers[2], second + DP_DATA_TIMEOUT_MS * 1000000ull), 1);
	assert_int_equal(sc->drops[DP_DROP_DATA_TIMEOUT] - c[DP_DROP_DATA_TIMEOUT], 1);
	assert_int_equal(dp_circuit_count(&workers[2].circuits), 0);
	snc_onion_free(&cl.on);
	/* DATA on a circuit whose CREATE had no MORE: the request delivered at once, the DATA
	 * refused by the first hop (no hop derived kf for that circuit). */
	send_create(&plain, (const uint8_t *)first_part, strlen(first_part), false, second);
	to_a(data_cell(&plain, 0, DP_CELL_FLAG_LAST, chunk, sizeof(chunk)), second);
	assert_int_equal(sa->drops[DP_DROP_DATA_UNEXPECTED] - a[DP_DROP_DATA_UNEXPECTED], 1);
	assert_int_equal(sc->drops[DP_DROP_DATA_UNEXPECTED], c[DP_DROP_DATA_UNEXPECTED]);
	snc_onion_free(&plain.on);
	assert_int_equal(sa->drops[DP_DROP_TX_FULL], a[DP_DROP_TX_FULL]);
	assert_no_circuits_and_no_leak(before);
}

/* The counter sees an allocation on an armed thread, libcrypto's own included, and
 * nothing on a thread that is not: the zero below cannot come from a blind counter. */
static void
alloc_counter_self_check(void)
{
	void *(*volatile get)(size_t) = malloc;
	void *p;
	EVP_CIPHER_CTX *ctx;

	alloc_count_reset();
	p = get(64);
	free(p);
	assert_int_equal(alloc_count_allocs(), 0);
	alloc_count_arm();
	p = get(64);
	free(p);
	assert_int_equal(alloc_count_allocs(), 1);
	assert_int_equal(alloc_count_frees(), 1);
	ctx = EVP_CIPHER_CTX_new(); /* inside libcrypto.so */
	EVP_CIPHER_CTX_free(ctx);
	alloc_count_disarm();
	assert_true(alloc_count_allocs() >= 2);
	assert_true(alloc_count_frees() >= 2);
	alloc_count_reset();
}

/* Once warmed up, the workers relay CREATE with MORE, DATA cut-through (small, medium
 * and large cells), reassemble multi-cell requests at the destination and send and
 * relay the reply without one heap allocation or free. */
static void
no_heap_allocation_on_the_workers(void **state)
{
	if (!alloc_count_usable()) /* ASan owns malloc */
		return;
	alloc_counter_self_check();
	request_in_data_cells_then_the_reply(state); /* warm-up: lazy one-time set-ups */
	medium_and_large_requests_in_data_cells(state);
	alloc_count_reset();
	request_in_data_cells_then_the_reply(state);
	medium_and_large_requests_in_data_cells(state);
	assert_no_alloc_counted();
}

static void
free_with_requests_in_progress(void **state)
{
	unsigned before = rte_mempool_avail_count(pool);
	struct client cl;

	(void)state;
	send_create(&cl, (const uint8_t *)first_part, strlen(first_part), true, second);
	assert_int_equal(dp_data_pending(&workers[2]), 1);
	dp_data_free(&workers[2]);
	assert_null(workers[2].data);
	assert_int_equal(dp_data_pending(&workers[2]), 0);
	assert_int_equal(dp_circuit_count(&workers[2].circuits), 0);
	assert_int_equal(dp_data_age(&workers[2], UINT64_MAX), 0);
	snc_onion_free(&cl.on);
	assert_no_circuits_and_no_leak(before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_in_data_cells_then_the_reply),
		cmocka_unit_test(medium_and_large_requests_in_data_cells),
		cmocka_unit_test(request_limit_at_its_edge),
		cmocka_unit_test(each_bad_data_cell_lands_in_its_counter),
		cmocka_unit_test(no_heap_allocation_on_the_workers),
		cmocka_unit_test(free_with_requests_in_progress),
	};
	static const char *const vdevs[] = {"net_ring0", "net_ring1", "net_ring2", NULL};
	int rc;

	if (eal_test_init("data", vdevs) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_data", POOL, SOCKET_ID_ANY);
	big_pool = dp_mempool_big_create("test_data_big", BIG_POOL, SOCKET_ID_ANY);
	rc = cmocka_run_group_tests_name("dpdk/data", tests, group_setup, NULL);
	for (int i = 0; i < NODES; i++) {
		dp_worker_free(&workers[i]);
		dp_node_table_free(&tables[i]);
		dp_port_shutdown(ports[i]);
	}
	free(got.blob);
	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	eal_test_cleanup();
	return rc;
}
