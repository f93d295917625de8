/* SPDX-License-Identifier: MIT */
#include "dp_bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_mbuf.h>
#include <sodium.h>

#include "cell_mask.h"
#include "data_cell.h"
#include "loop.h"
#include "onion_route.h"
#include "payload.h"
#include "pkt.h"

static const struct dp_iface client = {.ip = 0x0a000064, .port = 40000};

bool dpb_cpu_clock = true;

double
dpb_now_s(void)
{
	struct timespec ts;

	clock_gettime(dpb_cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long
dpb_anon_huge_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kib;
}

void
dpb_path_init(struct dpb_path *p)
{
	const uint8_t mac[6] = {2, 0, 0, 0, 0, 2};

	for (int i = 0; i < 3; i++) {
		uint8_t seed[32];
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, p->keys[i].x25519_sk, p->keys[i].x25519_pk);
		memcpy(p->pub[i].x25519, p->keys[i].x25519_pk, 32);
		randombytes_buf(p->pub[i].ed25519, 32);
	}
	if (dp_node_table_init(&p->nodes, 8, p->keys[0].x25519_sk, p->keys[0].x25519_pk) != 0 ||
	    dp_node_table_add(&p->nodes, p->pub[1].ed25519, p->pub[1].x25519, 0x0a000002, 22030,
			      mac) != 0)
		abort();
}

void
dpb_path_free(struct dpb_path *p)
{
	dp_node_table_free(&p->nodes);
	sodium_memzero(p->keys, sizeof(p->keys));
}

static int
cells_alloc(struct dpb_cells *c, size_t n)
{
	c->cell = calloc(n, sizeof(*c->cell));
	c->blob_len = calloc(n, sizeof(*c->blob_len));
	c->label = calloc(n, sizeof(*c->label));
	c->n = n;
	return c->cell && c->blob_len && c->label ? 0 : -1;
}

void
dpb_cells_free(struct dpb_cells *c)
{
	free(c->cell);
	free(c->blob_len);
	free(c->label);
	memset(c, 0, sizeof(*c));
}

/* One client CREATE for node 0, as a client writes it (docs/wire-format.md). */
static void
make_create(const struct dpb_path *p, enum snc_enc_type type, bool more,
	    uint8_t cell[DP_CELL_SMALL], uint32_t *blob_len, uint64_t *label)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	uint8_t seeds[3][32], sk[32], pk[32], dh[32], mask[5];
	struct snc_onion on;
	struct snc_payload pl;
	struct snc_route_entry e;

	randombytes_buf(seeds, sizeof(seeds));
	if (snc_onion_build_to_node(type, p->pub, 2, &p->pub[2], (const uint8_t *)body,
				    strlen(body), &seeds[0][0], &on) != 0 ||
	    snc_payload_parse(on.payload, on.payload_len, &pl) != 0 ||
	    snc_route_parse_entry(pl.json, pl.json_len, &e) != 0)
		abort();
	snc_onion_layer_keypair_from_seed(seeds[0], sk, pk);
	if (crypto_scalarmult(dh, sk, p->keys[0].x25519_pk) != 0)
		abort();
	randombytes_buf(label, sizeof(*label));
	*label |= 1;
	snc_cell_mask(dh, DP_CELL_CREATE, *label, 0, mask);
	uint32_t used = dp_cell_write_create(
		cell, 0, DP_CELL_FLAG_CLIENT | (more ? DP_CELL_FLAG_MORE : 0), *label,
		(uint8_t)e.enc_type, 1, e.eph_pk, 0, mask, pl.blob, (uint32_t)pl.blob_len);
	randombytes_buf(cell + used, DP_CELL_SMALL - used);
	*blob_len = (uint32_t)pl.blob_len;
	snc_onion_free(&on);
}

