/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: IPv4 reassembly (dataplane/reasm.c) behind the classify stage's
 * framing (dataplane/pkt.c), on real mbufs (EAL in software mode, started
 * once). The input is a sequence of frames, each [u16le length][bytes] then
 * one byte of clock step; every frame pkt.c calls a fragment goes to
 * dp_reasm_add. Length bit 15 set: the frame (up to a 9,000-byte MTU's)
 * arrives as a chain of 128-byte segments (bit 14: 1,000-byte), as from a
 * NIC with scattered rx, and dataplane/linear.c makes it one segment first.
 * Checks: a chain comes out one segment with its bytes; a datagram handed
 * back is one segment, unfragmented and parses as UDP/IPv4 to this node; and
 * when the worker's table is freed every mbuf of both pools is back (nothing
 * leaked, nothing freed twice).
 * Seeds: the fragments of tests/golden/relay_in.pcap, whole and cut up.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "linear.h"
#include "mempool.h"
#include "reasm.h"
#include "worker.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	POOL = 512,
	BIG_POOL = DP_REASM_SLOTS + 2,
	FLAT_MAX = 2000,       /* bytes of a frame in one mbuf */
	CHAIN_MAX = 14 + 9000, /* bytes of a chained frame: a jumbo MTU's */
	CHAINED = 0x8000,      /* length bits: a chain ... */
	BIG_SEGS = 0x4000,     /* ... of 1,000-byte segments, else 128 */
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

/* len bytes in one mbuf, or as a chain of seg-byte mbufs (seg 0: one mbuf). */
static struct rte_mbuf *
frame(const uint8_t *bytes, size_t len, size_t seg)
{
	struct rte_mbuf *head = NULL;
	size_t off = 0;

	do {
		size_t n = seg == 0 || len - off < seg ? len - off : seg;
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		if (m == NULL)
			abort(); /* the pool drained: something kept mbufs */
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), bytes + off, n);
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			abort();
		off += n;
	} while (off < len);
	return head;
}

/* The chain made one segment by linear.c: NULL (dropped, counted) or the same bytes. */
static struct rte_mbuf *
linear(struct rte_mbuf *m, const uint8_t *bytes, size_t len)
{
	m = dp_linear_take(&w, m);
	if (m != NULL &&
	    (m->nb_segs != 1 || rte_pktmbuf_pkt_len(m) != len || rte_pktmbuf_data_len(m) != len ||
	     memcmp(rte_pktmbuf_mtod(m, const uint8_t *), bytes, len) != 0))
		abort();
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t now = 0;
	size_t at = 0;

	while (at + 3 <= size) {
		size_t bits = (size_t)data[at] | (size_t)data[at + 1] << 8;
		size_t len = bits & ~(size_t)(CHAINED | BIG_SEGS);
		size_t seg = !(bits & CHAINED) ? 0 : (bits & BIG_SEGS) ? 1000 : 128;
		struct rte_mbuf *m, *whole;
		struct dp_pkt p;

		at += 2;
		if (len > size - at - 1 || len > (seg != 0 ? CHAIN_MAX : FLAT_MAX))
			break;
		m = frame(data + at, len, seg);
		if (seg != 0)
			m = linear(m, data + at, len); /* NULL: dropped (seg_nombuf), counted */
		at += len;
		now += (uint64_t)data[at++] * 100000000ull; /* 0..25.5 s a step */
		if (m == NULL)
			continue;
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
