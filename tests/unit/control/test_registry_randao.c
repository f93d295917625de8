/* SPDX-License-Identifier: MIT */
/* control/registry_randao.c and the record checks of control/registry.c
 * (docs/quorums.md): options, commits and reveals with every refusal, the
 * seeds and quorums of a fixed log against tests/tools/quorum_reference.py,
 * state changes with records (applied; refused with the state untouched:
 * '-' without the option, a quorum not kept, a node not tested, a bad
 * signature), and the line limits of state changes (2047) and the rest (511). */
#include "test_common_ctl.h"

#include <inttypes.h>
#include <sodium.h>

#include "registry.h"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

void *
__wrap_calloc(size_t n, size_t size)
{
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	return __real_realloc(p, size);
}

enum {
	NODES = 70
};

static uint8_t pk[NODES][32], sk[NODES][64];
static char pkh[NODES][65];

static void
sha(const char *text, uint8_t out[32])
{
	crypto_hash_sha256(out, (const uint8_t *)text, strlen(text));
}

static void
sha_hex(const char *text, char out[65])
{
	uint8_t d[32];

	sha(text, d);
	sodium_bin2hex(out, 65, d, 32);
}

static int
setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	for (int i = 0; i < NODES; i++) {
		uint8_t seed[32];
		char t[16];

		snprintf(t, sizeof(t), "ed %d", i);
		sha(t, seed);
		crypto_sign_seed_keypair(pk[i], sk[i], seed);
		sodium_bin2hex(pkh[i], 65, pk[i], 32);
	}
	return 0;
}

/* A growing log text, also applied line by line. */
struct log {
	char *text;
	size_t len;
	struct ctl_registry r;
};

static int try_line(struct log *l, char *why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
try_line(struct log *l, char *why, const char *fmt, ...)
{
	char line[CTL_REGISTRY_RECORD_LINE_MAX + 8];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rc = ctl_registry_apply_line(&l->r, line, why, 200);
	if (rc == 0) {
		l->text = realloc(l->text, l->len + strlen(line) + 2);
		assert_non_null(l->text);
		l->len += (size_t)sprintf(l->text + l->len, "%s\n", line);
	}
	return rc;
}

#define LINE(l, ...)                                                                               \
	do {                                                                                       \
		char why_[200];                                                                    \
		int rc_ = try_line(l, why_, __VA_ARGS__);                                          \
		if (rc_ != 0)                                                                      \
			fail_msg("%s", why_);                                                      \
	} while (0)

static void
log_free(struct log *l)
{
	free(l->text);
	ctl_registry_free(&l->r);
}

static void
block(struct log *l, uint64_t h)
{
	char t[32], hex[65];

	snprintf(t, sizeof(t), "block %" PRIu64, h);
	sha_hex(t, hex);
	LINE(l, "block %" PRIu64 " %s", h, hex);
}

static void
registers(struct log *l, int n, uint64_t h)
{
	for (int i = 0; i < n; i++) {
		char t[16], x[65];

		snprintf(t, sizeof(t), "x %d", i);
		sha_hex(t, x);
		LINE(l, "register %s %s 10.0.%d.1:22030 %" PRIu64, pkh[i], x, i, h);
	}
}

/* commit line of node i at height h for secret sha256("secret i"), signed over epoch e */
static void
commit_line(char *out, size_t len, int i, uint64_t h, uint64_t e, int signer)
{
	uint8_t secret[32], hh[32], msg[CTL_REGISTRY_COMMIT_MSG], sig[64];
	char t[32], hhex[65], shex[129];

	snprintf(t, sizeof(t), "secret %d", i);
	sha(t, secret);
	crypto_generichash(hh, 32, secret, 32, NULL, 0);
	ctl_registry_commit_message(msg, pk[i], e, hh);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk[signer]);
	sodium_bin2hex(hhex, sizeof(hhex), hh, 32);
	sodium_bin2hex(shex, sizeof(shex), sig, 64);
	snprintf(out, len, "commit %s %" PRIu64 " %s %s", pkh[i], h, hhex, shex);
}

static void
secret_hex(int i, char out[65])
{
	char t[32];

	snprintf(t, sizeof(t), "secret %d", i);
	sha_hex(t, out);
}

static int
node_of(const uint8_t key[32])
{
	for (int i = 0; i < NODES; i++)
		if (memcmp(pk[i], key, 32) == 0)
			return i;
	return -1;
}

