/* SPDX-License-Identifier: MIT */
/*
 * Request/response between nodes over DIRECT messages (docs/direct-messages.md,
 * "Requests and responses"). A request is sealed for the peer, split into
 * fragments (direct_frag.h) and sent cell by cell through the dataplane; the
 * peer's handler answers with ctl_drpc_respond and the answer finds its
 * request by id and peer.
 *
 * Sealed payload: 1 byte kind (1 request, 2 response), 8 bytes request id
 * (big-endian), then the body. The first byte keeps these payloads apart
 * from peer pings' JSON ('{'), so one path's messages mean nothing to the other.
 *
 * Lifetime: done is called exactly once for every call that ctl_drpc_call
 * accepted (returned 0), never from inside ctl_drpc_call: with rc 0 and the
 * answer's body, -ETIMEDOUT after the call's timeout, or -ESHUTDOWN from
 * ctl_drpc_free. ctl_drpc_cancel withdraws a call without calling done.
 * Answers arriving after that are counted (late) and dropped.
 *
 * Cells whose first byte is 0x01 are whole sealed messages (peer pings): they
 * go to the conf's whole callback untouched, so one channel callback serves
 * both.
 */
#ifndef CTL_DIRECT_RPC_H
#define CTL_DIRECT_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "direct.h"
#include "direct_frag.h"
#include "dp_channel.h"
#include "identity.h"

struct event_base;

enum {
	CTL_DRPC_TIMEOUT_MS = 5000, /* default per call: the reference's 5 s */
	CTL_DRPC_PENDING_MAX = 4096,
	CTL_DRPC_TICK_MS = 100, /* how often timeouts are checked */
	CTL_DRPC_ENVELOPE = 9,	/* kind + id */
	CTL_DRPC_BODY_MAX = SNC_DIRECT_MAX_PAYLOAD - CTL_DRPC_ENVELOPE,
	CTL_DRPC_KIND_REQUEST = 1,
	CTL_DRPC_KIND_RESPONSE = 2,
};

/* Sends one cell body to peer; 0 or a negative errno (ctl_dp_channel_send_direct). */
typedef int ctl_drpc_send_fn(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len);
typedef uint64_t ctl_drpc_clock_fn(void *arg);
/* An authenticated request from peer; answer with ctl_drpc_respond(peer, id) (now or later). */
typedef void ctl_drpc_request_fn(void *arg, const uint8_t peer[32], uint64_t id,
				 const uint8_t *body, size_t len);
typedef void ctl_drpc_done_fn(void *arg, int rc, const uint8_t *body, size_t len);

struct ctl_drpc_conf {
	const struct snc_identity *id; /* copied */
	ctl_drpc_send_fn *send;	       /* required */
	void *send_arg;
	ctl_dp_direct_fn *whole; /* whole sealed messages (0x01); NULL: dropped, counted */
	void *whole_arg;
	uint64_t timeout_ms;	   /* 0: CTL_DRPC_TIMEOUT_MS */
	ctl_drpc_clock_fn *now_ms; /* NULL: the wall clock (the DIRECT window is wall time) */
	void *now_arg;
	const struct ctl_frag_limits *frag; /* NULL: the defaults */
};

struct ctl_drpc_stats {
	uint64_t calls, answered, timed_out, shutdown, cancelled;
	uint64_t busy;	      /* calls refused: CTL_DRPC_PENDING_MAX in flight */
	uint64_t send_failed; /* a cell the channel did not take (call refused or answer lost) */
	uint64_t requests_in, responses_out;
	uint64_t late;	       /* an answer with no call waiting (timed out, cancelled, unknown) */
	uint64_t unhandled;    /* a request with no handler set */
	uint64_t rejected;     /* did not open, signer is not the sending node, bad envelope */
	uint64_t unknown_kind; /* a cell that is neither 0x01 nor 0x02, or 0x01 with no taker */
};

struct ctl_drpc;

/* base NULL: no timer (tests call ctl_drpc_tick). NULL on no memory or a bad conf. */
struct ctl_drpc *ctl_drpc_new(struct event_base *base, const struct ctl_drpc_conf *conf);
/* Every call still waiting completes with -ESHUTDOWN first. */
void ctl_drpc_free(struct ctl_drpc *d);

void ctl_drpc_set_handler(struct ctl_drpc *d, ctl_drpc_request_fn *fn, void *arg);

/*
 * Sends body to peer as a request. 0 and *id (for cancel), or without done
 * ever being called: -EMSGSIZE (over CTL_DRPC_BODY_MAX), -EBUSY (too many in
 * flight), -ENOMEM, or the send error (-ENOTCONN...). timeout_ms 0: the conf's.
 */
int ctl_drpc_call(struct ctl_drpc *d, const uint8_t peer[32], const uint8_t *body, size_t len,
		  uint64_t timeout_ms, ctl_drpc_done_fn *done, void *arg, uint64_t *id);
/* Withdraws a call; done is not called. False if it is not waiting. */
bool ctl_drpc_cancel(struct ctl_drpc *d, uint64_t id);

/* Answers request id of peer. 0 or an error (counted send_failed). */
int ctl_drpc_respond(struct ctl_drpc *d, const uint8_t peer[32], uint64_t id, const uint8_t *body,
		     size_t len);

/* ctl_dp_direct_fn: one DIRECT cell body from the node peer. arg is the ctl_drpc. */
void ctl_drpc_on_cell(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len);

/* Completes the calls past their timeout and drops stale fragments (the timer does this). */
void ctl_drpc_tick(struct ctl_drpc *d);

size_t ctl_drpc_pending(const struct ctl_drpc *d);
void ctl_drpc_stats(const struct ctl_drpc *d, struct ctl_drpc_stats *out);
/* The reassembler's and the verifier's counters. */
void ctl_drpc_frag_stats(const struct ctl_drpc *d, struct ctl_frag_stats *out);
void ctl_drpc_open_stats(const struct ctl_drpc *d, struct snc_direct_stats *out);

#endif
