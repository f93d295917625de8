/* SPDX-License-Identifier: MIT */
/*
 * State-change records (docs/quorums.md): at least 7 of the 10 validators of
 * an epoch's obligations quorum signed a vote for the same change of the same
 * node. The text form is the <quorum record> field of the registry's
 * decommission / recommission / deregister lines:
 *
 *   <epoch>,<index>:<signature hex128>[,<index>:<signature hex128>]...
 *
 * with 7 to 10 votes, indices 0-9 strictly ascending. The registry checks a
 * record at replay with ctl_quorum_record_verify against the quorum it drew.
 */
#ifndef CTL_QUORUM_RECORD_H
#define CTL_QUORUM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "quorum_draw.h"

enum ctl_quorum_change {
	CTL_QUORUM_DECOMMISSION = 1,
	CTL_QUORUM_RECOMMISSION = 2,
	CTL_QUORUM_DEREGISTER = 3,
};

enum {
	CTL_QUORUM_VOTE_MSG = 54,   /* "snode-vote-v1" + change + key + LE64 epoch */
	CTL_QUORUM_SIG = 64,	    /* Ed25519 detached */
	CTL_QUORUM_VOTE_TEXT = 131, /* "I:" + 128 hex + "," */
	/* the longest record: a 20-digit epoch and 10 votes, plus the NUL */
	CTL_QUORUM_RECORD_TEXT_MAX = 20 + CTL_QUORUM_VALIDATORS * CTL_QUORUM_VOTE_TEXT + 1,
};

struct ctl_quorum_vote_sig {
	uint8_t index; /* the validator's position in the quorum */
	uint8_t sig[CTL_QUORUM_SIG];
};

struct ctl_quorum_record {
	uint64_t epoch;
	size_t n; /* CTL_QUORUM_VOTES_NEEDED .. CTL_QUORUM_VALIDATORS */
	struct ctl_quorum_vote_sig v[CTL_QUORUM_VALIDATORS];
};

/* What a validator signs for (change, node, quorum epoch). */
void ctl_quorum_vote_message(uint8_t out[CTL_QUORUM_VOTE_MSG], enum ctl_quorum_change change,
			     const uint8_t key[32], uint64_t epoch);

/*
 * Parses a record's text (one field, no spaces). 0, or -EINVAL with the
 * reason in why: "bad quorum record: ...", "duplicate validator index I",
 * "validator indices not ascending (I after J)", "N signatures, 7 needed",
 * "more than 10 signatures".
 */
int ctl_quorum_record_parse(const char *s, struct ctl_quorum_record *out, char *why, size_t whylen);

/* The text of rec into out (CTL_QUORUM_RECORD_TEXT_MAX is enough). 0 or -ENOSPC. */
int ctl_quorum_record_format(const struct ctl_quorum_record *rec, char *out, size_t outlen);

/*
 * Checks rec for (change, key) against q, the quorum of rec->epoch: key is
 * one of q's workers, every index names a validator, every signature
 * verifies with that validator's key. 0 or -EINVAL with the reason in why.
 */
int ctl_quorum_record_verify(const struct ctl_quorum_record *rec, const struct ctl_quorum *q,
			     enum ctl_quorum_change change, const uint8_t key[32], char *why,
			     size_t whylen);

#endif
