/* SPDX-License-Identifier: MIT */
/* crypto/x25519.c: RFC 7748 vectors, low-order rejection, batch status rules. */
#include "test_common.h"

#include "batch.h"
#include "x25519.h"

/* RFC 7748 section 6.1 (Alice and Bob). */
static const char alice_sk[] = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char bob_pk[] = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
static const char shared[] = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

/* Points whose X25519 output is zero for every scalar (small order or equivalent). */
static const char *const low_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

static void
rfc7748_shared_secret(void **state)
{
	uint8_t sk[32], pk[32], want[32], out[32];

	(void)state;
	unhex(alice_sk, sk, 32);
	unhex(bob_pk, pk, 32);
	unhex(shared, want, 32);
	assert_int_equal(snc_x25519(sk, pk, out), 0);
	assert_memory_equal(out, want, 32);
}

static void
low_order_points_are_rejected_and_zeroed(void **state)
{
	uint8_t sk[32], pk[32], out[32];

	(void)state;
	unhex(alice_sk, sk, 32);
	for (size_t i = 0; i < sizeof(low_order) / sizeof(low_order[0]); i++) {
		memset(out, 0xaa, sizeof(out));
		unhex(low_order[i], pk, 32);
		assert_int_equal(snc_x25519(sk, pk, out), SNC_E_LOW_ORDER);
		for (int b = 0; b < 32; b++)
			assert_int_equal(out[b], 0);
	}
}

static void
batch_marks_only_bad_items_and_skips_failed_ones(void **state)
{
	uint8_t sk[32], good[32], bad[32], want[32], out[4][32];
	const uint8_t *sks[4] = {sk, sk, sk, sk}, *pks[4] = {good, bad, good, good};
	uint8_t *outs[4] = {out[0], out[1], out[2], out[3]};
	int status[4] = {0, 0, -EIO, 0};

	(void)state;
	unhex(alice_sk, sk, 32);
	unhex(bob_pk, good, 32);
	unhex(low_order[2], bad, 32);
	unhex(shared, want, 32);
	memset(out, 0x55, sizeof(out));
	assert_int_equal(snc_x25519_batch(4, sks, pks, outs, status), 1);
	assert_int_equal(status[0], 0);
	assert_int_equal(status[1], SNC_E_LOW_ORDER);
	assert_int_equal(status[2], -EIO); /* untouched: failed before this stage */
	assert_int_equal(status[3], 0);
	assert_memory_equal(out[0], want, 32);
	assert_memory_equal(out[3], want, 32);
	assert_int_equal(out[2][0], 0x55);
	assert_non_null(snc_x25519_impl_name());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc7748_shared_secret),
		cmocka_unit_test(low_order_points_are_rejected_and_zeroed),
		cmocka_unit_test(batch_marks_only_bad_items_and_skips_failed_ones),
	};
	return RUN_GROUP("crypto/x25519", tests);
}
