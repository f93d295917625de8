/* SPDX-License-Identifier: MIT */
/* crypto/account.c: ID parsing/formatting, Ed -> X conversion check, XEd25519. */
#include <errno.h>

#include "account.h"
#include "kat.h"
#include "test_common.h"

static const char sid_hex[] = "05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72";
static const char sid_ed_hex[] = "4cb76fdc6d32278e3f83dbf608360ecc6b65727934b85d2fb86862ff98c46ab7";

static void
parse_accepts_the_server_forms(void **state)
{
	uint8_t want[33], got[33];
	char upper[67];

	(void)state;
	unhex(sid_hex, want, 33);
	assert_int_equal(snc_account_parse(sid_hex, 66, false, got), 0);
	assert_memory_equal(got, want, 33);
	for (int i = 0; i < 66; i++)
		upper[i] = (char)(sid_hex[i] >= 'a' ? sid_hex[i] - 32 : sid_hex[i]);
	assert_int_equal(snc_account_parse(upper, 66, false, got), 0);
	assert_memory_equal(got, want, 33);
	assert_int_equal(snc_account_parse((const char *)want, 33, false, got), 0); /* bt: raw */
	assert_memory_equal(got, want, 33);
	/* Testnet only: 64 hex digits or 32 bytes are a Session ID without its 05. */
	assert_int_equal(snc_account_parse(sid_hex + 2, 64, false, got), -EINVAL);
	assert_int_equal(snc_account_parse(sid_hex + 2, 64, true, got), 0);
	assert_memory_equal(got, want, 33);
	assert_int_equal(snc_account_parse((const char *)want + 1, 32, false, got), -EINVAL);
	assert_int_equal(snc_account_parse((const char *)want + 1, 32, true, got), 0);
	assert_memory_equal(got, want, 33);
}

static void
parse_rejects_bad_lengths_and_digits(void **state)
{
	char buf[80];
	uint8_t got[33], before[33];

	(void)state;
	memset(got, 0xaa, sizeof(got));
	memcpy(before, got, sizeof(got));
	memcpy(buf, sid_hex, 66);
	for (size_t len = 0; len < sizeof(buf); len++) {
		if (len == 66 || len == 33)
			continue;
		assert_int_equal(snc_account_parse(buf, len, false, got), -EINVAL);
	}
	for (size_t i = 0; i < 66; i++) {
		memcpy(buf, sid_hex, 66);
		buf[i] = 'g';
		assert_int_equal(snc_account_parse(buf, 66, false, got), -EINVAL);
		buf[i] = '\0';
		assert_int_equal(snc_account_parse(buf, 66, false, got), -EINVAL);
	}
	assert_memory_equal(got, before, 33); /* nothing written on failure */
	assert_int_equal(snc_account_parse(NULL, 66, false, got), -EINVAL);
}

static void
format_round_trips_and_hides_testnet_00(void **state)
{
	uint8_t pk[33];
	char out[SNC_ACCOUNT_HEX_BUF];

	(void)state;
	unhex(sid_hex, pk, 33);
	assert_int_equal(snc_account_format(pk, false, out, sizeof(out)), 0);
	assert_string_equal(out, sid_hex);
	assert_int_equal(snc_account_format(pk, true, out, sizeof(out)), 0);
	assert_string_equal(out, sid_hex); /* only 00 is bare */
	assert_int_equal(snc_account_format(pk, false, out, 66), -ENOSPC);
	pk[0] = 0x00;
	assert_int_equal(snc_account_format(pk, true, out, 65), 0);
	assert_string_equal(out, sid_hex + 2);
	assert_int_equal(snc_account_format(pk, true, out, 64), -ENOSPC);
	assert_int_equal(snc_account_format(pk, false, out, sizeof(out)), 0);
	assert_int_equal(strncmp(out, "00", 2), 0);
}

/* tests/kat/accounts.json: libsession-util test_curve25519.cpp, test_ed25519.cpp,
 * test_xed25519.cpp, test_session_encrypt.cpp, test_group_keys.cpp. */
