/* SPDX-License-Identifier: MIT */
/*
 * This node's RANDAO contribution (docs/quorums.md, "RANDAO"): in every
 * epoch it is active, a fresh 32-byte secret, committed as
 *
 *   commit <ed25519> <next height> <BLAKE2b-256(secret)> <signature over the epoch and hash>
 *
 * and revealed in the next epoch once the log holds the commit:
 *
 *   reveal <ed25519> <next height> <secret>
 *
 * both queued for the block producer (registry_append.h) for the block after
 * the registry's last one. A commit must land in the epoch it signs, so both
 * are submitted only while that next block is in the first half of its epoch;
 * with epochs shorter than CTL_RANDAO_MIN_EPOCH_BLOCKS blocks the node does
 * not contribute. A line the block came without (dropped as late) is queued
 * again for the next block, still only in the first half. With a persist
 * hook (the vote service's vote_store.h) a fresh secret is written to disk
 * before its commit is queued, and restored after a restart, so the reveal
 * still comes.
 */
#ifndef CTL_RANDAO_CONTRIB_H
#define CTL_RANDAO_CONTRIB_H

#include <stdbool.h>
#include <stdint.h>

#include "registry.h"

enum {
	CTL_RANDAO_MIN_EPOCH_BLOCKS = 4,
};

/* Queues one registry line (ctl_registry_pending_put). 0 or a negative errno. */
typedef int ctl_randao_submit_fn(void *arg, const char *line);

struct ctl_randao_stats {
	uint64_t commits, reveals; /* lines queued */
	uint64_t failed;	   /* submissions that failed (retried at the next reload) */
};

/* One epoch's secret. */
struct ctl_randao_secret {
	bool have;
	uint64_t epoch;
	uint8_t secret[32];
	uint64_t commit_for, reveal_for; /* the block height its line was queued for; 0: none */
};

/* Keeps the secrets across a restart (the vote store). 0 or a negative errno. */
typedef int ctl_randao_persist_fn(void *arg);

struct ctl_randao {
	ctl_randao_submit_fn *submit;
	void *submit_arg;
	ctl_randao_persist_fn *persist; /* NULL: secrets in memory only */
	void *persist_arg;
	uint8_t pk[32], sk[64];
	struct ctl_randao_secret slot[2]; /* at [epoch % 2] */
	struct ctl_randao_stats st;
};

/* The keys are copied. */
void ctl_randao_init(struct ctl_randao *r, ctl_randao_submit_fn *submit, void *submit_arg,
		     const uint8_t pk[32], const uint8_t sk[64]);
void ctl_randao_wipe(struct ctl_randao *r);

/* A fresh secret is persisted (fn) before its commit is queued; a failure queues nothing. */
void ctl_randao_set_persist(struct ctl_randao *r, ctl_randao_persist_fn *fn, void *arg);

/*
 * Takes back a secret kept across a restart, against the registry reg: kept (0) when its
 * commit is in the log with the same hash and not revealed yet (it will be revealed), or
 * when it is for the current epoch and not committed yet (the same secret is committed);
 * -ESTALE otherwise (past, revealed, unknown node), -EINVAL a hash that differs.
 */
int ctl_randao_restore(struct ctl_randao *r, const struct ctl_registry *reg,
		       const struct ctl_randao_secret *s);

/* The registry reached a new state: commit and reveal as due (at most one of each). */
void ctl_randao_on_registry(struct ctl_randao *r, const struct ctl_registry *reg);

#endif
