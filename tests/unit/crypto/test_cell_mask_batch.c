/* SPDX-License-Identifier: MIT */
/*
 * crypto/cell_mask_batch.c: every batch size around the 8 lanes (0 .. 33) gives exactly
 * snc_cell_mask / snc_cell_data_keys (libsodium, one at a time), on the automatic path
 * (the 8-way AVX-512F kernel where the CPU has it) and on the forced scalar one; the
 * kernel itself against crypto_generichash for every message length 1 .. 128. Jobs with
 * a precomputed key state (snc_mask_key: all of a group, some, none) give the same masks;
 * circuits that want no kf (all of a group, some, none) get the same kr.
 */
#include "test_common.h"

#include "cell_mask_batch.h"
#if SNC_TEST_HAVE_B2X8
#include "blake2b_x8.h"
#endif

enum {
	N = 33
};

/* pre_mode 0: no job has a key state; 1: all; 2: every third has none (mixed groups). */
static void
masks_with_pre(bool scalar, int pre_mode)
{
	static uint8_t keys[N][32], got[N][SNC_CELL_MASK_BYTES], want[SNC_CELL_MASK_BYTES];
	static struct snc_mask_key pre[N];
	struct snc_mask_job jobs[N];

	snc_cell_mask_batch_force_scalar(scalar);
	randombytes_buf(keys, sizeof(keys));
	for (size_t i = 0; i < N; i++)
		snc_mask_key_init(&pre[i], keys[i]);
	for (size_t n = 0; n <= N; n++) {
		for (size_t i = 0; i < n; i++)
			jobs[i] = (struct snc_mask_job){
				.key = keys[(i * 7) % N],
				.label = randombytes_random() * 0x100000001ull,
				.seq = randombytes_random(),
				.kind = (uint8_t)(i % 5),
				.mask = got[i],
				.pre = pre_mode == 0 || (pre_mode == 2 && i % 3 == 0)
					       ? NULL
					       : &pre[(i * 7) % N]};
		memset(got, 0, sizeof(got));
		snc_cell_mask_batch(n, jobs);
		for (size_t i = 0; i < n; i++) {
			snc_cell_mask(jobs[i].key, jobs[i].kind, jobs[i].label, jobs[i].seq, want);
			assert_memory_equal(got[i], want, SNC_CELL_MASK_BYTES);
		}
		for (size_t i = n; i < N; i++) /* nothing written past n */
			assert_true(sodium_is_zero(got[i], SNC_CELL_MASK_BYTES));
	}
	snc_cell_mask_batch_force_scalar(false);
}

static void
masks_equal_one_at_a_time(bool scalar)
{
	for (int mode = 0; mode <= 2; mode++)
		masks_with_pre(scalar, mode);
}

static void
masks_auto(void **state)
{
	(void)state;
	masks_equal_one_at_a_time(false);
}

static void
masks_scalar(void **state)
{
	(void)state;
	snc_cell_mask_batch_force_scalar(true);
	assert_string_equal(snc_cell_mask_batch_impl(), "libsodium");
	masks_equal_one_at_a_time(true);
}

/* kf_mode 0: every circuit wants kf; 1: none (kr alone); 2: every third none (mixed
 * groups): an unwanted kf is never written. */
