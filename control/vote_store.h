/* SPDX-License-Identifier: MIT */
/*
 * This node's own quorum votes and RANDAO secrets across a restart
 * (docs/quorums.md "Across restarts"): DATA_DIR/quorum-state, written
 * atomically (a 0600 temp file, fsync, rename) whenever a vote is signed or a
 * secret drawn (the secret before its commit is queued: a committed secret is
 * never lost), read back at start; what is stale by then (a quorum no longer
 * kept, a secret whose epoch is past) is ignored. Binary, little-endian:
 *
 *   "SNQSTAT1" (8) | votes LE16 | secrets (1)
 *   votes   x { change (1) | epoch LE64 | worker (32) | index (1) | signature (64) }
 *   secrets x { epoch LE64 | secret (32) | commit_for LE64 | reveal_for LE64 }
 *   BLAKE2b-256 of everything before (32)
 *
 * The secrets are this node's only copy until revealed: the file is 0600 and
 * every buffer that held it is wiped.
 */
#ifndef CTL_VOTE_STORE_H
#define CTL_VOTE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "quorum_vote.h"
#include "randao_contrib.h"

enum {
	CTL_VOTE_STORE_VOTE = 106,
	CTL_VOTE_STORE_SECRET = 56,
	CTL_VOTE_STORE_HEAD = 11,
	CTL_VOTE_STORE_MAX = CTL_VOTE_STORE_HEAD + CTL_VOTE_SLOTS * CTL_VOTE_STORE_VOTE +
			     2 * CTL_VOTE_STORE_SECRET + 32,
};

struct ctl_vote_store_vote {
	uint8_t change, index;
	uint64_t epoch;
	uint8_t worker[32];
	uint8_t sig[CTL_QUORUM_SIG];
};

struct ctl_vote_store {
	size_t nv, ns;
	struct ctl_vote_store_vote v[CTL_VOTE_SLOTS];
	struct ctl_randao_secret s[2];
};

/* The bytes of st into out (CTL_VOTE_STORE_MAX is enough); their length. */
size_t ctl_vote_store_encode(const struct ctl_vote_store *st, uint8_t *out);

/* Parses a file's bytes: 0, or -EINVAL (bad magic, length, counts, change or checksum). */
int ctl_vote_store_decode(const uint8_t *buf, size_t len, struct ctl_vote_store *st);

/* Atomic write of st to path (path.tmp then rename), mode 0600. 0 or a negative errno. */
int ctl_vote_store_save(const char *path, const struct ctl_vote_store *st);

/* Reads path: 0, -ENOENT (no file), -EINVAL (corrupt or too long), or another errno. */
int ctl_vote_store_load(const char *path, struct ctl_vote_store *st);

/* This node's own votes in v and its secrets in r into st (vote_store_sync.c). */
void ctl_vote_store_collect(struct ctl_vote_store *st, const struct ctl_vote *v,
			    const struct ctl_randao *r);

/* Gives st back to v and r (after both saw the registry reg); the count kept and stale. */
void ctl_vote_store_restore(const struct ctl_vote_store *st, struct ctl_vote *v,
			    struct ctl_randao *r, const struct ctl_registry *reg, size_t *kept,
			    size_t *stale);

#endif
