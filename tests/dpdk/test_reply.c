/* SPDX-License-Identifier: MIT */
/*
 * dataplane/reply.c on real EAL and mbufs: three in-process nodes A, B, C,
 * each on its own net_ring loopback port (what a node transmits, the test
 * reads back and hands to the node the frame is addressed to). A client's
 * onion opens the circuit client -> A -> B -> C; C's delivery records it;
 * dp_reply_submit on C sends a reply that crosses C -> B -> A -> client, and
 * the client (which knows every hop key because it built the onion) opens it,
 * in both reply modes, one-cell and multi-cell, up to the size limit. Then
 * every refusal and drop in its counter, back-pressure from the tx queue and
 * the mbuf pool, no mbuf leaked, and an independent opener in Python
 * (tests/tools/cell_builder.py open-reply) deriving its own keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "alloc_count_assert.h"
#include "cell_mask.h"
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
	BIG_POOL = 64, /* medium/large cells: one pump's 32 plus the CREATEs */
	RING = 1024,   /* net_ring's ring: holds RING - 1 frames */
	CIRCUITS = 128,
	MIB = 1024 * 1024,
};

static const uint64_t second = 1000000000ull;

static struct rte_mempool *pool, *big_pool;
static uint16_t ports[NODES];
static struct snc_node_keys keys[NODES];
static struct snc_onion_node pub[NODES];
static struct dp_node_table tables[NODES];
static struct dp_worker workers[NODES];
static const uint8_t macs[NODES][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 3}};
static const struct dp_iface client_if = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 0x64}}, .ip = 0x0a000064, .port = 40000};

/* What C's delivery saw: the circuit a reply goes back on. */
static struct {
	int n;
	uint64_t label;
	struct dp_addr prev;
	enum snc_route_kind kind;
} got;

/* REPLY cells that reached the client, and the first REPLY each node sent. */
static uint8_t *rx_cells;
static size_t rx_n, rx_cap;
static uint32_t rx_size = DP_CELL_SMALL; /* bytes of each cell in rx_cells: the class's */
static uint8_t path_class;		 /* the class open_path's CREATE uses */
static uint8_t first_sent[NODES][DP_CELL_SMALL];
static int first_seen[NODES];
static unsigned elsewhere; /* frames to an address that is neither a node nor the client */

/* One client request: what the client knows after building the onion. */
struct client {
	struct snc_onion on;
	enum snc_enc_type enc;
	uint8_t mode;
	uint8_t seeds[NODES + 1][32]; /* one per layer: [3] for a server destination */
	uint8_t kr[NODES][32];
	uint64_t label;
	uint8_t cls; /* size class */
};

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
	got.n++;
	got.label = d->circuit->in_label;
	got.prev = d->circuit->prev;
	got.kind = d->kind;
	rte_pktmbuf_free(m);
	return DP_DROP_NONE;
}

static void
setup_nodes(void)
{
	struct dp_worker_conf conf;

	dp_worker_conf_defaults(&conf);
	conf.circuits = CIRCUITS;
	conf.replay_log2_bits = 12;
	conf.ratelimit_sources = 64;
	conf.ratelimit_burst = 1000;
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
		assert_int_equal(dp_worker_init(&workers[i], (unsigned)i, &conf, &iface, &keys[i],
						&tables[i], 0),
				 0);
		assert_int_equal(dp_reply_init(&workers[i], pool), 0);
		workers[i].big_pool = big_pool;
		workers[i].deliver = on_deliver;
	}
}

static int
group_setup(void **state)
{
	const struct dp_port_conf pc = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};
	char name[16];

	(void)state;
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
	setup_nodes();
	return 0;
}

/* ---- the wire between the nodes ---- */

static void
client_receives(const uint8_t *cell)
{
	if (rx_n == rx_cap) {
		rx_cap = rx_cap ? 2 * rx_cap : 64;
		rx_cells = realloc(rx_cells, rx_cap * rx_size);
		assert_non_null(rx_cells);
	}
	memcpy(rx_cells + rx_n++ * rx_size, cell, rx_size);
}

/* Hands every frame node i transmitted to its addressee; returns how many moved. */
static unsigned
carry_from(int i, uint64_t now)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t n = rte_eth_rx_burst(ports[i], 0, pkts, DP_BURST);

	for (uint16_t k = 0; k < n; k++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[k], const uint8_t *);
		const uint8_t *cell = f + DP_PKT_HDR_LEN;
		uint32_t dst = (uint32_t)f[30] << 24 | (uint32_t)f[31] << 16 | f[32] << 8 | f[33];
		int to = dst >= ip_of(0) && dst < ip_of(NODES) ? (int)(dst - ip_of(0)) : -1;

		if (cell[1] == DP_CELL_REPLY && !first_seen[i]) {
			memcpy(first_sent[i], cell, DP_CELL_SMALL);
			first_seen[i] = 1;
		}
		if (to >= 0) {
			alloc_count_arm(); /* what the worker does is counted */
			dp_loop_burst(&workers[to], ports[to], 0, &pkts[k], 1, now);
			alloc_count_disarm();
			continue;
		}
		if (dst == client_if.ip)
			client_receives(cell);
		else
			elsewhere++;
		rte_pktmbuf_free(pkts[k]);
	}
	return n;
}

/* Moves frames until every ring is empty. */
static void
carry_all(uint64_t now)
{
	unsigned moved;

	do {
		moved = 0;
		for (int i = NODES - 1; i >= 0; i--)
			moved += carry_from(i, now);
	} while (moved > 0);
}

/* Pumps C's replies and carries them to the client until nothing is left. */
static void
run_replies(uint64_t now)
{
	do {
		alloc_count_arm();
		dp_reply_pump(&workers[2], ports[2], 0, now);
		alloc_count_disarm();
		carry_all(now);
	} while (dp_reply_pending(&workers[2]) > 0);
}

static void
reset_capture(void)
{
	rx_n = 0;
	elsewhere = 0;
	memset(first_seen, 0, sizeof(first_seen));
}

/* ---- the client ---- */

static struct rte_mbuf *
client_create(const struct client *cl, uint8_t hop_no)
{
	struct snc_payload p;
	struct snc_route_entry e;
	uint8_t mask[5], dh[32], eph_sk[32], eph_pk[32];
	struct rte_mbuf *m = rte_pktmbuf_alloc(cl->cls == 0 ? pool : big_pool);
	uint32_t used, size = dp_cell_class_size(cl->cls);
	uint8_t *cell;

	assert_non_null(m);
	assert_int_equal(snc_payload_parse(cl->on.payload, cl->on.payload_len, &p), 0);
	assert_int_equal(snc_route_parse_entry(p.json, p.json_len, &e), 0);
	snc_onion_layer_keypair_from_seed(cl->seeds[0], eph_sk, eph_pk);
	assert_int_equal(crypto_scalarmult(dh, eph_sk, keys[0].x25519_pk), 0);
	snc_cell_mask(dh, DP_CELL_CREATE, cl->label, 0, mask);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size)));
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	used = dp_cell_write_create(cell, cl->cls, DP_CELL_FLAG_CLIENT, cl->label,
				    (uint8_t)e.enc_type, cl->mode, e.eph_pk, hop_no, mask, p.blob,
				    (uint32_t)p.blob_len);
	assert_true(used > 0);
	memset(cell + used, 0, size - used);
	dp_pkt_write_headers(m, &client_if, (const struct rte_ether_addr *)macs[0], ip_of(0), 22030,
			     size);
	return m;
}

