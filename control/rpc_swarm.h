/* SPDX-License-Identifier: MIT */
/*
 * The storage RPC's side of swarm replication (docs/replication.md): which
 * calls go to the swarm peers, holding this node's result until the peers'
 * are in, merging them into "swarm", and the forwarded side's checks and
 * per-node answer. The transport is the forwarder (rpc_server.h), in
 * production control/replicate.c.
 *
 * A recursive call that passed admission is sent to the peers before it runs
 * here (as the reference does); its result then waits in the request until
 * every peer answered or timed out. Status of the merged answer, as the
 * reference's reply_or_fail: 200 unless every entry of "swarm" failed (500);
 * delete with "required": 404 unless some entry deleted something.
 */
#ifndef CTL_RPC_SWARM_H
#define CTL_RPC_SWARM_H

#include <jansson.h>
#include <stdbool.h>

#include "rpc_call.h"

/* store, delete, delete_all, delete_before, expire, expire_all, (un)revoke_subaccount. */
bool rpc_swarm_recursive(enum ctl_rpc_method m);

/* Forwarded calls: false (answered 403) when the forwarder is not in the account's swarm. */
bool rpc_swarm_forwarder_ok(struct rpc_req *r, const struct ctl_rpc_call *c);

/* Sends the running call to the peers when it is recursive and not forwarded. */
void rpc_swarm_fan_start(struct rpc_req *r, const struct ctl_rpc_call *c);

/* The running call's own result while fanning: kept (json stolen, text copied).
 * True when the peers are still outstanding (the caller stops there); false
 * when they are in: then rpc_swarm_merged gives the answer. */
bool rpc_swarm_hold(struct rpc_req *r, int code, json_t *json, const char *text);

/* The merged answer of the held result and the peers' (takes both). */
json_t *rpc_swarm_merged(struct rpc_req *r, int *code);

/* Forwarded calls: this node's per-node object instead of the wrapper. */
void rpc_swarm_unwrap(struct rpc_req *r, int *code, json_t **json);

/* Withdraws outstanding peers (server shutting down); no callback follows. */
void rpc_swarm_cancel(struct rpc_req *r);
/* Frees what replication holds in r. */
void rpc_swarm_free(struct rpc_req *r);

#endif
