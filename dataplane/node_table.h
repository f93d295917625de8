/* SPDX-License-Identifier: MIT */
/*
 * The nodes this dataplane can relay to: Ed25519 key (how onion layers name
 * the next hop), X25519 key, cell address and MAC, and the link key shared
 * with each (docs/wire-format.md, masks). Read-only once built: a new table
 * replaces it whole (node_update.h builds one from snode-control's NODES
 * message, node_swap.h publishes it to the workers). The first comes from a
 * file at start (--nodes FILE), whose MACs stay in use for its nodes.
 *
 * File format, one node per line, '#' starts a comment:
 *   <ed25519 hex64> <x25519 hex64> <a.b.c.d>:<port> <aa:bb:cc:dd:ee:ff>
 */
#ifndef DP_NODE_TABLE_H
#define DP_NODE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "cell_mask_batch.h"
#include "u64map.h"

struct dp_node {
	uint8_t ed25519[32];
	uint8_t x25519[32];
	uint8_t link_key[32];
	struct snc_mask_key link_pre; /* link_key's keyed BLAKE2b state: masks cost half */
	uint32_t ip;		      /* host order */
	uint16_t port;
	uint8_t mac[6];
};

struct dp_node_table {
	struct dp_node *nodes;
	uint32_t n, cap;
	struct dp_u64map by_ed;
	struct dp_u64map by_addr;
	uint8_t self_sk[32], self_pk[32]; /* this node's X25519 pair, for link keys */
	/* Which publication this is (dp_node_swap_publish: 1, 2, ...; 0: the --nodes file's):
	 * with the pointer, tells the ARP owner a new table from an old one at the same
	 * address (arp_warm.h). */
	uint64_t swap_seq;
};

/* cap nodes at most. 0, -EINVAL, -ENOMEM. */
int dp_node_table_init(struct dp_node_table *t, uint32_t cap, const uint8_t self_x25519_sk[32],
		       const uint8_t self_x25519_pk[32]);
void dp_node_table_free(struct dp_node_table *t);

/* Adds a node (computing its link key). 0, -EEXIST, -ENOSPC, or SNC_E_LOW_ORDER. */
int dp_node_table_add(struct dp_node_table *t, const uint8_t ed25519[32], const uint8_t x25519[32],
		      uint32_t ip, uint16_t port, const uint8_t mac[6]);

/* The same with the link key already known (a previous table's): no X25519. The
 * duplicate check is on the first 8 bytes of the key (the map's); lookups compare all 32. */
int dp_node_table_add_keyed(struct dp_node_table *t, const uint8_t ed25519[32],
			    const uint8_t x25519[32], const uint8_t link_key[32], uint32_t ip,
			    uint16_t port, const uint8_t mac[6]);

/* Loads a file; on error writes "path:line: reason" into err and returns -EINVAL (or -errno). */
int dp_node_table_load(struct dp_node_table *t, const char *path, char *err, size_t errlen);

const struct dp_node *dp_node_by_ed25519(const struct dp_node_table *t, const uint8_t ed25519[32]);
const struct dp_node *dp_node_by_addr(const struct dp_node_table *t, uint32_t ip, uint16_t port);

#endif
