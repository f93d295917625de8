/* SPDX-License-Identifier: MIT */
/*
 * POST /json_rpc: the seed node's JSON-RPC 2.0 that Session clients bootstrap
 * from (whitepaper 4.5: `{"jsonrpc": "2.0", "id", "method":
 * "get_n_service_nodes", "params": {"active_only", "limit", "fields"}}`),
 * answered from this node's registry like oxend_request (rpc_oxend.h). Only
 * get_n_service_nodes and get_service_nodes; every other method is JSON-RPC's
 * -32601. Always HTTP 200, errors in the JSON-RPC "error" member.
 */
#ifndef CTL_JSON_RPC_H
#define CTL_JSON_RPC_H

#include <stddef.h>

struct ctl_rpc_server;

/* The answer text (malloc'd, NUL-terminated), NULL when out of memory. */
char *ctl_json_rpc(const struct ctl_rpc_server *s, const char *body, size_t len);

#endif
