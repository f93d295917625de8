/* SPDX-License-Identifier: MIT */
/*
 * The running node inside snode-control: the message store on Redis, the
 * swarm view, the storage RPC server, the expiry sweep and the channel to
 * the dataplane whose delivered requests the RPC answers. main() starts it
 * after the startup checks and stops it after the loop ends.
 */
#ifndef CTL_NODE_H
#define CTL_NODE_H

#include <stddef.h>

#include "config.h"
#include "dp_nodes.h"
#include "identity.h"
#include "onion_dest.h"
#include "peer_ping.h"
#include "catchup.h"
#include "replicate.h"

struct event;
struct event_base;
struct ctl_stest_service;
struct ctl_srep_service;

enum {
	/* "hf" in every result: the network version whose rules this node applies
	 * (19.4 is the first with multi-expiry, facts doc 2.5) */
	CTL_HF_MAJOR = 19,
	CTL_HF_MINOR = 4,
	CTL_SWEEP_INTERVAL_MS = 10000, /* expired messages are removed every 10 s (as SS) */
	CTL_SWEEP_BATCH = 1000,	       /* messages per sweep call; again at once when more */
};

struct ctl_node {
	struct event_base *base;
	struct store *store;
	struct ctl_swarm_view *swarm;
	struct ctl_rpc_server *rpc;
	struct ctl_dp_channel *channel;
	struct ctl_dp_nodes dp_nodes; /* the registry's node table for the dataplane */
	struct ctl_onion_dest dest;
	struct event *sweep;
	uint64_t swept;
	struct ctl_peer_ping ping; /* when there is a dataplane and a node list */
	bool pinging;
	struct ctl_drpc *drpc;		/* node-to-node requests over DIRECT (with a dataplane) */
	struct ctl_replicate *repl;	/* recursive calls sent to the swarm peers */
	struct ctl_catchup *catchup;	/* swarm catch-up and bulk copy (with peer pings) */
	struct ctl_vote_service *votes; /* obligations-quorum votes (registry + peer pings) */
	struct ctl_onion_entry *onion;	/* POST /onion_req/v2 (http_onion.h) */
	struct ctl_http *http;		/* the HTTP(S) entry (http_server.h) */
	struct ctl_proxy *proxy;	/* exits: POSTs to HTTP(S) servers (onion_proxy.h) */
	struct ctl_stats_socket *stats; /* counters on a local socket (stats_socket.h) */
	struct ctl_reach *reach;	/* reachability tests (node_reach.h; with peer pings) */
	struct ctl_uptime *uptime;	/* uptime proofs (node_reach.h; with peer pings) */
	struct event *stats_timer;	/* the periodic stats log line */
	unsigned stats_interval_s;

	struct ctl_stest_service *stest;  /* storage-proof tests (registry + dataplane) */
	struct ctl_srep_service *sreport; /* their signed reports to the quorum's validators */
};

/* 0, or -1 with one line in err (which names the file or address at fault). */
int ctl_node_start(struct ctl_node *n, struct event_base *base, const struct ctl_config *cfg,
		   const struct snc_identity *id, char *err, size_t errlen);

/* Answers what is in flight (503), closes the channel, frees everything. */
void ctl_node_stop(struct ctl_node *n);

#endif
