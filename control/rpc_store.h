/* SPDX-License-Identifier: MIT */
/*
 * store and retrieve.
 *
 * store answers the recursive shape with this node's result
 * {"hash", "signature" (of the hash string), "expiry", "already": true on a
 * duplicate, "t"} plus the backward-compatible top-level "hash". A store
 * refused by a quota is the reference's database-full answer: 500 with
 * {"swarm": {<own>: {"failed": true, "query_failure": true, "t"}}, "t", "hf"}
 * (every swarm member failed), no top-level "hash".
 *
 * retrieve answers {"messages": [{"hash", "timestamp", "expiration",
 * "data" (base64)}...], "more", "t", "hf"}, oldest first after last_hash.
 * Limits (request_handler.cpp): max_count or max_size of 0 count as absent;
 * neither given means max_size -5; max_size -k is 7,800,000 / k bytes, a
 * positive one at most 7,800,000; at least one message always comes back.
 */
#ifndef CTL_RPC_STORE_H
#define CTL_RPC_STORE_H

#include <stdint.h>

#include "rpc_call.h"

void rpc_store_put(struct rpc_req *r, struct ctl_rpc_call *c);
void rpc_store_retrieve(struct rpc_req *r, struct ctl_rpc_call *c);

/*
 * The store's budgets for a retrieve call: *count 0 means no count limit
 * (max_count absent, 0 or negative; above 2^32-1 it is clamped), *size is
 * always 1..CTL_RPC_RETRIEVE_MAX_SIZE bytes (a -k too large for one byte
 * still returns the one message every page has).
 */
void rpc_store_retrieve_limits(const struct ctl_rpc_retrieve *p, uint32_t *count, uint64_t *size);

#endif
