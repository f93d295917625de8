/* SPDX-License-Identifier: MIT */
/*
 * Reachability tests of the other nodes (docs/reachability.md): the
 * reference's schedule (reach_sched.h) on a libevent timer, and the tests
 * themselves. One test passes when both legs pass within the timeout (5 s):
 *   - DIRECT: a signed ping through this node's dataplane answered by the
 *     node's signed pong (peer_ping.h; the reference's OMQ sn.ping);
 *   - HTTPS: POST /ping_test/v1 answered 200 with the node's key
 *     (reach_https.h), at the address of the node's latest uptime proof.
 * Each failure counts one reason per failed leg. The results are kept per
 * node the way oxend keeps storage-server reports.
 *
 * API for the quorum code (obligation tests, facts doc 6.1). now_ms is on
 * the tester's clock: ctl_reach_now() (CLOCK_MONOTONIC unless injected).
 *
 *   ctl_reach_failing(r, key, now, &for)  true when the node's last test
 *       failed less than failure-validity (5 min) ago; *for is how long it
 *       has been failing ("unreachable for": since the first failure after
 *       its last pass). A node never tested, passing, or whose last failure
 *       is older than failure-validity is not failing (as oxend: stale
 *       reports count as passing).
 *   ctl_reach_unreachable_for(r, key, threshold, now)  failing for at least
 *       threshold (the quorum's rule uses validity - frequency = 65 min).
 * Both accept r NULL (tests not running, e.g. reach-tests = false or no
 * dataplane: node->reach is NULL) and then say false.
 */
#ifndef CTL_REACH_H
#define CTL_REACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reach_sched.h"

struct event_base;
struct ctl_reach;

struct ctl_reach_ops {
	/* Sends a signed DIRECT ping numbered n to key; 0 or a negative errno. */
	int (*ping)(void *arg, const uint8_t key[32], uint32_t n);
	/* Where key's HTTPS entry is (IPv4 host order); false: not known. */
	bool (*address)(void *arg, const uint8_t key[32], uint32_t *ip, uint16_t *port);
	/* The known nodes but this one, at most cap, into out; how many. */
	size_t (*nodes)(void *arg, uint8_t (*out)[32], size_t cap);
	/* Monotonic ms; NULL: CLOCK_MONOTONIC. */
	uint64_t (*now_ms)(void *arg);
	void *arg;
};

struct ctl_reach_stats {
	uint64_t tests, random_tests, retests, passed, failed;
	uint64_t in_flight; /* now */
	uint64_t failing;   /* nodes failing now */
	/* failure reasons, one per failed leg */
	uint64_t direct_unsent, direct_timeout;
	uint64_t https_no_address, https_unsent, https_connect, https_timeout, https_status,
		https_pubkey;
	uint64_t pongs_unmatched; /* a pong of no test in flight (late, or another's) */
	uint64_t sync_failed;	  /* the node set could not be updated (kept) */
};

/* Starts the timer. conf NULL: the defaults; seed 0: random. NULL on no memory. */
struct ctl_reach *ctl_reach_new(struct event_base *base, const struct ctl_reach_conf *conf,
				uint64_t seed, const struct ctl_reach_ops *ops);
/* Tests in flight end without a report. */
void ctl_reach_free(struct ctl_reach *r);

/* A pong numbered n from the node from (peer_ping's hook). */
void ctl_reach_on_pong(struct ctl_reach *r, const uint8_t from[32], uint32_t n);

/* One timer tick (tests may call it). */
void ctl_reach_tick(struct ctl_reach *r);

uint64_t ctl_reach_now(const struct ctl_reach *r);
bool ctl_reach_failing(const struct ctl_reach *r, const uint8_t ed25519[32], uint64_t now_ms,
		       uint64_t *unreachable_for_ms);
bool ctl_reach_unreachable_for(const struct ctl_reach *r, const uint8_t ed25519[32],
			       uint64_t threshold_ms, uint64_t now_ms);
/* The full record (NULL: unknown node), for tools and tests. */
const struct ctl_reach_node *ctl_reach_record(const struct ctl_reach *r, const uint8_t ed25519[32]);

void ctl_reach_stats(const struct ctl_reach *r, struct ctl_reach_stats *out);

/* Ping numbers of reachability tests have the top bit set: peer_ping's own
 * rounds count up from 0 and never get there, so a pong says whose it is. */
#define CTL_REACH_PING_BIT 0x80000000u

#endif
