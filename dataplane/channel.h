/* SPDX-License-Identifier: MIT */
/*
 * The dataplane's end of the local channel to snode-control
 * (docs/channel.md): a SOCK_SEQPACKET listener at a path, one connection at a
 * time (a new connection replaces the old one: snode-control restarted).
 *
 * Workers never touch the socket, nor malloc. A delivery copies the request into
 * the CREATE's own mbuf (a long one into a chain from a segment pool,
 * chan_pool.h) and puts it on a multi-producer ring; the service
 * (the main lcore, or the only lcore between bursts) sends what the ring holds,
 * accepts connections and reads replies, which it hands to the owning
 * worker's single-producer ring. Each worker drains its ring between bursts
 * and sends the reply back along the circuit.
 */
#ifndef DP_CHANNEL_H
#define DP_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worker.h"

enum {
	DP_CHANNEL_RING = 4096,	      /* requests waiting for the service */
	DP_CHANNEL_REPLY_RING = 1024, /* replies waiting for one worker */
	DP_CHANNEL_REPLY_BURST = 8,   /* replies a worker sends per loop iteration */
};

struct dp_channel;

/* Counters of the channel (telemetry /snode/dp/channel). */
struct dp_channel_stats {
	uint64_t connected; /* 1 while snode-control is connected */
	uint64_t connections;
	uint64_t hello_mismatch; /* peers that named another node key: closed */
	uint64_t requests_sent;
	uint64_t requests_lost; /* queued when the connection dropped */
	uint64_t replies;
	uint64_t replies_orphaned; /* for an unknown worker */
	uint64_t reply_ring_full;
	uint64_t reply_no_room; /* the reply segment pool was empty: dropped */
	uint64_t bad_messages;	/* malformed datagrams: the connection is closed */
	uint64_t directs; /* DIRECT messages from snode-control handed to the sending worker */
	uint64_t direct_too_big; /* DIRECT messages over one small cell: not sent */
	uint64_t entries;	 /* ENTRY messages (HTTP entry requests) handed to a worker */
	uint64_t node_tables;	 /* whole NODES messages (node_swap.h counts what became of them) */
	uint64_t request_segs;	 /* segments of the request pool in use (chan_pool.h) */
	uint64_t reply_segs;	 /* segments of the reply pool in use */
};

/* A whole NODES body (chan_nodes.h), on the lcore that serves the socket. */
typedef void dp_channel_nodes_fn(void *arg, const uint8_t *body, size_t len);

/* Listens at path (an existing socket file is replaced). NULL with err filled. */
struct dp_channel *dp_channel_new(const char *path, const uint8_t ed25519_pk[32], char *err,
				  size_t errlen);
void dp_channel_free(struct dp_channel *ch);

/* Gives worker w (lcore w->lcore) a reply ring and makes the channel its delivery. */
int dp_channel_attach(struct dp_channel *ch, struct dp_worker *w);

/* Where NODES bodies go (none: counted in node_tables and ignored). */
void dp_channel_on_nodes(struct dp_channel *ch, dp_channel_nodes_fn *fn, void *arg);

/* Accepts, sends queued requests, reads replies; waits up to timeout_ms for I/O. */
void dp_channel_service(struct dp_channel *ch, int timeout_ms);

/*
 * On worker w's lcore: hands up to DP_CHANNEL_REPLY_BURST replies to
 * dp_reply_submit (which queues them; the loop's dp_reply_pump sends the
 * cells). A refused reply is counted as a drop. Returns how many.
 */
unsigned dp_channel_worker_poll(struct dp_channel *ch, struct dp_worker *w, uint16_t port,
				uint16_t queue, uint64_t now_ns);

bool dp_channel_connected(const struct dp_channel *ch);
void dp_channel_stats(const struct dp_channel *ch, struct dp_channel_stats *out);

#endif