/* The client's kr for every hop, from its ephemeral seeds (it built the onion). */
static void
client_keys(struct client *cl)
{
	for (int i = 0; i < NODES; i++) {
		uint8_t sk[32], pk[32], key[32], kf[32];
		snc_onion_layer_keypair_from_seed(cl->seeds[i], sk, pk);
		assert_int_equal(snc_onion_layer_client_key(cl->enc, sk, pk, pub[i].x25519, key),
				 0);
		snc_cell_data_keys(key, kf, cl->kr[i]);
	}
}

/* Opens a circuit client -> A -> B -> C (to C itself, or C as the exit to a server). */
static void
open_path(struct client *cl, enum snc_enc_type enc, uint8_t mode, uint8_t hop_no, bool server,
	  uint64_t now)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	const struct snc_onion_server srv = {"files.example", "/oxen/v4/lsrpc", "https", 443, {9}};
	struct rte_mbuf *m;
	int before = got.n;

	memset(cl, 0, sizeof(*cl));
	cl->enc = enc;
	cl->mode = mode;
	cl->cls = path_class;
	randombytes_buf(cl->seeds, sizeof(cl->seeds));
	randombytes_buf(&cl->label, sizeof(cl->label));
	cl->label |= 1;
	if (server)
		assert_int_equal(snc_onion_build_to_server(enc, pub, 3, &srv, (const uint8_t *)body,
							   strlen(body), &cl->seeds[0][0], &cl->on),
				 0);
	else
		assert_int_equal(snc_onion_build_to_node(enc, pub, 2, &pub[2],
							 (const uint8_t *)body, strlen(body),
							 &cl->seeds[0][0], &cl->on),
				 0);
	client_keys(cl);
	m = client_create(cl, hop_no);
	alloc_count_arm();
	dp_loop_burst(&workers[0], ports[0], 0, &m, 1, now);
	alloc_count_disarm();
	carry_all(now);
	assert_int_equal(got.n, before + 1);
	assert_int_equal(got.kind, server ? SNC_ROUTE_PROXY : SNC_ROUTE_DESTINATION);
	assert_int_equal(got.prev.ip, ip_of(1));
}

/* What the client reads from the cells it received: the layers opened, the
 * header checked, the Session layer still on in mode 0. */
static size_t
client_open_cells(const struct client *cl, uint8_t *out, size_t cap)
{
	size_t len = 0;

	assert_true(rx_n > 0);
	for (size_t k = 0; k < rx_n; k++) {
		const uint8_t *cell = rx_cells + k * rx_size;
		struct dp_cell c;
		uint8_t mask[5];
		uint32_t n;

		assert_int_equal(dp_cell_parse(cell, rx_size, &c), DP_DROP_NONE);
		assert_int_equal(c.kind, DP_CELL_REPLY);
		assert_int_equal(c.size_class, cl->cls);
		assert_true(c.label == cl->label);
		assert_int_equal(c.seq, k);
		assert_int_equal(c.flags,
				 DP_CELL_FLAG_CLIENT | (k + 1 == rx_n ? DP_CELL_FLAG_LAST : 0));
		snc_cell_mask(cl->kr[0], DP_CELL_REPLY, cl->label, c.seq, mask);
		assert_int_equal(dp_cell_unmask(&c, mask), DP_DROP_NONE);
		assert_true(len + c.data_len <= cap);
		memcpy(out + len, c.data, c.data_len);
		n = c.data_len;
		for (int h = 0; cl->mode == DP_CELL_REPLY_LAYERED && h < NODES; h++) {
			assert_int_equal(
				snc_cell_data_open(cl->kr[h], c.seq, out + len, n, out + len), 0);
			n -= DP_REPLY_LAYER;
		}
		len += n;
	}
	return len;
}

/* The reply body as the client recovers it (mode 0: base64 and Session layer off). */
static size_t
client_open(const struct client *cl, uint32_t flags, uint8_t *out, size_t cap)
{
	uint8_t *raw = malloc(cap * 2 + 4096), *bin = malloc(cap * 2 + 4096);
	size_t len, body_len = 0;

	assert_non_null(raw);
	assert_non_null(bin);
	len = client_open_cells(cl, raw, cap * 2 + 4096);
	if (cl->mode == DP_CELL_REPLY_LAYERED) {
		assert_true(len <= cap);
		memcpy(out, raw, len);
		body_len = len;
	} else {
		if (flags & DP_REPLY_BASE64) {
			assert_int_equal(sodium_base642bin(bin, cap * 2 + 4096, (const char *)raw,
							   len, NULL, &len, NULL,
							   sodium_base64_VARIANT_ORIGINAL),
					 0);
			memcpy(raw, bin, len);
		}
		assert_int_equal(snc_onion_open_reply(&cl->on, raw, len, out, cap, &body_len), 0);
	}
	free(raw);
	free(bin);
	return body_len;
}

/* Submits on C, runs the reply to the client and checks the body it opens. */
static void
reply_round_trip(struct client *cl, uint32_t flags, const uint8_t *body, size_t len,
		 size_t want_cells, uint64_t now)
{
	uint8_t *out = malloc(len + 64);

	assert_non_null(out);
	reset_capture();
	alloc_count_arm(); /* the worker takes the reply from its ring */
	assert_int_equal(dp_reply_submit(&workers[2], got.label, &got.prev, flags, body, len, now),
			 DP_DROP_NONE);
	alloc_count_disarm();
	run_replies(now);
	assert_int_equal(rx_n, want_cells);
	assert_int_equal(client_open(cl, flags, out, len + 64), len);
	assert_memory_equal(out, body, len);
	assert_int_equal(elsewhere, 0);
	free(out);
}

static void
assert_no_circuits_and_no_leak(unsigned avail_before)
{
	for (int i = 0; i < NODES; i++)
		assert_int_equal(dp_circuit_count(&workers[i].circuits), 0);
	assert_int_equal(dp_reply_pending(&workers[2]), 0);
	assert_int_equal(dp_reply_arena_used(&workers[2]), 0); /* every reply's bytes back */
	assert_int_equal(rte_mempool_avail_count(pool), avail_before);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_POOL);
}

/* ---- tests ---- */

