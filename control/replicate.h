/* SPDX-License-Identifier: MIT */
/*
 * Swarm replication of recursive storage calls over DIRECT request/response
 * (docs/replication.md). The entry node's storage RPC hands each admitted
 * recursive call to the forwarder this module provides: it sends the call
 * ({"method", "params"} JSON) to every other member of the account's swarm
 * with direct_rpc and gathers one result per peer, keyed by the peer's
 * Ed25519 hex:
 *
 *   the peer answered 200 with a JSON object   that object (its signed per-node result)
 *   the peer answered another status          {"failed":true,"code":"<status>","reason":<body>}
 *   the answer could not be read              {"failed":true,"bad_peer_response":true}
 *   no answer in time, or it could not be sent {"failed":true,"timeout":true}
 *
 * On the receiving side, requests from peers go to ctl_rpc_handle_forwarded,
 * which checks that the sender is in the account's swarm and re-verifies
 * the client's signature from the full params. Answer body: 2 bytes status
 * (big-endian), 1 byte "is JSON", then the body.
 */
#ifndef CTL_REPLICATE_H
#define CTL_REPLICATE_H

#include <stddef.h>
#include <stdint.h>

#include "direct_rpc.h"
#include "rpc_server.h"
#include "swarm_view.h"

struct event_base;

enum {
	CTL_REPL_ANSWER_HDR = 3, /* status (2) + JSON flag (1) */
};

struct ctl_replicate_stats {
	uint64_t fanouts;	/* calls sent on */
	uint64_t peer_calls;	/* requests to peers */
	uint64_t peer_ok;	/* answered 200 with a JSON object */
	uint64_t peer_error;	/* answered another status */
	uint64_t peer_bad;	/* unreadable answer */
	uint64_t peer_timeout;	/* no answer in time (or shutdown) */
	uint64_t peer_unsent;	/* the request could not be sent (counted as timeout too) */
	uint64_t served;	/* forwarded calls answered for peers */
	uint64_t answer_failed; /* ... whose answer could not be sent */
};

struct ctl_replicate;

/*
 * d, swarm and rpc are borrowed; this module sets itself as d's request
 * handler and rpc's forwarder. timeout_ms 0: d's default (5 s). Free the
 * RPC server first (its pending forwarded answers still go out), then this,
 * then d.
 */
struct ctl_replicate *ctl_replicate_new(struct event_base *base, struct ctl_drpc *d,
					const struct ctl_swarm_view *swarm,
					struct ctl_rpc_server *rpc, const uint8_t self[32],
					uint64_t timeout_ms);
void ctl_replicate_free(struct ctl_replicate *r);

/* Requests whose first byte is CTL_SYNC_MAGIC (catch-up pages, sync_page.h) go to fn. */
void ctl_replicate_set_bulk(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg);
/* Requests whose first byte is CTL_VOTE_MAGIC (quorum votes, quorum_vote.h) go to fn. */
void ctl_replicate_set_votes(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg);
/* Requests whose first byte is CTL_STEST_MAGIC (storage-proof tests, storage_test.h) go to fn. */
void ctl_replicate_set_stest(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg);
/* Requests whose first byte is CTL_SREP_MAGIC (storage-test reports, stest_report.h) go to fn. */
void ctl_replicate_set_sreport(struct ctl_replicate *r, ctl_drpc_request_fn *fn, void *arg);

void ctl_replicate_stats(const struct ctl_replicate *r, struct ctl_replicate_stats *out);

#endif
