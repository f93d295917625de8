/* SPDX-License-Identifier: MIT */
/* control/quorum_record.c: the record text (every refusal, 7 and 10 votes,
 * 6 and 11), its round trip, the vote message bytes, and verification
 * against a quorum: valid, wrong signer, a non-member's signature, a
 * signature over another node, change or epoch, an index beyond the
 * validators, a node the quorum does not test. */
#include "test_common_ctl.h"

#include <sodium.h>

#include "quorum_record.h"

enum {
	NODES = 14
};

static uint8_t pk[NODES][32], sk[NODES][64];
static struct ctl_quorum q; /* validators: nodes 0..9, workers: 10..12; 13 outside */

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	for (int i = 0; i < NODES; i++) {
		uint8_t seed[32];
		char t[16];

		snprintf(t, sizeof(t), "ed %d", i);
		crypto_hash_sha256(seed, (const uint8_t *)t, strlen(t));
		crypto_sign_seed_keypair(pk[i], sk[i], seed);
	}
	memset(&q, 0, sizeof(q));
	q.valid = true;
	q.epoch = 41;
	q.nv = 10;
	q.nw = 3;
	for (int i = 0; i < 10; i++)
		memcpy(q.validators[i], pk[i], 32);
	for (int i = 0; i < 3; i++)
		memcpy(q.workers[i], pk[10 + i], 32);
	return 0;
}

/* Text of a record: vote k at index idx[k], signed by node signer[k] over
 * (change, node target, epoch msg_epoch). */
static void
record_text(char *out, size_t len, uint64_t epoch, const int *idx, const int *signer, size_t n,
	    enum ctl_quorum_change change, int target, uint64_t msg_epoch)
{
	uint8_t msg[CTL_QUORUM_VOTE_MSG];
	size_t at = (size_t)snprintf(out, len, "%llu", (unsigned long long)epoch);

	ctl_quorum_vote_message(msg, change, pk[target], msg_epoch);
	for (size_t k = 0; k < n; k++) {
		uint8_t sig[64];
		char hex[129];

		crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk[signer[k]]);
		sodium_bin2hex(hex, sizeof(hex), sig, 64);
		at += (size_t)snprintf(out + at, len - at, ",%d:%s", idx[k], hex);
	}
	assert_true(at < len);
}

static const int SEVEN[] = {0, 2, 3, 5, 6, 8, 9};
static const int TEN[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

static int
verify_text(const char *text, enum ctl_quorum_change change, int target, char *why)
{
	struct ctl_quorum_record rec;
	int rc = ctl_quorum_record_parse(text, &rec, why, 200);

	return rc != 0 ? rc : ctl_quorum_record_verify(&rec, &q, change, pk[target], why, 200);
}

static void
test_vote_message(void **state)
{
	uint8_t m[CTL_QUORUM_VOTE_MSG];

	(void)state;
	ctl_quorum_vote_message(m, CTL_QUORUM_DEREGISTER, pk[1], 0x0102030405060708ull);
	assert_memory_equal(m, "snode-vote-v1", 13);
	assert_int_equal(m[13], 3);
	assert_memory_equal(m + 14, pk[1], 32);
	assert_int_equal(m[46], 0x08); /* little-endian epoch */
	assert_int_equal(m[53], 0x01);
}

static void
test_valid_seven_and_ten(void **state)
{
	char text[CTL_QUORUM_RECORD_TEXT_MAX], again[CTL_QUORUM_RECORD_TEXT_MAX], why[200];
	struct ctl_quorum_record rec;

	(void)state;
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 10, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), 0);
	record_text(text, sizeof(text), 41, TEN, TEN, 10, CTL_QUORUM_RECOMMISSION, 12, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_RECOMMISSION, 12, why), 0);
	/* the longest record fits the text limit and the line limit with room */
	assert_true(strlen(text) < CTL_QUORUM_RECORD_TEXT_MAX);
	assert_int_equal(ctl_quorum_record_parse(text, &rec, why, sizeof(why)), 0);
	assert_int_equal(rec.n, 10);
	assert_int_equal(rec.epoch, 41);
	assert_int_equal(ctl_quorum_record_format(&rec, again, sizeof(again)), 0);
	assert_string_equal(again, text);
	assert_int_equal(ctl_quorum_record_format(&rec, again, strlen(text)), -ENOSPC);
	assert_int_equal(ctl_quorum_record_format(&rec, again, strlen(text) + 1), 0);
}

