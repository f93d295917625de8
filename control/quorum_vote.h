/* SPDX-License-Identifier: MIT */
/*
 * Votes of the obligations quorum in snode-control (docs/quorums.md,
 * "Voting"). When this node is one of the 10 validators of the registry's
 * current epoch (or of the one before: its records are valid one epoch more)
 * it tests that quorum's workers, signs a failing vote for each
 * active worker that ctl_vote_should_fail names, and sends the vote over
 * DIRECT request/response to the other validators. Every vote received or
 * made is checked (the sender is the validator at that index, the worker is
 * tested by that quorum, the signature verifies) and kept; a validator that
 * holds 7 failing votes for a worker assembles the record and queues
 *
 *   decommission <ed25519> <next block height> <record>
 *
 * in the registry's pending queue (registry_append.h) for the block
 * producer; again when that block came without it while the worker is still
 * active (the producer dropped it: late, or another validator's copy went
 * in). A validator resends its vote every round while the registry shows the
 * worker active, so validators that missed it catch up; a failed submission
 * is retried with the next vote or round.
 *
 * Wire body of a vote (a direct_rpc request): 'V' (0x56), change (1),
 * epoch (LE64), worker Ed25519 (32), validator index (1), signature (64):
 * 107 bytes. The answer is one byte: 0 kept, 1 refused.
 *
 * Not done: votes for recommission and deregister; votes are not persisted
 * (a restart forgets this node's; the peers' resends bring theirs back).
 */
#ifndef CTL_QUORUM_VOTE_H
#define CTL_QUORUM_VOTE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "direct_rpc.h"
#include "identity.h"
#include "quorum_record.h"
#include "registry.h"

struct event_base;
struct ctl_stest_results;
struct ctl_srep_table;

enum {
	CTL_VOTE_MAGIC = 0x56, /* 'V': the first byte of a vote request */
	CTL_VOTE_WIRE = 107,
	/* workers of this epoch and the one before, two changes each (an active worker voted
	 * out, then back in within one epoch) */
	CTL_VOTE_SLOTS = 4 * CTL_QUORUM_WORKERS_MAX,
	CTL_VOTE_INTERVAL_MS = 10000,		 /* default round interval */
	CTL_VOTE_FAIL_AFTER_MS = 65 * 60 * 1000, /* facts 6.1: unreachable for 65 min */
};

/*
 * The reachability judgement, shaped like the reference-schedule tester's
 * ctl_reach_failing: true when key is failing now, with how long it has
 * been unreachable (UINT64_MAX: never reached since this node started).
 */
typedef bool ctl_vote_reach_fn(void *arg, const uint8_t key[32], uint64_t now_ms,
			       uint64_t *unreachable_for_ms);

/*
 * The passing judgement of a decommissioned worker (recommission votes): true when every
 * test that runs says it passes now (reachable, uptime proof fresh).
 */
typedef bool ctl_vote_pass_fn(void *arg, const uint8_t key[32], uint64_t now_ms);

/* Queues one registry line for the block producer (ctl_registry_pending_put in
 * snode-control). 0 or a negative errno. */
typedef int ctl_vote_submit_fn(void *arg, const char *line);

/* Sends one vote body to a validator (ctl_drpc_call in snode-control). 0 or an error. */
typedef int ctl_vote_send_fn(void *arg, const uint8_t peer[32], const uint8_t *body, size_t len);

struct ctl_vote_conf {
	struct snc_identity id;	    /* this node's keys (copied; wiped by ctl_vote_wipe) */
	ctl_vote_submit_fn *submit; /* required */
	void *submit_arg;
	uint64_t fail_after_ms;	  /* 0: CTL_VOTE_FAIL_AFTER_MS */
	ctl_vote_reach_fn *reach; /* required */
	void *reach_arg;
	ctl_vote_send_fn *send; /* required */
	void *send_arg;
	/* storage-proof tests (storage_test.h): a worker this node saw fail
	 * storage-test-failures tests in a row fails too. NULL: not running */
	const struct ctl_stest_results *stest;
	ctl_vote_pass_fn *pass; /* NULL: no recommission votes */
	void *pass_arg;
	/* signed reports of the testers (stest_report.h); NULL: not running */
	const struct ctl_srep_table *sreport;
};

