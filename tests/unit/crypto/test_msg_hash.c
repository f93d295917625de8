/* SPDX-License-Identifier: MIT */
/* crypto/msg_hash.c: the upstream hash vector, namespace encoding and its limits. */
#include <errno.h>

#include "kat.h"
#include "msg_hash.h"
#include "test_common.h"

static const char pk_hex[] = "05ffba630924aa1224bb930dde21c0d11bf004608f2812217f8ac812d6c7e3ad48";

/* BLAKE2b-256(pubkey33 || ns_text || data), base64 without padding: the rule spelled out. */
static void
reference_hash(const uint8_t pk[33], const char *ns_text, const uint8_t *data, size_t len,
	       char out[SNC_MSG_HASH_B64_BUF])
{
	crypto_generichash_state st;
	uint8_t h[32];

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, pk, 33);
	crypto_generichash_update(&st, (const uint8_t *)ns_text, strlen(ns_text));
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, h, 32);
	sodium_bin2base64(out, SNC_MSG_HASH_B64_BUF, h, 32,
			  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

/* tests/kat/message_hash.json: SS unit_test/service_node.cpp "service nodes - message hashing". */
static void
upstream_vectors(void **state)
{
	json_t *kat = kat_load("message_hash.json"), *v;
	size_t i;

	(void)state;
	json_array_foreach(json_object_get(kat, "vectors"), i, v)
	{
		uint8_t pk[33], data[1024];
		size_t len = kat_hex(v, "data", data, sizeof(data), 0);
		char out[SNC_MSG_HASH_B64_BUF];
		int ns = (int)json_integer_value(json_object_get(v, "namespace"));

		kat_hex(v, "pubkey", pk, sizeof(pk), 33);
		assert_int_equal(len, json_integer_value(json_object_get(v, "data_len")));
		assert_int_equal(snc_msg_hash_compute(pk, ns, data, len, out), 0);
		assert_string_equal(out, kat_str(v, "expected_hash_b64"));
		assert_int_equal(strlen(out), SNC_MSG_HASH_B64_LEN);
		assert_true(snc_msg_hash_is_valid(out, strlen(out)));
	}
	json_decref(kat);
}

static void
namespace_is_decimal_and_zero_is_empty(void **state)
{
	static const struct {
		int32_t ns;
		const char *text;
	} cases[] = {
		{0, ""},      {1, "1"},		{-1, "-1"},	    {-10, "-10"},
		{999, "999"}, {32767, "32767"}, {-32768, "-32768"},
	};
	uint8_t pk[33], data[5] = {'h', 'e', 'l', 'l', 'o'};
	char got[SNC_MSG_HASH_B64_BUF], want[SNC_MSG_HASH_B64_BUF];

	(void)state;
	unhex(pk_hex, pk, 33);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(snc_msg_hash_compute(pk, cases[i].ns, data, sizeof(data), got), 0);
		reference_hash(pk, cases[i].text, data, sizeof(data), want);
		assert_string_equal(got, want);
	}
}

static void
netid_is_hashed(void **state)
{
	uint8_t pk[33];
	char a[SNC_MSG_HASH_B64_BUF], b[SNC_MSG_HASH_B64_BUF];

	(void)state;
	unhex(pk_hex, pk, 33);
	assert_int_equal(snc_msg_hash_compute(pk, 0, NULL, 0, a), 0);
	pk[0] = 0x03;
	assert_int_equal(snc_msg_hash_compute(pk, 0, NULL, 0, b), 0);
	assert_string_not_equal(a, b);
}

static void
namespace_limits_and_bad_arguments(void **state)
{
	uint8_t pk[33] = {5};
	char out[SNC_MSG_HASH_B64_BUF];

	(void)state;
	assert_int_equal(snc_msg_hash_compute(pk, 32767, NULL, 0, out), 0);
	assert_int_equal(snc_msg_hash_compute(pk, -32768, NULL, 0, out), 0);
	assert_int_equal(snc_msg_hash_compute(pk, 32768, NULL, 0, out), -ERANGE);
	assert_int_equal(snc_msg_hash_compute(pk, -32769, NULL, 0, out), -ERANGE);
	assert_int_equal(snc_msg_hash_compute(NULL, 0, NULL, 0, out), -EINVAL);
	assert_int_equal(snc_msg_hash_compute(pk, 0, NULL, 1, out), -EINVAL);
	assert_int_equal(snc_msg_hash_compute(pk, 0, NULL, 0, NULL), -EINVAL);
}

static void
validity_of_hash_strings(void **state)
{
	char s[64];

	(void)state;
	memset(s, 'A', sizeof(s));
	assert_true(snc_msg_hash_is_valid(s, 43));
	assert_false(snc_msg_hash_is_valid(s, 42));
	assert_false(snc_msg_hash_is_valid(s, 44));
	assert_false(snc_msg_hash_is_valid(NULL, 43));
	s[10] = '+', s[11] = '/', s[12] = '-', s[13] = '_';
	assert_true(snc_msg_hash_is_valid(s, 43));
	s[42] = '=';
	assert_false(snc_msg_hash_is_valid(s, 43));
	s[42] = 'A', s[0] = ' ';
	assert_false(snc_msg_hash_is_valid(s, 43));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upstream_vectors),
		cmocka_unit_test(namespace_is_decimal_and_zero_is_empty),
		cmocka_unit_test(netid_is_hashed),
		cmocka_unit_test(namespace_limits_and_bad_arguments),
		cmocka_unit_test(validity_of_hash_strings),
	};

	return RUN_GROUP("crypto/msg_hash", tests);
}