static void
expect_nodes(const uint8_t (*keys)[32], size_t n, const int *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(node_of(keys[i]), want[i]);
}

/* The log of quorum_reference.vector_log(), its SHA-256 and its quorums. */
static void
test_vector_log(void **state)
{
	static const int v1[] = {26, 19, 47, 34, 17, 38, 43, 37, 12, 69};
	static const int w1[] = {48, 28, 33, 14, 7,  49, 54, 2,	 13, 8,	 10, 51, 22, 65, 56, 58, 45,
				 41, 50, 52, 18, 5,  29, 40, 30, 57, 11, 15, 61, 27, 59, 46, 60, 32,
				 62, 9,	 23, 31, 68, 36, 24, 42, 16, 53, 1,  66, 25, 35, 39, 63};
	static const int v2[] = {54, 51, 18, 21, 14, 5, 26, 63, 48, 24};
	static const int w2[] = {38, 45, 49, 69, 32, 7,	 30, 33, 1,  16, 4,  44, 55, 34, 43, 59, 31,
				 28, 29, 53, 52, 42, 47, 23, 2,	 64, 11, 12, 27, 61, 22, 25, 39, 9,
				 50, 40, 35, 0,	 67, 6,	 65, 37, 36, 15, 68, 58, 10, 13, 19, 62};
	static const int v3[] = {45, 64, 30, 3, 17, 66, 25, 5, 42, 1};
	static const int w3[] = {13, 63, 2,  27, 28, 4,	 37, 36, 9,  14, 0,  31, 65, 35, 49, 21, 18,
				 24, 59, 68, 56, 12, 32, 7,  38, 6,  20, 46, 54, 19, 61, 15, 50, 29,
				 43, 60, 22, 69, 39, 16, 34, 8,	 52, 58, 11, 51, 26, 40, 57, 53};
	struct log l = {0};
	const struct ctl_quorum *q;
	char line[600], s[65], hex[65];
	uint8_t d[32];

	(void)state;
	ctl_registry_init(&l.r);
	LINE(&l, "option epoch-blocks 4");
	LINE(&l, "option unverified-records");
	registers(&l, NODES, 1);
	block(&l, 1);
	LINE(&l, "decommission %s 2 -", pkh[6]);
	block(&l, 2);
	for (int i = 0; i < 5; i++) {
		commit_line(line, sizeof(line), i, 3, 0, i);
		LINE(&l, "%s", line);
	}
	block(&l, 3);
	q = ctl_registry_quorum(&l.r, 0);
	assert_non_null(q); /* drawn at the first line, from nobody */
	assert_int_equal(q->nv + q->nw, 0);
	for (int i = 0; i < 4; i++) { /* node 4 withholds */
		secret_hex(i, s);
		LINE(&l, "reveal %s 5 %s", pkh[i], s);
	}
	q = ctl_registry_quorum(&l.r, 1);
	assert_non_null(q);
	sha_hex("block 3", hex); /* no reveals in epoch 0: the last block's hash */
	sodium_bin2hex(s, sizeof(s), q->seed, 32);
	assert_string_equal(s, hex);
	expect_nodes(q->validators, q->nv, v1, 10);
	expect_nodes(q->workers, q->nw, w1, 50);
	block(&l, 5);
	block(&l, 8);
	q = ctl_registry_quorum(&l.r, 2);
	assert_non_null(q);
	sodium_bin2hex(s, sizeof(s), q->seed, 32);
	assert_string_equal(s, "3debb0dd1b133a7cabdb905a10e391928f39a8e98c04c104a0ef4d8089906661");
	expect_nodes(q->validators, q->nv, v2, 10);
	expect_nodes(q->workers, q->nw, w2, 50);
	assert_int_equal(l.r.randao_seeds, 1);
	block(&l, 13);
	assert_null(ctl_registry_quorum(&l.r, 1)); /* only this epoch and the one before */
	assert_non_null(ctl_registry_quorum(&l.r, 2));
	q = ctl_registry_quorum(&l.r, 3);
	assert_non_null(q);
	sha_hex("block 8", hex); /* no reveal in epoch 2: fallback */
	sodium_bin2hex(s, sizeof(s), q->seed, 32);
	assert_string_equal(s, hex);
	expect_nodes(q->validators, q->nv, v3, 10);
	expect_nodes(q->workers, q->nw, w3, 50);
	assert_int_equal(l.r.commits, 5);
	assert_int_equal(l.r.reveals, 4);
	/* the C and the Python saw the same bytes */
	crypto_hash_sha256(d, (const uint8_t *)l.text, l.len);
	sodium_bin2hex(s, sizeof(s), d, 32);
	assert_string_equal(s, "28b3965e4670e779b9d23fd2b2542d8cf6ee7b750559770a0e06a6fb3ff53f04");
	log_free(&l);
}

