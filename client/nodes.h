/* SPDX-License-Identifier: MIT */
/*
 * The client's view of the network: every known node (keys, cell address,
 * swarm) and the swarm ids in use. Filled from a registry file
 * (docs/registry.md: the same replay and swarm assignment as snode-control, so
 * the client computes an account's swarm itself) and corrected by 421 answers.
 * A seed-node bootstrap would fill the same structure with scl_nodes_add.
 */
#ifndef SCL_NODES_H
#define SCL_NODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SCL_SWARM_NONE UINT64_MAX /* not in a swarm (as libswarm's UNASSIGNED) */

enum {
	SCL_NODES_MAX = 4096,		/* the registry's limit of known nodes */
	SCL_NODES_FILE_MAX = 16 << 20,	/* bytes of a registry file */
	SCL_NODES_SWARM_MAX = 64,	/* members taken from one swarm answer */
	SCL_NODES_DEFAULT_PORT = 22030, /* the dataplane's cell port */
};

struct scl_node {
	uint8_t ed25519[32];
	uint8_t x25519[32];
	uint32_t ip; /* IPv4, host order */
	uint16_t port;
	uint64_t swarm; /* SCL_SWARM_NONE: not in a swarm (decommissioned too) */
};

struct scl_nodes {
	struct scl_node *v; /* ascending by ed25519 */
	size_t n;
};

void scl_nodes_init(struct scl_nodes *ns);
void scl_nodes_free(struct scl_nodes *ns);

/*
 * Replays a registry text (whole lines, each ending in a newline, at most 511
 * bytes a line; every block closed) into ns, replacing its content. Errors:
 * SCL_E_NODES with "NAME:LINE: reason" (name is what the message calls the
 * text), ns unchanged.
 */
int scl_nodes_parse_registry(struct scl_nodes *ns, const char *name, const char *text, size_t len,
			     struct scl_error *err);

/* Reads a registry file (at most SCL_NODES_FILE_MAX bytes) and parses it. */
int scl_nodes_load_registry(struct scl_nodes *ns, const char *path, struct scl_error *err);

/* Adds a node or updates the one with the same Ed25519 key. 0, or -1 (full/no memory). */
int scl_nodes_add(struct scl_nodes *ns, const struct scl_node *node, struct scl_error *err);

/* The node with this Ed25519 key, or NULL. */
const struct scl_node *scl_nodes_find(const struct scl_nodes *ns, const uint8_t ed25519[32]);

/*
 * The swarm of an account (33-byte prefixed pubkey): the swarm id closest to
 * its point (crypto/swarm_space.h) among the nodes' swarms, and the indexes of
 * its members (at most cap). Returns the member count, or -1 with
 * SCL_E_NO_ROUTE when no node is in a swarm.
 */
int scl_nodes_swarm_of(const struct scl_nodes *ns, const uint8_t pubkey[33], uint64_t *swarm,
		       size_t *idx, size_t cap, struct scl_error *err);

/*
 * Applies a swarm answer (the body of a 421 or of get_swarm: {"swarm": hex id,
 * "snodes": [{"pubkey_ed25519", "pubkey_x25519", "ip", "port_omq"}...]}):
 * its members get that swarm (unknown ones are added), former members of it
 * that are not listed lose it. Returns the member count, or -1 with
 * SCL_E_REPLY for a body of another shape.
 */
int scl_nodes_apply_swarm(struct scl_nodes *ns, const char *json, size_t len,
			  struct scl_error *err);

#endif
