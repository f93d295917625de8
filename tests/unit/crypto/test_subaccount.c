/* SPDX-License-Identifier: MIT */
/* crypto/subaccount.c: the upstream group token, server checks, admin/member derivation. */
#include <errno.h>

#include "account.h"
#include "kat.h"
#include "subaccount.h"
#include "test_common.h"

/* The group subaccount vector of tests/kat/signatures.json (libsession-util
 * tests/test_group_keys.cpp "Group Keys - swarm authentication"). */
struct vec {
	uint8_t group_seed[32], group_pk[32], member_seed[32], member_x[32];
	uint8_t token[36], subsig[64], sig[64];
	char token_b64[64], msg[64];
};

static void
load_vec(struct vec *v)
{
	json_t *kat = kat_load("signatures.json"), *e;
	size_t i;
	bool found = false;

	json_array_foreach(json_object_get(kat, "vectors"), i, e)
	{
		uint8_t sid[33];

		if (strcmp(kat_str(e, "name"), "group_subaccount_retrieve") != 0)
			continue;
		kat_hex(e, "group_ed25519_seed", v->group_seed, 32, 32);
		kat_hex(e, "group_ed25519_pubkey", v->group_pk, 32, 32);
		kat_hex(e, "member_ed25519_seed", v->member_seed, 32, 32);
		kat_hex(e, "member_session_id", sid, 33, 33);
		memcpy(v->member_x, sid + 1, 32);
		kat_hex(e, "subaccount", v->token, 36, 36);
		kat_hex(e, "subaccount_sig", v->subsig, 64, 64);
		kat_hex(e, "signature", v->sig, 64, 64);
		snprintf(v->token_b64, sizeof(v->token_b64), "%s", kat_str(e, "subaccount_b64"));
		snprintf(v->msg, sizeof(v->msg), "%s", kat_str(e, "message_ascii"));
		found = true;
	}
	assert_true(found);
	json_decref(kat);
}

static void
admin_derivation_reproduces_upstream_token(void **state)
{
	struct vec v;
	uint8_t auth[100], token[36];

	(void)state;
	load_vec(&v);
	assert_int_equal(snc_subaccount_make(v.group_seed, v.member_x,
					     SNC_SUBACCOUNT_READ | SNC_SUBACCOUNT_WRITE, auth,
					     token),
			 0);
	assert_memory_equal(token, v.token, 36);
	assert_memory_equal(auth, v.token, 4);	      /* 03 || flags || 00 00 */
	assert_memory_equal(auth + 36, v.subsig, 64); /* Sig_group(token) */
	assert_int_equal(snc_subaccount_make(v.group_seed, v.member_x, 0x03, auth, NULL), 0);
	assert_int_equal(snc_subaccount_make(v.group_seed, v.member_x, 0x10, auth, token), -EINVAL);
}

static void
member_signature_reproduces_upstream(void **state)
{
	struct vec v;
	uint8_t auth[100], pk[32], sk[64], token[36], subsig[64], sig[64];

	(void)state;
	load_vec(&v);
	crypto_sign_seed_keypair(pk, sk, v.member_seed);
	snc_subaccount_make(v.group_seed, v.member_x, 0x03, auth, NULL);
	assert_int_equal(snc_subaccount_sign(sk, auth, (const uint8_t *)v.msg, strlen(v.msg), token,
					     subsig, sig),
			 0);
	assert_memory_equal(token, v.token, 36);
	assert_memory_equal(subsig, v.subsig, 64);
	assert_memory_equal(sig, v.sig, 64);
	assert_int_equal(
		crypto_sign_verify_detached(sig, (const uint8_t *)v.msg, strlen(v.msg), token + 4),
		0);
}

/* The member scalar is negated when the member's Ed key is negative; find such a key. */
static void
member_with_negative_key_still_verifies(void **state)
{
	struct vec v;
	uint8_t seed[32], pk[32], sk[64], x[32], auth[100], want[36], token[36], subsig[64],
		sig[64];
	const uint8_t msg[] = "store1693340111000";
	int tries = 0;

	(void)state;
	load_vec(&v);
	for (int sign = 0; sign < 2; sign++) {
		do {
			randombytes_buf(seed, sizeof(seed));
			crypto_sign_seed_keypair(pk, sk, seed);
			assert_true(++tries < 1000);
		} while (((pk[31] & 0x80) != 0) != (sign == 1));
		snc_account_x25519_from_ed25519(pk, x);
		assert_int_equal(snc_subaccount_make(v.group_seed, x, 0x07, auth, want), 0);
		assert_int_equal(
			snc_subaccount_sign(sk, auth, msg, sizeof(msg) - 1, token, subsig, sig), 0);
		assert_memory_equal(token, want, 36);
		assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof(msg) - 1, token + 4),
				 0);
		assert_int_equal(snc_subaccount_check(token, subsig, 0x03, v.group_pk, 0x07), 0);
	}
}

