/* SPDX-License-Identifier: MIT */
/*
 * Swarm catch-up and bulk copy (docs/replication.md, "Catch-up"): a node
 * that may have missed stores pulls its swarm's records from one reachable
 * member, page by page (sync_page.h over direct_rpc, the store's bulk scan
 * on the other side), and inserts what it lacks (storage/bulk.h). It serves
 * the same pages to the members of its peers' swarms, and erases the records
 * it no longer serves when its swarm changes.
 *
 * A pull is needed at start, when this node's swarm id changes (it joined a
 * swarm), and when more than half of its swarm peers are unreachable at
 * once (this node may be the one cut off). A timer then starts a pull from
 * the next reachable member of its swarm (round robin); a pull that fails
 * (timeout, refusal, bad page, storage error) is started again from the
 * first page, after 1 s, then 2, 4... up to CTL_CATCHUP_RETRY_MAX_MS while
 * pulls keep failing.
 *
 * Authentication: direct_rpc already checked the DIRECT signature of the
 * sending node. A node asking for pages must be an active member of a swarm
 * in this node's view, and gets only records of accounts its swarm holds.
 * Records pulled are kept only when their hash matches (pubkey, namespace,
 * data), this node serves their account, and their expiry is not beyond
 * now + 30 days (+ 1 day of clock slack). Pages also carry tombstones and
 * revocation lists with unrevocations (sync_page.h version 3), kept for
 * accounts this node serves; an old (version 1 or 2) peer's requests, pushes
 * and pages are refused, counted old_version. Hand-off pushes are taken only
 * from a node that held the account's swarm now or in a recent past layout,
 * and bounded tighter (CTL_CATCHUP_PUSH_AHEAD_MS).
 */
#ifndef CTL_CATCHUP_H
#define CTL_CATCHUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "direct_rpc.h"
#include "rpc_auth.h"
#include "store.h"
#include "swarm_view.h"

struct event_base;

enum {
	CTL_CATCHUP_TICK_MS = 1000,
	CTL_CATCHUP_RETRY_MAX_MS = 60000,    /* failed pulls wait 1 s, doubling up to this */
	CTL_CATCHUP_PAGE_RECORDS = 256,	     /* default records per page */
	CTL_CATCHUP_PAGE_BYTES = 256 * 1024, /* default data bytes per page */
	CTL_CATCHUP_CALL_TIMEOUT_MS = 15000, /* one page's round trip */
	CTL_CATCHUP_DROP_RECORDS = 512,	     /* records per page of the erase pass */
	CTL_CATCHUP_DROP_RETRY_MS = 60000,   /* a pass that kept records runs again */
};

/* ms: records further in the future than this are refused (30 days + 1 day). */
#define CTL_CATCHUP_EXPIRY_AHEAD_MS    (31LL * 24 * 3600 * 1000)
/* ms: an expiry set time or a deletion time later than now + this is refused (a far
 * future one would win every later change: docs/replication.md, "Merge rules"). */
#define CTL_CATCHUP_CLOCK_AHEAD_MS     (24LL * 3600 * 1000)
/* ms: a record whose (client) timestamp is later than now + this is refused. The storing node
 * took it within 10 s of its own clock, so only clock differences between nodes add to that;
 * a far-future timestamp would win an outbox's "newest by timestamp" rule for its duration. */
#define CTL_CATCHUP_TIMESTAMP_AHEAD_MS (3600LL * 1000)

/* Pushes (hand-offs from a node leaving a swarm) are bounded tighter than pulls, whose
 * senders are members of this node's swarm now: every time a pushed entry carries (a message's
 * timestamp and expiry set time, a tombstone's deletion, a revocation's or unrevocation's time)
 * at most now + the store tolerance (10 s, rpc_auth.h CTL_RPC_STORE_TOLERANCE_MS: what a
 * client store is allowed), and a message's expiry at most timestamp + its namespace's
 * maximum TTL (14 days public inbox, else 30) or, for an expiry set again later (an `expire`
 * clamps at now + 30 days in any namespace, a duplicate store raises it), expiry set time +
 * 30 days; both + the store tolerance. */
#define CTL_CATCHUP_PUSH_AHEAD_MS CTL_RPC_STORE_TOLERANCE_MS

