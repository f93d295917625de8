/* SPDX-License-Identifier: MIT */
/* control/storage_test.c and config_stest.c: pairs against the independent Python reference
 * (tests/tools/storage_test_reference.py prints these vectors), the seed quirk, the testee's
 * pair check, the wire at every limit's edge, the proof's known answer and what it binds,
 * every answer code, the failure streaks and their use by ctl_vote_should_fail, the
 * [storage_test] keys at their edges, and the registry's last-30 block hashes. */
#include "test_common_ctl.h"

#include <sodium.h>
#include <unistd.h>

#include "config.h"
#include "config_stest.h"
#include "quorum_vote.h"
#include "registry.h"
#include "storage_test.h"

static void
hash_of(const char *hex, uint8_t out[32])
{
	assert_int_equal(sodium_hex2bin(out, 32, hex, 64, NULL, NULL, NULL), 0);
}

static void
test_seed_quirk(void **state)
{
	(void)state;
	uint8_t h[32];

	/* the first 8 characters of the hex string, as ASCII bytes, little-endian */
	hash_of("a1b2c3d4eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", h);
	assert_true(ctl_stest_seed(h) == 0x3464336332623161ULL);
	memset(h, 0, 32);
	assert_true(ctl_stest_seed(h) == 0x3030303030303030ULL);
}

/* The vectors printed by tests/tools/storage_test_reference.py. */
static void
test_pairs_match_reference(void **state)
{
	(void)state;
	static const struct {
		const char *hash;
		size_t n;
		unsigned k;
		uint32_t want[12][2];
	} v[] = {
		{"0000000000000000000000000000000000000000000000000000000000000000",
		 5,
		 1,
		 {{3, 0}}},
		{"a1b2c3d4eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
		 7,
		 3,
		 {{3, 0}, {4, 5}, {3, 1}}},
		{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		 2,
		 4,
		 {{1, 0}, {0, 1}, {1, 0}, {1, 0}}},
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		 12,
		 12,
		 {{3, 6},
		  {2, 4},
		  {2, 9},
		  {5, 8},
		  {1, 3},
		  {4, 9},
		  {5, 3},
		  {3, 11},
		  {10, 11},
		  {0, 1},
		  {1, 7},
		  {9, 7}}},
	};
	struct ctl_stest_pair p[CTL_STEST_PAIRS_MAX];
	uint8_t h[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hash_of(v[i].hash, h);
		assert_int_equal(ctl_stest_pairs(v[i].n, h, v[i].k, p), v[i].k);
		for (size_t j = 0; j < v[i].k; j++) {
			assert_int_equal(p[j].tester, v[i].want[j][0]);
			assert_int_equal(p[j].testee, v[i].want[j][1]);
		}
	}
	/* the first pair does not depend on how many are drawn (pairs 1 is the reference) */
	hash_of(v[3].hash, h);
	assert_int_equal(ctl_stest_pairs(12, h, 1, p), 1);
	assert_int_equal(p[0].tester, 3);
	assert_int_equal(p[0].testee, 6);
	/* edges: no pair under 2 members or with 0 pairs; pairs capped at the maximum */
	assert_int_equal(ctl_stest_pairs(1, h, 1, p), 0);
	assert_int_equal(ctl_stest_pairs(0, h, 1, p), 0);
	assert_int_equal(ctl_stest_pairs(5, h, 0, p), 0);
	assert_int_equal(ctl_stest_pairs(5, h, CTL_STEST_PAIRS_MAX + 1, p), CTL_STEST_PAIRS_MAX);
	assert_int_equal(ctl_stest_pairs(CTL_STEST_MEMBERS_MAX + 1, h, 1, p), 0);
}

