/* SPDX-License-Identifier: MIT */
/*
 * The node list for clients (whitepaper 4.5, facts 2.5 `oxend_request`):
 * `oxend_request` with endpoint `get_service_nodes`, and the seed nodes'
 * JSON-RPC `get_n_service_nodes` / `get_service_nodes` (POST /json_rpc,
 * http_server.c). A Session node asks oxend; snode answers from its own
 * replayed registry (docs/registry.md), the same view its swarms come from,
 * so nodes that replay the same log give the same list and a client can
 * require agreement. `ons_resolve` needs a blockchain: 400, named.
 */
#ifndef CTL_RPC_OXEND_H
#define CTL_RPC_OXEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rpc_params.h"

struct ctl_rpc_server;
struct ctl_swarm_view;

/* The result object: {"service_node_states": [...], "height", "block_hash", "hardfork",
 * "status": "OK"}; NULL when out of memory. https_port: storage_port of every node. */
json_t *ctl_sn_result(const struct ctl_swarm_view *view, uint16_t https_port, const uint16_t hf[2],
		      const struct ctl_sn_query *q);

struct rpc_req;
struct ctl_rpc_call;

/* Runs an oxend_request call: 200 {"result": ..., "t", "hf"}, or 400 for ons_resolve. */
void rpc_oxend_run(struct rpc_req *r, const struct ctl_rpc_call *c);

#endif