static void
one_cell_replies_in_both_modes(void **state)
{
	static const char body[] = "{\"status\":200,\"body\":\"{\\\"t\\\":1700000000000}\"}";
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t replies = workers[2].stats.replies, relayed = workers[1].stats.reply_relayed;
	int rounds = 0;
	struct client cl;

	(void)state;
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++) {
		for (uint8_t mode = 0; mode <= 1; mode++) {
			for (uint32_t flags = 0; flags <= DP_REPLY_BASE64; flags++) {
				open_path(&cl, (enum snc_enc_type)t, mode, 0, false, second);
				reply_round_trip(&cl, flags, (const uint8_t *)body, strlen(body), 1,
						 second);
				snc_onion_free(&cl.on);
				rounds++;
			}
		}
	}
	assert_int_equal(workers[2].stats.replies - replies, rounds);
	assert_int_equal(workers[1].stats.reply_relayed - relayed, rounds);
	assert_no_circuits_and_no_leak(before);
}

static void
multi_cell_replies_differ_per_link_only_when_layered(void **state)
{
	static uint8_t body[20000];
	unsigned before = rte_mempool_avail_count(pool);
	struct client cl;

	(void)state;
	randombytes_buf(body, sizeof(body));
	/* Mode 1 at C (hop 2): 1212 - 3 x 16 = 1164 bytes a cell, 18 cells. */
	open_path(&cl, SNC_ENC_XCHACHA20, DP_CELL_REPLY_LAYERED, 0, false, second);
	reply_round_trip(&cl, DP_REPLY_BASE64, body, sizeof(body), 18, second);
	assert_true(first_seen[0] && first_seen[1] && first_seen[2]);
	assert_memory_not_equal(first_sent[2] + 20, first_sent[1] + 20, 256);
	assert_memory_not_equal(first_sent[1] + 20, first_sent[0] + 20, 256);
	snc_onion_free(&cl.on);
	/* Mode 0, aes-gcm, base64: 4 x ceil(20028 / 3) = 26704 bytes, 23 cells, same on every link.
	 */
	open_path(&cl, SNC_ENC_AES_GCM, DP_CELL_REPLY_COMPAT, 0, false, second);
	reply_round_trip(&cl, DP_REPLY_BASE64, body, sizeof(body), 23, second);
	assert_memory_equal(first_sent[2] + 20, first_sent[1] + 20, DP_CELL_SMALL - 20);
	assert_memory_equal(first_sent[1] + 20, first_sent[0] + 20, DP_CELL_SMALL - 20);
	snc_onion_free(&cl.on);
	assert_no_circuits_and_no_leak(before);
}

/* body after a 32-byte head in a chain of small mbufs (as channel.c hands replies over). */
static struct rte_mbuf *
chain_of(const uint8_t *body, size_t len)
{
	struct rte_mbuf *head = NULL;
	size_t off = 0, at = 32;

	while (off < len || head == NULL) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		size_t n = len - off < 1500 - at ? len - off : 1500 - at;
		uint8_t *p;

		assert_non_null(m);
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(at + n));
		assert_non_null(p);
		memset(p, 0xee, at);
		memcpy(p + at, body + off, n);
		off += n;
		at = 0;
		if (head == NULL) {
			head = m;
		} else {
			assert_int_equal(rte_pktmbuf_chain(head, m), 0);
		}
	}
	return head;
}

/* A reply handed over as an mbuf chain (dp_reply_submit_mbuf) reaches the client
 * whole in both modes: copied once into the arena, sealed there in mode 0, and
 * the arena's space behind the seal is given back (no arena byte or mbuf left). */
static void
replies_from_an_mbuf_chain(void **state)
{
	static uint8_t body[20000], out[20064];
	unsigned before = rte_mempool_avail_count(pool);
	struct client cl;

	(void)state;
	randombytes_buf(body, sizeof(body));
	for (uint8_t mode = 0; mode <= 1; mode++) {
		struct rte_mbuf *m = chain_of(body, sizeof(body));

		assert_true(m->nb_segs > 10);
		open_path(&cl, SNC_ENC_AES_GCM, mode, 0, false, second);
		reset_capture();
		alloc_count_arm();
		assert_int_equal(dp_reply_submit_mbuf(&workers[2], got.label, &got.prev,
						      DP_REPLY_BASE64, m, 32, sizeof(body), second),
				 DP_DROP_NONE);
		alloc_count_disarm();
		rte_pktmbuf_free(m); /* the reply no longer needs it */
		run_replies(second);
		assert_int_equal(client_open(&cl, DP_REPLY_BASE64, out, sizeof(out)), sizeof(body));
		assert_memory_equal(out, body, sizeof(body));
		snc_onion_free(&cl.on);
	}
	assert_no_circuits_and_no_leak(before);
}

/* Sets the class of the paths open_path builds and the client's capture to match. */
static void
use_class(uint8_t cls)
{
	path_class = cls;
	rx_size = dp_cell_class_size(cls);
	free(rx_cells);
	rx_cells = NULL;
	rx_n = rx_cap = 0;
}

/* Medium and large circuits reply in their own class, both modes, several cells each;
 * the cells come from the big mbufs, which all come back. */
static void
medium_and_large_replies_in_both_modes(void **state)
{
	static uint8_t body[100000];
	static const struct {
		uint8_t cls;
		uint8_t mode;
		size_t len, cells;
	} cases[] = {
		/* mode 1 at hop 2: 8192 - 20 - 3 x 16 = 8124 a cell: 20000 in 3 */
		{1, DP_CELL_REPLY_LAYERED, 20000, 3},
		/* mode 0, xchacha20, base64: 4 x ceil(20040 / 3) = 26720 in 8172 a cell: 4 */
		{1, DP_CELL_REPLY_COMPAT, 20000, 4},
		/* 65000 - 68 = 64932 a cell: 100000 in 2 */
		{2, DP_CELL_REPLY_LAYERED, 100000, 2},
		/* 4 x ceil(100040 / 3) = 133388 in 64980 a cell: 3 */
		{2, DP_CELL_REPLY_COMPAT, 100000, 3},
	};
	unsigned before = rte_mempool_avail_count(pool);
	struct client cl;

	(void)state;
	randombytes_buf(body, sizeof(body));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		use_class(cases[i].cls);
		open_path(&cl, SNC_ENC_XCHACHA20, cases[i].mode, 0, false, second);
		reply_round_trip(&cl, DP_REPLY_BASE64, body, cases[i].len, cases[i].cells, second);
		snc_onion_free(&cl.on);
	}
	use_class(0);
	assert_no_circuits_and_no_leak(before);
}

/* The destination on a 1500-byte MTU: a large reply leaves as fragments, at most
 * DP_REPLY_PUMP_FRAMES a pump (5 cells of 44), B reassembles each and relays it on. */
