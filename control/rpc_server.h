/* SPDX-License-Identifier: MIT */
/*
 * The storage RPC server: takes one request body {"method", "params"} (from
 * HTTPS, an onion request's final hop or the dataplane channel), decodes it
 * (rpc_params.h), admits it (rpc_auth.h: 421, TTL, clocks, signatures,
 * subaccount revocations), runs it against the message store (storage/) and
 * answers with session-storage-server's status code and body: JSON for
 * results, plain text for errors (docs/control.md lists both).
 *
 * Everything runs on the caller's libevent base (the store's): no call
 * blocks. Operators see the effect through the answers and the counters of
 * ctl_rpc_server_stats(); the server itself never logs (message data, keys
 * and signatures stay out of logs), the store logs Redis outages.
 *
 * Lifetime rules:
 *   - done is called exactly once per accepted request, possibly before
 *     ctl_rpc_handle returns (errors found while decoding, info, get_swarm);
 *   - body is valid only during the done call;
 *   - ctl_rpc_server_free answers every request still waiting on Redis with
 *     503 "server shutting down" before it returns, and no done is called
 *     after it returned; Redis answers arriving later are dropped;
 *   - done may free the server or start new requests (not from the 503s
 *     that ctl_rpc_server_free itself gives: the server is going already);
 *   - free the server before the store and the swarm view it borrows.
 */
#ifndef CTL_RPC_SERVER_H
#define CTL_RPC_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swarm_view.h"

struct store;

enum {
	CTL_RPC_RETRIEVE_MAX_SIZE = 7800000, /* bytes: RETRIEVE_MAX_SIZE of one retrieve page */
	CTL_RPC_RETRIEVE_DEFAULT_DIV = 5,    /* no limits given: max_size -5 (1/5 of the max) */
};

/* Milliseconds since the epoch; tests pin it. */
typedef uint64_t ctl_rpc_clock_fn(void *arg);

struct ctl_rpc_server_conf {
	const uint8_t *ed25519_sk;	    /* 64 bytes (seed || pk): signs results; copied */
	struct store *store;		    /* borrowed */
	const struct ctl_swarm_view *swarm; /* borrowed */
	bool testnet;			    /* 64-hex pubkeys; PUBKEY_HEX without a 00 netid */
	ctl_rpc_clock_fn *now_ms;	    /* NULL: the wall clock (CLOCK_REALTIME) */
	void *now_arg;
	uint16_t version[3]; /* info's "version" */
	uint16_t hf[2];	     /* "hf": [major, minor] in every result */
	uint16_t https_port; /* the HTTPS entry's port (oxend_request's storage_port) */
};

struct ctl_rpc_server_stats {
	uint64_t requests;	      /* bodies accepted by ctl_rpc_handle */
	uint64_t in_flight;	      /* waiting on Redis now */
	uint64_t storage_unavailable; /* calls answered 503: Redis not connected or too slow */
	uint64_t storage_errors;      /* calls answered 500: Redis error or odd answer */
	uint64_t store_full;	      /* stores refused by a quota */
	uint64_t fanouts;	      /* recursive calls sent on to the swarm peers */
	uint64_t forwarded_in;	      /* calls a swarm peer forwarded to this node */
	uint64_t forward_rejected;    /* ... refused: not recursive, or the forwarder is not a
				       * member of the account's swarm in this node's view */
};

/*
 * Replication of recursive calls (control/replicate.c; docs/replication.md).
 * start sends body ({"method", "params"} of one call) to the other members
 * of the swarm that holds pubkey (33 bytes) and returns a handle, or NULL
 * when there is nobody to ask (done is then never called). Otherwise done
 * gets {<peer ed25519 hex>: result} (stolen) exactly once, never from inside
 * start, unless cancel came first.
 */
typedef void ctl_rpc_fanout_done_fn(void *arg, json_t *peers);
struct ctl_rpc_forwarder {
	void *(*start)(void *arg, const uint8_t *pubkey, const char *body, size_t len,
		       ctl_rpc_fanout_done_fn *done, void *done_arg);
	void (*cancel)(void *arg, void *handle);
	void *arg;
};

struct ctl_rpc_server;

/* NULL with one line in err: a missing key, store or swarm view, or no memory. */
struct ctl_rpc_server *ctl_rpc_server_new(const struct ctl_rpc_server_conf *conf, char *err,
					  size_t errlen);

void ctl_rpc_server_free(struct ctl_rpc_server *srv);

/*
 * The answer to one request: code is the HTTP-like status, json says whether
 * body is a JSON document (results, 421, batch) or plain text (errors); the
 * onion "json": true option embeds the former as an object.
 */
typedef void ctl_rpc_done_fn(void *arg, int code, bool json, const char *body, size_t len);

/*
 * Runs one request body asynchronously. Returns 0 when done will be (or
 * already was) called, or -EINVAL (NULL server or done) / -ENOMEM without
 * calling it.
 */
int ctl_rpc_handle(struct ctl_rpc_server *srv, const char *body, size_t len, ctl_rpc_done_fn *done,
		   void *arg);

void ctl_rpc_server_stats(const struct ctl_rpc_server *srv, struct ctl_rpc_server_stats *out);

/* Recursive calls go to the swarm peers through f (borrowed; NULL: this node alone). */
void ctl_rpc_server_set_forwarder(struct ctl_rpc_server *srv, const struct ctl_rpc_forwarder *f);

/*
 * A call forwarded by the swarm peer with Ed25519 key peer: like
 * ctl_rpc_handle, but only single recursive calls are taken (else 400), the
 * peer must be a member of the account's swarm in this node's view (else
 * 403), the forwarded clock windows apply (70 s for delete_all and
 * expire_all), nothing is forwarded again, and a result is this node's own
 * per-node object (200), not the {"swarm": ...} wrapper.
 */
int ctl_rpc_handle_forwarded(struct ctl_rpc_server *srv, const uint8_t peer[32], const char *body,
			     size_t len, ctl_rpc_done_fn *done, void *arg);

#endif
