/* SPDX-License-Identifier: MIT */
/*
 * snode-bench-dataplane: CREATE cells per second through one worker's real
 * burst path (dataplane/loop.c: framing, cell parse, gates, batched X25519 +
 * masks + KDF + AEAD, routing, re-padding, tx to net_null), against the
 * crypto ceiling measured in the same run: snc_onion_layer_peel_batch alone on
 * the same layers. Not a test. Run pinned:
 *   taskset -c 1 build/bench/snode-bench-dataplane [--cells N] [--seconds S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <sodium.h>

#include "cell_mask.h"
#include "loop.h"
#include "mempool.h"
#include "onion_build.h"
#include "port.h"
#include "snc.h"

struct bench {
	struct snc_node_keys keys[3];
	struct snc_onion_node pub[3];
	struct dp_node_table nodes;
	struct dp_worker w;
	struct rte_mempool *pool;
	uint8_t (*cells)[DP_CELL_SMALL]; /* pre-built client CREATE cells for node 0 */
	uint32_t *blob_len;		 /* their (masked on the wire) blob lengths */
	size_t ncells;
	enum snc_enc_type type;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
make_cell(struct bench *b, uint8_t cell[DP_CELL_SMALL], uint32_t *blob_len)
{
	const char *body = "{\"method\":\"info\",\"params\":{}}";
	uint8_t seeds[3][32], sk[32], pk[32], dh[32], mask[5];
	struct snc_onion on;
	struct snc_payload p;
	struct snc_route_entry e;
	uint64_t label;

	randombytes_buf(seeds, sizeof(seeds));
	if (snc_onion_build_to_node(b->type, b->pub, 2, &b->pub[2], (const uint8_t *)body,
				    strlen(body), &seeds[0][0], &on) != 0 ||
	    snc_payload_parse(on.payload, on.payload_len, &p) != 0 ||
	    snc_route_parse_entry(p.json, p.json_len, &e) != 0)
		abort();
	snc_onion_layer_keypair_from_seed(seeds[0], sk, pk);
	if (crypto_scalarmult(dh, sk, b->keys[0].x25519_pk) != 0)
		abort();
	randombytes_buf(&label, sizeof(label));
	label |= 1;
	snc_cell_mask(dh, DP_CELL_CREATE, label, 0, mask);
	uint32_t used =
		dp_cell_write_create(cell, 0, DP_CELL_FLAG_CLIENT, label, (uint8_t)e.enc_type, 1,
				     e.eph_pk, 0, mask, p.blob, (uint32_t)p.blob_len);
	randombytes_buf(cell + used, DP_CELL_SMALL - used);
	*blob_len = (uint32_t)p.blob_len;
	snc_onion_free(&on);
}

static void
setup(struct bench *b)
{
	struct dp_worker_conf conf;
	struct dp_iface iface = {.ip = 0x0a000001, .port = 22030};
	const uint8_t mac[6] = {2, 0, 0, 0, 0, 2};

	for (int i = 0; i < 3; i++) {
		uint8_t seed[32];
		randombytes_buf(seed, 32);
		snc_onion_layer_keypair_from_seed(seed, b->keys[i].x25519_sk, b->keys[i].x25519_pk);
		memcpy(b->pub[i].x25519, b->keys[i].x25519_pk, 32);
		randombytes_buf(b->pub[i].ed25519, 32);
	}
	if (dp_node_table_init(&b->nodes, 8, b->keys[0].x25519_sk, b->keys[0].x25519_pk) != 0 ||
	    dp_node_table_add(&b->nodes, b->pub[1].ed25519, b->pub[1].x25519, 0x0a000002, 22030,
			      mac) != 0)
		abort();
	dp_worker_conf_defaults(&conf);
	conf.ratelimit_burst = 4000000; /* measure the path, not the limiter */
	conf.ratelimit_rate = 4000000;
	conf.replay_window_ns = 3600ull * 1000000000ull;
	if (dp_worker_init(&b->w, 0, &conf, &iface, &b->keys[0], &b->nodes, 0) != 0)
		abort();
	for (size_t i = 0; i < b->ncells; i++)
		make_cell(b, b->cells[i], &b->blob_len[i]);
}