static void
test_check_pair(void **state)
{
	(void)state;
	uint8_t m[7][32], h[32];

	for (int i = 0; i < 7; i++)
		memset(m[i], 0x10 * (i + 1), 32);
	hash_of("a1b2c3d4eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", h);
	/* pairs (3,0), (4,5), (3,1) */
	assert_int_equal(ctl_stest_check_pair((const uint8_t(*)[32])m, 7, h, 1, m[3], m[0]),
			 CTL_STEST_OK);
	assert_int_equal(ctl_stest_check_pair((const uint8_t(*)[32])m, 7, h, 1, m[4], m[5]),
			 CTL_STEST_WRONG_REQUEST); /* the second pair, with pairs 1 */
	assert_int_equal(ctl_stest_check_pair((const uint8_t(*)[32])m, 7, h, 3, m[4], m[5]),
			 CTL_STEST_OK);
	assert_int_equal(ctl_stest_check_pair((const uint8_t(*)[32])m, 7, h, 3, m[0], m[3]),
			 CTL_STEST_WRONG_REQUEST); /* reversed */
	assert_int_equal(ctl_stest_check_pair((const uint8_t(*)[32])m, 7, h, 3, m[3], m[2]),
			 CTL_STEST_WRONG_REQUEST); /* the tester's, another testee */
	assert_int_equal(ctl_stest_check_pair((const uint8_t(*)[32])m, 1, h, 3, m[0], m[0]),
			 CTL_STEST_WRONG_REQUEST);
}

static void
fill_request(struct ctl_stest_request *rq, unsigned n)
{
	memset(rq, 0, sizeof(*rq));
	rq->height = 0x0102030405060708ULL;
	memset(rq->nonce, 0x77, 32);
	rq->n = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		memset(rq->rec[i].account, (int)i + 1, 33);
		memset(rq->rec[i].hash, (int)i + 100, 32);
	}
}

static void
test_request_wire(void **state)
{
	(void)state;
	struct ctl_stest_request rq, back;
	uint8_t b[CTL_STEST_REQ_MAX + 1];
	size_t len;

	for (unsigned n = 1; n <= CTL_STEST_RECORDS_MAX; n++) {
		fill_request(&rq, n);
		len = ctl_stest_request_encode(&rq, b);
		assert_int_equal(len, CTL_STEST_REQ_HDR + n * CTL_STEST_REC);
		assert_int_equal(ctl_stest_request_decode(b, len, &back), 0);
		assert_true(back.height == rq.height);
		assert_int_equal(back.n, n);
		assert_memory_equal(back.nonce, rq.nonce, 32);
		assert_memory_equal(back.rec, rq.rec, n * sizeof(rq.rec[0]));
		/* one byte short, one byte more */
		assert_int_equal(ctl_stest_request_decode(b, len - 1, &back), -EINVAL);
		b[len] = 0;
		assert_int_equal(ctl_stest_request_decode(b, len + 1, &back), -EINVAL);
	}
	assert_int_equal(len, CTL_STEST_REQ_MAX);
	/* count 0 and one over the maximum, with a length that would fit */
	fill_request(&rq, 1);
	len = ctl_stest_request_encode(&rq, b);
	b[42] = 0;
	assert_int_equal(ctl_stest_request_decode(b, CTL_STEST_REQ_HDR, &back), -EINVAL);
	b[42] = CTL_STEST_RECORDS_MAX + 1;
	assert_int_equal(ctl_stest_request_decode(b, CTL_STEST_REQ_HDR + 17 * 65, &back), -EINVAL);
	b[42] = 1;
	b[0] = 'V';
	assert_int_equal(ctl_stest_request_decode(b, len, &back), -EINVAL);
	b[0] = CTL_STEST_MAGIC;
	b[1] = CTL_STEST_KIND_ANSWER;
	assert_int_equal(ctl_stest_request_decode(b, len, &back), -EINVAL);
	assert_int_equal(ctl_stest_request_decode(b, 0, &back), -EINVAL);
	assert_int_equal(ctl_stest_request_decode(NULL, 100, &back), -EINVAL);
	/* a record named twice (first and last of 16) is refused; the same hash under
	 * another account is not the same record */
	fill_request(&rq, CTL_STEST_RECORDS_MAX);
	memcpy(&rq.rec[CTL_STEST_RECORDS_MAX - 1], &rq.rec[0], sizeof(rq.rec[0]));
	len = ctl_stest_request_encode(&rq, b);
	assert_int_equal(ctl_stest_request_decode(b, len, &back), -EINVAL);
	rq.rec[CTL_STEST_RECORDS_MAX - 1].account[5] ^= 1;
	len = ctl_stest_request_encode(&rq, b);
	assert_int_equal(ctl_stest_request_decode(b, len, &back), 0);
}

