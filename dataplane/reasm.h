/* SPDX-License-Identifier: MIT */
/*
 * IPv4 reassembly of fragmented cells, per worker: each fragment's bytes are
 * copied straight into one big mbuf (mempool.h) at their offset, so the
 * stages get the whole datagram in one segment, and the fragment's mbuf goes
 * back to its pool at once. Bounded: DP_REASM_SLOTS datagrams per worker, each
 * dropped when it does not complete within DP_REASM_TIMEOUT_MS, and at most
 * DP_REASM_PER_SOURCE of them from one source address, so that one sender's
 * fragments that never complete cannot hold the whole table for 2 s.
 *
 * Not rte_ip_frag's reassembly: the packaged DPDK 22.11 is built with
 * RTE_LIBRTE_IP_FRAG_MAX_FRAG = 8 (11,840 bytes at MTU 1500), and a large
 * cell is 45 fragments at MTU 1500; rte_ip_frag would also hand over an mbuf
 * chain that must be copied into a big mbuf anyway.
 */
#ifndef DP_REASM_H
#define DP_REASM_H

#include <stdbool.h>
#include <stdint.h>

#include "drop.h"

struct rte_mbuf;
struct rte_mempool;
struct dp_worker;

enum {
	DP_REASM_SLOTS = 32,	     /* datagrams being reassembled per worker */
	DP_REASM_PER_SOURCE = 8,     /* of them from one IPv4 source */
	DP_REASM_TIMEOUT_MS = 2000,  /* a datagram not complete by then is dropped */
	DP_REASM_MAX_IP = 65535,     /* IPv4 total length limit */
	DP_REASM_BLOCKS = 65536 / 8, /* 8-byte fragment blocks of one datagram */
};

/* One datagram being put together. */
struct dp_reasm_slot {
	struct rte_mbuf *m; /* big mbuf: Ethernet + IPv4 header (20) + payload at 34 */
	uint32_t src_ip, dst_ip;
	uint16_t id;
	bool used;
	bool have_first; /* the offset-0 fragment wrote the headers */
	uint32_t total;	 /* payload bytes, known once the last fragment came; 0 before */
	uint32_t got;	 /* payload bytes received */
	uint32_t end;	 /* highest payload byte received + 1 */
	uint64_t deadline_ns;
	uint64_t seen[DP_REASM_BLOCKS / 64]; /* blocks received: overlaps are refused */
};

struct dp_reasm {
	struct dp_reasm_slot slot[DP_REASM_SLOTS];
	unsigned active;
};

/*
 * Takes fragment m (an IPv4 fragment to this node's address: dp_pkt_parse
 * said DP_DROP_FRAGMENT). Returns the whole datagram in one big mbuf when m
 * completed it, else NULL. m is always consumed: stored and freed, or
 * dropped with its reason counted in w's stats.
 */
struct rte_mbuf *dp_reasm_add(struct dp_worker *w, struct rte_mbuf *m, uint64_t now_ns);

/* Drops (counted frag_timeout) every datagram past its deadline. */
void dp_reasm_age(struct dp_worker *w, uint64_t now_ns);

/* Frees every datagram held (at exit: not counted). */
void dp_reasm_free(struct dp_worker *w);

#endif
