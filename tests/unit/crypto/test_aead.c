/* SPDX-License-Identifier: MIT */
/*
 * crypto/aead.c: framing of the three enc_types against vectors made with
 * python3-cryptography / PyNaCl (independent implementations), round trips at
 * edge lengths, tamper and truncation at every byte, capacity limits.
 * meson runs this file with the default AES-GCM implementation and with each
 * one forced (SNC_AESGCM_IMPL); test_aead_cross.c mixes them.
 */
#include "test_common.h"

#include "aead.h"
#include "batch.h"

#ifndef SNC_TEST_HAVE_IPSEC_MB
#define SNC_TEST_HAVE_IPSEC_MB 0
#endif

static uint8_t key[32];

/* key = 0x11 x 32; nonce/IV = 0x22 (CBC), 0x33 (GCM), 0x44 (XChaCha) repeated. */
static const struct {
	enum snc_enc_type type;
	const char *pt;
	const char *ct_hex;
} vectors[] = {
	{SNC_ENC_AES_CBC, "Hello CBC world!",
	 "222222222222222222222222222222224de07b34d8e14ebd498f7ae76a73706f89ae515e9f921f480fdff5c1"
	 "768b19da"},
	{SNC_ENC_AES_GCM, "gcm vector",
	 "333333333333333333333333e3e03f66bcf71658ddca758c18026748995ef500abac688c69d5"},
	{SNC_ENC_XCHACHA20, "xchacha vector",
	 "444444444444444444444444444444444444444444444444a771e9797b4aa149c1f3bdebb14a9b7c4e12dcc7"
	 "4d5dbc0d05b01660ebf6"},
};

static int
setup(void **state)
{
	(void)state;
	memset(key, 0x11, sizeof(key));
	return 0;
}

static void
independent_vectors_open_and_seal(void **state)
{
	uint8_t ct[128], out[128], nonce[24];
	size_t out_len;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t ct_len = strlen(vectors[i].ct_hex) / 2;
		unhex(vectors[i].ct_hex, ct, ct_len);
		assert_int_equal(
			snc_aead_open(vectors[i].type, key, ct, ct_len, out, sizeof(out), &out_len),
			0);
		assert_int_equal(out_len, strlen(vectors[i].pt));
		assert_memory_equal(out, vectors[i].pt, out_len);
		memcpy(nonce, ct, sizeof(nonce));
		assert_int_equal(snc_aead_seal_with_nonce(vectors[i].type, key, nonce,
							  (const uint8_t *)vectors[i].pt,
							  strlen(vectors[i].pt), out, sizeof(out),
							  &out_len),
				 0);
		assert_int_equal(out_len, ct_len);
		assert_memory_equal(out, ct, ct_len);
	}
}

static void
round_trips_at_edge_lengths(void **state)
{
	const size_t lens[] = {0, 1, 15, 16, 17, 31, 32, 33, 1000, 4096};
	static uint8_t pt[4096], ct[4096 + 64], out[4096 + 64];
	size_t ct_len, out_len;

	(void)state;
	randombytes_buf(pt, sizeof(pt));
	for (int t = 0; t < SNC_ENC_TYPE_COUNT; t++) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			assert_int_equal(
				snc_aead_seal(t, key, pt, lens[i], ct, sizeof(ct), &ct_len), 0);
			assert_int_equal(ct_len, snc_enc_type_sealed_len(t, lens[i]));
			assert_int_equal(
				snc_aead_open(t, key, ct, ct_len, out, sizeof(out), &out_len), 0);
			assert_int_equal(out_len, lens[i]);
			assert_memory_equal(out, pt, lens[i]);
		}
	}
}

static void
every_flipped_byte_fails_authentication(void **state)
{
	uint8_t pt[40], ct[128], out[128];
	size_t ct_len, out_len;

	(void)state;
	memset(pt, 'x', sizeof(pt));
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++) {
		assert_int_equal(snc_aead_seal(t, key, pt, sizeof(pt), ct, sizeof(ct), &ct_len), 0);
		for (size_t i = 0; i < ct_len; i++) {
			for (int bit = 0; bit < 8; bit += 7) {
				ct[i] ^= (uint8_t)(1u << bit);
				assert_int_equal(snc_aead_open(t, key, ct, ct_len, out, sizeof(out),
							       &out_len),
						 SNC_E_AUTH);
				ct[i] ^= (uint8_t)(1u << bit);
			}
		}
	}
}

static void
every_truncation_fails(void **state)
{
	uint8_t pt[20] = {0}, ct[128], out[128];
	size_t ct_len, out_len;

	(void)state;
	for (int t = 0; t < SNC_ENC_TYPE_COUNT; t++) {
		assert_int_equal(snc_aead_seal(t, key, pt, sizeof(pt), ct, sizeof(ct), &ct_len), 0);
		for (size_t len = 0; len < ct_len; len++) {
			int rc = snc_aead_open(t, key, ct, len, out, sizeof(out), &out_len);
			assert_true(rc == SNC_E_AUTH || rc == SNC_E_LENGTH);
			assert_int_equal(out_len, 0);
		}
	}
}

static void
wrong_key_fails(void **state)
{
	uint8_t pt[10] = {1}, ct[64], out[64], other[32];
	size_t ct_len, out_len;

	(void)state;
	memset(other, 0x12, sizeof(other));
	for (int t = SNC_ENC_AES_GCM; t <= SNC_ENC_XCHACHA20; t++) {
		assert_int_equal(snc_aead_seal(t, key, pt, sizeof(pt), ct, sizeof(ct), &ct_len), 0);
		assert_int_equal(snc_aead_open(t, other, ct, ct_len, out, sizeof(out), &out_len),
				 SNC_E_AUTH);
	}
}