static void
large_reply_in_fragments_paced_by_frames(void **state)
{
	static uint8_t body[400000], out[400064];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t frags = workers[2].stats.tx_frags, whole = workers[1].stats.reassembled;
	struct client cl;

	(void)state;
	randombytes_buf(body, sizeof(body));
	use_class(2);
	open_path(&cl, SNC_ENC_XCHACHA20, DP_CELL_REPLY_LAYERED, 0, false, second);
	workers[2].mtu = 1500;
	reset_capture();
	assert_int_equal(
		dp_reply_submit(&workers[2], got.label, &got.prev, 0, body, sizeof(body), second),
		DP_DROP_NONE);
	assert_int_equal(dp_reply_pump(&workers[2], ports[2], 0, second), 5);
	assert_int_equal(workers[2].stats.tx_frags - frags, 5 * 44);
	run_replies(second);
	/* 400,000 bytes in 64,932-byte chunks: 7 cells, 7 x 44 fragments */
	assert_int_equal(rx_n, 7);
	assert_int_equal(workers[2].stats.tx_frags - frags, 7 * 44);
	assert_int_equal(workers[1].stats.reassembled - whole, 7);
	assert_int_equal(client_open(&cl, 0, out, sizeof(out)), sizeof(body));
	assert_memory_equal(out, body, sizeof(body));
	workers[2].mtu = 0;
	use_class(0);
	snc_onion_free(&cl.on);
	assert_no_circuits_and_no_leak(before);
}

/* Once warmed up, replies in both modes (both enc types, base64 or not, one cell or
 * many, from a buffer or an mbuf chain) are sealed, sent and relayed back with no heap
 * allocation or free on the workers (dataplane/reply.c, reply_cell.c, crypto/). */
static void
no_heap_allocation_on_the_workers(void **state)
{
	void *(*volatile get)(size_t) = malloc; /* not folded away by the compiler */

	if (!alloc_count_usable()) /* ASan owns malloc */
		return;
	for (int round = 0; round < 2; round++) {
		alloc_count_reset(); /* round 0 warms up (one-time set-ups), round 1 counts */
		one_cell_replies_in_both_modes(state);
		multi_cell_replies_differ_per_link_only_when_layered(state);
		replies_from_an_mbuf_chain(state);
		medium_and_large_replies_in_both_modes(state);
		large_reply_in_fragments_paced_by_frames(state); /* sent as IPv4 fragments */
	}
	assert_no_alloc_counted();
	alloc_count_arm(); /* the counter is not blind */
	free(get(1));
	alloc_count_disarm();
	assert_int_equal(alloc_count_allocs(), 1);
}

static void
proxy_reply_goes_back_as_the_server_sent_it(void **state)
{
	static const uint8_t body[] = "l42:{\"code\":200,\"headers\":{}}2:oke";
	unsigned before = rte_mempool_avail_count(pool);
	struct client cl;
	uint8_t out[64];

	(void)state;
	/* Relays A, B, C with C the exit: the server's reply is already end-to-end. */
	open_path(&cl, SNC_ENC_AES_GCM, DP_CELL_REPLY_COMPAT, 0, true, second);
	reset_capture();
	assert_int_equal(dp_reply_submit(&workers[2], got.label, &got.prev, DP_REPLY_BASE64, body,
					 sizeof(body), second),
			 DP_DROP_NONE);
	run_replies(second);
	assert_int_equal(rx_n, 1);
	assert_int_equal(client_open_cells(&cl, out, sizeof(out)), sizeof(body));
	assert_memory_equal(out, body, sizeof(body));
	snc_onion_free(&cl.on);
	assert_no_circuits_and_no_leak(before);
}

static void
size_limit_at_its_edge(void **state)
{
	uint8_t *body = malloc(DP_REPLY_MAX + 1);
	unsigned before = rte_mempool_avail_count(pool);
	struct client cl;

	(void)state;
	assert_non_null(body);
	randombytes_buf(body, DP_REPLY_MAX + 1);
	/* One byte over: refused, and the circuit is gone (the client gets no other reply). */
	open_path(&cl, SNC_ENC_AES_GCM, DP_CELL_REPLY_LAYERED, 0, false, second);
	assert_int_equal(dp_reply_submit(&workers[2], got.label, &got.prev, 0, body,
					 DP_REPLY_MAX + 1, second),
			 DP_DROP_REPLY_TOO_BIG);
	assert_int_equal(dp_circuit_count(&workers[2].circuits), 0);
	snc_onion_free(&cl.on);
	for (int i = 0; i < 2; i++)
		dp_circuit_age(&workers[i].circuits, UINT64_MAX, CIRCUITS);
	/* Exactly the limit, mode 1, with C at hop 15 (the client starts at 13): the
	 * smallest chunk, 956 bytes, so the most cells any reply takes. */
	open_path(&cl, SNC_ENC_XCHACHA20, DP_CELL_REPLY_LAYERED, 13, false, second);
	reply_round_trip(&cl, 0, body, DP_REPLY_MAX, 11037, second);
	snc_onion_free(&cl.on);
	/* Exactly the limit, mode 0, base64 of xchacha20: the longest prepared reply. */
	open_path(&cl, SNC_ENC_XCHACHA20, DP_CELL_REPLY_COMPAT, 0, false, second);
	reply_round_trip(&cl, DP_REPLY_BASE64, body, DP_REPLY_MAX, (14068448 + 1211) / 1212,
			 second);
	snc_onion_free(&cl.on);
	free(body);
	assert_no_circuits_and_no_leak(before);
}

/* A REPLY as C would send it to B, for B's circuit to C (out_label), from `from`. */
static struct rte_mbuf *
reply_to_b(uint64_t label, uint32_t seq, uint8_t flags, uint32_t len, const uint8_t *key,
	   uint32_t from_ip)
{
	struct dp_iface from = {.ip = from_ip, .port = 22030};
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t mask[5], *cell, payload[DP_CELL_SMALL];

	assert_non_null(m);
	memcpy(from.mac.addr_bytes, macs[2], 6);
	assert_non_null(rte_pktmbuf_append(m, DP_PKT_HDR_LEN + DP_CELL_SMALL));
	cell = rte_pktmbuf_mtod_offset(m, uint8_t *, DP_PKT_HDR_LEN);
	randombytes_buf(payload, sizeof(payload));
	snc_cell_mask(key, DP_CELL_REPLY, label, seq, mask);
	assert_true(dp_cell_write_data(cell, DP_CELL_REPLY, 0, 0, label, seq, mask, payload,
				       len < DP_CELL_SMALL - 20 ? len : 0) > 0);
	cell[3] = flags;
	if (len >= DP_CELL_SMALL - 20) /* a forged length past the cell */
		for (int i = 0; i < 4; i++)
			cell[16 + i] = (uint8_t)(len >> (24 - 8 * i)) ^ mask[i];
	dp_pkt_write_headers(m, &from, (const struct rte_ether_addr *)macs[1], ip_of(1), 22030,
			     DP_CELL_SMALL);
	return m;
}

