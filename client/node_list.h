/* SPDX-License-Identifier: MIT */
/*
 * The node list as Session clients get it (whitepaper 4.5): the answer of
 * get_service_nodes (a seed node's JSON-RPC get_n_service_nodes, or
 * oxend_request through an onion request; docs/control.md "The node list"),
 * into struct scl_nodes, and back out as the client's HOME/nodes.json. A list
 * is only taken when every source gave the same one (scl_node_list_same).
 */
#ifndef SCL_NODE_LIST_H
#define SCL_NODE_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "nodes.h"

/* The get_service_nodes params the client asks with: every node, the fields it uses. */
#define SCL_NODE_LIST_PARAMS                                                                       \
	"{\"active_only\":false,\"fields\":{\"pubkey_ed25519\":true,\"pubkey_x25519\":true,"       \
	"\"public_ip\":true,\"storage_lmq_port\":true,\"swarm_id\":true}}"

/*
 * Parses {"service_node_states": [...]} or the same inside "result" (JSON-RPC,
 * oxend_request) into ns, replacing it. Each state needs pubkey_ed25519,
 * pubkey_x25519 (64 hex), public_ip (IPv4), storage_lmq_port (1..65535) and a
 * swarm: "swarm" (hex, as snode adds) or swarm_id. At most SCL_NODES_MAX
 * states, no key twice. On error: SCL_E_NODES naming `what` and the state.
 */
int scl_node_list_parse(struct scl_nodes *ns, const char *what, const char *json, size_t len,
			struct scl_error *err);

/* The same nodes with the same keys, addresses and swarms (both sorted by key). */
bool scl_node_list_same(const struct scl_nodes *a, const struct scl_nodes *b);

/* {"service_node_states": [...]} of ns: a malloc'd text, NULL when out of memory. */
char *scl_node_list_dump(const struct scl_nodes *ns);

#endif
