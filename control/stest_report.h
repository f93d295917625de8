/* SPDX-License-Identifier: MIT */
/*
 * Signed storage-test reports (docs/storage-tests.md, "Reports to the
 * quorum"; whitepaper 9.2: "A reports B in a testing quorum as having failed
 * the test"). The pure part, with no I/O: stest_report_service.h sends and
 * receives them.
 *
 * A tester, after each storage test it ran, signs a report and sends it to
 * the validators of the obligations quorum (current or previous epoch) that
 * tests the testee. A validator takes it only when the sender is the tester
 * named in it, the pair draw of that height over the testee's swarm names
 * (tester, testee), the height's block hash is among the registry's last 30,
 * the testee is a worker of a quorum this node validates, and the signature
 * verifies; otherwise the report is refused with a counted reason.
 *
 * Wire (a direct_rpc request body, CTL_SREP_WIRE = 139 bytes, fixed):
 *   'R' (0x52), 1 (report), height (LE64), testee Ed25519 (32),
 *   tester Ed25519 (32), result (1: 0 passed, 1 failed), signature (64)
 * The answer is one byte: 0 taken, 1 refused.
 *
 * Signed message (Ed25519 by the tester, CTL_SREP_MSG = 94 bytes):
 *   "snode-stest-report-v1" (21 ASCII) || height (LE64) || testee || tester || result
 *
 * Judgement: per worker, the results of its last 2N reports (N =
 * storage-test-failures, below 2 counts as 2) with a tag of each tester. The
 * worker is storage-failing when at least N of them failed and the failures
 * came from at least 2 distinct testers: one malicious tester, whatever it
 * sends, can neither make a node fail (its failures are one tester's) nor,
 * by reporting passes, keep a failing node passing unless it is drawn for
 * more than half of the node's tests. A recovered node stops failing after
 * N + 1 passes in a row.
 */
#ifndef CTL_STEST_REPORT_H
#define CTL_STEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quorum_draw.h"

struct ctl_registry;
struct ctl_swarm_view;

enum {
	CTL_SREP_MAGIC = 0x52, /* 'R': the first byte of a report body */
	CTL_SREP_KIND = 1,
	CTL_SREP_WIRE = 139,
	CTL_SREP_DOMAIN_LEN = 21,
	CTL_SREP_MSG = CTL_SREP_DOMAIN_LEN + 8 + 32 + 32 + 1, /* 94 */
	CTL_SREP_SIG = 64,
	CTL_SREP_PASSED = 0,
	CTL_SREP_FAILED = 1,
	/* workers whose reports are kept: those of 2 epochs' quorums */
	CTL_SREP_WORKERS_MAX = 2 * CTL_QUORUM_WORKERS_MAX,
	/* testers remembered at a worker's newest height (replays are refused) */
	CTL_SREP_SAME_HEIGHT_MAX = 16,
	/* storage-test-failures at most (config_stest.c), so the window 2N fits */
	CTL_SREP_FAILURES_MAX = 1000,
	CTL_SREP_WINDOW_MAX = 2 * CTL_SREP_FAILURES_MAX,
};

/* Why a report was refused (each its own counter). */
enum ctl_srep_refusal {
	CTL_SREP_TAKEN = 0,
	CTL_SREP_MALFORMED,    /* length, magic, kind, result byte */
	CTL_SREP_WRONG_SENDER, /* the DIRECT sender is not the tester named in it */
	CTL_SREP_STALE_HEIGHT, /* no block hash for the height (not among the last 30) */
	CTL_SREP_NOT_WORKER,   /* the testee is not a worker of a quorum this node validates */
	CTL_SREP_WRONG_TESTER, /* the pair draw of that height does not name (tester, testee) */
	CTL_SREP_BAD_SIGNATURE,
	CTL_SREP_DUPLICATE, /* older than the worker's newest report, or a replay at that height */
	CTL_SREP_TABLE_FULL,
	CTL_SREP_REFUSALS,
};