static void
expect_refused(struct log *l, const char *want, const char *line)
{
	struct ctl_registry before;
	char why[200];

	assert_int_equal(ctl_registry_copy(&before, &l->r), 0);
	assert_int_equal(ctl_registry_apply_line(&l->r, line, why, sizeof(why)), -EINVAL);
	if (strstr(why, want) == NULL)
		fail_msg("'%s' does not contain '%s'", why, want);
	/* nothing changed, the epochs' quorums included */
	assert_int_equal(l->r.n, before.n);
	assert_memory_equal(l->r.nodes, before.nodes, before.n * sizeof(*before.nodes));
	assert_memory_equal(&l->r.ep, &before.ep, sizeof(before.ep));
	assert_int_equal(l->r.open, before.open);
	assert_int_equal(l->r.records, before.records);
	ctl_registry_free(&before);
}

static void
test_options(void **state)
{
	struct log l = {0};
	char why[200];

	(void)state;
	ctl_registry_init(&l.r);
	assert_int_equal(ctl_registry_epoch_blocks(&l.r), 10); /* default */
	expect_refused(&l, "bad epoch-blocks (1 to 1073741824)", "option epoch-blocks 0");
	expect_refused(&l, "bad epoch-blocks", "option epoch-blocks 1073741825");
	expect_refused(&l, "bad epoch-blocks", "option epoch-blocks 04");
	expect_refused(&l, "expected: option epoch-blocks <N> | option unverified-records",
		       "option epoch-blocks");
	expect_refused(&l, "expected: option", "option unverified-records yes");
	expect_refused(&l, "expected: option", "option colour blue");
	LINE(&l, "option epoch-blocks 1073741824");
	assert_int_equal(ctl_registry_epoch_blocks(&l.r), 1073741824);
	expect_refused(&l, "option epoch-blocks given twice", "option epoch-blocks 3");
	LINE(&l, "option unverified-records");
	expect_refused(&l, "option unverified-records given twice", "option unverified-records");
	/* storage-test-pairs: the network's draw, 1..64, over each node's own setting */
	assert_int_equal(ctl_registry_stest_pairs(NULL, 3), 3);
	assert_int_equal(ctl_registry_stest_pairs(&l.r, 3), 3);
	expect_refused(&l, "bad storage-test-pairs (1 to 64)", "option storage-test-pairs 0");
	expect_refused(&l, "bad storage-test-pairs (1 to 64)", "option storage-test-pairs 65");
	expect_refused(&l, "| option storage-test-pairs <N>", "option storage-test-pairs");
	LINE(&l, "option storage-test-pairs 64");
	assert_int_equal(ctl_registry_stest_pairs(&l.r, 3), 64);
	expect_refused(&l, "option storage-test-pairs given twice", "option storage-test-pairs 1");
	ctl_registry_free(&l.r);
	ctl_registry_init(&l.r);
	registers(&l, 1, 1);
	assert_int_equal(try_line(&l, why, "option epoch-blocks 3"), -EINVAL);
	assert_string_equal(why, "option epoch-blocks after the first event");
	assert_int_equal(try_line(&l, why, "option unverified-records"), -EINVAL);
	assert_string_equal(why, "option unverified-records after the first event");
	assert_int_equal(try_line(&l, why, "option storage-test-pairs 1"), -EINVAL);
	assert_string_equal(why, "option storage-test-pairs after the first event");
	log_free(&l);
}

