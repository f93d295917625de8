/* SPDX-License-Identifier: MIT */
/* crypto/blind.c: upstream 15/25 IDs and signatures, pysogs IDs, the 07 version key. */
#include <errno.h>

#include "account.h"
#include "blind.h"
#include "kat.h"
#include "test_common.h"

/* tests/kat/blinding.json: session-foundation/libsession-util tests/test_blinding.cpp. */
static void
upstream_ids(void **state)
{
	json_t *kat = kat_load("blinding.json"), *v;
	size_t i, n15 = 0, n25 = 0;

	(void)state;
	json_array_foreach(json_object_get(kat, "vectors"), i, v)
	{
		const char *kind = kat_str(v, "kind");
		uint8_t sid[33], spk[32], want[33], ids[2][33];

		if (strcmp(kind, "blind15_id") != 0 && strcmp(kind, "blind25_id") != 0)
			continue;
		kat_hex(v, "session_id", sid, 33, 33);
		kat_hex(v, "server_pk", spk, 32, 32);
		kat_hex(v, "expected_blinded_id", want, 33, 33);
		if (kind[5] == '1') {
			assert_int_equal(snc_blind_id15(sid, spk, ids), 0);
			assert_memory_equal(ids[0], want, 33);
			want[32] ^= 0x80;
			assert_memory_equal(ids[1], want, 33);
			assert_int_equal(snc_blind_matches(sid, ids[1], spk), 0);
			n15++;
		} else {
			assert_int_equal(snc_blind_id25(sid, spk, ids[0]), 0);
			assert_memory_equal(ids[0], want, 33);
			n25++;
		}
		assert_int_equal(snc_blind_matches(sid, want, spk), 0);
		want[32] ^= 0x01;
		assert_int_equal(snc_blind_matches(sid, want, spk), -ENOENT);
	}
	assert_int_equal(n15, 2);
	assert_int_equal(n25, 3);
	json_decref(kat);
}

/* Same file: 6 blind15 and 6 blind25 signatures, byte for byte. */
static void
upstream_signatures(void **state)
{
	json_t *kat = kat_load("blinding.json"), *v;
	size_t i, count = 0;

	(void)state;
	json_array_foreach(json_object_get(kat, "vectors"), i, v)
	{
		const char *kind = kat_str(v, "kind"), *m;
		uint8_t sk[64], spk[32], want[64], sig[64], id[33], id_kat[33];
		bool is15 = strcmp(kind, "blind15_sign") == 0;

		if (!is15 && strcmp(kind, "blind25_sign") != 0)
			continue;
		kat_hex(v, "ed25519_secret_key64", sk, 64, 64);
		kat_hex(v, "server_pk", spk, 32, 32);
		kat_hex(v, "expected_signature", want, 64, 64);
		m = kat_str(v, "message_ascii");
		if (is15)
			assert_int_equal(
				snc_blind_sign15(sk, spk, (const uint8_t *)m, strlen(m), sig), 0);
		else
			assert_int_equal(
				snc_blind_sign25(sk, spk, (const uint8_t *)m, strlen(m), sig), 0);
		assert_memory_equal(sig, want, 64);
		/* It verifies under the signer's blinded ID (derived from the real Ed key). */
		if (is15)
			assert_int_equal(snc_blind_id15_from_ed25519(sk + 32, spk, id), 0);
		else
			assert_int_equal(snc_blind_id25_from_ed25519(sk + 32, spk, id), 0);
		kat_hex(v, "verify_with_blinded_id_derived_locally", id_kat, 33, 33);
		assert_memory_equal(id, id_kat, 33);
		assert_int_equal(snc_blind_verify(id, (const uint8_t *)m, strlen(m), sig), 0);
		for (int b = 0; b < 64; b++) {
			sig[b] ^= 0x08;
			assert_int_equal(snc_blind_verify(id, (const uint8_t *)m, strlen(m), sig),
					 -EBADMSG);
			sig[b] ^= 0x08;
		}
		count++;
	}
	assert_int_equal(count, 12);
	json_decref(kat);
}

static void
upstream_version_key(void **state)
{
	json_t *kat = kat_load("blinding.json"), *v;
	size_t i, count = 0;

	(void)state;
	json_array_foreach(json_object_get(kat, "vectors"), i, v)
	{
		const char *kind = kat_str(v, "kind");
		uint8_t sk[64], pk7[32], sk7[64], want[64], sig[64];

		if (strcmp(kind, "version_key_pair") == 0 || strcmp(kind, "version_sign") == 0)
			kat_hex(v, "ed25519_secret_key64", sk, 64, 64);
		if (strcmp(kind, "version_key_pair") == 0) {
			assert_int_equal(snc_blind_version_keypair(sk, pk7, sk7), 0);
			kat_hex(v, "expected_pubkey", want, 32, 32);
			assert_memory_equal(pk7, want, 32);
			kat_hex(v, "expected_secret_key64", want, 64, 64);
			assert_memory_equal(sk7, want, 64);
			count++;
		} else if (strcmp(kind, "version_sign") == 0) {
			json_int_t ts = json_integer_value(json_object_get(v, "timestamp"));

			assert_int_equal(snc_blind_version_sign(sk, kat_str(v, "platform"),
								(uint64_t)ts, sig),
					 0);
			kat_hex(v, "expected_signature", want, 64, 64);
			assert_memory_equal(sig, want, 64);
			assert_int_equal(snc_blind_version_sign(sk, "linux", 1, sig), -EINVAL);
			assert_int_equal(snc_blind_version_sign(sk, NULL, 1, sig), -EINVAL);
			count++;
		}
	}
	assert_int_equal(count, 2);
	json_decref(kat);
}

