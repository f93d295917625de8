/* SPDX-License-Identifier: MIT */
/* crypto/kdf.c: the three derivations against values computed with Python's hashlib/hmac. */
#include "test_common.h"

#include "batch.h"
#include "kdf.h"

static uint8_t dh[32], client[32], node[32];

static int
setup(void **state)
{
	(void)state;
	memset(dh, 0, 32);
	memset(client, 1, 32);
	memset(node, 2, 32);
	return 0;
}

/* Runs first: the derive before snc_kdf_init (the key blocks hashed per call)
 * and after it (the precomputed state copied) agree, and the precomputed path
 * matches libsodium's HMAC on random inputs. */
static void
precomputed_loki_state_matches_plain_hmac(void **state)
{
	static const uint8_t loki[4] = {'L', 'O', 'K', 'I'};
	uint8_t slow[32], fast[32], want[32], in[32];

	(void)state;
	assert_int_equal(snc_kdf_derive(SNC_ENC_AES_GCM, dh, client, node, slow), 0);
	snc_kdf_init();
	snc_kdf_init(); /* idempotent */
	assert_int_equal(snc_kdf_derive(SNC_ENC_AES_GCM, dh, client, node, fast), 0);
	assert_memory_equal(slow, fast, 32);
	for (int i = 0; i < 1000; i++) {
		crypto_auth_hmacsha256_state st;
		randombytes_buf(in, sizeof(in));
		crypto_auth_hmacsha256_init(&st, loki, sizeof(loki));
		crypto_auth_hmacsha256_update(&st, in, sizeof(in));
		crypto_auth_hmacsha256_final(&st, want);
		assert_int_equal(snc_kdf_derive(SNC_ENC_AES_GCM, in, client, node, fast), 0);
		assert_memory_equal(fast, want, 32);
	}
}

static void
aes_gcm_is_hmac_sha256_keyed_loki(void **state)
{
	uint8_t key[32], want[32];

	(void)state;
	/* python3: hmac.new(b'LOKI', bytes(32), hashlib.sha256).hexdigest() */
	unhex("8283bd2a848e5075847c6933264c6316a5119ea460559dea34747657f0b8d926", want, 32);
	assert_int_equal(snc_kdf_derive(SNC_ENC_AES_GCM, dh, client, node, key), 0);
	assert_memory_equal(key, want, 32);
}

static void
xchacha_is_blake2b_of_dh_client_node_in_that_order(void **state)
{
	uint8_t key[32], swapped[32], want[32];

	(void)state;
	/* python3: hashlib.blake2b(bytes(32) + b'\1'*32 + b'\2'*32, digest_size=32) */
	unhex("58f5f2251206a4fbbcac28ce91214998d8837cf9fe8270e5746c971f53af0d60", want, 32);
	assert_int_equal(snc_kdf_derive(SNC_ENC_XCHACHA20, dh, client, node, key), 0);
	assert_memory_equal(key, want, 32);
	assert_int_equal(snc_kdf_derive(SNC_ENC_XCHACHA20, dh, node, client, swapped), 0);
	assert_memory_not_equal(key, swapped, 32);
}

static void
aes_cbc_uses_the_raw_shared_secret(void **state)
{
	uint8_t key[32];

	(void)state;
	dh[0] = 0x42;
	assert_int_equal(snc_kdf_derive(SNC_ENC_AES_CBC, dh, client, node, key), 0);
	assert_memory_equal(key, dh, 32);
}

static void
batch_rejects_unknown_types_per_item(void **state)
{
	uint8_t keys[2][32];
	const uint8_t *dhs[2] = {dh, dh}, *cs[2] = {client, client}, *ns[2] = {node, node};
	uint8_t *outs[2] = {keys[0], keys[1]};
	enum snc_enc_type types[2] = {SNC_ENC_AES_GCM, SNC_ENC_TYPE_COUNT};
	int status[2] = {0, 0};

	(void)state;
	assert_int_equal(snc_kdf_batch(2, types, dhs, cs, ns, outs, status), 1);
	assert_int_equal(status[0], 0);
	assert_int_equal(status[1], SNC_E_ENC_TYPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(precomputed_loki_state_matches_plain_hmac, setup),
		cmocka_unit_test_setup(aes_gcm_is_hmac_sha256_keyed_loki, setup),
		cmocka_unit_test_setup(xchacha_is_blake2b_of_dh_client_node_in_that_order, setup),
		cmocka_unit_test_setup(aes_cbc_uses_the_raw_shared_secret, setup),
		cmocka_unit_test_setup(batch_rejects_unknown_types_per_item, setup),
	};
	return RUN_GROUP("crypto/kdf", tests);
}
