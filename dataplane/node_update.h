/* SPDX-License-Identifier: MIT */
/*
 * A new node table from snode-control's NODES message (channel/chan_nodes.h),
 * built on the main lcore while the workers keep using the current one.
 *
 * The registry has no MACs, so each node's next-hop MAC is chosen here: the
 * MAC the --nodes file gives that node (same Ed25519 key), else the gateway
 * MAC (--gateway-mac: the router in front of every other node), else the node
 * is left out and counted (no_mac). Link keys are copied from the current
 * table when a node's X25519 key is unchanged, so only new nodes cost an
 * X25519 each. This node's own key is left out. A node with an unusable
 * X25519 key or an address another node already has is left out and counted;
 * the rest of the table still applies.
 */
#ifndef DP_NODE_UPDATE_H
#define DP_NODE_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node_table.h"

/* Why a whole table was refused (the current one stays). */
enum dp_nodes_reject {
	DP_NODES_OK = 0,
	DP_NODES_MALFORMED, /* the body or an entry does not decode (chan_nodes.h) */
	DP_NODES_TOO_MANY,  /* more nodes than the table capacity */
	DP_NODES_NO_MEMORY,
	DP_NODES_BUSY, /* old tables still wait for a worker's quiescent state */
	DP_NODES_REJECT_COUNT,
};

const char *dp_nodes_reject_name(enum dp_nodes_reject r);

struct dp_node_update_ctx {
	const struct dp_node_table *current; /* link keys to reuse; NULL: none */
	const struct dp_node_table *file;    /* MACs by Ed25519 key; NULL: none */
	const uint8_t *gateway_mac;	     /* [6] or NULL */
	const uint8_t *self_ed25519;	     /* [32]: left out */
	const uint8_t *self_x25519_sk, *self_x25519_pk;
	uint32_t cap; /* most nodes a table may hold */
	/* when set, the gateway MAC for a node's address instead (ports.h: its port's); NULL: none
	 */
	const uint8_t *(*gateway_for)(const void *arg, uint32_t ip);
	const void *gateway_arg;
};

/* What one build did (telemetry /snode/dp/nodes shows the last). */
struct dp_node_update_stats {
	uint64_t generation;
	uint32_t count;				   /* entries in the message */
	uint32_t self, no_mac, bad_key, duplicate; /* left out */
	uint32_t keys_reused, keys_computed;
};

/* Builds *out (malloc'd, free with dp_node_table_free then free) from a whole
 * NODES body. DP_NODES_OK, or the reason and *out NULL. */
enum dp_nodes_reject dp_node_update_build(const uint8_t *body, size_t len,
					  const struct dp_node_update_ctx *ctx,
					  struct dp_node_table **out,
					  struct dp_node_update_stats *st);

/* Frees a table built here (or any heap table): dp_node_table_free, then free. */
void dp_node_table_destroy(struct dp_node_table *t);

#endif