/* tests/kat/blinding.json "pysogs": oxen-io/session-pysogs tests/test_blinding.py. pysogs
 * blinds the real Ed key; its 25-IDs differ from libsession's for negative keys, where
 * libsession (|A|) is authoritative. */
static void
pysogs_ids(void **state)
{
	json_t *kat = kat_load("blinding.json"), *p = json_object_get(kat, "pysogs"), *v;
	uint8_t spk[32];
	size_t i, n25 = 0;

	(void)state;
	kat_hex(p, "server_pk", spk, 32, 32);
	json_array_foreach(json_object_get(p, "vectors"), i, v)
	{
		uint8_t seed[32], pk[32], sk[64], sid[33], want[33], id[33], ids[2][33];

		kat_hex(v, "ed25519_seed", seed, 32, 32);
		crypto_sign_seed_keypair(pk, sk, seed);
		snc_account_session_id_from_ed25519(pk, sid);
		kat_hex(v, "expected_blinded15_id", want, 33, 33);
		assert_int_equal(snc_blind_id15_from_ed25519(pk, spk, id), 0);
		assert_memory_equal(id, want, 33);
		assert_int_equal(snc_blind_id15(sid, spk, ids), 0);
		assert_memory_equal(ids[(pk[31] & 0x80) ? 1 : 0], want, 33);
		kat_hex(v, "expected_blinded25_id", want, 33, 33);
		assert_int_equal(snc_blind_id25_from_ed25519(pk, spk, id), 0);
		assert_int_equal(snc_blind_id25(sid, spk, ids[0]), 0);
		assert_memory_equal(id, ids[0], 33);
		if (json_is_true(json_object_get(v, "blinded25_matches_libsession_blind25_id"))) {
			assert_memory_equal(id, want, 33);
			n25++;
		} else {
			want[32] ^= 0x80; /* pysogs kept the sign of A */
			assert_memory_equal(id, want, 33);
		}
	}
	assert_int_equal(i, 20);
	assert_true(n25 >= 13);
	json_decref(kat);
}

static void
bad_inputs(void **state)
{
	uint8_t sid[33] = {0x03}, spk[32] = {1}, ids[2][33], id[33], sig[64] = {0};

	(void)state;
	assert_int_equal(snc_blind_id15(sid, spk, ids), -EINVAL);
	assert_int_equal(snc_blind_id25(sid, spk, id), -EINVAL);
	sid[0] = 0x05; /* X = 0 maps to y = -1: a small-order point */
	assert_int_equal(snc_blind_id15(sid, spk, ids), -EDOM);
	assert_int_equal(snc_blind_id25(sid, spk, id), -EDOM);
	memset(id, 0, sizeof(id));
	id[0] = 0x05;
	assert_int_equal(snc_blind_verify(id, (const uint8_t *)"x", 1, sig), -EINVAL);
	assert_int_equal(snc_blind_matches(sid, id, spk), -EINVAL);
}

/* Random users: each signature verifies under the ID the server derives from the Session ID. */
static void
random_users_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 16; i++) {
		uint8_t pk[32], sk[64], sid[33], spk[32], ids[2][33], id25[33], sig[64];
		const uint8_t m[] = "GET/room/x";

		crypto_sign_keypair(pk, sk);
		randombytes_buf(spk, sizeof(spk));
		snc_account_session_id_from_ed25519(pk, sid);
		assert_int_equal(snc_blind_id15(sid, spk, ids), 0);
		assert_int_equal(snc_blind_sign15(sk, spk, m, sizeof(m) - 1, sig), 0);
		assert_true(snc_blind_verify(ids[0], m, sizeof(m) - 1, sig) == 0 ||
			    snc_blind_verify(ids[1], m, sizeof(m) - 1, sig) == 0);
		assert_int_equal(snc_blind_id25(sid, spk, id25), 0);
		assert_int_equal(snc_blind_sign25(sk, spk, m, sizeof(m) - 1, sig), 0);
		assert_int_equal(snc_blind_verify(id25, m, sizeof(m) - 1, sig), 0);
		spk[0] ^= 1; /* another server: another ID */
		assert_int_equal(snc_blind_matches(sid, id25, spk), -ENOENT);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upstream_ids),		cmocka_unit_test(upstream_signatures),
		cmocka_unit_test(upstream_version_key), cmocka_unit_test(pysogs_ids),
		cmocka_unit_test(bad_inputs),		cmocka_unit_test(random_users_round_trip),
	};

	return RUN_GROUP("crypto/blind", tests);
}
