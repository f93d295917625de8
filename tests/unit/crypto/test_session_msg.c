/* SPDX-License-Identifier: MIT */
/*
 * crypto/session_msg.c: the upstream deterministic ciphertext, round trips,
 * every tampered, truncated or misaddressed ciphertext, forged signatures, and
 * the padding rule at each block edge.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "identity.h"
#include "kat.h"
#include "session_msg.h"
#include "snc.h"

static void
ident(struct snc_identity *id, uint8_t fill)
{
	uint8_t seed[SNC_SEED_BYTES];

	memset(seed, fill, sizeof(seed));
	assert_int_equal(snc_identity_from_seed(id, seed), 0);
}

static json_t *
vector(json_t *root, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(root, "vectors"), i,
			   v) if (strcmp(kat_str(v, "name"), name) == 0) return v;
	fail_msg("session_encrypt.json has no vector %s", name);
	return NULL;
}

/* libsession-util tests/test_session_encrypt.cpp "Session protocol deterministic encryption". */
static void
deterministic_matches_upstream_vector(void **state)
{
	json_t *root = kat_load("session_encrypt.json");
	json_t *v = vector(root, "deterministic_one_to_one");
	uint8_t sseed[32], rseed[32], rsid[33], spk[32], ssid[33], expect[256], out[256], msg[64];
	uint8_t got_pk[32], got_sid[33];
	struct snc_identity sender, recipient;
	const char *pt = kat_str(v, "plaintext_ascii");
	size_t elen, outlen = 0, msglen = 0;

	(void)state;
	kat_hex(v, "sender_ed25519_seed", sseed, 32, 32);
	kat_hex(v, "recipient_ed25519_seed", rseed, 32, 32);
	kat_hex(v, "recipient_session_id", rsid, 33, 33);
	kat_hex(v, "sender_ed25519_pubkey", spk, 32, 32);
	kat_hex(v, "sender_session_id", ssid, 33, 33);
	elen = kat_hex(v, "expected_ciphertext", expect, sizeof(expect), 0);
	assert_int_equal(elen, json_integer_value(json_object_get(v, "expected_ciphertext_len")));
	assert_int_equal(snc_identity_from_seed(&sender, sseed), 0);
	assert_int_equal(snc_identity_from_seed(&recipient, rseed), 0);
	assert_memory_equal(recipient.x25519_pk, rsid + 1, 32);

	assert_int_equal(snc_session_msg_encrypt_deterministic(&sender, rsid + 1,
							       (const uint8_t *)pt, strlen(pt), out,
							       sizeof(out), &outlen),
			 0);
	assert_int_equal(outlen, elen);
	assert_memory_equal(out, expect, elen);

	assert_int_equal(snc_session_msg_decrypt(&recipient, expect, elen, msg, sizeof(msg),
						 &msglen, got_pk, got_sid),
			 0);
	assert_int_equal(msglen, strlen(pt));
	assert_memory_equal(msg, pt, msglen);
	assert_memory_equal(got_pk, spk, 32);
	assert_memory_equal(got_sid, ssid, 33);
	json_decref(root);
}

