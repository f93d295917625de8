/* SPDX-License-Identifier: MIT */
/*
 * This node's RANDAO contribution (docs/quorums.md, "RANDAO"): in every
 * epoch it is active, a fresh 32-byte secret, committed as
 *
 *   commit <ed25519> * <BLAKE2b-256(secret)> <signature over the epoch and hash>
 *
 * and revealed in the next epoch once the log holds the commit:
 *
 *   reveal <ed25519> * <secret>
 *
 * both appended to REGISTRY.pending for the block producer, which fills the
 * '*' with the block's height. A commit must land in the epoch it signs, so
 * both are submitted only in the first half of an epoch (the producer's
 * delay must stay under half an epoch); with epochs shorter than
 * CTL_RANDAO_MIN_EPOCH_BLOCKS blocks the node does not contribute. Secrets
 * live in memory only: after a restart the pending commit is never revealed
 * (it counts as withheld).
 */
#ifndef CTL_RANDAO_CONTRIB_H
#define CTL_RANDAO_CONTRIB_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "registry.h"

enum {
	CTL_RANDAO_MIN_EPOCH_BLOCKS = 4,
};

struct ctl_randao_stats {
	uint64_t commits, reveals; /* lines appended */
	uint64_t failed;	   /* appends that failed (retried at the next reload) */
};

/* One epoch's secret. */
struct ctl_randao_secret {
	bool have, committed, revealed; /* drawn; commit / reveal appended */
	uint64_t epoch;
	uint8_t secret[32];
};

struct ctl_randao {
	char pending_path[PATH_MAX];
	uint8_t pk[32], sk[64];
	struct ctl_randao_secret slot[2]; /* at [epoch % 2] */
	struct ctl_randao_stats st;
};

/* pending_path and the keys are copied. */
void ctl_randao_init(struct ctl_randao *r, const char *pending_path, const uint8_t pk[32],
		     const uint8_t sk[64]);
void ctl_randao_wipe(struct ctl_randao *r);

/* The registry reached a new state: commit and reveal as due (at most one of each). */
void ctl_randao_on_registry(struct ctl_randao *r, const struct ctl_registry *reg);

#endif
