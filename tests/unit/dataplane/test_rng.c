/* SPDX-License-Identifier: MIT */
/* dataplane/rng.c: the keystream is AES-256-CTR (NIST SP 800-38A F.5.5), handed out in
 * order and once, across buffer refills and the direct path for large requests. */
#include "test_common.h"

#include "rng.h"

static const uint8_t nist_key[32] = {0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe,
				     0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
				     0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7,
				     0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4};
static const uint8_t nist_iv[16] = {0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
				    0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff};

/* F.5.5 CTR-AES256.Encrypt: the keystream is plaintext XOR ciphertext. */
static void
nist_keystream(void **state)
{
	static const char *pt = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
				"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
	static const char *ct = "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
				"2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6";
	uint8_t p[64], c[64], got[64];
	struct dp_rng r;

	(void)state;
	assert_int_equal(sodium_hex2bin(p, 64, pt, 128, NULL, NULL, NULL), 0);
	assert_int_equal(sodium_hex2bin(c, 64, ct, 128, NULL, NULL, NULL), 0);
	assert_int_equal(dp_rng_init(&r, nist_key, nist_iv), 0);
	dp_rng_bytes(&r, got, 5); /* in pieces: the same stream */
	dp_rng_bytes(&r, got + 5, 0);
	dp_rng_bytes(&r, got + 5, 59);
	for (int i = 0; i < 64; i++)
		assert_int_equal(got[i], p[i] ^ c[i]);
	dp_rng_free(&r);
}

/* Small requests across several refills, then a direct one, against one long stream. */
static void
pieces_refills_and_direct_follow_the_stream(void **state)
{
	enum {
		TOTAL = 3 * DP_RNG_BUF
	};
	static uint8_t want[TOTAL + DP_RNG_DIRECT], got[TOTAL], direct[DP_RNG_DIRECT];
	size_t done = 0, step = 1;
	struct dp_rng a, b;

	(void)state;
	assert_int_equal(dp_rng_init(&a, nist_key, nist_iv), 0);
	assert_int_equal(dp_rng_init(&b, nist_key, nist_iv), 0);
	dp_rng_bytes(&a, want, sizeof(want)); /* direct: the raw stream */
	while (done < TOTAL) {
		size_t n = TOTAL - done < step ? TOTAL - done : step;
		dp_rng_bytes(&b, got + done, n);
		done += n;
		step = step * 3 % (DP_RNG_DIRECT - 1) + 1; /* 1 .. DP_RNG_DIRECT - 1 bytes */
	}
	assert_memory_equal(got, want, TOTAL);
	/* TOTAL is a whole number of refills: the buffer is used up, the next bytes follow */
	dp_rng_bytes(&b, direct, DP_RNG_DIRECT);
	assert_memory_equal(direct, want + TOTAL, DP_RNG_DIRECT);
	dp_rng_free(&a);
	dp_rng_free(&b);
}

/* Two workers keyed at random draw different streams. */
static void
random_keys_differ(void **state)
{
	struct dp_rng a, b;
	uint8_t x[32], y[32];

	(void)state;
	assert_int_equal(dp_rng_init_random(&a), 0);
	assert_int_equal(dp_rng_init_random(&b), 0);
	dp_rng_bytes(&a, x, sizeof(x));
	dp_rng_bytes(&b, y, sizeof(y));
	assert_memory_not_equal(x, y, sizeof(x));
	dp_rng_free(&a);
	dp_rng_free(&b);
}

/* ipsec-mb and OpenSSL hand out the same bytes: across the counter's 32-, 64- and 128-bit
 * wraps (OpenSSL carries through all 128 bits), and with direct requests that end inside
 * a block (the rest of that block comes first next time). */
static void
ipsec_mb_follows_openssl(void **state)
{
	static const uint8_t lows[][8] = {
		{0, 0, 0, 0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xe0},		  /* 32-bit wrap after 32 blocks */
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, /* 64-bit wrap */
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, /* 128-bit: wraps to zero */
	};
	static const size_t lens[] = {5,
				      DP_RNG_DIRECT + 3,
				      1,
				      100,
				      DP_RNG_DIRECT + 13,
				      16,
				      7,
				      DP_RNG_BUF,
				      DP_RNG_DIRECT,
				      3 * DP_RNG_BUF + 9,
				      31};
	static uint8_t x[4 * DP_RNG_BUF], y[4 * DP_RNG_BUF];

	(void)state;
	for (size_t i = 0; i < sizeof(lows) / sizeof(lows[0]); i++) {
		uint8_t iv[16];
		struct dp_rng a, b;
		int rc;

		memset(iv, 0xff, 8);
		memcpy(iv + 8, lows[i], 8);
		if (i == 0)
			memcpy(iv, nist_iv, sizeof(iv));
		rc = dp_rng_init_impl(&b, nist_key, iv, DP_RNG_IPSEC_MB);
		if (rc == -ENOTSUP)
			skip(); /* not built with ipsec-mb, or no code for this CPU */
		assert_int_equal(rc, 0);
		assert_string_equal(dp_rng_impl_name(&b), "ipsec-mb");
		assert_int_equal(dp_rng_init_impl(&a, nist_key, iv, DP_RNG_OPENSSL), 0);
		assert_string_equal(dp_rng_impl_name(&a), "openssl");
		for (size_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			memset(x, 0, sizeof(x));
			memset(y, 0x55, sizeof(y));
			dp_rng_bytes(&a, x, lens[j]);
			dp_rng_bytes(&b, y, lens[j]);
			assert_memory_equal(x, y, lens[j]);
		}
		dp_rng_free(&a);
		dp_rng_free(&b);
	}
}

/* The default is ipsec-mb wherever it can run: what the workers use. */
static void
auto_prefers_ipsec_mb(void **state)
{
	struct dp_rng a, b;
	int rc;

	(void)state;
	rc = dp_rng_init_impl(&b, nist_key, nist_iv, DP_RNG_IPSEC_MB);
	if (rc == -ENOTSUP)
		skip();
	assert_int_equal(dp_rng_init(&a, nist_key, nist_iv), 0);
	assert_string_equal(dp_rng_impl_name(&a), "ipsec-mb");
	dp_rng_free(&a);
	dp_rng_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nist_keystream),
		cmocka_unit_test(pieces_refills_and_direct_follow_the_stream),
		cmocka_unit_test(random_keys_differ),
		cmocka_unit_test(ipsec_mb_follows_openssl),
		cmocka_unit_test(auto_prefers_ipsec_mb),
	};
	return RUN_GROUP("dataplane/rng", tests);
}
