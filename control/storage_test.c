/* SPDX-License-Identifier: MIT */
/* Storage-proof tests: pairs, wire, proof, results (storage_test.h). */
#include "storage_test.h"
#include "le64.h"

#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "mt19937_64.h"

static const char PROOF_DOMAIN[] = "snode-storage-proof-v1";

uint64_t
ctl_stest_seed(const uint8_t block_hash[32])
{
	/* oxend hands the storage server the block hash as a hex string and the reference
	 * loads the seed from its first 8 bytes: 8 ASCII characters, not 8 hash bytes */
	char hex[65];
	uint64_t seed = 0;

	sodium_bin2hex(hex, sizeof(hex), block_hash, 32);
	for (int i = 7; i >= 0; i--)
		seed = seed << 8 | (uint8_t)hex[i];
	return seed;
}

size_t
ctl_stest_pairs(size_t n, const uint8_t block_hash[32], unsigned pairs, struct ctl_stest_pair *out)
{
	struct swarm_mt19937_64 rng;
	uint64_t tester, testee;
	size_t k = 0;

	if (n < 2 || n > CTL_STEST_MEMBERS_MAX)
		return 0;
	if (pairs > CTL_STEST_PAIRS_MAX)
		pairs = CTL_STEST_PAIRS_MAX;
	swarm_mt19937_64_seed(&rng, ctl_stest_seed(block_hash));
	for (; k < pairs; k++) {
		(void)swarm_mt19937_64_uniform(&rng, n, &tester);
		do
			(void)swarm_mt19937_64_uniform(&rng, n, &testee);
		while (testee == tester);
		out[k].tester = (uint32_t)tester;
		out[k].testee = (uint32_t)testee;
	}
	return k;
}

enum ctl_stest_code
ctl_stest_check_pair(const uint8_t (*members)[32], size_t n, const uint8_t block_hash[32],
		     unsigned pairs, const uint8_t tester[32], const uint8_t self[32])
{
	struct ctl_stest_pair p[CTL_STEST_PAIRS_MAX];
	size_t k = ctl_stest_pairs(n, block_hash, pairs, p);

	for (size_t i = 0; i < k; i++)
		if (memcmp(members[p[i].tester], tester, 32) == 0 &&
		    memcmp(members[p[i].testee], self, 32) == 0)
			return CTL_STEST_OK;
	return CTL_STEST_WRONG_REQUEST;
}

/* ---- wire ------------------------------------------------------------------ */

size_t
ctl_stest_request_encode(const struct ctl_stest_request *rq, uint8_t out[CTL_STEST_REQ_MAX])
{
	uint8_t *p = out + CTL_STEST_REQ_HDR;
	size_t n = rq->n > CTL_STEST_RECORDS_MAX ? CTL_STEST_RECORDS_MAX : rq->n;

	out[0] = CTL_STEST_MAGIC;
	out[1] = CTL_STEST_KIND_REQUEST;
	ctl_le64_put(out + 2, rq->height);
	memcpy(out + 10, rq->nonce, 32);
	out[42] = (uint8_t)n;
	for (size_t i = 0; i < n; i++, p += CTL_STEST_REC) {
		memcpy(p, rq->rec[i].account, 33);
		memcpy(p + 33, rq->rec[i].hash, 32);
	}
	return (size_t)(p - out);
}

int
ctl_stest_request_decode(const uint8_t *body, size_t len, struct ctl_stest_request *rq)
{
	const uint8_t *p = body + CTL_STEST_REQ_HDR;

	if (body == NULL || len < CTL_STEST_REQ_HDR || body[0] != CTL_STEST_MAGIC ||
	    body[1] != CTL_STEST_KIND_REQUEST)
		return -EINVAL;
	rq->n = body[42];
	if (rq->n == 0 || rq->n > CTL_STEST_RECORDS_MAX ||
	    len != CTL_STEST_REQ_HDR + (size_t)rq->n * CTL_STEST_REC)
		return -EINVAL;
	rq->height = ctl_le64_get(body + 2);
	memcpy(rq->nonce, body + 10, 32);
	for (size_t i = 0; i < rq->n; i++, p += CTL_STEST_REC) {
		memcpy(rq->rec[i].account, p, 33);
		memcpy(rq->rec[i].hash, p + 33, 32);
		/* a record named twice only multiplies the testee's reads */
		for (size_t j = 0; j < i; j++)
			if (memcmp(rq->rec[j].hash, rq->rec[i].hash, 32) == 0 &&
			    memcmp(rq->rec[j].account, rq->rec[i].account, 33) == 0)
				return -EINVAL;
	}
	return 0;
}

size_t
ctl_stest_answer_encode(enum ctl_stest_code code, const uint8_t proof[CTL_STEST_PROOF],
			uint8_t out[CTL_STEST_ANSWER_MAX])
{
	out[0] = CTL_STEST_MAGIC;
	out[1] = CTL_STEST_KIND_ANSWER;
	out[2] = (uint8_t)code;
	if (code != CTL_STEST_OK)
		return 3;
	memcpy(out + 3, proof, CTL_STEST_PROOF);
	return CTL_STEST_ANSWER_MAX;
}

