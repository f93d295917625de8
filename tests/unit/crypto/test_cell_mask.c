/* SPDX-License-Identifier: MIT */
/*
 * crypto/cell_mask.c against values computed with Python's hashlib (keyed
 * BLAKE2b) and PyNaCl (X25519, XChaCha20-Poly1305) from docs/wire-format.md.
 */
#include "test_common.h"

#include "batch.h"
#include "cell_mask.h"

static void
mask_matches_the_spec(void **state)
{
	uint8_t key[32], mask[5], want[5], other[5];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	unhex("2dbae9cd70", want, 5);
	snc_cell_mask(key, 1, 0x0102030405060708ull, 0, mask);
	assert_memory_equal(mask, want, 5);
	snc_cell_mask(key, 1, 0x0102030405060708ull, 1, other);
	assert_memory_not_equal(mask, other, 5);
	snc_cell_mask(key, 2, 0x0102030405060708ull, 0, other);
	assert_memory_not_equal(mask, other, 5);
	snc_cell_mask(key, 1, 0x0102030405060709ull, 0, other);
	assert_memory_not_equal(mask, other, 5);
}

static void
link_key_is_the_same_at_both_ends(void **state)
{
	uint8_t a[32], c[32], pa[32], pc[32], k1[32], k2[32], want[32], zero[32] = {0};

	(void)state;
	memset(a, 1, 32);
	memset(c, 2, 32);
	crypto_scalarmult_base(pa, a);
	crypto_scalarmult_base(pc, c);
	unhex("2fa1b918f9d3943d5743481000bf143400fc19f596462ded1a6363f90b8f893e", want, 32);
	assert_int_equal(snc_cell_link_key(a, pa, pc, k1), 0);
	assert_int_equal(snc_cell_link_key(c, pc, pa, k2), 0);
	assert_memory_equal(k1, want, 32);
	assert_memory_equal(k2, want, 32);
	assert_int_equal(snc_cell_link_key(a, pa, zero, k1), SNC_E_LOW_ORDER);
}

static void
data_keys_and_layers(void **state)
{
	uint8_t hop[32], kf[32], kr[32], want[32], ct[64], want_ct[64], buf[64];

	(void)state;
	memset(hop, 7, 32);
	snc_cell_data_keys(hop, kf, kr);
	unhex("02b7a4ba0296f4b91ccb579ee9a3854dbdadab4150ae3b3c653802ba82ee85d3", want, 32);
	assert_memory_equal(kf, want, 32);
	unhex("847ba93a1a6eedf3e532f1d1b880e71c517540e6d5371452958bb750ad6e05ed", want, 32);
	assert_memory_equal(kr, want, 32);
	unhex("89dd134a0b9864b737c86e20e7c87b66f2b7ae75e262f9aac4", want_ct, 25);
	snc_cell_data_seal(kf, 5, (const uint8_t *)"data cell", 9, ct);
	assert_memory_equal(ct, want_ct, 25);
	/* In place, both ways. */
	memcpy(buf, "data cell", 9);
	snc_cell_data_seal(kf, 5, buf, 9, buf);
	assert_memory_equal(buf, want_ct, 25);
	assert_int_equal(snc_cell_data_open(kf, 5, buf, 25, buf), 0);
	assert_memory_equal(buf, "data cell", 9);
	/* Wrong seq, wrong key, every flipped byte, short input. */
	assert_int_equal(snc_cell_data_open(kf, 6, ct, 25, buf), SNC_E_AUTH);
	assert_int_equal(snc_cell_data_open(kr, 5, ct, 25, buf), SNC_E_AUTH);
	for (int i = 0; i < 25; i++) {
		ct[i] ^= 0x80;
		assert_int_equal(snc_cell_data_open(kf, 5, ct, 25, buf), SNC_E_AUTH);
		ct[i] ^= 0x80;
	}
	assert_int_equal(snc_cell_data_open(kf, 5, ct, 15, buf), SNC_E_LENGTH);
	assert_int_equal(snc_cell_data_open(kf, 5, ct, 16, buf), SNC_E_AUTH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mask_matches_the_spec),
		cmocka_unit_test(link_key_is_the_same_at_both_ends),
		cmocka_unit_test(data_keys_and_layers),
	};
	return RUN_GROUP("crypto/cell_mask", tests);
}