/* Feeds cells to B in one burst and returns how many B sent on. */
static unsigned
feed_b(struct rte_mbuf **m, uint16_t n)
{
	struct rte_mbuf *out[DP_BURST];
	uint16_t k;

	dp_loop_burst(&workers[1], ports[1], 0, m, n, second);
	k = rte_eth_rx_burst(ports[1], 0, out, DP_BURST);
	rte_pktmbuf_free_bulk(out, k);
	return k;
}

static void
relay_drops_each_bad_reply(void **state)
{
	const struct dp_stats *s = &workers[1].stats;
	const uint8_t *link_bc = dp_node_by_addr(&tables[1], ip_of(2), 22030)->link_key;
	const uint8_t *link_ab = dp_node_by_addr(&tables[1], ip_of(0), 22030)->link_key;
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t l, drops[DP_DROP_COUNT];
	struct client cl;

	(void)state;
	memcpy(drops, s->drops, sizeof(drops));
	open_path(&cl, SNC_ENC_AES_GCM, DP_CELL_REPLY_LAYERED, 0, false, second);
	l = got.label; /* C's in_label = B's out_label */
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l ^ 0x100, 0, 0, 40, link_bc, ip_of(2))},
		       1),
		0);
	assert_int_equal(s->drops[DP_DROP_NO_CIRCUIT] - drops[DP_DROP_NO_CIRCUIT], 1);
	/* From A (a node, but not B's next hop on this circuit). */
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, 0, 40, link_ab, ip_of(0))}, 1), 0);
	assert_int_equal(s->drops[DP_DROP_NO_CIRCUIT] - drops[DP_DROP_NO_CIRCUIT], 2);
	/* From an address that is no node. */
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, 0, 40, link_bc, 0x0a000063)}, 1), 0);
	assert_int_equal(s->drops[DP_DROP_UNKNOWN_PEER] - drops[DP_DROP_UNKNOWN_PEER], 1);
	/* Claiming to come from a client. */
	assert_int_equal(feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, DP_CELL_FLAG_CLIENT, 40,
								 link_bc, ip_of(2))},
				1),
			 0);
	assert_int_equal(s->drops[DP_DROP_BAD_FLAGS] - drops[DP_DROP_BAD_FLAGS], 1);
	/* Lengths: past the cell; no inner tag (15); no room for ours (1197); 1196 fits. */
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, 0, 1213, link_bc, ip_of(2))}, 1), 0);
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, 0, 15, link_bc, ip_of(2))}, 1), 0);
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, 0, 1197, link_bc, ip_of(2))}, 1), 0);
	assert_int_equal(s->drops[DP_DROP_BAD_LENGTH] - drops[DP_DROP_BAD_LENGTH], 3);
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, 0, 1196, link_bc, ip_of(2))}, 1), 1);
	/* Seq 0 again; then seq 1 twice in one burst: one goes on. */
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 0, 0, 16, link_bc, ip_of(2))}, 1), 0);
	assert_int_equal(feed_b((struct rte_mbuf *[]){reply_to_b(l, 1, 0, 16, link_bc, ip_of(2)),
						      reply_to_b(l, 1, 0, 16, link_bc, ip_of(2))},
				2),
			 1);
	/* Past the seq bound; the last one under it goes on. */
	assert_int_equal(feed_b((struct rte_mbuf *[]){reply_to_b(l, DP_REPLY_MAX_CELLS, 0, 16,
								 link_bc, ip_of(2))},
				1),
			 0);
	assert_int_equal(s->drops[DP_DROP_REPLY_SEQ] - drops[DP_DROP_REPLY_SEQ], 3);
	/* LAST ends B's circuit: what follows finds none. */
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, DP_REPLY_MAX_CELLS - 1,
							DP_CELL_FLAG_LAST, 16, link_bc, ip_of(2))},
		       1),
		1);
	assert_int_equal(dp_circuit_count(&workers[1].circuits), 0);
	assert_int_equal(
		feed_b((struct rte_mbuf *[]){reply_to_b(l, 5, 0, 16, link_bc, ip_of(2))}, 1), 0);
	assert_int_equal(s->drops[DP_DROP_NO_CIRCUIT] - drops[DP_DROP_NO_CIRCUIT], 3);
	assert_int_equal(s->drops[DP_DROP_TX_FULL], drops[DP_DROP_TX_FULL]);
	snc_onion_free(&cl.on);
	/* A's and C's circuits of this path: aged out. */
	dp_circuit_age(&workers[0].circuits, UINT64_MAX, CIRCUITS);
	dp_circuit_age(&workers[2].circuits, UINT64_MAX, CIRCUITS);
	assert_no_circuits_and_no_leak(before);
}

/* A destination circuit on C made by hand: (label, prev) from the client, mode, hop 0. */
static struct dp_circuit *
direct_circuit(uint64_t label, uint8_t mode, uint8_t client_link, uint32_t prev_ip)
{
	struct dp_circuit *c = dp_circuit_add(&workers[2].circuits, label,
					      &(struct dp_addr){prev_ip, 40000}, second);

	assert_non_null(c);
	randombytes_buf(c->hop_key, 32);
	snc_cell_data_keys(c->hop_key, c->kf, c->kr);
	c->reply_mode = mode;
	c->client_link = client_link;
	memcpy(c->prev_mac, client_if.mac.addr_bytes, 6);
	return c;
}

static enum dp_drop_reason
submit_direct(uint64_t label, uint32_t prev_ip, size_t len, const uint8_t *body, uint64_t now)
{
	return dp_reply_submit(&workers[2], label, &(struct dp_addr){prev_ip, 40000}, 0, body, len,
			       now);
}