int
ctl_stest_answer_decode(const uint8_t *body, size_t len, enum ctl_stest_code *code,
			uint8_t proof[CTL_STEST_PROOF])
{
	if (body == NULL || len < 3 || body[0] != CTL_STEST_MAGIC ||
	    body[1] != CTL_STEST_KIND_ANSWER || body[2] >= CTL_STEST_CODES)
		return -EINVAL;
	if (len != (body[2] == CTL_STEST_OK ? (size_t)CTL_STEST_ANSWER_MAX : 3u))
		return -EINVAL;
	*code = (enum ctl_stest_code)body[2];
	if (*code == CTL_STEST_OK)
		memcpy(proof, body + 3, CTL_STEST_PROOF);
	return 0;
}

void
ctl_stest_proof(const uint8_t nonce[32], uint64_t height, const uint8_t tester[32],
		const uint8_t testee[32], const struct ctl_stest_record *recs, size_t n,
		uint8_t out[CTL_STEST_PROOF])
{
	crypto_generichash_state h;
	uint8_t b8[8], b4[4], k = (uint8_t)n;

	crypto_generichash_init(&h, NULL, 0, CTL_STEST_PROOF);
	crypto_generichash_update(&h, (const uint8_t *)PROOF_DOMAIN, sizeof(PROOF_DOMAIN) - 1);
	crypto_generichash_update(&h, nonce, 32);
	ctl_le64_put(b8, height);
	crypto_generichash_update(&h, b8, 8);
	crypto_generichash_update(&h, tester, 32);
	crypto_generichash_update(&h, testee, 32);
	crypto_generichash_update(&h, &k, 1);
	for (size_t i = 0; i < n; i++) {
		uint32_t ns = (uint32_t)recs[i].ns, len = (uint32_t)recs[i].len;

		crypto_generichash_update(&h, recs[i].account, 33);
		for (int j = 0; j < 4; j++)
			b4[j] = (uint8_t)(ns >> (8 * j));
		crypto_generichash_update(&h, b4, 4);
		crypto_generichash_update(&h, recs[i].hash, 32);
		for (int j = 0; j < 4; j++)
			b4[j] = (uint8_t)(len >> (8 * j));
		crypto_generichash_update(&h, b4, 4);
		if (recs[i].len > 0)
			crypto_generichash_update(&h, recs[i].data, recs[i].len);
	}
	crypto_generichash_final(&h, out, CTL_STEST_PROOF);
}

const char *
ctl_stest_code_name(enum ctl_stest_code code)
{
	static const char *const names[CTL_STEST_CODES] = {
		"OK", "wrong request", "invalid height", "other", "invalid parameters", "busy",
	};

	return (unsigned)code < CTL_STEST_CODES ? names[code] : "?";
}

/* ---- results ------------------------------------------------------------------ */

void
ctl_stest_results_init(struct ctl_stest_results *r, uint32_t failures)
{
	memset(r, 0, sizeof(*r));
	r->failures = failures;
}

static const struct ctl_stest_peer *
peer_find(const struct ctl_stest_results *r, const uint8_t key[32])
{
	for (size_t i = 0; i < CTL_STEST_PEERS_MAX; i++)
		if (r->peers[i].used && memcmp(r->peers[i].key, key, 32) == 0)
			return &r->peers[i];
	return NULL;
}

uint32_t
ctl_stest_results_add(struct ctl_stest_results *r, const uint8_t key[32], bool passed)
{
	struct ctl_stest_peer *p = (struct ctl_stest_peer *)(uintptr_t)peer_find(r, key);

	if (p == NULL) {
		/* a free slot, else the testee heard of longest ago */
		p = &r->peers[0];
		for (size_t i = 0; i < CTL_STEST_PEERS_MAX && p->used; i++)
			if (!r->peers[i].used || r->peers[i].last < p->last)
				p = &r->peers[i];
		memset(p, 0, sizeof(*p));
		p->used = true;
		memcpy(p->key, key, 32);
	}
	p->last = ++r->seq;
	if (passed)
		p->streak = 0;
	else if (p->streak < UINT32_MAX)
		p->streak++;
	return p->streak;
}

uint32_t
ctl_stest_results_streak(const struct ctl_stest_results *r, const uint8_t key[32])
{
	const struct ctl_stest_peer *p = peer_find(r, key);

	return p != NULL ? p->streak : 0;
}

size_t
ctl_stest_results_failing_count(const struct ctl_stest_results *r)
{
	size_t n = 0;

	for (size_t i = 0; i < CTL_STEST_PEERS_MAX; i++)
		n += r->peers[i].used && r->failures > 0 && r->peers[i].streak >= r->failures;
	return n;
}

bool
ctl_stest_failing(const struct ctl_stest_results *r, const uint8_t key[32])
{
	return r != NULL && r->failures > 0 && ctl_stest_results_streak(r, key) >= r->failures;
}