static void
test_commit_reveal_refusals(void **state)
{
	struct log l = {0};
	char line[600], s[65];
	uint64_t updates;

	(void)state;
	ctl_registry_init(&l.r);
	LINE(&l, "option epoch-blocks 4");
	LINE(&l, "option unverified-records");
	registers(&l, 12, 1);
	block(&l, 1);
	LINE(&l, "decommission %s 2 -", pkh[11]);
	block(&l, 2);
	updates = l.r.updates;
	/* commit: not active, not known, signed by another key or for another epoch */
	commit_line(line, sizeof(line), 11, 3, 0, 11);
	expect_refused(&l, "commit: node ", line);
	expect_refused(&l, " is not active", line);
	commit_line(line, sizeof(line), 5, 3, 0, 6);
	expect_refused(&l, " does not verify", line);
	commit_line(line, sizeof(line), 5, 3, 1, 5);
	expect_refused(&l, " does not verify", line);
	commit_line(line, sizeof(line), 5, 3, 0, 5);
	LINE(&l, "%s", line);
	expect_refused(&l, " already committed in epoch 0", line);
	expect_refused(&l, "bad signature (128 hex digits)",
		       "commit " /* short signature */
		       "0000000000000000000000000000000000000000000000000000000000000000 3 "
		       "0000000000000000000000000000000000000000000000000000000000000000 00");
	expect_refused(&l, "expected: commit <ed25519> <height> <hash> <signature>", "commit x 3");
	expect_refused(&l, "bad commit hash (64 hex digits)",
		       "commit 0000000000000000000000000000000000000000000000000000000000000000 3 "
		       "00 00");
	/* a reveal in the commit's own epoch has no commit before it */
	secret_hex(5, s);
	{
		char t[200];

		snprintf(t, sizeof(t), "reveal %s 3 %s", pkh[5], s);
		expect_refused(&l, " has no commit in the epoch before", t);
	}
	block(&l, 3);
	assert_int_equal(l.r.updates, updates); /* commits rerun no assignment */
	{
		char t[200], other[65];

		secret_hex(6, other);
		snprintf(t, sizeof(t), "reveal %s 4 %s", pkh[5], other);
		expect_refused(&l, "reveal: the secret does not match node ", t);
		snprintf(t, sizeof(t), "reveal %s 4 %s", pkh[6], s);
		expect_refused(&l, " has no commit in the epoch before", t);
		snprintf(t, sizeof(t), "reveal %s 4 %s", pkh[5], s);
		LINE(&l, "%s", t);
		expect_refused(&l, " already revealed", t);
		expect_refused(&l, "expected: reveal <ed25519> <height> <secret>", "reveal x 4");
		snprintf(t, sizeof(t), "reveal %s 4 00", pkh[5]);
		expect_refused(&l, "bad secret (64 hex digits)", t);
	}
	block(&l, 4);
	assert_int_equal(l.r.updates, updates);
	/* epoch 1 had a reveal (node 5, committed in epoch 0)? no: seeds count
	 * reveals made in q - 1 of commits of q - 2: epoch 2 is seeded by it */
	block(&l, 8);
	assert_int_equal(l.r.randao_seeds, 1);
	log_free(&l);
}

/* 20 active nodes, epochs of 4 blocks, records required: epoch 1 drawn at block 4. */
static void
verified_net(struct log *l)
{
	ctl_registry_init(&l->r);
	LINE(l, "option epoch-blocks 4");
	registers(l, 20, 1);
	block(l, 1);
	block(l, 4);
}

static void
record_of(char *out, size_t len, const struct ctl_quorum *q, uint64_t epoch,
	  enum ctl_quorum_change change, const uint8_t target[32], size_t votes)
{
	struct ctl_quorum_record rec = {.epoch = epoch, .n = votes};
	uint8_t msg[CTL_QUORUM_VOTE_MSG];

	ctl_quorum_vote_message(msg, change, target, q->epoch);
	for (size_t k = 0; k < votes; k++) {
		rec.v[k].index = (uint8_t)k;
		crypto_sign_detached(rec.v[k].sig, NULL, msg, sizeof(msg),
				     sk[node_of(q->validators[k])]);
	}
	assert_int_equal(ctl_quorum_record_format(&rec, out, len), 0);
}