static void
round_trips_at_many_lengths(void **state)
{
	static const size_t lens[] = {0, 1, 2, 158, 159, 160, 319, 1000, 65536};
	struct snc_identity s, r;
	uint8_t pk[32], sid[33], *msg, *ct, *ct2, *back;

	(void)state;
	ident(&s, 1);
	ident(&r, 2);
	msg = malloc(65536);
	ct = malloc(65536 + SNC_SESSION_MSG_OVERHEAD);
	ct2 = malloc(65536 + SNC_SESSION_MSG_OVERHEAD);
	back = malloc(65536);
	randombytes_buf(msg, 65536);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = lens[i], ctlen = 0, ct2len = 0, backlen = 0;

		assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, msg, n, ct,
							 n + SNC_SESSION_MSG_OVERHEAD, &ctlen),
				 0);
		assert_int_equal(ctlen, n + SNC_SESSION_MSG_OVERHEAD);
		assert_int_equal(snc_session_msg_decrypt(&r, ct, ctlen, back, n, &backlen, pk, sid),
				 0);
		assert_int_equal(backlen, n);
		if (n > 0)
			assert_memory_equal(back, msg, n);
		assert_memory_equal(pk, s.ed25519_pk, 32);
		assert_int_equal(sid[0], 0x05);
		assert_memory_equal(sid + 1, s.x25519_pk, 32);

		/* Random ephemeral keys: two encryptions differ. */
		assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, msg, n, ct2,
							 n + SNC_SESSION_MSG_OVERHEAD, &ct2len),
				 0);
		assert_memory_not_equal(ct, ct2, 32);

		/* Deterministic: equal twice, and an ordinary receiver opens it. */
		assert_int_equal(snc_session_msg_encrypt_deterministic(&s, r.x25519_pk, msg, n, ct,
								       n + SNC_SESSION_MSG_OVERHEAD,
								       &ctlen),
				 0);
		assert_int_equal(snc_session_msg_encrypt_deterministic(&s, r.x25519_pk, msg, n, ct2,
								       n + SNC_SESSION_MSG_OVERHEAD,
								       &ct2len),
				 0);
		assert_memory_equal(ct, ct2, ctlen);
		assert_int_equal(snc_session_msg_decrypt(&r, ct, ctlen, back, n, &backlen, pk, sid),
				 0);
		assert_int_equal(backlen, n);
		if (n > 0)
			assert_memory_equal(back, msg, n);
	}
	free(msg);
	free(ct);
	free(ct2);
	free(back);
}

static void
deterministic_depends_on_message_and_recipient(void **state)
{
	struct snc_identity s, r1, r2;
	uint8_t a[160], b[160], c[160];
	size_t la, lb, lc;

	(void)state;
	ident(&s, 1);
	ident(&r1, 2);
	ident(&r2, 3);
	assert_int_equal(snc_session_msg_encrypt_deterministic(
				 &s, r1.x25519_pk, (const uint8_t *)"hello", 5, a, sizeof(a), &la),
			 0);
	assert_int_equal(snc_session_msg_encrypt_deterministic(
				 &s, r1.x25519_pk, (const uint8_t *)"hellp", 5, b, sizeof(b), &lb),
			 0);
	assert_int_equal(snc_session_msg_encrypt_deterministic(
				 &s, r2.x25519_pk, (const uint8_t *)"hello", 5, c, sizeof(c), &lc),
			 0);
	assert_memory_not_equal(a, b, 32);
	assert_memory_not_equal(a, c, 32);
}

static void
every_flipped_bit_pattern_fails(void **state)
{
	struct snc_identity s, r;
	uint8_t ct[200], back[200], pk[32], sid[33], pk0[32] = {0}, sid0[33] = {0};
	size_t ctlen, backlen;
	static const uint8_t flips[] = {0x01, 0x80, 0xff};

	(void)state;
	ident(&s, 1);
	ident(&r, 2);
	assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, (const uint8_t *)"tamper", 6, ct,
						 sizeof(ct), &ctlen),
			 0);
	for (size_t i = 0; i < ctlen; i++)
		for (size_t f = 0; f < sizeof(flips); f++) {
			memset(pk, 0, sizeof(pk));
			memset(sid, 0, sizeof(sid));
			ct[i] ^= flips[f];
			assert_int_equal(snc_session_msg_decrypt(&r, ct, ctlen, back, sizeof(back),
								 &backlen, pk, sid),
					 -EBADMSG);
			ct[i] ^= flips[f];
			assert_memory_equal(pk, pk0, 32);
			assert_memory_equal(sid, sid0, 33);
		}
	assert_int_equal(
		snc_session_msg_decrypt(&r, ct, ctlen, back, sizeof(back), &backlen, pk, sid), 0);
}

static void
wrong_recipient_fails(void **state)
{
	struct snc_identity s, r, other;
	uint8_t ct[200], back[200], pk[32], sid[33];
	size_t ctlen, backlen;

	(void)state;
	ident(&s, 1);
	ident(&r, 2);
	ident(&other, 3);
	assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, (const uint8_t *)"x", 1, ct,
						 sizeof(ct), &ctlen),
			 0);
	assert_int_equal(
		snc_session_msg_decrypt(&other, ct, ctlen, back, sizeof(back), &backlen, pk, sid),
		-EBADMSG);
	/* The sender cannot open its own message either. */
	assert_int_equal(
		snc_session_msg_decrypt(&s, ct, ctlen, back, sizeof(back), &backlen, pk, sid),
		-EBADMSG);
}