static void
destination_refusals(void **state)
{
	struct dp_worker *c = &workers[2];
	const struct dp_stats *s = &c->stats;
	static uint8_t body[DP_REPLY_MAX];
	unsigned before = rte_mempool_avail_count(pool);
	struct dp_reply_queue *q;
	struct dp_circuit *dc;
	uint64_t replies = s->replies, nocirc = s->drops[DP_DROP_NO_CIRCUIT];
	size_t rest;

	(void)state;
	/* Unknown label, wrong previous hop, a relay's circuit. */
	assert_int_equal(submit_direct(77, client_if.ip, 4, body, second), DP_DROP_NO_CIRCUIT);
	direct_circuit(77, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	assert_int_equal(submit_direct(77, client_if.ip + 1, 4, body, second), DP_DROP_NO_CIRCUIT);
	dc = dp_circuit_add(&c->circuits, 78, &(struct dp_addr){ip_of(1), 22030}, second);
	assert_int_equal(
		dp_circuit_set_out(&c->circuits, dc, 0x9900, &(struct dp_addr){ip_of(0), 22030}),
		0);
	assert_int_equal(
		dp_reply_submit(c, 78, &(struct dp_addr){ip_of(1), 22030}, 0, body, 4, second),
		DP_DROP_NO_CIRCUIT);
	assert_int_equal(dp_circuit_count(&c->circuits), 2); /* both still there */
	dp_circuit_remove(&c->circuits, dc);
	/* Twice for one circuit: the second is refused, the first still goes out. */
	assert_int_equal(submit_direct(77, client_if.ip, 4, body, second), DP_DROP_NONE);
	assert_int_equal(submit_direct(77, client_if.ip, 4, body, second), DP_DROP_REPLY_TWICE);
	reset_capture();
	run_replies(second);
	assert_int_equal(rx_n, 1);
	assert_int_equal(s->replies - replies, 1);
	/* No reply queue on this worker; a medium class without big mbufs; a bad enc_type. */
	direct_circuit(80, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	q = c->replies;
	c->replies = NULL;
	assert_int_equal(submit_direct(80, client_if.ip, 4, body, second), DP_DROP_NOT_SUPPORTED);
	c->replies = q;
	direct_circuit(81, DP_CELL_REPLY_LAYERED, 1, client_if.ip)->size_class = 1;
	c->big_pool = NULL; /* --big-mbufs 0 */
	assert_int_equal(submit_direct(81, client_if.ip, 4, body, second), DP_DROP_NOT_SUPPORTED);
	c->big_pool = big_pool;
	direct_circuit(82, DP_CELL_REPLY_COMPAT, 1, client_if.ip)->enc_type = 7;
	assert_int_equal(submit_direct(82, client_if.ip, 4, body, second), DP_DROP_BAD_ENC_TYPE);
	assert_int_equal(dp_circuit_count(&c->circuits), 0); /* refused: circuits removed */
	/* DP_REPLY_PENDING replies at once, not one more. */
	for (uint64_t l = 100; l < 100 + DP_REPLY_PENDING + 1; l++)
		direct_circuit(l, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	for (uint64_t l = 100; l < 100 + DP_REPLY_PENDING; l++)
		assert_int_equal(submit_direct(l, client_if.ip, 10, body, second), DP_DROP_NONE);
	assert_int_equal(submit_direct(100 + DP_REPLY_PENDING, client_if.ip, 10, body, second),
			 DP_DROP_REPLY_BUSY);
	assert_int_equal(dp_reply_pending(c), DP_REPLY_PENDING);
	reset_capture();
	run_replies(second);
	assert_int_equal(rx_n, DP_REPLY_PENDING);
	/* DP_REPLY_PENDING_BYTES held at once, to the byte: six at the limit, the
	 * rest exactly, then one byte more is refused and an empty reply is not. */
	for (uint64_t l = 200; l < 210; l++)
		direct_circuit(l, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	for (uint64_t l = 200; l < 206; l++)
		assert_int_equal(submit_direct(l, client_if.ip, DP_REPLY_MAX, body, second),
				 DP_DROP_NONE);
	rest = (size_t)DP_REPLY_PENDING_BYTES - 6 * (size_t)DP_REPLY_MAX;
	assert_int_equal(submit_direct(206, client_if.ip, rest, body, second), DP_DROP_NONE);
	assert_int_equal(submit_direct(207, client_if.ip, 1, body, second), DP_DROP_REPLY_BUSY);
	assert_int_equal(submit_direct(208, client_if.ip, 0, body, second), DP_DROP_NONE);
	/* Their circuits vanish: each reply is dropped at the next pump, counted no_circuit. */
	for (uint64_t l = 200; l < 210; l++) {
		struct dp_circuit *x = dp_circuit_find_in(
			&c->circuits, l, &(struct dp_addr){client_if.ip, 40000}, second);
		if (x != NULL)
			dp_circuit_remove(&c->circuits, x);
	}
	nocirc = s->drops[DP_DROP_NO_CIRCUIT];
	assert_int_equal(dp_reply_pump(c, ports[2], 0, second), 0);
	assert_int_equal(s->drops[DP_DROP_NO_CIRCUIT] - nocirc, 8);
	assert_no_circuits_and_no_leak(before);
}

/* Ends reply `label` as a vanished circuit does: dropped (no_circuit) at the next pump. */
static void
end_by_circuit(uint64_t label)
{
	struct dp_circuit *x = dp_circuit_find_in(&workers[2].circuits, label,
						  &(struct dp_addr){client_if.ip, 40000}, second);

	assert_non_null(x);
	dp_circuit_remove(&workers[2].circuits, x);
}

/* Pumps (a pump visits a few replies) until `left` replies are queued on C. */
static void
pump_until_pending(unsigned left)
{
	for (int i = 0; i < 4 * DP_REPLY_PENDING && dp_reply_pending(&workers[2]) > left; i++) {
		dp_reply_pump(&workers[2], ports[2], 0, second);
		carry_all(second);
	}
	assert_int_equal(dp_reply_pending(&workers[2]), left);
}

/* The reply arena (reply_arena.c): full is a reply_busy drop, counted as snode-control's
 * replies are (channel.c); freed blocks are reused first fit; free bytes split over two
 * holes do not take a reply larger than either; nothing is left after the last reply. */
static void
reply_arena_full_and_its_holes(void **state)
{
	enum {
		H = DP_REPLY_PENDING_BYTES / 16 /* 4 MiB: 16 fill the arena */
	};
	struct dp_worker *c = &workers[2];
	const struct dp_stats *s = &c->stats;
	static uint8_t body[2 * H];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t busy = s->drops[DP_DROP_REPLY_BUSY], nocirc = s->drops[DP_DROP_NO_CIRCUIT];
	enum dp_drop_reason why;

	(void)state;
	_Static_assert(2 * H <= DP_REPLY_MAX, "a reply of two holes is under the size limit");
	for (uint64_t l = 400; l < 420; l++)
		direct_circuit(l, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	for (uint64_t l = 400; l < 416; l++)
		assert_int_equal(submit_direct(l, client_if.ip, H, body, second), DP_DROP_NONE);
	assert_int_equal(dp_reply_arena_used(c), DP_REPLY_PENDING_BYTES);
	why = submit_direct(416, client_if.ip, 1, body, second);
	assert_int_equal(why, DP_DROP_REPLY_BUSY);
	dp_stats_drop(&c->stats, why); /* as dp_channel_worker_poll counts it */
	assert_int_equal(s->drops[DP_DROP_REPLY_BUSY] - busy, 1);
	assert_null(dp_circuit_find_in(&c->circuits, 416, &(struct dp_addr){client_if.ip, 40000},
				       second)); /* a refused reply's circuit is gone */
	/* Two holes of H (replies 403 and 405 end): H + 1 fits neither, H fits the first. */
	end_by_circuit(403);
	end_by_circuit(405);
	reset_capture();
	pump_until_pending(14); /* the others send a few cells meanwhile */
	assert_int_equal(s->drops[DP_DROP_NO_CIRCUIT] - nocirc, 2);
	assert_int_equal(dp_reply_arena_used(c), DP_REPLY_PENDING_BYTES - 2 * H);
	assert_int_equal(submit_direct(417, client_if.ip, H + 1, body, second), DP_DROP_REPLY_BUSY);
	assert_int_equal(submit_direct(418, client_if.ip, H, body, second), DP_DROP_NONE);
	/* 404 ends next to 405's hole: one gap of 2 H takes a reply of 2 H. */
	end_by_circuit(404);
	pump_until_pending(14);
	assert_int_equal(submit_direct(419, client_if.ip, 2 * H, body, second), DP_DROP_NONE);
	assert_int_equal(dp_reply_arena_used(c), DP_REPLY_PENDING_BYTES);
	/* All of them end: the arena is empty again, no mbuf is left. */
	for (uint64_t l = 400; l < 420; l++)
		if (l != 403 && l != 404 && l != 405 && l != 416 && l != 417)
			end_by_circuit(l);
	pump_until_pending(0);
	assert_no_circuits_and_no_leak(before);
}

static void
tx_refusals_rewind_without_losing_a_cell(void **state)
{
	struct dp_worker *c = &workers[2];
	const struct dp_stats *s = &c->stats;
	static uint8_t body[1500 * 1196];
	unsigned before = rte_mempool_avail_count(pool), sent = 0, n;
	uint64_t busy = s->reply_tx_busy, txfull = s->drops[DP_DROP_TX_FULL];
	struct client cl;
	uint8_t *out = malloc(sizeof(body));

	(void)state;
	assert_non_null(out);
	randombytes_buf(body, sizeof(body));
	memset(&cl, 0, sizeof(cl));
	cl.mode = DP_CELL_REPLY_LAYERED;
	cl.label = 300;
	memcpy(cl.kr[0], direct_circuit(300, DP_CELL_REPLY_LAYERED, 1, client_if.ip)->kr, 32);
	assert_int_equal(submit_direct(300, client_if.ip, sizeof(body), body, second),
			 DP_DROP_NONE);
	/* Nobody drains C's ring: it fills, then every pump is refused. */
	while ((n = dp_reply_pump(c, ports[2], 0, second)) > 0)
		sent += n;
	assert_int_equal(sent, RING - 1);
	assert_true(s->reply_tx_busy > busy);
	assert_int_equal(dp_reply_pending(c), 1);
	reset_capture();
	run_replies(second);
	assert_int_equal(rx_n, 1500);
	assert_int_equal(s->drops[DP_DROP_TX_FULL], txfull);
	/* Every seq once, in order, and the body whole (only one layer: C is the entry). */
	for (size_t k = 0, off = 0; k < rx_n; k++) {
		const uint8_t *cell = rx_cells + k * DP_CELL_SMALL;
		struct dp_cell dc;
		uint8_t mask[5];
		assert_int_equal(dp_cell_parse(cell, DP_CELL_SMALL, &dc), DP_DROP_NONE);
		assert_int_equal(dc.seq, k);
		snc_cell_mask(cl.kr[0], DP_CELL_REPLY, 300, dc.seq, mask);
		assert_int_equal(dp_cell_unmask(&dc, mask), DP_DROP_NONE);
		assert_int_equal(dc.data_len, 1196 + 16);
		assert_int_equal(
			snc_cell_data_open(cl.kr[0], dc.seq, dc.data, dc.data_len, out + off), 0);
		off += 1196;
	}
	assert_memory_equal(out, body, sizeof(body));
	free(out);
	assert_no_circuits_and_no_leak(before);
}

static void
stalled_replies_are_dropped(void **state)
{
	struct dp_worker *c = &workers[2];
	const struct dp_stats *s = &c->stats;
	static uint8_t body[2000 * 1196];
	const uint64_t stall = (uint64_t)DP_REPLY_STALL_MS * 1000000ull;
	unsigned before = rte_mempool_avail_count(pool), n = 0;
	uint64_t stalled = s->drops[DP_DROP_REPLY_STALLED], nombuf = s->reply_nombuf;
	struct rte_mbuf **hoard = calloc(POOL, sizeof(*hoard));

	(void)state;
	assert_non_null(hoard);
	/* The tx queue stays full: no cell out for DP_REPLY_STALL_MS since the last one. */
	direct_circuit(400, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	assert_int_equal(submit_direct(400, client_if.ip, sizeof(body), body, second),
			 DP_DROP_NONE);
	while (dp_reply_pump(c, ports[2], 0, second) > 0)
		;
	dp_reply_pump(c, ports[2], 0, second + stall - 1);
	assert_int_equal(dp_reply_pending(c), 1);
	dp_reply_pump(c, ports[2], 0, second + stall);
	assert_int_equal(dp_reply_pending(c), 0);
	assert_int_equal(s->drops[DP_DROP_REPLY_STALLED] - stalled, 1);
	reset_capture();
	carry_all(second);
	/* The mbuf pool is empty: counted each time, then the reply is dropped. */
	while (n < POOL && (hoard[n] = rte_pktmbuf_alloc(pool)) != NULL)
		n++;
	direct_circuit(401, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	assert_int_equal(submit_direct(401, client_if.ip, 100, body, 2 * second), DP_DROP_NONE);
	assert_int_equal(dp_reply_pump(c, ports[2], 0, 2 * second), 0);
	assert_int_equal(dp_reply_pump(c, ports[2], 0, 2 * second + stall - 1), 0);
	assert_int_equal(s->reply_nombuf - nombuf, 2);
	assert_int_equal(dp_reply_pending(c), 1);
	assert_int_equal(dp_reply_pump(c, ports[2], 0, 2 * second + stall), 0);
	assert_int_equal(s->drops[DP_DROP_REPLY_STALLED] - stalled, 2);
	rte_pktmbuf_free_bulk(hoard, n);
	free(hoard);
	assert_no_circuits_and_no_leak(before);
}

static void
short_reply_is_not_held_back_by_a_long_one(void **state)
{
	struct dp_worker *c = &workers[2];
	static uint8_t body[100 * 1196];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t replies = c->stats.replies;

	(void)state;
	direct_circuit(500, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	direct_circuit(501, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	assert_int_equal(submit_direct(500, client_if.ip, sizeof(body), body, second),
			 DP_DROP_NONE);
	assert_int_equal(submit_direct(501, client_if.ip, 10, body, second), DP_DROP_NONE);
	assert_int_equal(dp_reply_pump(c, ports[2], 0, second), DP_REPLY_SLICE_CELLS + 1);
	assert_int_equal(c->stats.replies - replies, 1);
	assert_int_equal(dp_reply_pending(c), 1);
	reset_capture();
	run_replies(second);
	assert_int_equal(rx_n, DP_REPLY_SLICE_CELLS + 1 + 100 - DP_REPLY_SLICE_CELLS);
	assert_no_circuits_and_no_leak(before);
}

static void
previous_node_gone_and_free_with_replies_queued(void **state)
{
	struct dp_worker *c = &workers[2];
	static uint8_t body[64];
	unsigned before = rte_mempool_avail_count(pool);
	uint64_t peer = c->stats.drops[DP_DROP_UNKNOWN_PEER];

	(void)state;
	/* A node link to an address that has left the node table. */
	direct_circuit(600, DP_CELL_REPLY_LAYERED, 0, 0x0a000063);
	assert_int_equal(submit_direct(600, 0x0a000063, 10, body, second), DP_DROP_NONE);
	assert_int_equal(dp_reply_pump(c, ports[2], 0, second), 0);
	assert_int_equal(c->stats.drops[DP_DROP_UNKNOWN_PEER] - peer, 1);
	/* Freeing the queue with a reply in it removes its circuit and its buffer. */
	direct_circuit(601, DP_CELL_REPLY_LAYERED, 1, client_if.ip);
	assert_int_equal(submit_direct(601, client_if.ip, 10, body, second), DP_DROP_NONE);
	dp_reply_free(c);
	assert_null(c->replies);
	assert_int_equal(dp_reply_pump(c, ports[2], 0, second), 0);
	assert_int_equal(dp_reply_pending(c), 0);
	assert_int_equal(submit_direct(601, client_if.ip, 10, body, second), DP_DROP_NO_CIRCUIT);
	assert_int_equal(dp_reply_init(c, pool), 0);
	assert_no_circuits_and_no_leak(before);
}

/* ---- the independent opener ---- */

static void
hex_out(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void
spec_reply(FILE *f, const struct client *cl, uint32_t flags, bool comma)
{
	static const char *const names[] = {"aes-gcm", "xchacha20", "aes-cbc"};

	fprintf(f, "{\"enc_type\":\"%s\",\"reply_mode\":%u,\"base64\":%s,\"label\":\"%016llx\",",
		names[cl->enc], cl->mode, (flags & DP_REPLY_BASE64) ? "true" : "false",
		(unsigned long long)cl->label);
	fprintf(f, "\"hops\":[");
	for (int i = 0; i < NODES; i++) {
		fprintf(f, "%s{\"seed\":\"", i ? "," : "");
		hex_out(f, cl->seeds[i], 32);
		fprintf(f, "\",\"x25519\":\"");
		hex_out(f, pub[i].x25519, 32);
		fprintf(f, "\"}");
	}
	fprintf(f, "],\"cells\":[");
	for (size_t k = 0; k < rx_n; k++) {
		fprintf(f, "%s\"", k ? "," : "");
		hex_out(f, rx_cells + k * rx_size, rx_size);
		fprintf(f, "\"");
	}
	fprintf(f, "]}%s\n", comma ? "," : "");
}

static void
python_opens_the_cells_with_its_own_keys(void **state)
{
	static const struct {
		enum snc_enc_type enc;
		uint8_t mode;
		uint32_t flags;
		size_t len, cells;
	} cases[] = {
		{SNC_ENC_AES_GCM, DP_CELL_REPLY_COMPAT, DP_REPLY_BASE64, 300, 1},
		{SNC_ENC_XCHACHA20, DP_CELL_REPLY_COMPAT, 0, 3000, 3},
		{SNC_ENC_AES_GCM, DP_CELL_REPLY_LAYERED, 0, 5000, 5},
		{SNC_ENC_XCHACHA20, DP_CELL_REPLY_LAYERED, DP_REPLY_BASE64, 1, 1},
	};
	enum {
		N = sizeof(cases) / sizeof(cases[0])
	};
	const char *tool = getenv("SNODE_CELL_BUILDER");
	static uint8_t bodies[N][5000];
	char dir[] = "/tmp/snode-test-reply.XXXXXX", path[64], cmd[256], *line = NULL;
	size_t cap = 0;
	FILE *f, *p;

	(void)state;
	assert_non_null(tool);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/replies.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"replies\":[\n");
	for (int i = 0; i < N; i++) {
		struct client cl;
		randombytes_buf(bodies[i], cases[i].len);
		open_path(&cl, cases[i].enc, cases[i].mode, 0, false, second);
		reply_round_trip(&cl, cases[i].flags, bodies[i], cases[i].len, cases[i].cells,
				 second);
		spec_reply(f, &cl, cases[i].flags, i + 1 < N);
		snc_onion_free(&cl.on);
	}
	fprintf(f, "]}\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s open-reply --spec %s", tool, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_true(getline(&line, &cap, p) > 0);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	rmdir(dir);
	/* {"replies": [{"cells": n, "body_b64": ".."}, ...]}: compare each body. */
	for (int i = 0, at = 0; i < N; i++) {
		char *b = strstr(line + at, "\"body_b64\": \""), *end;
		uint8_t bin[5000];
		size_t n;
		assert_non_null(b);
		b += strlen("\"body_b64\": \"");
		end = strchr(b, '"');
		assert_non_null(end);
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), b, (size_t)(end - b), NULL, &n,
						   NULL, sodium_base64_VARIANT_ORIGINAL),
				 0);
		assert_int_equal(n, cases[i].len);
		assert_memory_equal(bin, bodies[i], n);
		at = (int)(end - line);
	}
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_cell_replies_in_both_modes),
		cmocka_unit_test(multi_cell_replies_differ_per_link_only_when_layered),
		cmocka_unit_test(medium_and_large_replies_in_both_modes),
		cmocka_unit_test(replies_from_an_mbuf_chain),
		cmocka_unit_test(large_reply_in_fragments_paced_by_frames),
		cmocka_unit_test(no_heap_allocation_on_the_workers),
		cmocka_unit_test(proxy_reply_goes_back_as_the_server_sent_it),
		cmocka_unit_test(size_limit_at_its_edge),
		cmocka_unit_test(relay_drops_each_bad_reply),
		cmocka_unit_test(destination_refusals),
		cmocka_unit_test(reply_arena_full_and_its_holes),
		cmocka_unit_test(tx_refusals_rewind_without_losing_a_cell),
		cmocka_unit_test(stalled_replies_are_dropped),
		cmocka_unit_test(short_reply_is_not_held_back_by_a_long_one),
		cmocka_unit_test(previous_node_gone_and_free_with_replies_queued),
		cmocka_unit_test(python_opens_the_cells_with_its_own_keys),
	};
	static const char *const vdevs[] = {"net_ring0", "net_ring1", "net_ring2", NULL};
	int rc;

	if (eal_test_init("reply", vdevs) != 0 || snc_init() != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_reply", POOL, SOCKET_ID_ANY);
	big_pool = dp_mempool_big_create("test_reply_big", BIG_POOL, SOCKET_ID_ANY);
	rc = cmocka_run_group_tests_name("dpdk/reply", tests, group_setup, NULL);
	for (int i = 0; i < NODES; i++) {
		dp_worker_free(&workers[i]);
		dp_node_table_free(&tables[i]);
		dp_port_shutdown(ports[i]);
	}
	free(rx_cells);
	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	eal_test_cleanup();
	return rc;
}