static void
data_keys_with(bool scalar, int kf_mode)
{
	static uint8_t hop[N][32], kf[N][32], kr[N][32], wf[32], wr[32];
	const uint8_t *hk[N];
	uint8_t *pf[N], *pr[N];

	randombytes_buf(hop, sizeof(hop));
	snc_cell_mask_batch_force_scalar(scalar);
	for (size_t n = 0; n <= N; n++) {
		memset(kf, 0, sizeof(kf));
		memset(kr, 0, sizeof(kr));
		for (size_t i = 0; i < N; i++) {
			bool wanted = kf_mode == 0 || (kf_mode == 2 && i % 3 != 0);
			hk[i] = hop[i];
			pf[i] = wanted ? kf[i] : NULL;
			pr[i] = kr[i];
		}
		snc_cell_data_keys_batch(n, hk, pf, pr);
		for (size_t i = 0; i < n; i++) {
			snc_cell_data_keys(hop[i], wf, wr);
			if (pf[i] != NULL)
				assert_memory_equal(kf[i], wf, 32);
			else
				assert_true(sodium_is_zero(kf[i], 32));
			assert_memory_equal(kr[i], wr, 32);
		}
		for (size_t i = n; i < N; i++)
			assert_true(sodium_is_zero(kf[i], 32) && sodium_is_zero(kr[i], 32));
	}
	snc_cell_mask_batch_force_scalar(false);
}

static void
data_keys_equal_one_at_a_time(void **state)
{
	(void)state;
	for (int scalar = 0; scalar <= 1; scalar++)
		for (int mode = 0; mode <= 2; mode++)
			data_keys_with(scalar, mode);
}

/* The kernel alone, every message length it takes, when this CPU can run it. */
static void
kernel_every_length(void **state)
{
	(void)state;
#if SNC_TEST_HAVE_B2X8
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx512f")) {
		skip();
		return;
	}
	static uint8_t key[8][32], msg[8][128], out[8][32], want[32];
	const uint8_t *kp[8], *mp[8];
	uint8_t *op[8];
	size_t len[8];

	randombytes_buf(key, sizeof(key));
	randombytes_buf(msg, sizeof(msg));
	for (size_t base = 1; base <= 128; base += 8) {
		for (int l = 0; l < 8; l++) {
			kp[l] = key[l];
			mp[l] = msg[l];
			len[l] = base + (size_t)l <= 128 ? base + (size_t)l : 128;
			op[l] = out[l];
		}
		snc_blake2b_k32_x8(kp, mp, len, op);
		for (int l = 0; l < 8; l++) {
			crypto_generichash(want, 32, msg[l], len[l], key[l], 32);
			assert_memory_equal(out[l], want, 32);
		}
		/* the same from each key's precomputed state */
		static uint64_t st[8][8];
		const uint64_t *sp[8];
		for (int l = 0; l < 8; l++) {
			snc_blake2b_k32_state(key[l], st[l]);
			sp[l] = st[l];
		}
		memset(out, 0, sizeof(out));
		assert_int_equal(snc_blake2b_k32_x8_from(sp, mp, len, op), 0);
		for (int l = 0; l < 8; l++) {
			crypto_generichash(want, 32, msg[l], len[l], key[l], 32);
			assert_memory_equal(out[l], want, 32);
		}
		/* outside 1..128: refused, nothing written */
		len[3] = base == 1 ? 0 : 129;
		memset(out, 0, sizeof(out));
		assert_int_equal(snc_blake2b_k32_x8_from(sp, mp, len, op), -1);
		assert_true(sodium_is_zero(&out[0][0], sizeof(out)));
	}
	/* outside 1..128 (an empty message, one past a block): still libsodium's hashes */
	for (size_t bad = 0; bad <= 129; bad += 129) {
		static uint8_t big[8][129];

		randombytes_buf(big, sizeof(big));
		for (int l = 0; l < 8; l++) {
			mp[l] = big[l];
			len[l] = l == 5 ? bad : 14;
		}
		snc_blake2b_k32_x8(kp, mp, len, op);
		for (int l = 0; l < 8; l++) {
			crypto_generichash(want, 32, big[l], len[l], key[l], 32);
			assert_memory_equal(out[l], want, 32);
		}
	}
#else
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(masks_auto),
		cmocka_unit_test(masks_scalar),
		cmocka_unit_test(data_keys_equal_one_at_a_time),
		cmocka_unit_test(kernel_every_length),
	};
	return RUN_GROUP("crypto/cell_mask_batch", tests);
}