struct ctl_srep {
	uint64_t height;
	uint8_t testee[32], tester[32];
	uint8_t result; /* CTL_SREP_PASSED or CTL_SREP_FAILED */
	uint8_t sig[CTL_SREP_SIG];
};

/* The signed message of r (its sig is not read). */
void ctl_srep_message(const struct ctl_srep *r, uint8_t out[CTL_SREP_MSG]);
/* Signs r in place with the tester's Ed25519 secret key (64 bytes). */
void ctl_srep_sign(struct ctl_srep *r, const uint8_t sk[64]);
bool ctl_srep_verify(const struct ctl_srep *r);

void ctl_srep_encode(const struct ctl_srep *r, uint8_t out[CTL_SREP_WIRE]);
/* 0 or -EINVAL (any length but CTL_SREP_WIRE, magic, kind, result other than 0/1). */
int ctl_srep_decode(const uint8_t *body, size_t len, struct ctl_srep *r);

const char *ctl_srep_refusal_name(enum ctl_srep_refusal why);

/* ---- the judgement per worker -------------------------------------------------------- */

/* One report in a worker's window: the first 4 bytes of the tester's key (two
 * testers with the same tag count as one: only ever fewer distinct testers). */
struct ctl_srep_mark {
	uint32_t tag;
	uint8_t failed;
};

struct ctl_srep_worker {
	bool used;
	uint8_t key[32];
	uint32_t head, count; /* the window: count marks ending at head - 1 (mod 2N) */
	struct ctl_srep_mark window[CTL_SREP_WINDOW_MAX];
	uint64_t height; /* the newest report's height */
	uint8_t n_at;	 /* testers taken at that height */
	uint8_t at[CTL_SREP_SAME_HEIGHT_MAX][32];
};

struct ctl_srep_table {
	uint32_t failures; /* N: N of the last 2N reports failed, from 2+ testers; 0: never */
	uint32_t window;   /* 2N (N below 2 as 2), 0 when N is 0 */
	struct ctl_srep_worker w[CTL_SREP_WORKERS_MAX];
};

/* What a validator checks a report against. */
struct ctl_srep_ctx {
	const struct ctl_registry *reg;	    /* block hashes, quorums (current, previous) */
	const struct ctl_swarm_view *swarm; /* the testee's swarm members */
	const uint8_t *self;		    /* this node's Ed25519 key (32) */
	unsigned pairs;			    /* storage-test-pairs (the draw per height) */
};

void ctl_srep_table_init(struct ctl_srep_table *t, uint32_t failures);

/*
 * A decoded report from peer: checks it (cheap checks first, the signature
 * last) and, when taken, adds its result. Returns CTL_SREP_TAKEN or the
 * refusal. A full table first drops workers that are no longer a worker of
 * ctx->reg's quorums.
 */
enum ctl_srep_refusal ctl_srep_take(struct ctl_srep_table *t, const struct ctl_srep_ctx *ctx,
				    const uint8_t peer[32], const struct ctl_srep *r);

/* Adds a checked result (what ctl_srep_take does after its checks; tests call it). */
enum ctl_srep_refusal ctl_srep_table_add(struct ctl_srep_table *t, const struct ctl_srep *r);

/*
 * What ctl_vote_should_fail asks next to ctl_stest_failing: the last
 * `failures` reports of key all failed, from at least 2 distinct testers.
 * NULL t: false.
 */
bool ctl_srep_failing(const struct ctl_srep_table *t, const uint8_t key[32]);
/* Workers failing now. */
size_t ctl_srep_failing_count(const struct ctl_srep_table *t);
/* Whether this node should report on testee: it is a worker of reg's current or
 * previous quorum. Fills the (deduplicated) validators to send to, up to 2 x 10. */
size_t ctl_srep_validators_of(const struct ctl_registry *reg, const uint8_t testee[32],
			      uint8_t (*out)[32]);

#endif
