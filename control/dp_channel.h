/* SPDX-License-Identifier: MIT */
/*
 * snode-control's end of the local channel to snode-dataplane
 * (docs/channel.md). It connects to the dataplane's socket and keeps
 * reconnecting (100 ms doubling to 5 s) while the dataplane is away, so either
 * process may start first or restart. Both ends prove they serve the same node
 * key with HELLO. Requests arrive as callbacks; replies go back by the
 * request's ref, split into parts when longer than one datagram, and wait in a
 * bounded queue while the socket is full.
 */
#ifndef CTL_DP_CHANNEL_H
#define CTL_DP_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chan_msg.h"

struct event_base;
struct ctl_dp_channel;

enum {
	CTL_DP_BACKOFF_MIN_MS = 100,
	CTL_DP_BACKOFF_MAX_MS = 5000,
	CTL_DP_OUTQ_MAX = 64 * 1024 * 1024, /* bytes of replies waiting for the socket */
};

/* One delivered request; body is valid only during the callback. */
struct ctl_dp_request {
	struct chan_ref ref;
	uint8_t route;	    /* enum chan_route */
	uint8_t reply_mode; /* 0 Session-compatible, 1 layered */
	uint8_t opts;	    /* enum chan_opt */
	const uint8_t *body;
	size_t len;
};

typedef void ctl_dp_request_fn(void *arg, const struct ctl_dp_request *req);

/* A DIRECT message from the node with Ed25519 key peer (msg valid during the call). */
typedef void ctl_dp_direct_fn(void *arg, const uint8_t peer[32], const uint8_t *msg, size_t len);

/* One ENTRY_REPLY for the HTTP entry request id: its body (seq, flags, reason, payload). */
typedef void ctl_dp_entry_reply_fn(void *arg, uint64_t id, const uint8_t *body, size_t len);

enum {
	CTL_DP_DIRECT_MAX = 1232 - 16, /* message bytes: one small DIRECT cell (wire-format.md) */
};

struct ctl_dp_channel_stats {
	uint64_t connected;
	uint64_t connects;
	uint64_t requests;
	uint64_t replies_sent;
	uint64_t replies_dropped; /* not connected, or the queue was full */
	uint64_t bad_messages;
	uint64_t hello_mismatch;
	uint64_t directs_in, directs_out, directs_dropped;
	uint64_t entries_out, entries_dropped, entry_replies_in;
	uint64_t node_tables_out, node_tables_dropped;
};

/* The channel is up (after both HELLOs): the moment to send the node table. */
typedef void ctl_dp_connect_fn(void *arg);

/* Starts connecting at once. NULL on allocation failure. */
struct ctl_dp_channel *ctl_dp_channel_new(struct event_base *base, const char *path,
					  const uint8_t ed25519_pk[32],
					  ctl_dp_request_fn *on_request, void *arg);
void ctl_dp_channel_free(struct ctl_dp_channel *ch);

/*
 * Sends a reply to the request with this ref. flags: CHAN_F_BASE64 or 0.
 * 0 when sent or queued; -ENOTCONN (not connected), -ENOBUFS (queue full),
 * -EMSGSIZE (over CHAN_TOTAL_MAX): the reply is dropped and counted.
 */
int ctl_dp_channel_reply(struct ctl_dp_channel *ch, const struct chan_ref *ref, uint16_t flags,
			 const uint8_t *body, size_t len);

/* Where DIRECT messages from other nodes go (none: they are counted and dropped). */
void ctl_dp_channel_on_direct(struct ctl_dp_channel *ch, ctl_dp_direct_fn *fn, void *arg);

/*
 * Sends a DIRECT message (docs/direct-messages.md, sealed by the caller) to the
 * node with Ed25519 key peer, through the dataplane. 0 when sent or queued;
 * -ENOTCONN, -ENOBUFS, -EMSGSIZE (over CTL_DP_DIRECT_MAX) as for replies.
 */
int ctl_dp_channel_send_direct(struct ctl_dp_channel *ch, const uint8_t peer[32],
			       const uint8_t *msg, size_t len);

/* Where ENTRY_REPLY messages go (none: counted and dropped). */
void ctl_dp_channel_on_entry_reply(struct ctl_dp_channel *ch, ctl_dp_entry_reply_fn *fn, void *arg);

/*
 * Sends an ENTRY (docs/channel.md: meta then blob, at most CHAN_ENTRY_META_BYTES +
 * CHAN_ENTRY_BLOB_MAX bytes) for the HTTP entry request id. 0 when sent or
 * queued; -ENOTCONN, -ENOBUFS, -EMSGSIZE as for DIRECT messages.
 */
int ctl_dp_channel_send_entry(struct ctl_dp_channel *ch, uint64_t id, const uint8_t *body,
			      size_t len);

/* Where connects are reported (none: nothing is called). */
void ctl_dp_channel_on_connect(struct ctl_dp_channel *ch, ctl_dp_connect_fn *fn, void *arg);

/*
 * Sends a NODES body (channel/chan_nodes.h), in MORE parts when it exceeds
 * one datagram. 0 when sent or queued; -ENOTCONN, -ENOBUFS, -EMSGSIZE as for
 * replies (nothing queued; counted node_tables_dropped), -ENOMEM.
 */
int ctl_dp_channel_send_nodes(struct ctl_dp_channel *ch, const uint8_t *body, size_t len);

bool ctl_dp_channel_connected(const struct ctl_dp_channel *ch);
void ctl_dp_channel_stats(const struct ctl_dp_channel *ch, struct ctl_dp_channel_stats *out);

#endif
