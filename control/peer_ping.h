/* SPDX-License-Identifier: MIT */
/*
 * Reachability of the other nodes over DIRECT messages through the
 * dataplane (docs/direct-messages.md): every interval this node sends each
 * known peer a signed, encrypted ping; a peer answers with a pong. A peer is
 * "reachable" from its first pong and "unreachable" after three intervals
 * without one; each change is one log line. This is the transport check the
 * swarm issue's reachability tests and votes build on (issue 6).
 *
 * Payloads (JSON inside the sealed DIRECT message): {"t":"ping","n":N} and
 * {"t":"pong","n":N}. Other types go to the message hook (uptime proofs:
 * {"t":"proof","p":base64}); every pong goes to the pong hook as well
 * (reachability tests send their own numbered pings, reach.h). The dataplane names the sending
 * node from its address; a message whose signed sender differs from it is rejected.
 */
#ifndef CTL_PEER_PING_H
#define CTL_PEER_PING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "direct.h"
#include "dp_channel.h"
#include "identity.h"

struct event;
struct event_base;

enum {
	CTL_PING_INTERVAL_MS = 10000, /* default */
	CTL_PING_MISSES = 3,	      /* intervals without a pong: unreachable */
	CTL_PING_PEERS_MAX = 4096,
	/* a whole DIRECT message's payload: one cell less the sealing */
	CTL_PEER_PING_JSON_MAX = CTL_DP_DIRECT_MAX - SNC_DIRECT_OVERHEAD,
};

struct ctl_peer {
	uint8_t ed25519[32];
	uint32_t sent_n;  /* the last ping's number */
	uint64_t sent_ms; /* when it went out */
	uint64_t last_pong_ms;
	uint64_t since_ms; /* the first ping sent to it (0: none yet); votes count from here */
	uint64_t rtt_ms;
	bool reachable;
};

/* Every authenticated pong, whatever its number (before peer_ping's own check). */
typedef void ctl_peer_ping_pong_fn(void *arg, const uint8_t from[32], uint32_t n);
/* An authenticated message of another type than ping/pong; j is its JSON object
 * (valid during the call). */
typedef void ctl_peer_ping_msg_fn(void *arg, const uint8_t from[32], const char *type,
				  const json_t *j);

struct ctl_peer_ping_stats {
	uint64_t pings_sent, pongs_sent, pongs, rejected, unknown_sender, send_failed;
};

struct ctl_peer_ping {
	struct ctl_dp_channel *channel;
	struct snc_identity id;
	struct snc_direct_verifier *verifier;
	struct ctl_peer *peers;
	size_t n;
	uint64_t interval_ms;
	uint32_t next_n;
	struct event *timer;
	struct ctl_peer_ping_stats st;
	ctl_peer_ping_pong_fn *on_pong;
	ctl_peer_ping_msg_fn *on_msg;
	void *hook_arg;
};

/* Starts pinging peers[0..n) (copied) every interval_ms (0: the default). 0, -ENOMEM, -EINVAL. */
int ctl_peer_ping_start(struct ctl_peer_ping *p, struct event_base *base, struct ctl_dp_channel *ch,
			const struct snc_identity *id, const struct ctl_peer *peers, size_t n,
			uint64_t interval_ms);
void ctl_peer_ping_stop(struct ctl_peer_ping *p);

/* Replaces the peer set (the registry changed): peers still listed keep their state
 * (reachable, last pong), new ones start unknown, the others are dropped. 0, -EINVAL
 * (too many), -ENOMEM (old set kept). */
int ctl_peer_ping_set_peers(struct ctl_peer_ping *p, const struct ctl_peer *peers, size_t n);

/* ctl_dp_direct_fn: arg is the struct ctl_peer_ping. */
void ctl_peer_ping_on_direct(void *arg, const uint8_t peer[32], const uint8_t *msg, size_t len);

/* The hooks above (NULL: none). */
void ctl_peer_ping_set_hooks(struct ctl_peer_ping *p, ctl_peer_ping_pong_fn *on_pong,
			     ctl_peer_ping_msg_fn *on_msg, void *arg);

/* Sends peer one ping numbered n now (peer_ping's own state is untouched). 0 or -1
 * (counted send_failed). */
int ctl_peer_ping_send_ping(struct ctl_peer_ping *p, const uint8_t peer[32], uint32_t n);

/* Seals a JSON object (text, at most CTL_PEER_PING_JSON_MAX bytes) for peer and sends
 * it as one whole DIRECT message. 0, -EMSGSIZE, or -1 (counted send_failed). */
int ctl_peer_ping_send_json(struct ctl_peer_ping *p, const uint8_t peer[32], const char *json,
			    size_t len);

/* Sends one round of pings now and checks for silent peers (the timer does this). */
void ctl_peer_ping_round(struct ctl_peer_ping *p, uint64_t now_ms);

#endif