static void
upstream_vectors(void **state)
{
	json_t *kat = kat_load("accounts.json"), *v;
	size_t i, checked = 0;

	(void)state;
	json_array_foreach(json_object_get(kat, "vectors"), i, v)
	{
		const char *kind = kat_str(v, "kind");
		uint8_t seed[32], pk[32], sk[64], x[32], want[33], got[33];

		if (strcmp(kind, "ed25519_pk_to_x25519_pk") == 0) {
			kat_hex(v, "ed25519_pubkey", pk, 32, 32);
			kat_hex(v, "expected_x25519_pubkey", want, 32, 32);
			assert_int_equal(snc_account_x25519_from_ed25519(pk, x), 0);
			assert_memory_equal(x, want, 32);
			kat_hex(v, "expected_session_id", want, 33, 33);
			assert_int_equal(snc_account_session_id_from_ed25519(pk, got), 0);
			assert_memory_equal(got, want, 33);
			assert_int_equal(snc_account_check_ed25519(want, pk), 0);
			checked++;
		} else if (strcmp(kind, "seed_to_session_id") == 0) {
			kat_hex(v, "ed25519_seed", seed, 32, 32);
			crypto_sign_seed_keypair(pk, sk, seed);
			if (json_object_get(v, "expected_ed25519_pubkey") != NULL) {
				kat_hex(v, "expected_ed25519_pubkey", want, 32, 32);
				assert_memory_equal(pk, want, 32);
			}
			kat_hex(v, "expected_session_id", want, 33, 33);
			assert_int_equal(snc_account_session_id_from_ed25519(pk, got), 0);
			assert_memory_equal(got, want, 33);
			assert_int_equal(snc_account_check_ed25519(want, pk), 0);
			checked++;
		} else if (strcmp(kind, "seed_to_group_id") == 0) {
			kat_hex(v, "ed25519_seed", seed, 32, 32);
			crypto_sign_seed_keypair(pk, sk, seed);
			kat_hex(v, "expected_group_id", want, 33, 33);
			assert_int_equal(want[0], SNC_ACCOUNT_NETID_GROUP);
			assert_memory_equal(pk, want + 1, 32);
			/* A group signs with its own key: pubkey_ed25519 is not for 03. */
			assert_int_equal(snc_account_check_ed25519(want, pk), -EPROTO);
			checked++;
		} else if (strcmp(kind, "xed25519_pubkey") == 0) {
			kat_hex(v, "x25519_pubkey", x, 32, 32);
			kat_hex(v, "expected_xed25519_pubkey", want, 32, 32);
			assert_int_equal(snc_account_xed25519_pubkey(x, got), 0);
			assert_memory_equal(got, want, 32);
			/* The XEd key is the real Ed key with its sign bit cleared. */
			kat_hex(v, "ed25519_pubkey", pk, 32, 32);
			pk[31] &= 0x7f;
			assert_memory_equal(got, pk, 32);
			checked++;
		}
	}
	assert_true(checked >= 9);
	json_decref(kat);
}

/* XEd(X(A)) = |A| for any key, whichever its sign (both signs occur in 64 seeds). */
static void
xed_inverts_the_conversion(void **state)
{
	int negatives = 0;

	(void)state;
	for (int i = 0; i < 64; i++) {
		uint8_t seed[32], pk[32], sk[64], x[32], xed[32];

		randombytes_buf(seed, sizeof(seed));
		crypto_sign_seed_keypair(pk, sk, seed);
		negatives += (pk[31] & 0x80) != 0;
		assert_int_equal(snc_account_x25519_from_ed25519(pk, x), 0);
		assert_int_equal(snc_account_xed25519_pubkey(x, xed), 0);
		pk[31] &= 0x7f;
		assert_memory_equal(xed, pk, 32);
		x[31] |= 0x80; /* the top bit of u is ignored */
		assert_int_equal(snc_account_xed25519_pubkey(x, xed), 0);
		assert_memory_equal(xed, pk, 32);
	}
	assert_true(negatives > 0);
}

