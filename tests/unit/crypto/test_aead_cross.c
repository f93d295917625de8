/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM across implementations: what one seals (ipsec-mb at each arch
 * this CPU has, libsodium, OpenSSL) every other opens, byte for byte the same
 * ciphertext for the same IV; and each one rejects a bad tag, a bad IV and a
 * short input with a clear code. Buffers are malloc'ed to their exact size so
 * that ASan (build-asan) sees any read or write past them.
 */
#include "test_common.h"

#include "aead.h"
#include "batch.h"

#ifndef SNC_TEST_HAVE_IPSEC_MB
#define SNC_TEST_HAVE_IPSEC_MB 0
#endif

static const char *const all_impls[] = {"openssl",	"libsodium",	 "ipsec-mb-sse",
					"ipsec-mb-avx", "ipsec-mb-avx2", "ipsec-mb-avx512"};
static const char *impls[6];
static size_t n_impls;
static const size_t lens[] = {0, 1, 15, 16, 17, 1023, 1024, 65536};

static void
force(const char *name)
{
	assert_int_equal(snc_aead_gcm_force(name), 0);
}

/* The implementations this machine runs; ipsec-mb must be one where it can. */
static int
setup(void **state)
{
	(void)state;
	n_impls = 0;
	for (size_t i = 0; i < sizeof(all_impls) / sizeof(all_impls[0]); i++) {
		int rc = snc_aead_gcm_force(all_impls[i]);

		if (rc == 0)
			impls[n_impls++] = all_impls[i];
		else if (rc != -ENOTSUP)
			return -1;
	}
	snc_aead_gcm_force(NULL);
	return 0;
}

static void
machine_runs_the_expected_implementations(void **state)
{
	(void)state;
	assert_true(n_impls >= 1);
	assert_string_equal(impls[0], "openssl");
	if (crypto_aead_aes256gcm_is_available()) {
		assert_string_equal(impls[1], "libsodium");
		if (SNC_TEST_HAVE_IPSEC_MB) {
			assert_true(n_impls >= 3);
			assert_int_equal(snc_aead_gcm_force("ipsec-mb"), 0);
			assert_memory_equal(snc_aead_gcm_impl_name(), "ipsec-mb-", 9);
		}
	}
	assert_int_equal(snc_aead_gcm_force("ipsec-mb-mmx"),
			 SNC_TEST_HAVE_IPSEC_MB ? -EINVAL : -ENOTSUP);
	assert_int_equal(snc_aead_gcm_force("rot13"), -EINVAL);
	snc_aead_gcm_force(NULL);
}

/* snc_init() refuses an SNC_AESGCM_IMPL it cannot have, says why, keeps the default. */
static void
init_refuses_what_it_cannot_run(void **state)
{
	char def[24];

	(void)state;
	unsetenv("SNC_AESGCM_IMPL");
	assert_int_equal(snc_init(), 0);
	assert_null(snc_aead_select_error());
	snprintf(def, sizeof(def), "%s", snc_aead_gcm_impl_name());
	setenv("SNC_AESGCM_IMPL", "ipsec-mb-avx1024", 1);
	assert_int_equal(snc_init(), -1);
	assert_non_null(strstr(snc_init_error(), "SNC_AESGCM_IMPL=ipsec-mb-avx1024"));
	assert_string_equal(snc_aead_gcm_impl_name(), def);
	if (!crypto_aead_aes256gcm_is_available()) {
		setenv("SNC_AESGCM_IMPL", "libsodium", 1);
		assert_int_equal(snc_init(), -1);
		assert_non_null(strstr(snc_init_error(), "not usable"));
	}
	setenv("SNC_AESGCM_IMPL", "openssl", 1);
	assert_int_equal(snc_init(), 0);
	assert_string_equal(snc_aead_gcm_impl_name(), "openssl");
	unsetenv("SNC_AESGCM_IMPL");
	assert_int_equal(snc_init(), 0);
	assert_string_equal(snc_aead_gcm_impl_name(), def);
}

static uint8_t *
xmalloc(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	return p;
}

/* Seals len random bytes under every implementation with one IV; all
 * ciphertexts equal; each one opens under every implementation. */
static void
one_length_across_all(size_t len)
{
	size_t ct_len = SNC_GCM_IV_BYTES + len + SNC_GCM_TAG_BYTES, got;
	uint8_t *pt = xmalloc(len), *ref = xmalloc(ct_len), *ct = xmalloc(ct_len);
	uint8_t *out = xmalloc(len), key[32], iv[SNC_GCM_IV_BYTES];

	randombytes_buf(pt, len);
	randombytes_buf(key, sizeof(key));
	randombytes_buf(iv, sizeof(iv));
	for (size_t s = 0; s < n_impls; s++) {
		force(impls[s]);
		assert_int_equal(snc_aead_seal_with_nonce(SNC_ENC_AES_GCM, key, iv, pt, len, ct,
							  ct_len, &got),
				 0);
		assert_int_equal(got, ct_len);
		if (s == 0)
			memcpy(ref, ct, ct_len);
		else
			assert_memory_equal(ct, ref, ct_len);
		for (size_t o = 0; o < n_impls; o++) {
			force(impls[o]);
			memset(out, 0xa5, len);
			assert_int_equal(
				snc_aead_open(SNC_ENC_AES_GCM, key, ct, ct_len, out, len, &got), 0);
			assert_int_equal(got, len);
			assert_memory_equal(out, pt, len);
		}
	}
	free(pt), free(ref), free(ct), free(out);
}

