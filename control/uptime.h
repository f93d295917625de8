/* SPDX-License-Identifier: MIT */
/*
 * Uptime proofs at run time (docs/reachability.md "Uptime proofs"): this
 * node signs a proof (uptime_proof.h) every interval (1 h) and sends it to
 * every known node; it keeps the latest valid proof of every other node.
 * A node without a proof younger than the validity window (2 h 5 min) is
 * down for the quorums. The reference's rule "no proof unless oxend heard
 * its storage server within the hour" becomes: no proof unless this node's
 * own dataplane channel and storage (Redis) answered at one of the checks
 * (every check interval) of the last heard-window.
 *
 * Clock: the wall clock in ms (proof timestamps cross machines).
 *
 * API for the quorum code:
 *   ctl_uptime_proof_age  how old the latest proof of a node is
 *   ctl_uptime_down       no proof within the validity window
 *   (both accept u NULL, proofs not running (uptime-proofs = false or no
 *   dataplane: node->uptime is NULL): -ENOENT and false)
 *   ctl_uptime_settled    this node has run for a whole validity window:
 *                         before that, "no proof" may only mean that we
 *                         started recently (oxend does not vote in its first
 *                         2 h 5 min for the same reason)
 */
#ifndef CTL_UPTIME_H
#define CTL_UPTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uptime_proof.h"

struct event_base;
struct ctl_uptime;

enum {
	CTL_UPTIME_INTERVAL_MS = 3600000,     /* OC UPTIME_PROOF_FREQUENCY 1 h */
	CTL_UPTIME_VALIDITY_MS = 7500000,     /* OC UPTIME_PROOF_VALIDITY 2 h 5 min */
	CTL_UPTIME_TOLERANCE_MS = 300000,     /* OC UPTIME_PROOF_TOLERANCE 5 min */
	CTL_UPTIME_STARTUP_DELAY_MS = 30000,  /* OC UPTIME_PROOF_STARTUP_DELAY */
	CTL_UPTIME_CHECK_INTERVAL_MS = 30000, /* OC UPTIME_PROOF_CHECK_INTERVAL */
	CTL_UPTIME_HEARD_WINDOW_MS = 3600000, /* OC: SS ping within the last hour */
};

struct ctl_uptime_conf {
	uint64_t interval_ms, validity_ms, tolerance_ms;
	uint64_t startup_delay_ms, check_interval_ms, heard_window_ms;
};

void ctl_uptime_conf_defaults(struct ctl_uptime_conf *c);

struct ctl_uptime_ops {
	/* Sends proof bytes to a node; 0 or a negative errno. */
	int (*send)(void *arg, const uint8_t peer[32], const uint8_t *proof, size_t len);
	/* The known nodes but this one, at most cap, into out; how many. */
	size_t (*peers)(void *arg, uint8_t (*out)[32], size_t cap);
	/* key is a known (registry) node. */
	bool (*known)(void *arg, const uint8_t key[32]);
	/* This node's dataplane and storage answer now. */
	bool (*healthy)(void *arg);
	/* Wall clock in ms; NULL: CLOCK_REALTIME. */
	uint64_t (*now_ms)(void *arg);
	void *arg;
};

struct ctl_uptime_stats {
	uint64_t proofs_sent;	     /* rounds: one proof to every known node */
	uint64_t sends, send_failed; /* per node */
	uint64_t skipped_unhealthy;  /* a round due while nothing was heard in the window */
	uint64_t received, accepted;
	/* drops, one per enum ctl_uptime_verdict */
	uint64_t malformed, unknown_node, wrong_key, bad_signature, stale, future, older;
	uint64_t full;	  /* no room for another node's proof */
	uint64_t expired; /* held proofs that ran out of the validity window (logged) */
};

/*
 * self: this node's proof template (pubkey, version, ip, ports; the timestamp
 * is set when signing). ed25519_sk: copied and wiped at free. base NULL: no
 * timer (tests call ctl_uptime_tick). conf NULL: the defaults. NULL on no memory.
 */
struct ctl_uptime *ctl_uptime_new(struct event_base *base, const struct ctl_uptime_conf *conf,
				  const struct ctl_uptime_proof *self, const uint8_t ed25519_sk[64],
				  const struct ctl_uptime_ops *ops);
void ctl_uptime_free(struct ctl_uptime *u);

/* The HTTPS port is known once the entry is bound: set it before the first proof. */
void ctl_uptime_set_https(struct ctl_uptime *u, uint32_t ip, uint16_t port);

/* One check (the timer calls it every check interval after the startup delay):
 * samples health, sends a proof round when one is due and allowed. */
void ctl_uptime_tick(struct ctl_uptime *u);

/* A proof delivered by the node from. The verdict (also counted). */
enum ctl_uptime_verdict ctl_uptime_on_proof(struct ctl_uptime *u, const uint8_t from[32],
					    const uint8_t *buf, size_t len);

/* 0 and *age_ms = now - its timestamp (0 when ahead), or -ENOENT: no proof held. */
int ctl_uptime_proof_age(const struct ctl_uptime *u, const uint8_t key[32], uint64_t now_ms,
			 uint64_t *age_ms);
/* No proof, or the latest is older than the validity window (the edge is still up). */
bool ctl_uptime_down(const struct ctl_uptime *u, const uint8_t key[32], uint64_t now_ms);
/* This node has run for at least the validity window. */
bool ctl_uptime_settled(const struct ctl_uptime *u, uint64_t now_ms);
/* The latest proof of key, or NULL. */
const struct ctl_uptime_proof *ctl_uptime_latest(const struct ctl_uptime *u, const uint8_t key[32]);
/* The clock the module runs on (ops.now_ms or the wall clock). */
uint64_t ctl_uptime_now(const struct ctl_uptime *u);

void ctl_uptime_stats(const struct ctl_uptime *u, struct ctl_uptime_stats *out);

#endif
