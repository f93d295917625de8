/* SPDX-License-Identifier: MIT */
/*
 * Swarm assignment: which swarm every active service node belongs to after a
 * block, computed exactly as oxend does (oxen-core calc_swarm_changes), so
 * that this node agrees with the network on its own swarm and on everyone
 * else's. snode-control calls it on blocks that register, decommission or
 * recommission nodes; operators see the result as the node's swarm id and can
 * replay a network with `snode-sim`. See docs/swarms.md.
 */
#ifndef SWARM_ASSIGN_H
#define SWARM_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "swarm_id.h"
#include "swarm_rules.h"

enum {
	SWARM_ASSIGN_MAX_NODES = 1 << 20, /* nodes per call; mainnet has a few thousand */
};

/* One active node. */
struct swarm_node {
	uint8_t ed25519[32]; /* primary (Ed25519) pubkey: the array is sorted by it */
	uint64_t swarm_id;   /* in: current swarm or SWARM_ID_UNASSIGNED; out: the new one */
};

/* What one call did (for logs and snode-sim; not needed for the result). */
struct swarm_assign_stats {
	size_t swarms;	  /* after the call */
	size_t assigned;  /* nodes that came in unassigned */
	size_t moved;	  /* nodes that came in with a swarm and left with another */
	size_t created;	  /* new swarms made from excess (not counting a first swarm 0) */
	size_t dissolved; /* starving swarms removed */
	size_t stolen;	  /* Robin Hood moves from rich to starving swarms */
};

/* The seed of a block: its hash's first 8 bytes as a little-endian u64. */
uint64_t swarm_assign_seed(const uint8_t block_hash[32]);

/*
 * calc_swarm_changes over the active (funded, not decommissioned) nodes,
 * sorted ascending by ed25519 (memcmp) without duplicates; new and
 * recommissioned nodes carry SWARM_ID_UNASSIGNED. On success every
 * nodes[i].swarm_id is the node's swarm after the block; on error nothing is
 * written. stats, err may be NULL; err gets one line naming the input at fault.
 *
 * Returns 0, or
 *   -EINVAL  NULL nodes with n > 0, or nodes not strictly ascending
 *   -E2BIG   n > SWARM_ASSIGN_MAX_NODES
 *   -ENOMEM  the workspace could not be allocated
 *   -EDOM    fewer than SWARM_RULES_MIN_SIZE nodes spread over several
 *            swarms: upstream dissolves every swarm and then throws
 *            std::out_of_range; keep the previous assignment.
 *
 * Cost: one allocation of about 80 bytes per node, freed before returning.
 * Time O(U * S log S + M * S + n log n) for U nodes to place (new ones plus
 * members of dissolved swarms), S swarms and M nodes drawn from excess pools;
 * 10,000 nodes all new (S reaches about 1,400) take well under a second, a
 * block with a few dozen changes takes a few milliseconds (docs/swarms.md).
 */
int swarm_assign_calc(struct swarm_node *nodes, size_t n, uint64_t seed,
		      struct swarm_assign_stats *stats, char *err, size_t errlen);

#endif
