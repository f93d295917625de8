/* SPDX-License-Identifier: MIT */
/*
 * Obligations-quorum voting inside snode-control (docs/quorums.md,
 * "Voting"): quorum_vote.h driven by a libevent timer every vote-interval,
 * fed by the registry's reloads, judging reachability from the DIRECT peer
 * pings (peer_ping.h: unreachable, and for how long since the last pong),
 * sending votes with direct_rpc and receiving them through the replicator's
 * request dispatch. Records go to the registry's pending queue (PATH.pending
 * or KEY:pending, registry_append.h), and so do this node's RANDAO commits
 * and reveals (randao_contrib.h), made at every reload.
 */
#ifndef CTL_VOTE_SERVICE_H
#define CTL_VOTE_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "direct_rpc.h"
#include "identity.h"
#include "peer_ping.h"
#include "reach.h"
#include "uptime.h"
#include "quorum_vote.h"
#include "randao_contrib.h"
#include "replicate.h"
#include "swarm_view.h"

struct event_base;

struct ctl_vote_service_conf {
	struct event_base *base;
	struct ctl_drpc *d;
	struct ctl_replicate *repl;	  /* its request dispatch hands votes here */
	struct ctl_swarm_view *swarm;	  /* a registry view */
	const struct ctl_peer_ping *ping; /* reachability: DIRECT pings */
	const struct ctl_reach *reach;	  /* the reference-schedule tests (NULL: not running) */
	const struct ctl_uptime *uptime;  /* uptime proofs (NULL: not running) */
	const struct snc_identity *id;
	const char *registry; /* the registry source (registry_source.h): its pending queue */
	const char *data_dir; /* DATA_DIR/quorum-state keeps votes and secrets; NULL: none */
	uint64_t interval_ms, fail_after_ms;
	const struct ctl_stest_results *stest; /* storage-proof tests (NULL: not running) */
	const struct ctl_srep_table *sreport;  /* their signed reports (NULL: not running) */
};

struct ctl_vote_service;

/* NULL with a reason in err (a bad registry source, no registry view, no memory). */
struct ctl_vote_service *ctl_vote_service_start(const struct ctl_vote_service_conf *conf, char *err,
						size_t errlen);
/* Stops the timer and the vote dispatch (before the replicator is freed). */
void ctl_vote_service_stop(struct ctl_vote_service *s);
/* Wipes and frees it: after the swarm view, whose reload listener it is (listeners cannot
 * be removed). NULL does nothing. */
void ctl_vote_service_free(struct ctl_vote_service *s);
const struct ctl_vote_stats *ctl_vote_service_stats(const struct ctl_vote_service *s);
const struct ctl_randao_stats *ctl_vote_service_randao_stats(const struct ctl_vote_service *s);

/* The failure sources a vote combines (ctl_vote_reach_fn over this; arg: the struct):
 * failing when the reachability tests say so (ctl_reach_failing, "unreachable for"), or the
 * DIRECT pings (ctl_vote_peer_ping_reach), or, once this node has run a whole proof validity
 * window, the node's uptime proof is missing or too old (ctl_uptime_down: failing "forever").
 * Each source may be NULL (not running). */
struct ctl_vote_sources {
	const struct ctl_peer_ping *ping;
	const struct ctl_reach *reach;
	const struct ctl_uptime *uptime;
};
bool ctl_vote_sources_failing(void *arg, const uint8_t key[32], uint64_t now_ms,
			      uint64_t *unreachable_for_ms);

/* ctl_vote_pass_fn over the same sources (recommission votes): passing when the node
 * answers this node's DIRECT pings now (required: no pings, no judgement), the reachability
 * tests do not find it failing, and its uptime proof is fresh (a proof held is within the
 * validity window; none held counts as failing once this node has run that window). */
bool ctl_vote_sources_passing(void *arg, const uint8_t key[32], uint64_t now_ms);

/* ctl_vote_reach_fn over peer pings (arg: the ctl_peer_ping): failing when pinged and not
 * reachable, for as long as since its last pong or its first ping, whichever is later; no
 * judgement for a peer not pinged yet or while this node's dataplane is not connected. */
bool ctl_vote_peer_ping_reach(void *arg, const uint8_t key[32], uint64_t now_ms,
			      uint64_t *unreachable_for_ms);

#endif