/* True when peer answers this node's pings (peer_ping). */
typedef bool ctl_catchup_reachable_fn(void *arg, const uint8_t peer[32]);
typedef uint64_t ctl_catchup_clock_fn(void *arg);

struct ctl_catchup_conf {
	struct ctl_drpc *d;		     /* borrowed */
	struct store *store;		     /* borrowed */
	const struct ctl_swarm_view *swarm;  /* borrowed */
	const uint8_t *self;		     /* 32 bytes, copied */
	ctl_catchup_reachable_fn *reachable; /* required */
	void *reachable_arg;
	uint32_t page_records;	  /* 0: CTL_CATCHUP_PAGE_RECORDS (at most STORE_BULK_RECORDS_MAX) */
	uint64_t page_bytes;	  /* 0: CTL_CATCHUP_PAGE_BYTES */
	uint64_t call_timeout_ms; /* 0: CTL_CATCHUP_CALL_TIMEOUT_MS */
	uint64_t drop_retry_ms;	  /* 0: CTL_CATCHUP_DROP_RETRY_MS */
	ctl_catchup_clock_fn *now_ms; /* NULL: the wall clock (expiries are wall time) */
	void *now_arg;
};

struct ctl_catchup_stats {
	/* pulling */
	uint64_t pulls_started, pulls_done, pulls_failed;
	uint64_t pages_requested, pages_received;
	uint64_t pages_rejected; /* unreadable, or a status other than OK */
	uint64_t inserted, present, raised, expired, superseded, full;
	uint64_t lowered;    /* expiry lowered: the copy's was set later (a missed shortening) */
	uint64_t tombstoned; /* copies refused: deleted here */
	uint64_t rejected;   /* bad hash, account not ours, expiry or times too far ahead */
	/* tombstones received: the message deleted here, recorded (not here), not applied
	 * (the message here was set after the deletion), ended; revocation tokens added */
	uint64_t tombs_deleted, tombs_recorded, tombs_newer, tombs_ended, revocations_added;
	uint64_t unrevokes_applied; /* tokens unlisted by a page's unrevocations */
	uint64_t old_version;	    /* version-1 requests, pushes and pages refused */
	/* serving */
	uint64_t pages_served, pages_refused, records_sent, records_filtered;
	uint64_t tombs_sent, revs_sent; /* tombstones and revocation lists in pages served */
	/* leaving a swarm: records handed to their swarm and erased, or kept */
	uint64_t drop_passes, handed_off, dropped, kept;
	uint64_t pushes_sent, pushes_failed; /* hand-off requests, and those without an answer */
	/* receiving hand-offs (counted in inserted... too); pushes_refused: whole pushes (the
	 * sender neither in this node's swarm nor in a recent past layout: not_holder too,
	 * unreadable: bad request, storage); per entry refused: push_not_holder (the sender
	 * was not in the account's swarm, now or recently), push_too_new (a time beyond now +
	 * 10 s), push_ttl (an expiry beyond the namespace's TTL), and rejected (bad hash,
	 * account not ours) */
	uint64_t pushes_received, pushes_refused;
	uint64_t push_not_holder, push_too_new, push_ttl;
};

struct ctl_catchup;

/* base NULL: no timer (tests call ctl_catchup_tick). NULL on a bad conf or no memory. */
struct ctl_catchup *ctl_catchup_new(struct event_base *base, const struct ctl_catchup_conf *conf);
/* Cancels the pull in flight; answers still owed to peers are dropped (they time out). */
void ctl_catchup_free(struct ctl_catchup *c);

/* ctl_drpc_request_fn for bodies starting with CTL_SYNC_MAGIC (replicate.c hands them on). */
void ctl_catchup_on_request(void *arg, const uint8_t peer[32], uint64_t id, const uint8_t *body,
			    size_t len);

/* What the timer does: notices swarm changes and lost peers, starts a pull when needed. */
void ctl_catchup_tick(struct ctl_catchup *c);

/* Marks a pull as needed (the next tick starts it). */
void ctl_catchup_need(struct ctl_catchup *c);

/* True while a pull or an erase pass is running; needed: a pull is still to do. */
bool ctl_catchup_busy(const struct ctl_catchup *c);
bool ctl_catchup_needed(const struct ctl_catchup *c);

void ctl_catchup_stats(const struct ctl_catchup *c, struct ctl_catchup_stats *out);

#endif