static void
test_records_at_replay(void **state)
{
	struct log l = {0};
	const struct ctl_quorum *q;
	char rec[CTL_QUORUM_RECORD_TEXT_MAX], line[CTL_REGISTRY_RECORD_LINE_MAX];
	int w0, w1, val;

	(void)state;
	verified_net(&l);
	q = ctl_registry_quorum(&l.r, 1);
	assert_non_null(q);
	assert_int_equal(q->nv, 10);
	assert_int_equal(q->nw, 10);
	w0 = node_of(q->workers[0]);
	w1 = node_of(q->workers[1]);
	val = node_of(q->validators[0]);
	/* "-" needs the option */
	snprintf(line, sizeof(line), "decommission %s 5 -", pkh[w0]);
	expect_refused(&l, "quorum record '-' needs 'option unverified-records'", line);
	/* a validator is not tested */
	record_of(rec, sizeof(rec), q, 1, CTL_QUORUM_DECOMMISSION, pk[val], 7);
	snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[val], rec);
	expect_refused(&l, " is not a worker of the quorum of epoch 1", line);
	/* a record naming a quorum not kept: epoch 0 (never drawn), 2 (future) */
	record_of(rec, sizeof(rec), q, 1, CTL_QUORUM_DECOMMISSION, pk[w0], 7);
	rec[0] = '0';
	snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[w0], rec);
	/* epoch 0 is that of the registrations (its quorum drawn before them, empty) */
	expect_refused(&l, "a record of epoch 0 was made before that", line);
	rec[0] = '2';
	snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[w0], rec);
	expect_refused(&l, "quorum of epoch 2 is not kept", line);
	/* signed for w1, used for w0 */
	record_of(rec, sizeof(rec), q, 1, CTL_QUORUM_DECOMMISSION, pk[w1], 7);
	snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[w0], rec);
	expect_refused(&l, "signature of validator 0 does not verify", line);
	/* a wrong signer, a non-member signing, a duplicate index: at replay too */
	{
		struct ctl_quorum_record bad = {.epoch = 1, .n = 7};
		uint8_t msg[CTL_QUORUM_VOTE_MSG];

		ctl_quorum_vote_message(msg, CTL_QUORUM_DECOMMISSION, pk[w0], 1);
		for (int k = 0; k < 7; k++) {
			bad.v[k].index = (uint8_t)k;
			crypto_sign_detached(bad.v[k].sig, NULL, msg, sizeof(msg),
					     sk[node_of(q->validators[k == 4 ? 5 : k])]);
		}
		assert_int_equal(ctl_quorum_record_format(&bad, rec, sizeof(rec)), 0);
		snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[w0], rec);
		expect_refused(&l, "signature of validator 4 does not verify", line);
		crypto_sign_detached(bad.v[4].sig, NULL, msg, sizeof(msg), sk[w1]); /* a worker */
		assert_int_equal(ctl_quorum_record_format(&bad, rec, sizeof(rec)), 0);
		snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[w0], rec);
		expect_refused(&l, "signature of validator 4 does not verify", line);
		crypto_sign_detached(bad.v[4].sig, NULL, msg, sizeof(msg),
				     sk[node_of(q->validators[4])]);
		bad.v[4].index = 3;
		assert_int_equal(ctl_quorum_record_format(&bad, rec, sizeof(rec)), 0);
		snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[w0], rec);
		expect_refused(&l, "duplicate validator index 3", line);
	}
	/* 6 votes */
	record_of(rec, sizeof(rec), q, 1, CTL_QUORUM_DECOMMISSION, pk[w0], 6);
	snprintf(line, sizeof(line), "decommission %s 5 %s", pkh[w0], rec);
	expect_refused(&l, "6 signatures, 7 needed", line);
	/* 7 valid votes: applied */
	record_of(rec, sizeof(rec), q, 1, CTL_QUORUM_DECOMMISSION, pk[w0], 7);
	LINE(&l, "decommission %s 5 %s", pkh[w0], rec);
	assert_int_equal(ctl_registry_find(&l.r, pk[w0])->status, CTL_REGISTRY_DECOMMISSIONED);
	assert_int_equal(l.r.records, 1);
	block(&l, 5);
	/* the same record again: the state rule refuses it first */
	snprintf(line, sizeof(line), "decommission %s 6 %s", pkh[w0], rec);
	expect_refused(&l, " is already decommissioned", line);
	/* votes of epoch 1 still count in epoch 2 (block 8 enters it), not in 3 */
	block(&l, 8);
	q = ctl_registry_quorum(&l.r, 1); /* borrowed: it moved to "the one before" */
	assert_non_null(q);
	record_of(rec, sizeof(rec), q, 1, CTL_QUORUM_RECOMMISSION, pk[w0], 10);
	snprintf(line, sizeof(line), "recommission %s 12 %s", pkh[w0], rec);
	{
		char why[200];
		struct ctl_registry keep;

		assert_int_equal(ctl_registry_copy(&keep, &l.r), 0);
		/* epoch 3: the quorum of epoch 1 is gone, and the draw of 3 is undone */
		assert_int_equal(ctl_registry_apply_line(&l.r, line, why, sizeof(why)), -EINVAL);
		assert_string_equal(why, "quorum of epoch 1 is not kept (votes live for this "
					 "epoch and the next)");
		assert_null(ctl_registry_quorum(&l.r, 3));
		assert_non_null(ctl_registry_quorum(&l.r, 1));
		ctl_registry_free(&keep);
	}
	LINE(&l, "recommission %s 9 %s", pkh[w0], rec);
	assert_int_equal(ctl_registry_find(&l.r, pk[w0])->status, CTL_REGISTRY_ACTIVE);
	assert_int_equal(l.r.records, 2);
	block(&l, 9);
	log_free(&l);
}