static void
every_truncation_and_an_extension_fails(void **state)
{
	struct snc_identity s, r;
	uint8_t ct[400], back[400], pk[32], sid[33];
	size_t ctlen, backlen;

	(void)state;
	ident(&s, 1);
	ident(&r, 2);
	assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, (const uint8_t *)"truncate me",
						 11, ct, sizeof(ct), &ctlen),
			 0);
	for (size_t len = 0; len < ctlen; len++)
		assert_int_equal(
			snc_session_msg_decrypt(&r, ct, len, back, sizeof(back), &backlen, pk, sid),
			-EBADMSG);
	ct[ctlen] = 0;
	assert_int_equal(
		snc_session_msg_decrypt(&r, ct, ctlen + 1, back, sizeof(back), &backlen, pk, sid),
		-EBADMSG);
	/* Empty input with a NULL pointer is a short message, not a crash. */
	assert_int_equal(
		snc_session_msg_decrypt(&r, NULL, 0, back, sizeof(back), &backlen, pk, sid),
		-EBADMSG);
}

/* Seals inner (built by the test) to r, as a malicious sender could. */
static size_t
seal_raw(const struct snc_identity *r, const uint8_t *inner, size_t len, uint8_t *out)
{
	assert_int_equal(crypto_box_seal(out, inner, len, r->x25519_pk), 0);
	return len + crypto_box_SEALBYTES;
}

static void
forged_signatures_are_rejected(void **state)
{
	struct snc_identity s, r, other;
	uint8_t signed_part[5 + 64], inner[5 + 96], ct[300], back[300], pk[32], sid[33];
	size_t ctlen, backlen;

	(void)state;
	ident(&s, 1);
	ident(&r, 2);
	ident(&other, 3);

	/* Correct construction by hand: accepted (checks the test's own layout). */
	memcpy(signed_part, "hello", 5);
	memcpy(signed_part + 5, s.ed25519_pk, 32);
	memcpy(signed_part + 37, r.x25519_pk, 32);
	memcpy(inner, "hello", 5);
	memcpy(inner + 5, s.ed25519_pk, 32);
	crypto_sign_ed25519_detached(inner + 37, NULL, signed_part, sizeof(signed_part),
				     s.ed25519_sk);
	ctlen = seal_raw(&r, inner, sizeof(inner), ct);
	assert_int_equal(
		snc_session_msg_decrypt(&r, ct, ctlen, back, sizeof(back), &backlen, pk, sid), 0);

	/* Signature bit flipped inside a valid box. */
	inner[37] ^= 1;
	ctlen = seal_raw(&r, inner, sizeof(inner), ct);
	assert_int_equal(
		snc_session_msg_decrypt(&r, ct, ctlen, back, sizeof(back), &backlen, pk, sid),
		-EKEYREJECTED);
	inner[37] ^= 1;

	/* Claimed sender A is someone else: the signature does not verify under A. */
	memcpy(inner + 5, other.ed25519_pk, 32);
	ctlen = seal_raw(&r, inner, sizeof(inner), ct);
	assert_int_equal(
		snc_session_msg_decrypt(&r, ct, ctlen, back, sizeof(back), &backlen, pk, sid),
		-EKEYREJECTED);

	/* A message signed for another recipient and re-sealed to r (forwarding). */
	memcpy(signed_part + 37, other.x25519_pk, 32);
	memcpy(inner + 5, s.ed25519_pk, 32);
	crypto_sign_ed25519_detached(inner + 37, NULL, signed_part, sizeof(signed_part),
				     s.ed25519_sk);
	ctlen = seal_raw(&r, inner, sizeof(inner), ct);
	assert_int_equal(
		snc_session_msg_decrypt(&r, ct, ctlen, back, sizeof(back), &backlen, pk, sid),
		-EKEYREJECTED);
}

