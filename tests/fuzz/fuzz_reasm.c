/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: IPv4 reassembly (dataplane/reasm.c) behind the classify stage's
 * framing (dataplane/pkt.c), on real mbufs (EAL in software mode, started
 * once). The input is a sequence of frames, each [u16le length][bytes] then
 * one byte of clock step; every frame pkt.c calls a fragment goes to
 * dp_reasm_add. Checks: a datagram handed back is one segment, unfragmented
 * and parses as UDP/IPv4 to this node; and when the worker's table is freed
 * every mbuf of both pools is back (nothing leaked, nothing freed twice).
 * Seeds: the fragments of tests/golden/relay_in.pcap, whole and cut up.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "mempool.h"
#include "reasm.h"
#include "worker.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	POOL = 512,
	BIG_POOL = DP_REASM_SLOTS + 2,
};

static struct rte_mempool *pool, *big_pool;
static struct dp_worker w;
static const struct dp_iface me = {
	.mac = {.addr_bytes = {2, 0, 0, 0, 0, 1}}, .ip = 0x0a000001, .port = 22030};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* --no-shconf: no runtime files left behind by a harness that may be killed */
	char *eal[] = {"fuzz_reasm",	 "--no-huge",	"-m", "64", "--no-pci",
		       "--no-telemetry", "--no-shconf", "-l", "0",  "--log-level=lib.eal:error"};

	(void)argc;
	(void)argv;
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal) < 0)
		abort();
	pool = dp_mempool_create("fuzz_reasm", POOL, SOCKET_ID_ANY);
	big_pool = dp_mempool_big_create("fuzz_reasm_big", BIG_POOL, SOCKET_ID_ANY);
	if (pool == NULL || big_pool == NULL)
		abort();
	w.iface = me;
	w.big_pool = big_pool;
	return 0;
}

static void
check_whole(struct rte_mbuf *m)
{
	struct dp_pkt p;
	enum dp_drop_reason r = dp_pkt_parse(m, &me, &p);

	if (m->nb_segs != 1 || r == DP_DROP_FRAGMENT)
		abort();
	if (r == DP_DROP_NONE &&
	    p.cell + p.cell_len > rte_pktmbuf_mtod(m, uint8_t *) + rte_pktmbuf_data_len(m))
		abort();
	rte_pktmbuf_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t now = 0;
	size_t at = 0;

	while (at + 3 <= size) {
		size_t len = (size_t)data[at] | (size_t)data[at + 1] << 8;
		struct rte_mbuf *m, *whole;
		struct dp_pkt p;

		at += 2;
		if (len > size - at - 1 || len > 2000)
			break;
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL)
			abort(); /* the pool drained: something kept mbufs */
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), data + at, len);
		at += len;
		now += (uint64_t)data[at++] * 100000000ull; /* 0..25.5 s a step */
		if (dp_pkt_parse(m, &me, &p) != DP_DROP_FRAGMENT) {
			rte_pktmbuf_free(m);
			continue;
		}
		whole = dp_reasm_add(&w, m, now);
		if (whole != NULL)
			check_whole(whole);
		dp_reasm_age(&w, now);
	}
	dp_reasm_free(&w);
	if (rte_mempool_avail_count(pool) != POOL || rte_mempool_avail_count(big_pool) != BIG_POOL)
		abort();
	return 0;
}
