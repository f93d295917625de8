/* SPDX-License-Identifier: MIT */
/*
 * Storage-proof tests between swarm members (whitepaper 9.2, facts doc 6.3;
 * docs/storage-tests.md): the pure part, with no I/O. storage_test_service.h
 * drives it with the store, the registry and direct_rpc.
 *
 * Pairs. For a test height h (the registry's last block - 4) the members of a
 * swarm, ascending by Ed25519 key, are drawn from mt19937_64 seeded with the
 * reference's quirk: the little-endian u64 of the first 8 ASCII characters of
 * the block hash in lower-case hex. tester = uniform(n), then testee =
 * uniform(n) redrawn until it differs; with pairs > 1 the same stream goes on
 * for the next pair (pairs 1 is the reference).
 *
 * Request (a direct_rpc body, 43 + 65 k bytes):
 *   'S' (0x53), 1 (request), height (LE64), nonce (32), k (1), k x (account 33, hash 32)
 * Answer: 'S', 2 (answer), code (1), and with CTL_STEST_OK the proof (32).
 *
 * Proof: BLAKE2b-256 of "snode-storage-proof-v1" || nonce || height (LE64) ||
 * tester key || testee key || k || per record, in request order: account (33)
 * || namespace (LE32, two's complement) || hash (32) || data length (LE32) ||
 * data. Every record's account, namespace and hash are in it, so a node cannot
 * answer from another record, nor reuse a proof for another nonce, height or
 * pair.
 */
#ifndef CTL_STORAGE_TEST_H
#define CTL_STORAGE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CTL_STEST_MAGIC = 0x53, /* 'S': the first byte of a storage-test body */
	CTL_STEST_KIND_REQUEST = 1,
	CTL_STEST_KIND_ANSWER = 2,
	CTL_STEST_RECORDS_MAX = 16, /* records per request */
	CTL_STEST_REQ_HDR = 43,	    /* magic, kind, height, nonce, k */
	CTL_STEST_REC = 65,	    /* account 33 + hash 32 */
	CTL_STEST_REQ_MAX = CTL_STEST_REQ_HDR + CTL_STEST_RECORDS_MAX * CTL_STEST_REC, /* 1,083 */
	CTL_STEST_ANSWER_MAX = 35,
	CTL_STEST_PROOF = 32,
	CTL_STEST_TEST_BLOCKS_BUFFER = 4, /* test height = last block - 4 (TEST_BLOCKS_BUFFER) */
	CTL_STEST_PAIRS_MAX = 64,	  /* pairs drawn per height */
	CTL_STEST_PEERS_MAX = 256,	  /* testees whose streak is kept (the oldest is dropped) */
	CTL_STEST_MEMBERS_MAX = 4096,
};

/* Answer codes (the reference's strings, as numbers). */
enum ctl_stest_code {
	CTL_STEST_OK = 0,
	CTL_STEST_WRONG_REQUEST = 1,  /* not the testee, or the sender is not the tester */
	CTL_STEST_INVALID_HEIGHT = 2, /* not one of the last 30 heights this node holds */
	CTL_STEST_OTHER = 3,	      /* a record still unknown after the retry window */
	CTL_STEST_INVALID_PARAMS = 4, /* malformed request */
	CTL_STEST_BUSY = 5,	      /* too many tests being answered */
	CTL_STEST_CODES = 6,
};

struct ctl_stest_pair {
	uint32_t tester, testee; /* indexes into the sorted members */
};

struct ctl_stest_record_id {
	uint8_t account[33];
	uint8_t hash[32]; /* the message hash, raw (its 43 base64 characters decoded) */
};

struct ctl_stest_request {
	uint64_t height;
	uint8_t nonce[32];
	uint8_t n;
	struct ctl_stest_record_id rec[CTL_STEST_RECORDS_MAX];
};

/* One record's content as the proof covers it. */
struct ctl_stest_record {
	const uint8_t *account; /* 33 */
	int32_t ns;
	const uint8_t *hash; /* 32 */
	const uint8_t *data;
	size_t len;
};

/* The reference's seed quirk: LE u64 of the first 8 lower-case hex characters of hash. */
uint64_t ctl_stest_seed(const uint8_t block_hash[32]);

/* Draws pairs (<= CTL_STEST_PAIRS_MAX) over n sorted members. Returns how many were drawn: 0
 * when n < 2 or pairs is 0. */
size_t ctl_stest_pairs(size_t n, const uint8_t block_hash[32], unsigned pairs,
		       struct ctl_stest_pair *out);

/* The testee's check: is (tester, self) one of the height's pairs over members[0..n)
 * (ascending)? CTL_STEST_OK or CTL_STEST_WRONG_REQUEST. */
enum ctl_stest_code ctl_stest_check_pair(const uint8_t (*members)[32], size_t n,
					 const uint8_t block_hash[32], unsigned pairs,
					 const uint8_t tester[32], const uint8_t self[32]);

/* Wire. encode: the body's length. decode: 0 or -EINVAL (any byte out of place). */
size_t ctl_stest_request_encode(const struct ctl_stest_request *rq, uint8_t out[CTL_STEST_REQ_MAX]);
int ctl_stest_request_decode(const uint8_t *body, size_t len, struct ctl_stest_request *rq);
size_t ctl_stest_answer_encode(enum ctl_stest_code code, const uint8_t proof[CTL_STEST_PROOF],
			       uint8_t out[CTL_STEST_ANSWER_MAX]);
/* proof is filled for CTL_STEST_OK only. */
int ctl_stest_answer_decode(const uint8_t *body, size_t len, enum ctl_stest_code *code,
			    uint8_t proof[CTL_STEST_PROOF]);

/* The proof over recs[0..n) (n <= CTL_STEST_RECORDS_MAX). */
void ctl_stest_proof(const uint8_t nonce[32], uint64_t height, const uint8_t tester[32],
		     const uint8_t testee[32], const struct ctl_stest_record *recs, size_t n,
		     uint8_t out[CTL_STEST_PROOF]);

const char *ctl_stest_code_name(enum ctl_stest_code code);

/* ---- results per testee (what the quorum vote reads) ---------------------- */

struct ctl_stest_peer {
	bool used;
	uint8_t key[32];
	uint32_t streak; /* tests failed in a row */
	uint64_t last;	 /* sequence of the last result (the oldest is evicted) */
};

struct ctl_stest_results {
	uint32_t failures; /* streak that makes a node failing; 0: never */
	uint64_t seq;
	struct ctl_stest_peer peers[CTL_STEST_PEERS_MAX];
};

void ctl_stest_results_init(struct ctl_stest_results *r, uint32_t failures);
/* One test's outcome; returns the testee's streak now. */
uint32_t ctl_stest_results_add(struct ctl_stest_results *r, const uint8_t key[32], bool passed);
uint32_t ctl_stest_results_streak(const struct ctl_stest_results *r, const uint8_t key[32]);
/* Testees at or over the threshold now. */
size_t ctl_stest_results_failing_count(const struct ctl_stest_results *r);

/*
 * What ctl_vote_should_fail asks (quorum_vote.c): key failed the configured
 * number of storage tests in a row, as this node tested it. NULL r: false.
 */
bool ctl_stest_failing(const struct ctl_stest_results *r, const uint8_t key[32]);

#endif