static void
argument_errors(void **state)
{
	struct snc_identity s, r;
	uint8_t ct[200], back[200], pk[32], sid[33], zero[32] = {0};
	size_t ctlen, backlen;

	(void)state;
	ident(&s, 1);
	ident(&r, 2);
	/* Output buffer one byte short, then exact. */
	assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, (const uint8_t *)"abc", 3, ct,
						 3 + SNC_SESSION_MSG_OVERHEAD - 1, &ctlen),
			 -ENOSPC);
	assert_int_equal(
		snc_session_msg_encrypt_deterministic(&s, r.x25519_pk, (const uint8_t *)"abc", 3,
						      ct, 3 + SNC_SESSION_MSG_OVERHEAD - 1, &ctlen),
		-ENOSPC);
	assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, (const uint8_t *)"abc", 3, ct,
						 3 + SNC_SESSION_MSG_OVERHEAD, &ctlen),
			 0);
	assert_int_equal(snc_session_msg_decrypt(&r, ct, ctlen, back, 2, &backlen, pk, sid),
			 -ENOSPC);
	assert_int_equal(snc_session_msg_decrypt(&r, ct, ctlen, back, 3, &backlen, pk, sid), 0);
	/* Sizes that overflow. */
	assert_int_equal(snc_session_msg_ciphertext_len(SIZE_MAX - SNC_SESSION_MSG_OVERHEAD),
			 SIZE_MAX);
	assert_int_equal(snc_session_msg_ciphertext_len(SIZE_MAX - SNC_SESSION_MSG_OVERHEAD + 1),
			 0);
	assert_int_equal(
		snc_session_msg_encrypt(&s, r.x25519_pk, ct, SIZE_MAX, ct, sizeof(ct), &ctlen),
		-EMSGSIZE);
	/* NULLs. */
	assert_int_equal(snc_session_msg_encrypt(NULL, r.x25519_pk, ct, 1, ct, sizeof(ct), &ctlen),
			 -EINVAL);
	assert_int_equal(snc_session_msg_encrypt(&s, NULL, ct, 1, ct, sizeof(ct), &ctlen), -EINVAL);
	assert_int_equal(snc_session_msg_encrypt(&s, r.x25519_pk, NULL, 1, ct, sizeof(ct), &ctlen),
			 -EINVAL);
	assert_int_equal(snc_session_msg_decrypt(&r, ct, ctlen, back, 3, NULL, pk, sid), -EINVAL);
	assert_int_equal(snc_session_msg_decrypt(&r, ct, ctlen, back, 3, &backlen, NULL, sid),
			 -EINVAL);
	/* A low-order recipient key (all zero) gives no shared secret. */
	assert_int_equal(snc_session_msg_encrypt(&s, zero, (const uint8_t *)"abc", 3, ct,
						 sizeof(ct), &ctlen),
			 -EKEYREJECTED);
	assert_int_equal(snc_session_msg_encrypt_deterministic(&s, zero, (const uint8_t *)"abc", 3,
							       ct, sizeof(ct), &ctlen),
			 -EKEYREJECTED);
}

static void
padded_length_at_block_edges(void **state)
{
	static const size_t cases[][2] = {
		{0, 159},   {1, 159},	{157, 159}, {158, 159}, {159, 319}, {160, 319},
		{317, 319}, {318, 319}, {319, 479}, {320, 479}, {478, 479}, {479, 639},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(snc_session_msg_padded_len(cases[i][0]), cases[i][1]);
	/* The largest length that still fits, and the first that does not. */
	assert_int_not_equal(snc_session_msg_padded_len(SIZE_MAX - 2 - SNC_SESSION_MSG_PAD_BLOCK),
			     0);
	assert_int_equal(snc_session_msg_padded_len(SIZE_MAX - 1 - SNC_SESSION_MSG_PAD_BLOCK), 0);
}

static void
pad_then_unpad_round_trips(void **state)
{
	uint8_t msg[700], out[800];
	size_t outlen, msglen;

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i % 255 + 1); /* never 0, so stripping cannot eat M */
	for (size_t len = 0; len <= 640; len++) {
		size_t total = snc_session_msg_padded_len(len);

		assert_int_equal(snc_session_msg_pad(msg, len, out, total - 1, &outlen), -ENOSPC);
		assert_int_equal(snc_session_msg_pad(msg, len, out, total, &outlen), 0);
		assert_int_equal(outlen, total);
		assert_int_equal(outlen % SNC_SESSION_MSG_PAD_BLOCK, SNC_SESSION_MSG_PAD_BLOCK - 1);
		assert_memory_equal(out, msg, len);
		assert_int_equal(out[len], 0x80);
		for (size_t j = len + 1; j < outlen; j++)
			assert_int_equal(out[j], 0);
		assert_int_equal(snc_session_msg_unpad(out, outlen, &msglen), 0);
		assert_int_equal(msglen, len);
	}
}

