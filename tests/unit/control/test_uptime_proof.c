/* SPDX-License-Identifier: MIT */
/*
 * control/uptime_proof.c: the byte layout (built here independently and
 * checked with libsodium's verify), every field round-trips, and each
 * rejection: a malformed length or version, another node's key, a bad
 * signature (signature or any signed byte altered), stale and future
 * timestamps at the tolerance edge.
 */
#include <sodium.h>

#include "test_common_ctl.h"
#include "uptime_proof.h"

static uint8_t pk[32], sk[64], other_pk[32], other_sk[64];

static int
setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	crypto_sign_ed25519_keypair(pk, sk);
	crypto_sign_ed25519_keypair(other_pk, other_sk);
	return 0;
}

static struct ctl_uptime_proof
sample(uint64_t ts)
{
	struct ctl_uptime_proof p = {.timestamp_ms = ts,
				     .version = {1, 2, 0x0304},
				     .ip = 0x0a4d0102, /* 10.77.1.2 */
				     .https_port = 22021,
				     .dp_port = 65535};

	memcpy(p.pubkey, pk, 32);
	return p;
}

static void
layout_is_the_documented_one(void **state)
{
	struct ctl_uptime_proof p = sample(0x0102030405060708ULL);
	uint8_t b[CTL_UPTIME_PROOF_BYTES], msg[21 + 55];
	static const uint8_t tail[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* timestamp */
		0x00, 0x01, 0x00, 0x02, 0x03, 0x04,		/* version 1.2.772 */
		0x0a, 0x4d, 0x01, 0x02,				/* 10.77.1.2 */
		0x56, 0x05,					/* 22021 */
		0xff, 0xff,					/* 65535 */
	};

	(void)state;
	ctl_uptime_proof_sign(&p, sk, b);
	assert_int_equal(b[0], 1);
	assert_memory_equal(b + 1, pk, 32);
	assert_memory_equal(b + 33, tail, sizeof(tail));
	memcpy(msg, "snode-uptime-proof-v1", 21);
	memcpy(msg + 21, b, 55);
	assert_int_equal(crypto_sign_ed25519_verify_detached(b + 55, msg, sizeof(msg), pk), 0);
}

static void
fields_round_trip_and_verify(void **state)
{
	struct ctl_uptime_proof p = sample(1700000000000ULL), q;
	uint8_t b[CTL_UPTIME_PROOF_BYTES];

	(void)state;
	ctl_uptime_proof_sign(&p, sk, b);
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, 1700000000000ULL, 300000, &q),
			 CTL_UPTIME_OK);
	assert_memory_equal(&p, &q, sizeof(p));
}

static void
malformed_lengths_and_version(void **state)
{
	struct ctl_uptime_proof p = sample(1000), q;
	uint8_t b[CTL_UPTIME_PROOF_BYTES + 1] = {0};

	(void)state;
	ctl_uptime_proof_sign(&p, sk, b);
	assert_int_equal(ctl_uptime_proof_verify(b, CTL_UPTIME_PROOF_BYTES - 1, pk, 1000, 0, &q),
			 CTL_UPTIME_MALFORMED);
	assert_int_equal(ctl_uptime_proof_verify(b, CTL_UPTIME_PROOF_BYTES + 1, pk, 1000, 0, &q),
			 CTL_UPTIME_MALFORMED);
	assert_int_equal(ctl_uptime_proof_verify(b, 0, pk, 1000, 0, &q), CTL_UPTIME_MALFORMED);
	b[0] = 2;
	assert_int_equal(ctl_uptime_proof_verify(b, CTL_UPTIME_PROOF_BYTES, pk, 1000, 0, &q),
			 CTL_UPTIME_MALFORMED);
}

static void
another_nodes_key_is_wrong_key(void **state)
{
	struct ctl_uptime_proof p = sample(1000), q;
	uint8_t b[CTL_UPTIME_PROOF_BYTES];

	(void)state;
	ctl_uptime_proof_sign(&p, sk, b);
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), other_pk, 1000, 0, &q),
			 CTL_UPTIME_WRONG_KEY);
	/* signed by another key over our pubkey: the signature is bad */
	ctl_uptime_proof_sign(&p, other_sk, b);
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, 1000, 0, &q),
			 CTL_UPTIME_BAD_SIGNATURE);
}

