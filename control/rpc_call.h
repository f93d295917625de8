/* SPDX-License-Identifier: MIT */
/*
 * Inside the storage RPC server: the server and request state shared by the
 * handler files, and the pipeline one call goes through (rpc_call.c):
 *
 *   info / get_swarm            -> answered at once (rpc_info.c)
 *   everything else             -> ctl_rpc_auth_check (421 first, then TTL,
 *                                  clocks, signatures) -> revocation list
 *                                  from Redis when a subaccount needs it, and
 *                                  the check again with it -> the handler
 *
 * A handler starts at most one store operation and hands its return to
 * rpc_call_op(); the operation's callback first calls rpc_call_op_end()
 * (false: the server is gone, drop everything) and finishes with
 * rpc_call_done(). One operation at a time per request is what lets
 * ctl_rpc_server_free detach a request safely. A
 * request (one call, or a batch/sequence of them) is answered when its last
 * call is done.
 */
#ifndef CTL_RPC_CALL_H
#define CTL_RPC_CALL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc_params.h"
#include "rpc_server.h"
#include "store.h"

struct rpc_req;

struct ctl_rpc_server {
	uint8_t sk[64];	  /* node Ed25519 secret key; wiped on free */
	char own_hex[65]; /* node Ed25519 pubkey in hex: its key in "swarm" */
	struct store *store;
	const struct ctl_swarm_view *swarm;
	bool testnet;
	ctl_rpc_clock_fn *now_ms;
	void *now_arg;
	uint16_t version[3], hf[2];
	uint16_t https_port;		     /* oxend_request's storage_port of every node */
	struct rpc_req *inflight;	     /* requests not answered yet (doubly linked) */
	const struct ctl_rpc_forwarder *fwd; /* NULL: no replication */
	struct snc_ed_x_cache *ed_x_cache;   /* accounts' pubkey_ed25519 conversions */
	struct ctl_rpc_server_stats stats;
};

/* One request in flight. */
struct rpc_req {
	struct ctl_rpc_server *srv; /* NULL once the server is freed */
	struct rpc_req *prev, *next;
	ctl_rpc_done_fn *done;
	void *arg;
	struct ctl_rpc_request req;
	size_t cur;		   /* the call running: req.calls[cur] */
	json_t *results;	   /* batch/sequence: {"code", "body"} so far */
	uint64_t now_ms;	   /* the clock when the running call started */
	bool busy;		   /* a store operation is outstanding */
	char hash[STORE_HASH_BUF]; /* store: the message hash */
	/* replication (rpc_swarm.c) */
	bool forwarded;	       /* came from a swarm peer: no fan-out, own result only */
	uint8_t forwarder[32]; /* that peer */
	bool fanning;	       /* the running call was sent to the peers */
	void *fan;	       /* the forwarder's handle while peers are outstanding */
	json_t *peers;	       /* their results once all are in */
	bool local_done;       /* this node's result is in local_* */
	int local_code;
	json_t *local_json;
	char *local_text;
};

/* Starts req.calls[cur]. */
void rpc_call_start(struct rpc_req *r);

/*
 * Finishes the running call with code and a JSON body (stolen) or a text
 * (copied when json is NULL), then runs the next call or answers.
 */
void rpc_call_done(struct rpc_req *r, int code, json_t *json, const char *text);

/* rpc_call_done after the swarm's results are merged in (rpc_swarm.c). */
void rpc_call_finish(struct rpc_req *r, int code, json_t *json, const char *text);

/* Finishes the running call with the answer to a store failure (rc < 0):
 * 503 when Redis is unreachable or slow, 400 for arguments the store
 * refuses, 500 otherwise. */
void rpc_call_failed(struct rpc_req *r, int rc);

/* Finishes with 500 "request failed" (out of memory). */
void rpc_call_oom(struct rpc_req *r);

/* Records the return of a store call: 0 marks the operation outstanding,
 * anything else finishes the call through rpc_call_failed(). */
void rpc_call_op(struct rpc_req *r, int rc);
/* First thing in a store callback. False when the request was dropped (server
 * freed): the callback returns at once. */
bool rpc_call_op_end(struct rpc_req *r);

/* The running call. */
struct ctl_rpc_call *rpc_call_current(struct rpc_req *r);

/* Answers the request and frees it (rpc_server.c). json stolen, or text. */
void rpc_server_answer(struct rpc_req *r, int code, json_t *json, const char *text);

/* Frees a request that has been answered or dropped (rpc_server.c). */
void rpc_server_req_free(struct rpc_req *r);

#endif
