/* SPDX-License-Identifier: MIT */
/*
 * crypto/x25519_ifma.c through snc_x25519_batch with SNC_X25519_IMPL=ifma:
 * equality with libsodium on random and edge inputs, RFC 7748 section 5.2,
 * lane independence, and the batch dispatch (groups, leftovers, statuses)
 * against the scalar path. Skipped ("1..0 # SKIP") on CPUs without IFMA.
 * SNC_TEST_X25519_PAIRS sets the random pair count (the 'slow' suite runs
 * 1,000,000).
 */
#include "test_common.h"

#include "batch.h"
#include "x25519.h"

enum {
	DEFAULT_PAIRS = 40000,
	CHUNK = 64 /* items per snc_x25519_batch call in the random test */
};

/* Compares every item of one batch with libsodium's crypto_scalarmult. */
static void
check_batch(size_t n, uint8_t (*sk)[32], uint8_t (*pk)[32])
{
	const uint8_t *s[CHUNK], *p[CHUNK];
	uint8_t out[CHUNK][32], want[32], *o[CHUNK];
	int status[CHUNK] = {0};
	unsigned want_failed = 0, failed;

	assert_true(n <= CHUNK);
	for (size_t i = 0; i < n; i++) {
		s[i] = sk[i];
		p[i] = pk[i];
		o[i] = out[i];
	}
	memset(out, 0xa5, sizeof(out));
	failed = snc_x25519_batch(n, s, p, o, status);
	for (size_t i = 0; i < n; i++) {
		int rc = crypto_scalarmult(want, sk[i], pk[i]);

		want_failed += rc != 0;
		if (memcmp(out[i], want, 32) != 0 || status[i] != (rc != 0 ? SNC_E_LOW_ORDER : 0)) {
			char hs[65], hp[65];

			sodium_bin2hex(hs, sizeof(hs), sk[i], 32);
			sodium_bin2hex(hp, sizeof(hp), pk[i], 32);
			fail_msg("mismatch: sk %s pk %s status %d", hs, hp, status[i]);
		}
	}
	assert_int_equal(failed, want_failed);
}

static unsigned long
pair_count(void)
{
	const char *v = getenv("SNC_TEST_X25519_PAIRS");

	return v != NULL ? strtoul(v, NULL, 10) : DEFAULT_PAIRS;
}

static void
random_pairs_match_libsodium(void **state)
{
	static uint8_t sk[CHUNK][32], pk[CHUNK][32];
	unsigned long total = pair_count();

	(void)state;
	for (unsigned long done = 0; done < total; done += CHUNK) {
		size_t n = total - done < CHUNK ? total - done : CHUNK;

		randombytes_buf(sk, sizeof(sk));
		randombytes_buf(pk, sizeof(pk));
		check_batch(n, sk, pk);
	}
}

/* Index in edge_u of the first order-8 point. */
enum {
	EDGE_ORDER8 = 19
};

/* u-coordinates at the edges of the field and of the 52-bit limbs. */
static const char *const edge_u[] = {
	"0000000000000000000000000000000000000000000000000000000000000000", /* 0 */
	"0100000000000000000000000000000000000000000000000000000000000000", /* 1 */
	"0900000000000000000000000000000000000000000000000000000000000000", /* base point */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p - 1 */
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p */
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p + 1 */
	"efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p + 2 */
	"f7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p + 10 */
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* 2^255 - 1 */
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* 2^256 - 1 */
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* p, top bit */
	"0000000000000000000000000000000000000000000000000000000000000080", /* 2^255 = 0 */
	"0100000000000000000000000000000000000000000000000000000000000080", /* 1, top bit */
	"0900000000000000000000000000000000000000000000000000000000000080", /* 9, top bit */
	"ffffffffffff0f00000000000000000000000000000000000000000000000000", /* 2^52 - 1 */
	"0000000000001000000000000000000000000000000000000000000000000000", /* 2^52 */
	"0000000000000000000000000001000000000000000000000000000000000000", /* 2^104 */
	"0000000000000000000000000000000000000000000000000000010000000000", /* 2^208 */
	"0000000000000000000000000000000000000000000000000000000000000001", /* 2^248 */
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", /* order 8 */
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", /* order 8 */
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880", /* +top bit */
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7", /* +top bit */
	/* 256-bit values whose low 255 bits are low-order points or near p: */
	"cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880", /* order 8 + p */
	"4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7", /* order 8 + p */
	"d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* 2p - 1 */
	"daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* 2p */
	"dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* 2p + 1 */
};

static void
fill_scalar(int kind, uint8_t sk[32])
{
	switch (kind) {
	case 0:
		memset(sk, 0, 32);
		break;
	case 1:
		memset(sk, 0xff, 32);
		break;
	case 2: /* the smallest clamped scalar, 2^254 */
		memset(sk, 0, 32);
		sk[31] = 0x40;
		break;
	case 3: /* the largest: 2^255 - 8 */
		memset(sk, 0xff, 32);
		sk[0] = 0xf8;
		sk[31] = 0x7f;
		break;
	default:
		randombytes_buf(sk, 32);
	}
}