static void
cbc_rejects_bad_padding_and_ragged_lengths(void **state)
{
	uint8_t ct[64], out[64];
	size_t ct_len = strlen(vectors[0].ct_hex) / 2, out_len;

	(void)state;
	unhex(vectors[0].ct_hex, ct, ct_len);
	/* Corrupting the last block breaks the PKCS#7 padding (all 16 bytes are 0x10). */
	ct[ct_len - 1] ^= 0x01;
	assert_int_equal(
		snc_aead_open(SNC_ENC_AES_CBC, key, ct, ct_len, out, sizeof(out), &out_len),
		SNC_E_AUTH);
	ct[ct_len - 1] ^= 0x01;
	assert_int_equal(
		snc_aead_open(SNC_ENC_AES_CBC, key, ct, ct_len + 1, out, sizeof(out), &out_len),
		SNC_E_LENGTH);
	/* The thread's CBC context is keyed again per call: a failed open leaves nothing
	 * behind for the next one. */
	assert_int_equal(
		snc_aead_open(SNC_ENC_AES_CBC, key, ct, ct_len, out, sizeof(out), &out_len), 0);
	assert_int_equal(out_len, strlen(vectors[0].pt));
	assert_memory_equal(out, vectors[0].pt, out_len);
}

static void
capacity_is_checked_at_its_edge(void **state)
{
	uint8_t pt[16] = {0}, ct[64], out[64];
	size_t ct_len, out_len;

	(void)state;
	for (int t = 0; t < SNC_ENC_TYPE_COUNT; t++) {
		size_t need = snc_enc_type_sealed_len(t, sizeof(pt));
		assert_int_equal(snc_aead_seal(t, key, pt, sizeof(pt), ct, need - 1, &ct_len),
				 SNC_E_LENGTH);
		assert_int_equal(snc_aead_seal(t, key, pt, sizeof(pt), ct, need, &ct_len), 0);
		/* Plaintext capacity: GCM/XChaCha need exactly len; CBC the padded body. */
		size_t room = t == SNC_ENC_AES_CBC ? ct_len - 16 : sizeof(pt);
		assert_int_equal(snc_aead_open(t, key, ct, ct_len, out, room - 1, &out_len),
				 SNC_E_LENGTH);
		assert_int_equal(snc_aead_open(t, key, ct, ct_len, out, room, &out_len), 0);
	}
	assert_int_equal(snc_aead_seal(SNC_ENC_TYPE_COUNT, key, pt, 1, ct, sizeof(ct), &ct_len),
			 SNC_E_ENC_TYPE);
	assert_int_equal(snc_aead_open(SNC_ENC_TYPE_COUNT, key, ct, 40, out, sizeof(out), &out_len),
			 SNC_E_ENC_TYPE);
}

static void
batch_open_reports_per_item(void **state)
{
	uint8_t pt[8] = {7}, ct[3][64], out[3][64];
	const uint8_t *keys[3] = {key, key, key};
	enum snc_enc_type types[3] = {SNC_ENC_AES_GCM, SNC_ENC_XCHACHA20, SNC_ENC_AES_GCM};
	struct snc_aead_buf bufs[3];
	int status[3] = {0, 0, 0};

	(void)state;
	for (int i = 0; i < 3; i++) {
		size_t len;
		assert_int_equal(snc_aead_seal(types[i], key, pt, sizeof(pt), ct[i], 64, &len), 0);
		bufs[i] = (struct snc_aead_buf){
			.in = ct[i], .in_len = len, .out = out[i], .out_cap = 64};
	}
	ct[2][20] ^= 1;
	assert_int_equal(snc_aead_open_batch(3, types, keys, bufs, status), 1);
	assert_int_equal(status[0], 0);
	assert_int_equal(status[1], 0);
	assert_int_equal(status[2], SNC_E_AUTH);
	assert_int_equal(bufs[1].out_len, sizeof(pt));
	assert_memory_equal(out[1], pt, sizeof(pt));
}

static void
reports_the_gcm_implementation(void **state)
{
	const char *force = getenv("SNC_AESGCM_IMPL"), *name = snc_aead_gcm_impl_name();

	(void)state;
	if (force != NULL && strcmp(force, "ipsec-mb") == 0)
		assert_memory_equal(name, "ipsec-mb-", 9);
	else if (force != NULL)
		assert_string_equal(name, force);
	else if (!crypto_aead_aes256gcm_is_available())
		assert_string_equal(name, "openssl");
	else if (SNC_TEST_HAVE_IPSEC_MB)
		assert_memory_equal(name, "ipsec-mb-", 9);
	else
		assert_string_equal(name, "libsodium");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(independent_vectors_open_and_seal, setup),
		cmocka_unit_test_setup(round_trips_at_edge_lengths, setup),
		cmocka_unit_test_setup(every_flipped_byte_fails_authentication, setup),
		cmocka_unit_test_setup(every_truncation_fails, setup),
		cmocka_unit_test_setup(wrong_key_fails, setup),
		cmocka_unit_test_setup(cbc_rejects_bad_padding_and_ragged_lengths, setup),
		cmocka_unit_test_setup(capacity_is_checked_at_its_edge, setup),
		cmocka_unit_test_setup(batch_open_reports_per_item, setup),
		cmocka_unit_test(reports_the_gcm_implementation),
	};
	return RUN_GROUP("crypto/aead", tests);
}