static void
test_answer_wire_every_code(void **state)
{
	(void)state;
	uint8_t b[CTL_STEST_ANSWER_MAX + 1], proof[32], back[32];
	enum ctl_stest_code code;

	memset(proof, 0x5a, 32);
	for (int c = 0; c < CTL_STEST_CODES; c++) {
		size_t len = ctl_stest_answer_encode((enum ctl_stest_code)c, proof, b);

		assert_int_equal(len, c == CTL_STEST_OK ? 35 : 3);
		memset(back, 0, 32);
		assert_int_equal(ctl_stest_answer_decode(b, len, &code, back), 0);
		assert_int_equal(code, c);
		if (c == CTL_STEST_OK)
			assert_memory_equal(back, proof, 32);
		assert_int_equal(ctl_stest_answer_decode(b, len - 1, &code, back), -EINVAL);
		assert_int_equal(ctl_stest_answer_decode(b, len + 1, &code, back), -EINVAL);
		assert_string_not_equal(ctl_stest_code_name((enum ctl_stest_code)c), "?");
	}
	assert_string_equal(ctl_stest_code_name(CTL_STEST_WRONG_REQUEST), "wrong request");
	assert_string_equal(ctl_stest_code_name(CTL_STEST_INVALID_HEIGHT), "invalid height");
	assert_string_equal(ctl_stest_code_name(CTL_STEST_OTHER), "other");
	assert_string_equal(ctl_stest_code_name(CTL_STEST_CODES), "?");
	b[0] = CTL_STEST_MAGIC, b[1] = CTL_STEST_KIND_ANSWER, b[2] = CTL_STEST_CODES;
	assert_int_equal(ctl_stest_answer_decode(b, 3, &code, back), -EINVAL);
	b[2] = CTL_STEST_OTHER, b[1] = CTL_STEST_KIND_REQUEST;
	assert_int_equal(ctl_stest_answer_decode(b, 3, &code, back), -EINVAL);
}

static void
kat_records(uint8_t acc[2][33], uint8_t hash[2][32], struct ctl_stest_record r[2])
{
	acc[0][0] = 5;
	memset(acc[0] + 1, 0x11, 32);
	acc[1][0] = 3;
	memset(acc[1] + 1, 0x33, 32);
	memset(hash[0], 0x22, 32);
	memset(hash[1], 0x44, 32);
	r[0] = (struct ctl_stest_record){acc[0], 0, hash[0], (const uint8_t *)"hello", 5};
	r[1] = (struct ctl_stest_record){acc[1], -10, hash[1], NULL, 0};
}

static void
test_proof_known_answer(void **state)
{
	(void)state;
	uint8_t nonce[32], tester[32], testee[32], acc[2][33], hash[2][32], p[32], q[32], want[32];
	struct ctl_stest_record r[2];

	for (int i = 0; i < 32; i++)
		nonce[i] = (uint8_t)i;
	memset(tester, 1, 32);
	memset(testee, 2, 32);
	kat_records(acc, hash, r);
	ctl_stest_proof(nonce, 1234, tester, testee, r, 2, p);
	hash_of("3d70566bc61d37433a36d4cdb7efef5fa58881b33cc42fa8d17096cd63d3b0d4", want);
	assert_memory_equal(p, want, 32);
	/* everything is bound: each change gives another proof */
	r[0].ns = 1;
	ctl_stest_proof(nonce, 1234, tester, testee, r, 2, q);
	assert_memory_not_equal(p, q, 32);
	r[0].ns = 0;
	acc[1][0] = 5; /* the same data under another account */
	ctl_stest_proof(nonce, 1234, tester, testee, r, 2, q);
	assert_memory_not_equal(p, q, 32);
	acc[1][0] = 3;
	hash[0][5] ^= 1;
	ctl_stest_proof(nonce, 1234, tester, testee, r, 2, q);
	assert_memory_not_equal(p, q, 32);
	hash[0][5] ^= 1;
	r[0].data = (const uint8_t *)"hellp";
	ctl_stest_proof(nonce, 1234, tester, testee, r, 2, q);
	assert_memory_not_equal(p, q, 32);
	r[0].data = (const uint8_t *)"hello";
	ctl_stest_proof(nonce, 1235, tester, testee, r, 2, q);
	assert_memory_not_equal(p, q, 32);
	ctl_stest_proof(nonce, 1234, testee, tester, r, 2, q);
	assert_memory_not_equal(p, q, 32);
	nonce[31] ^= 1;
	ctl_stest_proof(nonce, 1234, tester, testee, r, 2, q);
	assert_memory_not_equal(p, q, 32);
	nonce[31] ^= 1;
	ctl_stest_proof(nonce, 1234, tester, testee, r, 1, q); /* a record left out */
	assert_memory_not_equal(p, q, 32);
	ctl_stest_proof(nonce, 1234, tester, testee, r, 2, q);
	assert_memory_equal(p, q, 32);
}