struct ctl_vote_stats {
	uint64_t rounds; /* rounds run as a validator */
	uint64_t made;	 /* votes this node signed */
	uint64_t sent;	 /* to other validators */
	uint64_t send_failed;
	uint64_t received;   /* votes from peers, kept */
	uint64_t refused;    /* malformed, unknown quorum, wrong sender, bad signature */
	uint64_t duplicate;  /* a vote already held */
	uint64_t unwanted;   /* signed, but a change the worker's status does not call for */
	uint64_t slots_full; /* no slot left for a vote (received or own) */
	uint64_t submitted;  /* records queued for the producer */
	uint64_t submit_failed;
};

/* One worker's votes for one change in one epoch. */
struct ctl_vote_slot {
	bool used, submitted;
	uint8_t change;	       /* enum ctl_quorum_change */
	uint64_t submitted_at; /* the block height the record was submitted for */
	uint64_t epoch;
	uint8_t worker[32];
	uint16_t have; /* bit i: validator i's signature */
	uint8_t sig[CTL_QUORUM_VALIDATORS][CTL_QUORUM_SIG];
};

struct ctl_vote {
	struct ctl_vote_conf conf;
	uint64_t started_ms;	     /* nobody is judged before fail_after has passed */
	struct ctl_quorum cur, prev; /* copies of the registry's */
	uint64_t next_height;	     /* the registry's last block + 1 */
	uint64_t block_seconds;	     /* the log's, for the credit minimum */
	/* cur's and prev's workers now: their status (0: no longer registered, else
	 * enum ctl_registry_status) and decommission credit at next_height */
	uint8_t status[2][CTL_QUORUM_WORKERS_MAX];
	int64_t credit[2][CTL_QUORUM_WORKERS_MAX];
	uint64_t own_gen; /* bumped at every vote this node signs (persistence) */
	struct ctl_vote_slot slots[CTL_VOTE_SLOTS];
	struct ctl_vote_stats st;
};

/* 0 or -EINVAL (no reach, send or submit). */
int ctl_vote_init(struct ctl_vote *v, const struct ctl_vote_conf *conf, uint64_t now_ms);
void ctl_vote_wipe(struct ctl_vote *v);

/* The registry changed: take its quorums (votes of other epochs are dropped). */
void ctl_vote_on_registry(struct ctl_vote *v, const struct ctl_registry *reg);

/* The one vote decision: should this validator vote worker key out now? */
bool ctl_vote_should_fail(const struct ctl_vote *v, const uint8_t key[32], uint64_t now_ms);

/*
 * The change this validator votes for a worker now (0: none), decided from the worker's
 * status and credit (quorum_vote_decide.c, docs/quorums.md): an active worker that fails
 * is decommissioned while its credit reaches the 2 h minimum, else deregistered; a
 * decommissioned one that passes is recommissioned, one that does not and whose credit
 * ran out (below 0) is deregistered. Nothing in this node's first fail_after.
 */
enum ctl_quorum_change ctl_vote_decide(const struct ctl_vote *v, uint8_t status, int64_t credit,
				       const uint8_t key[32], uint64_t now_ms);

/* Is a record for this change still wanted by a worker in this status? */
bool ctl_vote_wanted(enum ctl_quorum_change change, uint8_t status);

/* One round: as a validator of the current quorum or of the one before (whose records are
 * still valid), vote on every worker of it as ctl_vote_decide says; resend the votes made
 * while their change is still wanted. */
void ctl_vote_round(struct ctl_vote *v, uint64_t now_ms);

/* A vote body from peer (authenticated by DIRECT). 0 kept, -EALREADY held, -EINVAL refused. */
int ctl_vote_receive(struct ctl_vote *v, const uint8_t peer[32], const uint8_t *body, size_t len);

/* Encodes / decodes the 107-byte wire body. decode: 0 or -EINVAL (a change not 1-3). */
void ctl_vote_encode(uint8_t out[CTL_VOTE_WIRE], enum ctl_quorum_change change, uint64_t epoch,
		     const uint8_t worker[32], uint8_t index, const uint8_t sig[CTL_QUORUM_SIG]);
int ctl_vote_decode(const uint8_t *body, size_t len, enum ctl_quorum_change *change,
		    uint64_t *epoch, uint8_t worker[32], uint8_t *index,
		    uint8_t sig[CTL_QUORUM_SIG]);

/*
 * Takes back one of this node's own votes kept across a restart (vote_store.h), after
 * ctl_vote_on_registry: 0 kept, -ESTALE its quorum is no longer kept (or this node is not
 * its validator at index), -EINVAL the signature does not verify with this node's key.
 */
int ctl_vote_restore(struct ctl_vote *v, enum ctl_quorum_change change, uint64_t epoch,
		     const uint8_t worker[32], uint8_t index, const uint8_t sig[CTL_QUORUM_SIG]);

#endif
