/* SPDX-License-Identifier: MIT */
/*
 * Shared parts of snode-bench-dataplane: a three-node path (this node is
 * node 0, the entry; node 1 is in its node table), pre-built client cells for
 * node 0, and feeding them through one worker's real burst path
 * (dp_loop_burst: framing, parse, gates, crypto, routing, tx to net_null).
 */
#ifndef DP_BENCH_H
#define DP_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "cell.h"
#include "node_table.h"
#include "onion_build.h"
#include "worker.h"

struct dpb_path {
	struct snc_node_keys keys[3];
	struct snc_onion_node pub[3];
	struct dp_node_table nodes; /* node 0's: knows node 1 */
};

/* Client cells for node 0, one circuit each. */
struct dpb_cells {
	uint8_t (*cell)[DP_CELL_SMALL];
	uint32_t *blob_len; /* CREATE: the blob length (masked on the wire) */
	uint64_t *label;    /* the client's label of each cell's circuit */
	size_t n;
};

void dpb_path_init(struct dpb_path *p);
void dpb_path_free(struct dpb_path *p);

/* n CREATE cells (small class) of 3-hop onions to node 2, all of one enc type; more: with
 * the MORE flag (DATA follows: the hops derive kf, which dpb_cells_data needs). */
int dpb_cells_create(struct dpb_cells *c, const struct dpb_path *p, enum snc_enc_type type,
		     size_t n, bool more);
void dpb_cells_free(struct dpb_cells *c);

/* A worker of node 0 on lcore, with gates opened wide (the path is measured,
 * not the limiter) and its replay filter already touched (steady state). */
void dpb_worker_init(struct dp_worker *w, unsigned lcore, const struct dpb_path *p);

/* Rebuilds w's replay filter, empty and touched, so the same CREATEs pass again. */
void dpb_worker_fresh_replay(struct dp_worker *w);

/*
 * DATA cells (seq, full chunk) for the circuits that creates opened on w:
 * payload sealed with the entry's kf over what stands for the inner layers.
 * Returns how many circuits were found (all of them when the CREATEs relayed).
 */
size_t dpb_cells_data(struct dpb_cells *out, struct dp_worker *w, const struct dpb_cells *creates,
		      uint32_t seq);

/* Feeds every cell once through dp_loop_burst on (port 0, txq); returns the seconds spent
 * in dp_loop_burst (two clock reads per burst of 32, counted against the path): writing
 * each cell into an mbuf with its L2-L4 headers stands for the NIC and is not timed. */
double dpb_feed(struct dp_worker *w, uint16_t txq, struct rte_mempool *pool,
		const struct dpb_cells *c);

/*
 * Seconds: the calling thread's CPU time when dpb_cpu_clock (the default: on a machine
 * shared with other jobs, time spent descheduled is not the path's cost, and ceiling and
 * path are measured alike), else the monotonic wall clock (--clock wall; the 2-worker rows
 * always use it, since running in parallel is what they measure).
 */
extern bool dpb_cpu_clock;

/* This process's memory on transparent huge pages (KiB; -1 when the kernel does not say):
 * whether the worker tables (dataplane/bigmem.h) got them. */
long dpb_anon_huge_kib(void);
double dpb_now_s(void);

#endif