/* Nine active nodes and two decommissioned: 9 validators, index 9 names nobody;
 * a decommissioned worker deregistered by a record. */
static void
test_small_quorum_deregister(void **state)
{
	struct log l = {0};
	const struct ctl_quorum *q;
	struct ctl_quorum_record r = {.epoch = 1, .n = 7};
	char rec[CTL_QUORUM_RECORD_TEXT_MAX], line[CTL_REGISTRY_RECORD_LINE_MAX];
	uint8_t msg[CTL_QUORUM_VOTE_MSG];
	int w;

	(void)state;
	ctl_registry_init(&l.r);
	LINE(&l, "option epoch-blocks 4");
	LINE(&l, "option unverified-records");
	registers(&l, 11, 1);
	block(&l, 1);
	LINE(&l, "decommission %s 2 -", pkh[9]);
	LINE(&l, "decommission %s 2 -", pkh[10]);
	block(&l, 2);
	block(&l, 4);
	q = ctl_registry_quorum(&l.r, 1);
	assert_int_equal(q->nv, 9);
	assert_int_equal(q->nw, 2);
	w = node_of(q->workers[0]);
	assert_true(w == 9 || w == 10);
	ctl_quorum_vote_message(msg, CTL_QUORUM_DEREGISTER, pk[w], 1);
	for (int k = 0; k < 7; k++) {
		r.v[k].index = (uint8_t)(k + 2); /* 2..8 */
		crypto_sign_detached(r.v[k].sig, NULL, msg, sizeof(msg),
				     sk[node_of(q->validators[k + 2])]);
	}
	r.v[6].index = 9;
	assert_int_equal(ctl_quorum_record_format(&r, rec, sizeof(rec)), 0);
	snprintf(line, sizeof(line), "deregister %s 5 %s", pkh[w], rec);
	expect_refused(&l, "validator index 9, but the quorum of epoch 1 has 9", line);
	r.v[6].index = 8;
	assert_int_equal(ctl_quorum_record_format(&r, rec, sizeof(rec)), 0);
	LINE(&l, "deregister %s 5 %s", pkh[w], rec);
	assert_null(ctl_registry_find(&l.r, pk[w]));
	block(&l, 5);
	log_free(&l);
}

static void
padded(char *out, const char *head, size_t len)
{
	size_t n = strlen(head);

	memcpy(out, head, n);
	memset(out + n, ' ', len - n);
	out[len] = '\0';
}

static void
test_line_limits(void **state)
{
	static char line[CTL_REGISTRY_RECORD_LINE_MAX + 8];
	struct ctl_registry_event ev;
	char head[200], why[200];

	(void)state;
	snprintf(head, sizeof(head), "decommission %s 5 -", pkh[0]);
	padded(line, head, CTL_REGISTRY_RECORD_LINE_MAX - 1);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	assert_int_equal(ev.kind, CTL_REGISTRY_DECOMMISSION);
	padded(line, head, CTL_REGISTRY_RECORD_LINE_MAX);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line longer than 2047 bytes");
	/* every other line keeps 511 */
	snprintf(head, sizeof(head), "reveal %s 5 %s", pkh[0], pkh[1]);
	padded(line, head, CTL_REGISTRY_LINE_MAX - 1);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), 0);
	padded(line, head, CTL_REGISTRY_LINE_MAX);
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line longer than 511 bytes");
	padded(line, "", CTL_REGISTRY_LINE_MAX); /* blank */
	assert_int_equal(ctl_registry_parse(line, &ev, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line longer than 511 bytes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_log),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_commit_reveal_refusals),
		cmocka_unit_test(test_records_at_replay),
		cmocka_unit_test(test_small_quorum_deregister),
		cmocka_unit_test(test_line_limits),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
