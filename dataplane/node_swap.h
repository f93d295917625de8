/* SPDX-License-Identifier: MIT */
/*
 * Publishing a new node table to the worker lcores without locks on the fast
 * path (DPDK's QSBR RCU, rte_rcu_qsbr.h).
 *
 * Workers: at the top of every loop iteration, dp_node_swap_enter reports a
 * quiescent state (the worker holds no pointer into any table from before)
 * and then loads the current table, which it uses for the whole iteration.
 * Main lcore: dp_node_swap_publish stores the new pointer (release), starts a
 * grace period and retires the old table with its token; dp_node_swap_reclaim
 * (called on every service pass, never blocking) frees a retired table once
 * every online worker has reported a quiescent state after that token. An
 * idle worker sleeps at most DP_IDLE_SLEEP_MAX_US between iterations, so a
 * table is freed within about a millisecond. When EAL gives a single lcore,
 * that lcore is both: it publishes between bursts and passes its own
 * quiescent state at its next iteration.
 *
 * The file table (--nodes) stays allocated while the swap lives: it is the
 * MAC source of every later table (node_update.h).
 */
#ifndef DP_NODE_SWAP_H
#define DP_NODE_SWAP_H

#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "node_update.h"

enum {
	DP_NODE_SWAP_RETIRED = 8, /* old tables waiting for a grace period */
};

/* Telemetry /snode/dp/nodes. Written by the main lcore only. */
struct dp_node_swap_stats {
	uint64_t received;			  /* whole NODES messages */
	uint64_t applied;			  /* published to the workers */
	uint64_t rejected[DP_NODES_REJECT_COUNT]; /* by reason; [0] unused */
	uint64_t freed;				  /* old tables freed after a grace period */
	uint64_t generation;			  /* of the current table; 0: the file's */
	uint32_t size;				  /* nodes in the current table */
	uint32_t pending;			  /* retired tables not yet freed */
	struct dp_node_update_stats last;	  /* the last table received */
};

struct dp_node_swap {
	struct rte_rcu_qsbr *qs;
	struct dp_node_table *current; /* atomic: workers load it */
	struct dp_node_table *file;    /* the start table: never freed here */
	struct dp_node_table *retired[DP_NODE_SWAP_RETIRED];
	uint64_t tokens[DP_NODE_SWAP_RETIRED];
	unsigned nretired;
	uint64_t seq; /* tables published: the last one's swap_seq (node_table.h) */
	struct dp_node_swap_stats st;
	/* Set by the relay with several ports: each node's gateway MAC is its port's
	 * (dp_node_update_ctx.gateway_for); NULL: the gateway_mac of dp_node_swap_apply. */
	const uint8_t *(*gateway_for)(const void *arg, uint32_t ip);
	const void *gateway_arg;
};

/*
 * initial: the table workers start with (the file's, owned by the caller and
 * also the MAC source); threads: worker count, ids 0..threads-1. 0 or -ENOMEM.
 */
int dp_node_swap_init(struct dp_node_swap *s, struct dp_node_table *initial, unsigned threads);

/* After every worker stopped: frees every table it built (not the file's). */
void dp_node_swap_free(struct dp_node_swap *s);

/* Worker thread tid around its loop. */
void dp_node_swap_online(struct dp_node_swap *s, unsigned tid);
void dp_node_swap_offline(struct dp_node_swap *s, unsigned tid);

/* Worker, once per loop iteration: quiescent, then the table to use until the next call. */
static inline const struct dp_node_table *
dp_node_swap_enter(struct dp_node_swap *s, unsigned tid)
{
	rte_rcu_qsbr_quiescent(s->qs, tid);
	return __atomic_load_n(&s->current, __ATOMIC_ACQUIRE);
}

/* Main lcore: the table workers use now (for building the next one). */
const struct dp_node_table *dp_node_swap_current(const struct dp_node_swap *s);

/* Main lcore: makes next current (taking it) and retires the old one. DP_NODES_OK,
 * or DP_NODES_BUSY (every retired slot still waits: next is freed, nothing changes). */
enum dp_nodes_reject dp_node_swap_publish(struct dp_node_swap *s, struct dp_node_table *next,
					  uint64_t generation);

/* Main lcore, never blocking: frees the retired tables every worker has passed. */
void dp_node_swap_reclaim(struct dp_node_swap *s);

/*
 * Main lcore: one whole NODES body from the channel: builds (node_update.h)
 * and publishes, counting received / applied / rejected. gateway_mac: [6] or
 * NULL; self: this node's Ed25519 key and X25519 pair. Returns the outcome.
 */
enum dp_nodes_reject dp_node_swap_apply(struct dp_node_swap *s, const uint8_t *body, size_t len,
					const uint8_t *gateway_mac, const uint8_t self_ed25519[32],
					uint32_t cap);

#endif
