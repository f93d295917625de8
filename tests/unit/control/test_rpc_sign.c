/* SPDX-License-Identifier: MIT */
/* control/rpc_sign.c: the signed-message builder byte for byte (decimal
 * integers, PUBKEY_HEX with the testnet rule), the node signature against
 * libsession-util's Ed25519 vector, and the result envelopes. */
#include "test_rpc_common.h"

#include "kat.h"
#include "rpc_sign.h"

static struct ctl_rpc_server srv;

static int
setup(void **state)
{
	uint8_t pk[32];

	(void)state;
	memset(&srv, 0, sizeof(srv));
	crypto_sign_keypair(pk, srv.sk);
	sodium_bin2hex(srv.own_hex, sizeof(srv.own_hex), pk, 32);
	srv.hf[0] = 19;
	srv.hf[1] = 4;
	return 0;
}

static void
test_message_builder(void **state)
{
	static const char want[] =
		"05aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"0-9223372036854775808184467440737095516151700000000000tail";
	uint8_t pk[33];
	struct rpc_sigmsg m;

	(void)state;
	pk[0] = 0x05;
	memset(pk + 1, 0xaa, 32);
	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, pk, false);
	rpc_sign_msg_u64(&m, 0);
	rpc_sign_msg_i64(&m, INT64_MIN);
	rpc_sign_msg_u64(&m, UINT64_MAX);
	rpc_sign_msg_i64(&m, 1700000000000LL);
	rpc_sign_msg_add(&m, "tail-not", 4);
	rpc_sign_msg_add(&m, NULL, 0);
	assert_false(m.failed);
	assert_int_equal(m.len, strlen(want));
	assert_memory_equal(m.buf, want, m.len);
	rpc_sign_msg_free(&m);
	assert_null(m.buf);
}

static void
test_message_builder_grows(void **state)
{
	uint8_t big[5000];
	struct rpc_sigmsg m;

	(void)state;
	randombytes_buf(big, sizeof(big));
	rpc_sign_msg_init(&m);
	for (int i = 0; i < 3; i++)
		rpc_sign_msg_add(&m, big, sizeof(big));
	assert_int_equal(m.len, 3 * sizeof(big));
	assert_memory_equal(m.buf + 2 * sizeof(big), big, sizeof(big));
	rpc_sign_msg_free(&m);
}

static void
test_pubkey_hex_testnet(void **state)
{
	uint8_t pk[33];
	struct rpc_sigmsg m;

	(void)state;
	/* Testnet drops a 00 netid (SS user_pubkey::prefixed_hex); others stay. */
	memset(pk, 0x11, sizeof(pk));
	pk[0] = 0x00;
	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, pk, true);
	assert_int_equal(m.len, 64);
	rpc_sign_msg_free(&m);
	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, pk, false);
	assert_int_equal(m.len, 66);
	assert_memory_equal(m.buf, "0011", 4);
	rpc_sign_msg_free(&m);
	pk[0] = 0x05;
	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, pk, true);
	assert_int_equal(m.len, 66);
	rpc_sign_msg_free(&m);
}

static void
test_signature_vector(void **state)
{
	json_t *kat = kat_load("signatures.json"), *v = NULL;
	uint8_t seed[32], pk[32], sk[64], want[64], got[64];
	char b64sig[CTL_RPC_SIG_B64_LEN + 1];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < json_array_size(json_object_get(kat, "vectors")); i++) {
		json_t *e = json_array_get(json_object_get(kat, "vectors"), i);
		if (strcmp(kat_str(e, "name"), "ed25519_sign_hello") == 0)
			v = e;
	}
	assert_non_null(v);
	kat_hex(v, "ed25519_seed", seed, 32, 32);
	kat_hex(v, "signature", want, 64, 64);
	crypto_sign_seed_keypair(pk, sk, seed);
	rpc_sign_b64(sk, (const uint8_t *)"hello", 5, b64sig);
	/* Padded base64, as oxenc::to_base64. */
	assert_int_equal(strlen(b64sig), 88);
	assert_string_equal(b64sig + 86, "==");
	assert_int_equal(sodium_base642bin(got, 64, b64sig, 88, NULL, &n, NULL,
					   sodium_base64_VARIANT_ORIGINAL),
			 0);
	assert_int_equal(n, 64);
	assert_memory_equal(got, want, 64);
	json_decref(kat);
	sodium_memzero(sk, sizeof(sk));
}

static void
test_put_and_envelope(void **state)
{
	json_t *mine = json_object(), *top, *hf;
	struct rpc_sigmsg m;
	uint8_t sig[64], pk[32];
	size_t n = 0;

	(void)state;
	rpc_sign_msg_init(&m);
	rpc_sign_msg_str(&m, "abc");
	assert_int_equal(rpc_sign_put(&srv, &m, mine), 0);
	assert_null(m.buf);
	assert_int_equal(sodium_base642bin(sig, 64,
					   json_string_value(json_object_get(mine, "signature")),
					   88, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	sodium_hex2bin(pk, 32, srv.own_hex, 64, NULL, NULL, NULL);
	assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)"abc", 3, pk), 0);
	top = rpc_sign_swarm(&srv, mine, 1234567890123ULL);
	assert_non_null(top);
	assert_int_equal(json_object_size(top), 3);
	assert_ptr_equal(json_object_get(json_object_get(top, "swarm"), srv.own_hex), mine);
	assert_int_equal(json_integer_value(json_object_get(top, "t")), 1234567890123LL);
	hf = json_object_get(top, "hf");
	assert_int_equal(json_array_size(hf), 2);
	assert_int_equal(json_integer_value(json_array_get(hf, 0)), 19);
	assert_int_equal(json_integer_value(json_array_get(hf, 1)), 4);
	json_decref(top);
	assert_null(rpc_sign_swarm(&srv, NULL, 1));
}

static void
test_put_failed_message(void **state)
{
	json_t *mine = json_object();
	struct rpc_sigmsg m;

	(void)state;
	rpc_sign_msg_init(&m);
	rpc_sign_msg_str(&m, "partial");
	m.failed = true; /* as after an allocation failure */
	rpc_sign_msg_str(&m, "ignored");
	assert_int_equal(m.len, 7);
	assert_int_equal(rpc_sign_put(&srv, &m, mine), -ENOMEM);
	assert_null(json_object_get(mine, "signature"));
	assert_null(m.buf);
	json_decref(mine);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_builder),
		cmocka_unit_test(test_message_builder_grows),
		cmocka_unit_test(test_pubkey_hex_testnet),
		cmocka_unit_test(test_signature_vector),
		cmocka_unit_test(test_put_and_envelope),
		cmocka_unit_test(test_put_failed_message),
	};

	return cmocka_run_group_tests_name("rpc_sign", tests, setup, NULL);
}