static void
every_length_crosses_every_implementation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		one_length_across_all(lens[i]);
	snc_aead_gcm_force(NULL);
}

/* Flips one byte at off: SNC_E_AUTH, nothing reported as plaintext. */
static void
flipped_byte_fails(const uint8_t *key, uint8_t *ct, size_t ct_len, size_t off, uint8_t *out,
		   size_t out_cap)
{
	size_t got = 99;

	ct[off] ^= 0x80;
	assert_int_equal(snc_aead_open(SNC_ENC_AES_GCM, key, ct, ct_len, out, out_cap, &got),
			 SNC_E_AUTH);
	assert_int_equal(got, 0);
	ct[off] ^= 0x80;
}

static void
bad_tag_iv_and_short_input_fail_cleanly(void **state)
{
	uint8_t key[32];

	(void)state;
	randombytes_buf(key, sizeof(key));
	for (size_t o = 0; o < n_impls; o++) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			size_t len = lens[i], ct_len = SNC_GCM_IV_BYTES + len + SNC_GCM_TAG_BYTES;
			uint8_t *pt = xmalloc(len), *ct = xmalloc(ct_len), *out = xmalloc(len);
			size_t got;

			randombytes_buf(pt, len);
			/* Sealed by another implementation than the one that opens. */
			force(impls[(o + 1) % n_impls]);
			assert_int_equal(
				snc_aead_seal(SNC_ENC_AES_GCM, key, pt, len, ct, ct_len, &got), 0);
			force(impls[o]);
			flipped_byte_fails(key, ct, ct_len, ct_len - 1, out, len); /* tag */
			flipped_byte_fails(key, ct, ct_len, ct_len - SNC_GCM_TAG_BYTES, out, len);
			flipped_byte_fails(key, ct, ct_len, 0, out, len); /* IV */
			flipped_byte_fails(key, ct, ct_len, SNC_GCM_IV_BYTES - 1, out, len);
			if (len > 0) /* ciphertext */
				flipped_byte_fails(key, ct, ct_len, SNC_GCM_IV_BYTES + len / 2, out,
						   len);
			/* One byte short of the framing, or of the plaintext room. */
			got = 99;
			assert_int_equal(snc_aead_open(SNC_ENC_AES_GCM, key, ct,
						       SNC_GCM_IV_BYTES + SNC_GCM_TAG_BYTES - 1,
						       out, len, &got),
					 SNC_E_LENGTH);
			assert_int_equal(got, 0);
			if (len > 0)
				assert_int_equal(snc_aead_open(SNC_ENC_AES_GCM, key, ct, ct_len,
							       out, len - 1, &got),
						 SNC_E_LENGTH);
			/* Dropping the last byte shifts the tag: authentication fails. */
			assert_int_equal(
				snc_aead_open(SNC_ENC_AES_GCM, key, ct, ct_len - 1, out, len, &got),
				ct_len - 1 < SNC_GCM_IV_BYTES + SNC_GCM_TAG_BYTES ? SNC_E_LENGTH
										  : SNC_E_AUTH);
			assert_int_equal(
				snc_aead_open(SNC_ENC_AES_GCM, key, ct, ct_len, out, len, &got), 0);
			assert_memory_equal(out, pt, len);
			free(pt), free(ct), free(out);
		}
	}
	snc_aead_gcm_force(NULL);
}

/* A burst of 1 KB layers, each with its own key, through the batch call. */
static void
batch_with_a_key_per_item(void **state)
{
	enum {
		N = 8,
		LEN = 1024,
		CT = 12 + LEN + 16
	};
	static uint8_t keys[N][32], pt[N][LEN], ct[N][CT], out[N][LEN];
	const uint8_t *kp[N];
	enum snc_enc_type types[N];
	struct snc_aead_buf bufs[N];
	int status[N];

	(void)state;
	randombytes_buf(keys, sizeof(keys));
	randombytes_buf(pt, sizeof(pt));
	for (size_t o = 0; o < n_impls; o++) {
		force(impls[o]);
		for (int i = 0; i < N; i++) {
			kp[i] = keys[i];
			types[i] = SNC_ENC_AES_GCM;
			status[i] = 0;
			bufs[i] = (struct snc_aead_buf){
				.in = pt[i], .in_len = LEN, .out = ct[i], .out_cap = CT};
		}
		assert_int_equal(snc_aead_seal_batch(N, types, kp, bufs, status), 0);
		force(impls[(o + 1) % n_impls]);
		for (int i = 0; i < N; i++)
			bufs[i] = (struct snc_aead_buf){
				.in = ct[i], .in_len = CT, .out = out[i], .out_cap = LEN};
		kp[3] = keys[4]; /* wrong key for one item */
		assert_int_equal(snc_aead_open_batch(N, types, kp, bufs, status), 1);
		for (int i = 0; i < N; i++) {
			assert_int_equal(status[i], i == 3 ? SNC_E_AUTH : 0);
			if (i != 3)
				assert_memory_equal(out[i], pt[i], LEN);
		}
	}
	snc_aead_gcm_force(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(machine_runs_the_expected_implementations, setup),
		cmocka_unit_test(init_refuses_what_it_cannot_run),
		cmocka_unit_test_setup(every_length_crosses_every_implementation, setup),
		cmocka_unit_test_setup(bad_tag_iv_and_short_input_fail_cleanly, setup),
		cmocka_unit_test_setup(batch_with_a_key_per_item, setup),
	};
	return RUN_GROUP("crypto/aead_cross", tests);
}