static void
edge_inputs_match_libsodium(void **state)
{
	const size_t nu = sizeof(edge_u) / sizeof(edge_u[0]);
	uint8_t sk[CHUNK][32], pk[CHUNK][32];
	size_t n = 0;

	(void)state;
	for (int kind = 0; kind < 8; kind++) {
		for (size_t i = 0; i < nu; i++) {
			fill_scalar(kind, sk[n]);
			unhex(edge_u[i], pk[n], 32);
			if (++n == CHUNK) {
				check_batch(n, sk, pk);
				n = 0;
			}
		}
	}
	if (n > 0)
		check_batch(n, sk, pk);
}

/* One item through the 8-way kernel (SNC_X25519_MB_MIN 1). */
static void
x25519_ifma_one(const uint8_t sk[32], const uint8_t pk[32], uint8_t out[32])
{
	const uint8_t *s[1] = {sk}, *p[1] = {pk};
	uint8_t *o[1] = {out};
	int status[1] = {0};

	snc_x25519_batch(1, s, p, o, status);
}

static void
rfc7748_section_5_2_vectors(void **state)
{
	static const char *const vec[][3] = {
		{"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		 "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		 "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
		{"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		 "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		 "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
	};
	uint8_t k[32], u[32], want[32], out[32];

	(void)state;
	assert_int_equal(snc_x25519_set_mb_min(1), 0);
	for (size_t i = 0; i < 2; i++) {
		unhex(vec[i][0], k, 32);
		unhex(vec[i][1], u, 32);
		unhex(vec[i][2], want, 32);
		x25519_ifma_one(k, u, out);
		assert_memory_equal(out, want, 32);
	}
	/* Iterated: k, u = X25519(k, u), k; starting from k = u = 9. */
	memset(k, 0, 32);
	k[0] = 9;
	memcpy(u, k, 32);
	for (int i = 1; i <= 1000; i++) {
		x25519_ifma_one(k, u, out);
		memcpy(u, k, 32);
		memcpy(k, out, 32);
		if (i == 1) {
			unhex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
			      want, 32);
			assert_memory_equal(k, want, 32);
		}
	}
	unhex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", want, 32);
	assert_memory_equal(k, want, 32);
	assert_int_equal(snc_x25519_set_mb_min(SNC_X25519_MB_MIN), 0);
}

/* Changing one lane's scalar or point changes that lane's result only. */
static void
lanes_are_independent(void **state)
{
	uint8_t sk[8][32], pk[8][32], base[8][32], out[8][32], want[32], low[32];
	const uint8_t *s[8], *p[8];
	uint8_t *o[8];

	(void)state;
	unhex(edge_u[EDGE_ORDER8], low, 32);
	randombytes_buf(sk, sizeof(sk));
	for (int i = 0; i < 8; i++) {
		crypto_scalarmult_base(pk[i], sk[i]);
		s[i] = sk[i];
		p[i] = pk[i];
		o[i] = out[i];
	}
	for (int lane = 0; lane < 8; lane++) {
		for (int change = 0; change < 4; change++) {
			uint8_t save_sk[32], save_pk[32];
			int status[8] = {0};

			assert_int_equal(snc_x25519_batch(8, s, p, o, status), 0);
			memcpy(base, out, sizeof(out));
			memcpy(save_sk, sk[lane], 32);
			memcpy(save_pk, pk[lane], 32);
			if (change == 0)
				sk[lane][change + 5] ^= 0x10;
			else if (change == 1)
				pk[lane][3] ^= 0x01;
			else if (change == 2)
				memcpy(pk[lane], low, 32); /* low order: zero in that lane only */
			else
				memset(pk[lane], 0xff, 32); /* non-canonical */
			memset(status, 0, sizeof(status));
			snc_x25519_batch(8, s, p, o, status);
			for (int i = 0; i < 8; i++) {
				if (i != lane) {
					assert_int_equal(status[i], 0);
					assert_memory_equal(out[i], base[i], 32);
				}
			}
			assert_int_equal(status[lane], change == 2 ? SNC_E_LOW_ORDER : 0);
			assert_int_equal(crypto_scalarmult(want, sk[lane], pk[lane]),
					 change == 2 ? -1 : 0);
			assert_memory_equal(out[lane], want, 32);
			assert_memory_not_equal(out[lane], base[lane], 32);
			memcpy(sk[lane], save_sk, 32);
			memcpy(pk[lane], save_pk, 32);
		}
	}
}

/* Runs one mixed batch with the named implementation; returns the call's count. */
static unsigned
run_mixed(const char *impl, size_t n, uint8_t (*sk)[32], uint8_t (*pk)[32], uint8_t (*out)[32],
	  int status[])
{
	const uint8_t *s[24], *p[24];
	uint8_t *o[24];

	assert_int_equal(snc_x25519_force(impl), 0);
	for (size_t i = 0; i < n; i++) {
		s[i] = sk[i];
		p[i] = pk[i];
		o[i] = out[i];
	}
	return snc_x25519_batch(n, s, p, o, status);
}

static void
batch_dispatch_matches_scalar_path(void **state)
{
	uint8_t sk[24][32], pk[24][32], out_s[24][32], out_v[24][32], low[32];
	int init[24], st_s[24], st_v[24];

	(void)state;
	unhex(edge_u[EDGE_ORDER8 + 1], low, 32);
	for (unsigned min = 1; min <= 8; min++) {
		assert_int_equal(snc_x25519_set_mb_min(min), 0);
		for (size_t n = 1; n <= 17; n++) {
			for (int round = 0; round < 6; round++) {
				unsigned f_s, f_v;

				randombytes_buf(sk, sizeof(sk));
				randombytes_buf(pk, sizeof(pk));
				for (size_t i = 0; i < n; i++) {
					uint32_t r = randombytes_uniform(round == 0 ? 1 : 6);

					init[i] =
						r == 1 ? -EIO : 0; /* failed in an earlier stage */
					if (r == 2)
						memcpy(pk[i], low, 32);
				}
				memcpy(st_s, init, sizeof(init));
				memcpy(st_v, init, sizeof(init));
				memset(out_s, 0x5a, sizeof(out_s));
				memset(out_v, 0x5a, sizeof(out_v));
				f_s = run_mixed("scalar", n, sk, pk, out_s, st_s);
				f_v = run_mixed("ifma", n, sk, pk, out_v, st_v);
				assert_int_equal(f_v, f_s);
				assert_memory_equal(st_v, st_s, n * sizeof(int));
				assert_memory_equal(out_v, out_s, sizeof(out_s));
			}
		}
	}
	assert_int_equal(snc_x25519_set_mb_min(SNC_X25519_MB_MIN), 0);
}

static void
implementation_choice(void **state)
{
	(void)state;
	assert_int_equal(snc_x25519_impl_choose(NULL, 1), SNC_X25519_IFMA);
	assert_int_equal(snc_x25519_impl_choose("", 0), SNC_X25519_SCALAR);
	assert_int_equal(snc_x25519_impl_choose("scalar", 1), SNC_X25519_SCALAR);
	assert_int_equal(snc_x25519_impl_choose("ifma", 1), SNC_X25519_IFMA);
	assert_int_equal(snc_x25519_impl_choose("ifma", 0), -ENOTSUP);
	assert_int_equal(snc_x25519_impl_choose("avx2", 1), -EINVAL);
	assert_int_equal(snc_x25519_force("IFMA"), -EINVAL);
	assert_int_equal(snc_x25519_set_mb_min(0), -EINVAL);
	assert_int_equal(snc_x25519_set_mb_min(9), -EINVAL);
	assert_int_equal(snc_x25519_force("scalar"), 0);
	assert_string_equal(snc_x25519_impl_name(), "libsodium-scalar");
	assert_int_equal(snc_x25519_force("ifma"), 0);
	assert_string_equal(snc_x25519_impl_name(), "avx512ifma-8way");

	/* snc_init() refuses what the environment asks for and cannot have. */
	setenv("SNC_X25519_IMPL", "ifma2", 1);
	assert_int_equal(snc_init(), -1);
	assert_non_null(strstr(snc_x25519_select_error(), "SNC_X25519_IMPL=ifma2"));
	assert_string_equal(snc_x25519_impl_name(), "libsodium-scalar");
	setenv("SNC_X25519_IMPL", "ifma", 1);
	setenv("SNC_X25519_MB_MIN", "9", 1);
	assert_int_equal(snc_init(), -1);
	assert_non_null(strstr(snc_x25519_select_error(), "SNC_X25519_MB_MIN=9"));
	setenv("SNC_X25519_MB_MIN", "8", 1);
	assert_int_equal(snc_init(), 0);
	assert_null(snc_x25519_select_error());
	assert_string_equal(snc_x25519_impl_name(), "avx512ifma-8way");
	unsetenv("SNC_X25519_MB_MIN");
	assert_int_equal(snc_init(), 0);
}

static int
force_ifma(void **state)
{
	(void)state;
	snc_x25519_set_mb_min(SNC_X25519_MB_MIN);
	return snc_x25519_force("ifma");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(implementation_choice),
		cmocka_unit_test_setup(rfc7748_section_5_2_vectors, force_ifma),
		cmocka_unit_test_setup(edge_inputs_match_libsodium, force_ifma),
		cmocka_unit_test_setup(lanes_are_independent, force_ifma),
		cmocka_unit_test_setup(batch_dispatch_matches_scalar_path, force_ifma),
		cmocka_unit_test_setup(random_pairs_match_libsodium, force_ifma),
	};

	if (snc_init() != 0)
		return 1;
	if (!snc_x25519_ifma_usable()) {
		printf("1..0 # SKIP no AVX-512 IFMA on this CPU or in this build\n");
		return 0;
	}
	return cmocka_run_group_tests_name("crypto/x25519_ifma", tests, NULL, NULL);
}