static void
expect_parse(const char *text, const char *want)
{
	struct ctl_quorum_record rec;
	char why[200];

	assert_int_equal(ctl_quorum_record_parse(text, &rec, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, want);
}

static void
test_parse_refusals(void **state)
{
	static const int six[] = {0, 1, 2, 3, 4, 5};
	static const int dup[] = {0, 1, 2, 2, 4, 5, 6};
	static const int down[] = {0, 1, 3, 2, 4, 5, 6};
	char text[CTL_QUORUM_RECORD_TEXT_MAX + 200], t2[sizeof(text) + 200];
	const char *form = "bad quorum record: expected <epoch>,<index>:<signature>,...";

	(void)state;
	record_text(text, sizeof(text), 41, six, six, 6, CTL_QUORUM_DECOMMISSION, 10, 41);
	expect_parse(text, "6 signatures, 7 needed");
	record_text(text, sizeof(text), 41, dup, dup, 7, CTL_QUORUM_DECOMMISSION, 10, 41);
	expect_parse(text, "duplicate validator index 2");
	record_text(text, sizeof(text), 41, down, down, 7, CTL_QUORUM_DECOMMISSION, 10, 41);
	expect_parse(text, "validator indices not ascending (2 after 3)");
	/* an 11th vote */
	record_text(text, sizeof(text), 41, TEN, TEN, 10, CTL_QUORUM_DECOMMISSION, 10, 41);
	snprintf(t2, sizeof(t2), "%s,9:%.128s", text, strchr(text, ':') + 1);
	expect_parse(t2, "more than 10 signatures");
	/* the epoch */
	expect_parse("", form);
	expect_parse("-", form);
	expect_parse("41", form);
	expect_parse("041,0:00", form);
	expect_parse("18446744073709551616,0:00", form);
	expect_parse("+1,0:00", form);
	/* one vote spelled wrong, each way */
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 10, 41);
	snprintf(t2, sizeof(t2), "%s,", text); /* trailing comma */
	expect_parse(t2, "bad quorum record: vote 7: expected <index 0-9>:<signature hex128>");
	memcpy(t2, text, strlen(text) + 1);
	t2[strlen(t2) - 1] = 'g'; /* not hex */
	expect_parse(t2, "bad quorum record: vote 7: expected <index 0-9>:<signature hex128>");
	memcpy(t2, text, strlen(text) + 1);
	t2[strlen(t2) - 1] = '\0'; /* 127 digits */
	expect_parse(t2, "bad quorum record: vote 7: expected <index 0-9>:<signature hex128>");
	snprintf(t2, sizeof(t2), "%sa", text); /* 129 */
	expect_parse(t2, "bad quorum record: vote 7: expected <index 0-9>:<signature hex128>");
	memcpy(t2, text, strlen(text) + 1);
	t2[3] = 'x'; /* index not a digit: "41,x:" */
	expect_parse(t2, "bad quorum record: vote 1: expected <index 0-9>:<signature hex128>");
	memcpy(t2, text, strlen(text) + 1);
	t2[4] = ';';
	expect_parse(t2, "bad quorum record: vote 1: expected <index 0-9>:<signature hex128>");
	snprintf(t2, sizeof(t2), "41,,%s", text + 3); /* empty vote */
	expect_parse(t2, "bad quorum record: vote 1: expected <index 0-9>:<signature hex128>");
	/* the largest epoch parses */
	record_text(text, sizeof(text), UINT64_MAX, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 10,
		    41);
	{
		struct ctl_quorum_record rec;
		char why[200];

		assert_int_equal(ctl_quorum_record_parse(text, &rec, why, sizeof(why)), 0);
		assert_true(rec.epoch == UINT64_MAX);
	}
}

static void
test_verify_refusals(void **state)
{
	char text[CTL_QUORUM_RECORD_TEXT_MAX], why[200];
	int signer[7];

	(void)state;
	/* wrong signer: validator 5's place signed by validator 4 */
	memcpy(signer, SEVEN, sizeof(signer));
	signer[3] = 4;
	record_text(text, sizeof(text), 41, SEVEN, signer, 7, CTL_QUORUM_DECOMMISSION, 10, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), -EINVAL);
	assert_string_equal(why, "signature of validator 5 does not verify");
	/* a non-member (node 13) signs in validator 9's place */
	signer[3] = 5;
	signer[6] = 13;
	record_text(text, sizeof(text), 41, SEVEN, signer, 7, CTL_QUORUM_DECOMMISSION, 10, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), -EINVAL);
	assert_string_equal(why, "signature of validator 9 does not verify");
	/* signatures over another node, another change, another epoch */
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 11, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), -EINVAL);
	assert_string_equal(why, "signature of validator 0 does not verify");
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DEREGISTER, 10, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), -EINVAL);
	assert_string_equal(why, "signature of validator 0 does not verify");
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 10, 40);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), -EINVAL);
	assert_string_equal(why, "signature of validator 0 does not verify");
	/* the target is not one of the workers (a validator; a stranger) */
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 3, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 3, why), -EINVAL);
	assert_non_null(strstr(why, " is not a worker of the quorum of epoch 41"));
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 13, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 13, why), -EINVAL);
	assert_non_null(strstr(why, " is not a worker of the quorum of epoch 41"));
	/* an index beyond a small quorum's validators: 9 validators, index 9 */
	q.nv = 9;
	record_text(text, sizeof(text), 41, SEVEN, SEVEN, 7, CTL_QUORUM_DECOMMISSION, 10, 41);
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), -EINVAL);
	assert_string_equal(why, "validator index 9, but the quorum of epoch 41 has 9");
	q.nv = 10;
	/* an invalid (never drawn) quorum tests nobody */
	q.valid = false;
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), -EINVAL);
	q.valid = true;
	assert_int_equal(verify_text(text, CTL_QUORUM_DECOMMISSION, 10, why), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vote_message),
		cmocka_unit_test(test_valid_seven_and_ten),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_verify_refusals),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