static void
xed_edge_values(void **state)
{
	/* u = p - 1 = -1: u + 1 = 0, no y. u = 0 gives y = -1; u = 1 gives y = 0. */
	uint8_t u[32], y[32], want[32] = {0};

	(void)state;
	memset(u, 0xff, 32);
	u[0] = 0xec, u[31] = 0x7f;
	assert_int_equal(snc_account_xed25519_pubkey(u, y), -EINVAL);
	memset(u, 0, 32);
	u[0] = 1;
	assert_int_equal(snc_account_xed25519_pubkey(u, y), 0);
	assert_memory_equal(y, want, 32);
	memset(u, 0, 32);
	assert_int_equal(snc_account_xed25519_pubkey(u, y), 0);
	memset(want, 0xff, 32);
	want[0] = 0xec, want[31] = 0x7f;
	assert_memory_equal(y, want, 32);
	/* u = p + 1 (non-canonical, top bit clear) reduces to 1. */
	memset(u, 0xff, 32);
	u[0] = 0xee, u[31] = 0x7f;
	assert_int_equal(snc_account_xed25519_pubkey(u, y), 0);
	memset(want, 0, 32);
	assert_memory_equal(y, want, 32);
}

static void
check_ed25519_rejects_any_other_key(void **state)
{
	uint8_t sid[33], ed[32];

	(void)state;
	unhex(sid_hex, sid, 33);
	unhex(sid_ed_hex, ed, 32);
	assert_int_equal(snc_account_check_ed25519(sid, ed), 0);
	for (int i = 0; i < 32; i++) {
		ed[i] ^= 0x01;
		assert_int_equal(snc_account_check_ed25519(sid, ed), -EKEYREJECTED);
		ed[i] ^= 0x01;
	}
	for (int i = 1; i < 33; i++) {
		sid[i] ^= 0x40;
		assert_int_equal(snc_account_check_ed25519(sid, ed), -EKEYREJECTED);
		sid[i] ^= 0x40;
	}
	sid[0] = 0x00; /* even testnet's bare IDs may not send pubkey_ed25519 */
	assert_int_equal(snc_account_check_ed25519(sid, ed), -EPROTO);
	sid[0] = 0x05;
	memset(ed, 0, 32); /* small-order: libsodium refuses to convert */
	assert_int_equal(snc_account_x25519_from_ed25519(ed, sid + 1), -EINVAL);
	assert_int_equal(snc_account_check_ed25519(sid, ed), -EKEYREJECTED);
}

static void
sign_scalar_matches_ed25519(void **state)
{
	/* With a = the clamped scalar of a seed and r arbitrary, the signature verifies. */
	uint8_t seed[32] = {7}, pk[32], sk[64], a[32], r[32] = {9}, sig[64], zero[32] = {0};
	const uint8_t msg[] = "hello";

	(void)state;
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_ed25519_sk_to_curve25519(a, sk);
	assert_int_equal(snc_account_sign_scalar(a, pk, r, msg, 5, sig), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, 5, pk), 0);
	sig[40] ^= 1;
	assert_int_not_equal(crypto_sign_verify_detached(sig, msg, 5, pk), 0);
	assert_int_equal(snc_account_sign_scalar(a, pk, zero, msg, 5, sig), -EDOM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_accepts_the_server_forms),
		cmocka_unit_test(parse_rejects_bad_lengths_and_digits),
		cmocka_unit_test(format_round_trips_and_hides_testnet_00),
		cmocka_unit_test(upstream_vectors),
		cmocka_unit_test(xed_inverts_the_conversion),
		cmocka_unit_test(xed_edge_values),
		cmocka_unit_test(check_ed25519_rejects_any_other_key),
		cmocka_unit_test(sign_scalar_matches_ed25519),
	};

	return RUN_GROUP("crypto/account", tests);
}