static void
every_altered_byte_breaks_the_signature(void **state)
{
	struct ctl_uptime_proof p = sample(5000), q;
	uint8_t b[CTL_UPTIME_PROOF_BYTES];

	(void)state;
	ctl_uptime_proof_sign(&p, sk, b);
	for (size_t i = 33; i < sizeof(b); i++) { /* 0 is the version, 1..32 the key */
		b[i] ^= 0x01;
		assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, 5000, 1u << 30, &q),
				 CTL_UPTIME_BAD_SIGNATURE);
		b[i] ^= 0x01;
	}
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, 5000, 0, &q), CTL_UPTIME_OK);
}

static void
timestamps_at_the_tolerance_edges(void **state)
{
	const uint64_t ts = 1700000000000ULL, tol = 300000;
	struct ctl_uptime_proof p = sample(ts), q;
	uint8_t b[CTL_UPTIME_PROOF_BYTES];

	(void)state;
	ctl_uptime_proof_sign(&p, sk, b);
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, ts + tol, tol, &q),
			 CTL_UPTIME_OK);
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, ts + tol + 1, tol, &q),
			 CTL_UPTIME_STALE);
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, ts - tol, tol, &q),
			 CTL_UPTIME_OK);
	assert_int_equal(ctl_uptime_proof_verify(b, sizeof(b), pk, ts - tol - 1, tol, &q),
			 CTL_UPTIME_FUTURE);
}

/* docs/reachability.md's vector, computed independently with PyNaCl (the fuzz seed
 * tests/fuzz/corpus/uptime_proof/valid): seed 00..1f, 1700000000000 ms, version 0.1.2,
 * 127.0.0.1, ports 22021 and 22030. */
static void
matches_the_independent_vector(void **state)
{
	static const char hex[] =
		"0103a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b80000018bcfe56800"
		"0000000100027f0000015605560ee693b2a04f44bcd67877e167dde1d12485a6cda9628350db79752f"
		"fbcc5403cf530edc18788bc34b9ad774d31dd8e2e54af5f2056cd6985fb25ca8a8b8558103";
	uint8_t seed[32], vpk[32], vsk[64], want[CTL_UPTIME_PROOF_BYTES],
		got[CTL_UPTIME_PROOF_BYTES];
	struct ctl_uptime_proof p = {.timestamp_ms = 1700000000000ULL,
				     .version = {0, 1, 2},
				     .ip = 0x7f000001,
				     .https_port = 22021,
				     .dp_port = 22030},
				q;

	(void)state;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	crypto_sign_ed25519_seed_keypair(vpk, vsk, seed);
	memcpy(p.pubkey, vpk, 32);
	assert_int_equal(sodium_hex2bin(want, sizeof(want), hex, sizeof(hex) - 1, NULL, NULL, NULL),
			 0);
	ctl_uptime_proof_sign(&p, vsk, got);
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(ctl_uptime_proof_verify(want, sizeof(want), vpk, p.timestamp_ms, 0, &q),
			 CTL_UPTIME_OK);
}

static void
verdict_names(void **state)
{
	(void)state;
	assert_string_equal(ctl_uptime_proof_verdict_name(CTL_UPTIME_OK), "ok");
	assert_string_equal(ctl_uptime_proof_verdict_name(CTL_UPTIME_BAD_SIGNATURE),
			    "bad_signature");
	assert_string_equal(ctl_uptime_proof_verdict_name(CTL_UPTIME_OLDER), "older");
	assert_string_equal(ctl_uptime_proof_verdict_name((enum ctl_uptime_verdict)99), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_is_the_documented_one),
		cmocka_unit_test(fields_round_trip_and_verify),
		cmocka_unit_test(malformed_lengths_and_version),
		cmocka_unit_test(another_nodes_key_is_wrong_key),
		cmocka_unit_test(every_altered_byte_breaks_the_signature),
		cmocka_unit_test(timestamps_at_the_tolerance_edges),
		cmocka_unit_test(matches_the_independent_vector),
		cmocka_unit_test(verdict_names),
	};

	return cmocka_run_group_tests_name("uptime_proof", tests, setup, NULL);
}