static void
unpad_keeps_zeros_and_0x80_inside_the_message(void **state)
{
	/* M ends in 0x80 0x00: only the last 0x80 after the zero run is the marker. */
	const uint8_t msg[] = {'a', 0x80, 0x00};
	uint8_t out[200];
	size_t outlen, msglen;

	(void)state;
	assert_int_equal(snc_session_msg_pad(msg, sizeof(msg), out, sizeof(out), &outlen), 0);
	assert_int_equal(snc_session_msg_unpad(out, outlen, &msglen), 0);
	assert_int_equal(msglen, sizeof(msg));
}

static void
unpad_rejects_missing_marker(void **state)
{
	const uint8_t zeros[159] = {0}, no_marker[4] = {'a', 'b', 0x7f, 0};
	const uint8_t only_marker[1] = {0x80}, marker_no_zeros[3] = {'a', 'b', 0x80};
	size_t msglen = 99;

	(void)state;
	assert_int_equal(snc_session_msg_unpad(zeros, 0, &msglen), -EBADMSG);
	assert_int_equal(snc_session_msg_unpad(NULL, 0, &msglen), -EBADMSG);
	assert_int_equal(snc_session_msg_unpad(zeros, sizeof(zeros), &msglen), -EBADMSG);
	assert_int_equal(snc_session_msg_unpad(no_marker, sizeof(no_marker), &msglen), -EBADMSG);
	assert_int_equal(msglen, 99);
	assert_int_equal(snc_session_msg_unpad(only_marker, 1, &msglen), 0);
	assert_int_equal(msglen, 0);
	/* Any padded length is accepted, not only k * 160 - 1. */
	assert_int_equal(snc_session_msg_unpad(marker_no_zeros, 3, &msglen), 0);
	assert_int_equal(msglen, 2);
	assert_int_equal(snc_session_msg_unpad(zeros, 1, NULL), -EINVAL);
}

static void
pad_argument_errors(void **state)
{
	uint8_t out[160] = {0};
	size_t outlen;

	(void)state;
	assert_int_equal(snc_session_msg_pad(out, SIZE_MAX, out, sizeof(out), &outlen), -EMSGSIZE);
	assert_int_equal(snc_session_msg_pad(NULL, 1, out, sizeof(out), &outlen), -EINVAL);
	assert_int_equal(snc_session_msg_pad(NULL, 0, out, sizeof(out), &outlen), 0);
	assert_int_equal(outlen, 159);
	assert_int_equal(snc_session_msg_pad(out, 1, NULL, sizeof(out), &outlen), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deterministic_matches_upstream_vector),
		cmocka_unit_test(round_trips_at_many_lengths),
		cmocka_unit_test(deterministic_depends_on_message_and_recipient),
		cmocka_unit_test(every_flipped_bit_pattern_fails),
		cmocka_unit_test(wrong_recipient_fails),
		cmocka_unit_test(every_truncation_and_an_extension_fails),
		cmocka_unit_test(forged_signatures_are_rejected),
		cmocka_unit_test(argument_errors),
		cmocka_unit_test(padded_length_at_block_edges),
		cmocka_unit_test(pad_then_unpad_round_trips),
		cmocka_unit_test(unpad_keeps_zeros_and_0x80_inside_the_message),
		cmocka_unit_test(unpad_rejects_missing_marker),
		cmocka_unit_test(pad_argument_errors),
	};

	if (snc_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("crypto/session_msg", tests, NULL, NULL);
}