static void
test_streaks_and_vote(void **state)
{
	(void)state;
	struct ctl_stest_results r;
	uint8_t a[32], b[32], k[32];

	memset(a, 0xaa, 32);
	memset(b, 0xbb, 32);
	ctl_stest_results_init(&r, 3);
	assert_false(ctl_stest_failing(NULL, a));
	assert_int_equal(ctl_stest_results_add(&r, a, false), 1);
	assert_int_equal(ctl_stest_results_add(&r, a, false), 2);
	assert_false(ctl_stest_failing(&r, a)); /* one below */
	assert_int_equal(ctl_stest_results_add(&r, a, false), 3);
	assert_true(ctl_stest_failing(&r, a)); /* at the edge */
	assert_false(ctl_stest_failing(&r, b));
	assert_int_equal(ctl_stest_results_failing_count(&r), 1);

	/* the quorum vote: failing from storage tests alone, before the reachability grace */
	struct ctl_vote v;
	struct ctl_vote_conf vc = {.reach = (ctl_vote_reach_fn *)(uintptr_t)1,
				   .send = (ctl_vote_send_fn *)(uintptr_t)1,
				   .submit = (ctl_vote_submit_fn *)(uintptr_t)1,
				   .fail_after_ms = 1000000,
				   .stest = &r};

	assert_int_equal(ctl_vote_init(&v, &vc, 5000), 0);
	assert_true(ctl_vote_should_fail(&v, a, 5001));
	/* a pass ends the streak */
	assert_int_equal(ctl_stest_results_add(&r, a, true), 0);
	assert_false(ctl_stest_failing(&r, a));
	assert_int_equal(ctl_stest_results_failing_count(&r), 0);
	assert_false(ctl_vote_should_fail(&v, a, 5001)); /* within the grace: reach not asked */
	/* the table is bounded: the testee heard of longest ago makes room */
	(void)ctl_stest_results_add(&r, b, false);
	for (int i = 0; i < CTL_STEST_PEERS_MAX; i++) {
		memset(k, 0, 32);
		k[0] = (uint8_t)i;
		k[1] = (uint8_t)(i >> 8);
		k[2] = 1;
		(void)ctl_stest_results_add(&r, k, false);
	}
	assert_int_equal(ctl_stest_results_streak(&r, a), 0); /* evicted */
	assert_int_equal(ctl_stest_results_streak(&r, b), 0);
	assert_int_equal(ctl_stest_results_streak(&r, k), 1);
	/* failures 0: never failing */
	ctl_stest_results_init(&r, 0);
	for (int i = 0; i < 10; i++)
		(void)ctl_stest_results_add(&r, a, false);
	assert_false(ctl_stest_failing(&r, a));
}

