/* SPDX-License-Identifier: MIT */
/*
 * crypto/ed_x_cache.c: answers exactly as libsodium's conversion, cached or
 * not: valid keys (miss, then hit), keys libsodium refuses (never cached),
 * two keys fighting over one slot, and the storage check on top of it.
 */
#include "test_common.h"

#include "account.h"
#include "ed_x_cache.h"

static struct snc_ed_x_cache cache;

static void
random_valid_keys_convert_as_libsodium_then_hit(void **state)
{
	uint8_t pk[32], sk[64], want[32], got[32];

	(void)state;
	snc_ed_x_cache_init(&cache);
	for (int i = 0; i < 200; i++) {
		crypto_sign_keypair(pk, sk);
		assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(want, pk), 0);
		for (int round = 0; round < 2; round++) {
			memset(got, 0, sizeof(got));
			assert_int_equal(snc_ed_x_cache_convert(&cache, pk, got), 0);
			assert_memory_equal(got, want, 32);
		}
	}
	assert_int_equal(cache.misses, 200);
	assert_int_equal(cache.hits, 200);
	assert_int_equal(snc_ed_x_cache_convert(NULL, pk, got), 0);
	assert_memory_equal(got, want, 32);
}

static void
refused_keys_are_refused_every_time(void **state)
{
	/* the identity point (small order), and a y of p (not canonical) */
	static const char *bad[] = {
		"0100000000000000000000000000000000000000000000000000000000000000",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"0000000000000000000000000000000000000000000000000000000000000000",
	};
	uint8_t pk[32], x[32];

	(void)state;
	snc_ed_x_cache_init(&cache);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unhex(bad[i], pk, 32);
		assert_int_not_equal(crypto_sign_ed25519_pk_to_curve25519(x, pk), 0);
		for (int round = 0; round < 2; round++)
			assert_int_equal(snc_ed_x_cache_convert(&cache, pk, x), -EINVAL);
	}
	assert_int_equal(cache.hits, 0);
	/* a random 32-byte string: libsodium decides, the cache agrees */
	for (int i = 0; i < 200; i++) {
		uint8_t want[32];
		randombytes_buf(pk, 32);
		int rc = crypto_sign_ed25519_pk_to_curve25519(want, pk) == 0 ? 0 : -EINVAL;
		for (int round = 0; round < 2; round++) {
			assert_int_equal(snc_ed_x_cache_convert(&cache, pk, x), rc);
			if (rc == 0)
				assert_memory_equal(x, want, 32);
		}
	}
}

/* 1,024 keys in 4,096 slots: by the birthday bound about 120 pairs share a
 * slot, so keys evict each other; every key still converts correctly. */
static void
evictions_never_mix_keys_up(void **state)
{
	enum {
		N = SNC_ED_X_CACHE_SLOTS / 4
	};
	static uint8_t pks[N][32], want[N][32];
	uint8_t sk[64], got[32];

	(void)state;
	snc_ed_x_cache_init(&cache);
	for (int i = 0; i < N; i++) {
		crypto_sign_keypair(pks[i], sk);
		assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(want[i], pks[i]), 0);
	}
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < N; i++) {
			assert_int_equal(snc_ed_x_cache_convert(&cache, pks[i], got), 0);
			assert_memory_equal(got, want[i], 32);
		}
	assert_int_equal(cache.hits + cache.misses, 3 * N);
	assert_true(cache.misses > N); /* some keys were evicted and converted again */
}

static void
account_check_uses_it_and_answers_the_same(void **state)
{
	uint8_t pk[32], sk[64], acct[33], other[33];

	(void)state;
	snc_ed_x_cache_init(&cache);
	crypto_sign_keypair(pk, sk);
	acct[0] = 0x05;
	assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(acct + 1, pk), 0);
	memcpy(other, acct, 33);
	other[5] ^= 1;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(snc_account_check_ed25519_cached(&cache, acct, pk), 0);
		assert_int_equal(snc_account_check_ed25519_cached(&cache, other, pk),
				 -EKEYREJECTED);
	}
	assert_int_equal(cache.hits, 3);
	acct[0] = 0x03;
	assert_int_equal(snc_account_check_ed25519_cached(&cache, acct, pk), -EPROTO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_valid_keys_convert_as_libsodium_then_hit),
		cmocka_unit_test(refused_keys_are_refused_every_time),
		cmocka_unit_test(evictions_never_mix_keys_up),
		cmocka_unit_test(account_check_uses_it_and_answers_the_same),
	};

	if (snc_init() != 0)
		return 1;
	return cmocka_run_group_tests_name("crypto/ed_x_cache", tests, NULL, NULL);
}
