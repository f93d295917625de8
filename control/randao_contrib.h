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
 * again for the next block, still only in the first half. Secrets live in
 * memory only: after a restart the last commit is never revealed (withheld).
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

struct ctl_randao {
	ctl_randao_submit_fn *submit;
	void *submit_arg;
	uint8_t pk[32], sk[64];
	struct ctl_randao_secret slot[2]; /* at [epoch % 2] */
	struct ctl_randao_stats st;
};

/* The keys are copied. */
void ctl_randao_init(struct ctl_randao *r, ctl_randao_submit_fn *submit, void *submit_arg,
		     const uint8_t pk[32], const uint8_t sk[64]);
void ctl_randao_wipe(struct ctl_randao *r);

/* The registry reached a new state: commit and reveal as due (at most one of each). */
void ctl_randao_on_registry(struct ctl_randao *r, const struct ctl_registry *reg);

#endif