static void
check_follows_the_server_order(void **state)
{
	struct vec v;
	uint8_t tok[36], gpk[32], gsk[64], sig[64];

	(void)state;
	load_vec(&v);
	assert_int_equal(snc_subaccount_check(v.token, v.subsig, 0x03, v.group_pk, 0x03), 0);
	assert_int_equal(snc_subaccount_check(v.token, v.subsig, 0x03, v.group_pk, 0x01), 0);
	assert_int_equal(snc_subaccount_check(v.token, v.subsig, 0x03, v.group_pk, 0x00), 0);
	assert_int_equal(snc_subaccount_check(v.token, v.subsig, 0x03, v.group_pk, 0x04), -EACCES);
	assert_int_equal(snc_subaccount_check(v.token, v.subsig, 0x03, v.group_pk, 0x07), -EACCES);
	/* netid is checked before flags and signature */
	assert_int_equal(snc_subaccount_check(v.token, v.subsig, 0x05, v.group_pk, 0x04), -EXDEV);
	for (int i = 0; i < 64; i++) {
		v.subsig[i] ^= 0x20;
		assert_int_equal(snc_subaccount_check(v.token, v.subsig, 0x03, v.group_pk, 1),
				 -EPERM);
		v.subsig[i] ^= 0x20;
	}
	for (int i = 0; i < 36; i++) { /* any change to the token voids subaccount_sig */
		memcpy(tok, v.token, 36);
		tok[i] ^= i == 1 ? 0x01 : 0x80; /* keep netid/flag checks passing where possible */
		if (i == 0)
			continue;
		assert_int_equal(snc_subaccount_check(tok, v.subsig, 0x03, v.group_pk, 0), -EPERM);
	}
	/* AnyPrefix: a freshly signed token for another netid works on 03. */
	crypto_sign_seed_keypair(gpk, gsk, v.group_seed);
	snc_subaccount_token_build(0x07, SNC_SUBACCOUNT_READ | SNC_SUBACCOUNT_ANY_PREFIX,
				   v.token + 4, tok);
	crypto_sign_detached(sig, NULL, tok, 36, gsk);
	assert_int_equal(snc_subaccount_check(tok, sig, 0x03, gpk, SNC_SUBACCOUNT_READ), 0);
	snc_subaccount_token_build(0x07, SNC_SUBACCOUNT_READ, v.token + 4, tok);
	crypto_sign_detached(sig, NULL, tok, 36, gsk);
	assert_int_equal(snc_subaccount_check(tok, sig, 0x03, gpk, SNC_SUBACCOUNT_READ), -EXDEV);
	assert_int_equal(snc_subaccount_check(tok, sig, 0x07, gpk, SNC_SUBACCOUNT_READ), 0);
}

static void
token_build_parse_decode(void **state)
{
	struct vec v;
	struct snc_subaccount_token t;
	uint8_t out[36];
	char hex[80], buf[80];

	(void)state;
	load_vec(&v);
	assert_int_equal(snc_subaccount_token_parse(v.token, &t), 0);
	assert_int_equal(t.netid, 0x03);
	assert_int_equal(t.flags, SNC_SUBACCOUNT_READ | SNC_SUBACCOUNT_WRITE);
	assert_int_equal(t.reserved[0] | t.reserved[1], 0);
	assert_memory_equal(t.pubkey, v.token + 4, 32);
	assert_int_equal(snc_subaccount_token_build(t.netid, t.flags, t.pubkey, out), 0);
	assert_memory_equal(out, v.token, 36);
	assert_int_equal(snc_subaccount_token_build(3, 0x0f, t.pubkey, out), 0);
	assert_int_equal(snc_subaccount_token_build(3, 0x10, t.pubkey, out), -EINVAL);
	assert_int_equal(snc_subaccount_token_build(3, 0x80, t.pubkey, out), -EINVAL);
	assert_int_equal(snc_subaccount_token_parse(NULL, &t), -EINVAL);

	assert_int_equal(snc_subaccount_token_decode(v.token_b64, 48, out), 0);
	assert_memory_equal(out, v.token, 36);
	sodium_bin2hex(hex, sizeof(hex), v.token, 36);
	assert_int_equal(snc_subaccount_token_decode(hex, 72, out), 0);
	assert_memory_equal(out, v.token, 36);
	for (size_t len = 0; len < 76; len++) {
		if (len == 48 || len == 72)
			continue;
		memcpy(buf, hex, 72);
		assert_int_equal(snc_subaccount_token_decode(buf, len, out), -EINVAL);
	}
	memcpy(buf, hex, 73);
	buf[71] = 'x';
	assert_int_equal(snc_subaccount_token_decode(buf, 72, out), -EINVAL);
	memcpy(buf, v.token_b64, 49);
	buf[47] = '*';
	assert_int_equal(snc_subaccount_token_decode(buf, 48, out), -EINVAL);
	assert_int_equal(snc_subaccount_token_decode(NULL, 48, out), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(admin_derivation_reproduces_upstream_token),
		cmocka_unit_test(member_signature_reproduces_upstream),
		cmocka_unit_test(member_with_negative_key_still_verifies),
		cmocka_unit_test(check_follows_the_server_order),
		cmocka_unit_test(token_build_parse_decode),
	};

	return RUN_GROUP("crypto/subaccount", tests);
}