int
dpb_cells_create(struct dpb_cells *c, const struct dpb_path *p, enum snc_enc_type type, size_t n,
		 bool more)
{
	if (cells_alloc(c, n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		make_create(p, type, more, c->cell[i], &c->blob_len[i], &c->label[i]);
	return 0;
}

void
dpb_worker_fresh_replay(struct dp_worker *w)
{
	uint64_t now = dp_loop_now_ns();

	dp_replay_free(&w->replay);
	if (dp_replay_init(&w->replay, DP_REPLAY_DEFAULT_LOG2_BITS, 3600ull * 1000000000ull, now) !=
	    0)
		abort();
	/* calloc'd pages are mapped on first write: take those faults out of the timing */
	for (int i = 0; i < 2; i++)
		memset(w->replay.bits[i], 0, ((size_t)1 << DP_REPLAY_DEFAULT_LOG2_BITS) / 8);
}

void
dpb_worker_init(struct dp_worker *w, unsigned lcore, const struct dpb_path *p)
{
	struct dp_worker_conf conf;
	struct dp_iface iface = {.ip = 0x0a000001, .port = 22030};

	dp_worker_conf_defaults(&conf);
	conf.ratelimit_burst = 4000000;
	conf.ratelimit_rate = 4000000;
	conf.replay_window_ns = 3600ull * 1000000000ull;
	if (dp_worker_init(w, lcore, &conf, &iface, &p->keys[0], &p->nodes, dp_loop_now_ns()) != 0)
		abort();
	dpb_worker_fresh_replay(w);
}

size_t
dpb_cells_data(struct dpb_cells *out, struct dp_worker *w, const struct dpb_cells *creates,
	       uint32_t seq)
{
	/* a 3-node path: the entry's layer outside two inner ones (wire-format.md) */
	const uint32_t len = DP_CELL_SMALL - DP_CELL_DATA_HDR;
	const struct dp_addr from = {.ip = client.ip, .port = client.port};
	uint8_t payload[DP_CELL_SMALL], mask[5];
	size_t found = 0;

	if (cells_alloc(out, creates->n) != 0)
		abort();
	for (size_t i = 0; i < creates->n; i++) {
		const struct dp_circuit *c = dp_circuit_find_in(&w->circuits, creates->label[i],
								&from, dp_loop_now_ns());
		if (c == NULL)
			continue;
		randombytes_buf(payload, len - DP_DATA_LAYER); /* the inner layers: opaque here */
		snc_cell_data_seal(c->kf, seq, payload, len - DP_DATA_LAYER, payload);
		snc_cell_mask(c->kf, DP_CELL_DATA, creates->label[i], seq, mask);
		dp_cell_write_data(out->cell[found], DP_CELL_DATA, 0, DP_CELL_FLAG_CLIENT,
				   creates->label[i], seq, mask, payload, len);
		out->label[found++] = creates->label[i];
	}
	out->n = found;
	return found;
}

double
dpb_feed(struct dp_worker *w, uint16_t txq, struct rte_mempool *pool, const struct dpb_cells *c)
{
	struct rte_mbuf *pkts[DP_BURST];
	double t = 0, t0;
	size_t done = 0;

	while (done < c->n) {
		uint16_t n = c->n - done < DP_BURST ? (uint16_t)(c->n - done) : DP_BURST;
		if (rte_pktmbuf_alloc_bulk(pool, pkts, n) != 0)
			abort();
		for (uint16_t i = 0; i < n; i++) {
			uint8_t *p = (uint8_t *)rte_pktmbuf_append(pkts[i],
								   DP_PKT_HDR_LEN + DP_CELL_SMALL);
			if (p == NULL) /* the pool's mbufs hold a small cell: cannot happen */
				abort();
			memcpy(p + DP_PKT_HDR_LEN, c->cell[done + i], DP_CELL_SMALL);
			dp_pkt_write_headers(pkts[i], &client, &w->iface.mac, w->iface.ip, 22030,
					     DP_CELL_SMALL);
		}
		/* Timed from here: the copy and headers above are the NIC's part (the rx
		 * burst hands the worker written mbufs), which the ceiling does not pay. */
		t0 = dpb_now_s();
		dp_loop_burst(w, 0, txq, pkts, n, dp_loop_now_ns());
		t += dpb_now_s() - t0;
		done += n;
	}
	return t;
}