static void
test_config_keys(void **state)
{
	(void)state;
	struct ctl_config c;
	char err[256];

	ctl_config_defaults(&c);
	assert_true(c.stest.enabled);
	assert_int_equal(c.stest.records, CTL_STEST_RECORDS_DEFAULT);
	assert_int_equal(c.stest.pairs, 1);
	assert_int_equal(c.stest.failures, CTL_STEST_FAILURES_DEFAULT);
	assert_int_equal(ctl_config_validate(&c, err, sizeof(err)), 0);
	assert_string_equal(ctl_config_stest_section("storage-test-records"), "storage_test");
	assert_null(ctl_config_stest_section("reach-tick-ms"));
	/* edges */
	assert_int_equal(ctl_config_set(&c, "storage-test-records", "16", err, sizeof(err)), 0);
	assert_int_equal(c.stest.records, 16);
	assert_int_equal(ctl_config_set(&c, "storage-test-records", "17", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ctl_config_set(&c, "storage-test-records", "0", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ctl_config_set(&c, "storage-test-pairs", "64", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "storage-test-pairs", "65", err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_config_set(&c, "storage-test-interval-ms", "100", err, sizeof(err)),
			 0);
	assert_true(c.stest.interval_ms == 100);
	assert_int_equal(ctl_config_set(&c, "storage-test-interval-ms", "99", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ctl_config_set(&c, "storage-test-failures", "1000", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "storage-test-failures", "1001", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ctl_config_set(&c, "storage-test-failures", "-1", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(ctl_config_set(&c, "storage-tests", "no", err, sizeof(err)), 0);
	assert_false(c.stest.enabled);
	assert_int_equal(ctl_config_set(&c, "storage-tests", "maybe", err, sizeof(err)), -EINVAL);
	/* retry must be below timeout: equal is refused */
	assert_int_equal(ctl_config_set(&c, "storage-test-timeout-ms", "2000", err, sizeof(err)),
			 0);
	assert_int_equal(ctl_config_set(&c, "storage-test-retry-ms", "1999", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_validate(&c, err, sizeof(err)), 0);
	assert_int_equal(ctl_config_set(&c, "storage-test-retry-ms", "2000", err, sizeof(err)), 0);
	assert_int_equal(ctl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "storage-test-retry-ms"));
}

static void
test_config_file_section(void **state)
{
	(void)state;
	char dir[64], path[128], err[256];
	struct ctl_config c;

	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	write_file(path, "[storage_test]\nstorage-test-records = 2\nstorage-test-pairs = 12\n");
	ctl_config_defaults(&c);
	assert_int_equal(ctl_config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.stest.records, 2);
	assert_int_equal(c.stest.pairs, 12);
	write_file(path, "[reach]\nstorage-test-records = 2\n");
	ctl_config_defaults(&c);
	assert_int_not_equal(ctl_config_load(&c, path, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "[storage_test]"));
	unlink(path);
	rmdir(dir);
}

static void
test_registry_recent_hashes(void **state)
{
	(void)state;
	struct ctl_registry r;
	char line[128], why[200];
	uint8_t h[32];

	ctl_registry_init(&r);
	assert_false(ctl_registry_block_hash(&r, 0, h));
	for (unsigned i = 1; i <= 100; i++) {
		snprintf(line, sizeof(line), "block %u %064x", i * 2, i);
		assert_int_equal(ctl_registry_apply_line(&r, line, why, sizeof(why)), 0);
	}
	/* last height 200: 171..200 are within the window; heights skip by 2 */
	assert_true(ctl_registry_block_hash(&r, 200, h));
	assert_int_equal(h[31], 100);
	assert_true(ctl_registry_block_hash(&r, 172, h));
	assert_int_equal(h[31], 86);
	assert_false(ctl_registry_block_hash(&r, 170, h)); /* 30 behind: out */
	assert_false(ctl_registry_block_hash(&r, 171, h)); /* in the window, no such block */
	assert_false(ctl_registry_block_hash(&r, 201, h));
	ctl_registry_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_quirk),
		cmocka_unit_test(test_pairs_match_reference),
		cmocka_unit_test(test_check_pair),
		cmocka_unit_test(test_request_wire),
		cmocka_unit_test(test_answer_wire_every_code),
		cmocka_unit_test(test_proof_known_answer),
		cmocka_unit_test(test_streaks_and_vote),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_file_section),
		cmocka_unit_test(test_registry_recent_hashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