/* Feeds every pre-built cell once through dp_loop_burst; returns cells/s. */
static double
run_path(struct bench *b)
{
	struct dp_iface client = {.ip = 0x0a000064, .port = 40000};
	struct rte_mbuf *pkts[DP_BURST];
	double t0;
	size_t done = 0;

	/* A fresh replay filter each run: the same cells are fed again. */
	dp_replay_free(&b->w.replay);
	dp_replay_init(&b->w.replay, DP_REPLAY_DEFAULT_LOG2_BITS, 3600ull * 1000000000ull, 0);
	t0 = now_s();
	while (done < b->ncells) {
		uint16_t n = b->ncells - done < DP_BURST ? (uint16_t)(b->ncells - done) : DP_BURST;
		if (rte_pktmbuf_alloc_bulk(b->pool, pkts, n) != 0)
			abort();
		for (uint16_t i = 0; i < n; i++) {
			uint8_t *p = (uint8_t *)rte_pktmbuf_append(pkts[i],
								   DP_PKT_HDR_LEN + DP_CELL_SMALL);
			memcpy(p + DP_PKT_HDR_LEN, b->cells[done + i], DP_CELL_SMALL);
			dp_pkt_write_headers(pkts[i], &client, &b->w.iface.mac, b->w.iface.ip,
					     22030, DP_CELL_SMALL);
		}
		dp_loop_burst(&b->w, 0, 0, pkts, n, dp_loop_now_ns());
		done += n;
	}
	return (double)b->ncells / (now_s() - t0);
}

/* The crypto ceiling: the same layers peeled by libsnc's batch, nothing else. */
static double
run_ceiling(struct bench *b)
{
	static uint8_t out[DP_BURST][DP_CELL_SMALL];
	struct snc_layer_job jobs[DP_BURST];
	int status[DP_BURST];
	double t0 = now_s();
	size_t done = 0;

	while (done < b->ncells) {
		size_t n = b->ncells - done < DP_BURST ? b->ncells - done : DP_BURST;
		for (size_t i = 0; i < n; i++) {
			const uint8_t *c = b->cells[done + i];
			/* The blob length is masked on the wire; the ceiling takes it as known. */
			jobs[i] = (struct snc_layer_job){.type = b->type,
							 .eph_pk = c + 16,
							 .in = c + DP_CELL_CREATE_HDR,
							 .in_len = b->blob_len[done + i],
							 .out = out[i],
							 .out_cap = DP_CELL_SMALL};
			status[i] = 0;
		}
		snc_onion_layer_peel_batch(&b->keys[0], n, jobs, status);
		done += n;
	}
	return (double)b->ncells / (now_s() - t0);
}

static int
start_eal(void)
{
	static char prefix[64];
	char *argv[16];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "--file-prefix=snode-bench-%d", (int)getpid());
	argv[argc++] = "snode-bench-dataplane";
	argv[argc++] = "-l";
	argv[argc++] = "0";
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "512";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "--log-level=lib.eal:error";
	argv[argc++] = prefix;
	argv[argc++] = "--vdev";
	argv[argc++] = "net_null0";
	argv[argc] = NULL;
	return rte_eal_init(argc, argv) < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	static struct bench b;
	double path, ceiling;

	b.ncells = 2048;
	for (int i = 1; i + 1 < argc; i += 2)
		if (strcmp(argv[i], "--cells") == 0)
			b.ncells = (size_t)strtoul(argv[i + 1], NULL, 10);
	if (b.ncells == 0 || start_eal() != 0 || snc_init() != 0) {
		fprintf(stderr,
			"usage: snode-bench-dataplane [--cells N] (EAL in software mode)\n");
		return 2;
	}
	b.pool = dp_mempool_create("bench", 4096, SOCKET_ID_ANY);
	b.cells = calloc(b.ncells, sizeof(*b.cells));
	b.blob_len = calloc(b.ncells, sizeof(*b.blob_len));
	if (b.pool == NULL || b.cells == NULL || b.blob_len == NULL ||
	    dp_port_configure(0, &(struct dp_port_conf){1, 1, 1024, 1024}, b.pool) != 0 ||
	    dp_port_start(0) != 0)
		return 1;
	printf("snode-bench-dataplane: one core, %zu distinct CREATE cells (small class) per row\n",
	       b.ncells);
	printf("%-44s %12s %10s\n", "path", "cells/s", "vs ceiling");
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++) {
		b.type = (enum snc_enc_type)t;
		dp_worker_free(&b.w);
		dp_node_table_free(&b.nodes);
		setup(&b);
		ceiling = run_ceiling(&b);
		path = run_path(&b);
		if (b.w.stats.create_relayed != b.ncells) {
			fprintf(stderr, "bench: only %llu of %zu cells relayed\n",
				(unsigned long long)b.w.stats.create_relayed, b.ncells);
			return 1;
		}
		printf("%-44s %12.0f %10s\n",
		       t == SNC_ENC_AES_GCM ? "crypto ceiling: peel batch, aes-gcm"
					    : "crypto ceiling: peel batch, xchacha20",
		       ceiling, "1.00x");
		printf("%-44s %12.0f %9.2fx\n",
		       t == SNC_ENC_AES_GCM ? "dataplane CREATE relay, aes-gcm"
					    : "dataplane CREATE relay, xchacha20",
		       path, path / ceiling);
	}
	dp_worker_free(&b.w);
	dp_node_table_free(&b.nodes);
	dp_port_shutdown(0);
	rte_mempool_free(b.pool);
	free(b.cells);
	free(b.blob_len);
	rte_eal_cleanup();
	return 0;
}
