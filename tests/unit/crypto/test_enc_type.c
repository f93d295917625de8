/* SPDX-License-Identifier: MIT */
/* crypto/enc_type.c: names exactly as session-storage-server parses them. */
#include "test_common.h"

#include "batch.h"
#include "enc_type.h"

static void
parses_every_reference_alias(void **state)
{
	const struct {
		const char *name;
		enum snc_enc_type type;
	} ok[] = {{"aes-gcm", SNC_ENC_AES_GCM},	    {"gcm", SNC_ENC_AES_GCM},
		  {"xchacha20", SNC_ENC_XCHACHA20}, {"xchacha20-poly1305", SNC_ENC_XCHACHA20},
		  {"aes-cbc", SNC_ENC_AES_CBC},	    {"cbc", SNC_ENC_AES_CBC}};
	enum snc_enc_type t;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(snc_enc_type_parse(ok[i].name, strlen(ok[i].name), &t), 0);
		assert_int_equal(t, ok[i].type);
	}
}

static void
rejects_near_misses(void **state)
{
	const char *bad[] = {"", "AES-GCM", "aes-gcm ", "aes", "xchacha", "chacha20"};
	enum snc_enc_type t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(snc_enc_type_parse(bad[i], strlen(bad[i]), &t), SNC_E_ENC_TYPE);
	/* An embedded NUL within the given length is not a match either. */
	assert_int_equal(snc_enc_type_parse("gcm\0x", 5, &t), SNC_E_ENC_TYPE);
	/* The length bounds the comparison: "gcm" is a prefix of "gcmx". */
	assert_int_equal(snc_enc_type_parse("gcmx", 3, &t), 0);
}

static void
sealed_lengths_match_the_framing(void **state)
{
	(void)state;
	assert_int_equal(snc_enc_type_sealed_len(SNC_ENC_AES_GCM, 11), 12 + 11 + 16);
	assert_int_equal(snc_enc_type_sealed_len(SNC_ENC_XCHACHA20, 11), 24 + 11 + 16);
	assert_int_equal(snc_enc_type_sealed_len(SNC_ENC_AES_CBC, 0), 16 + 16);
	assert_int_equal(snc_enc_type_sealed_len(SNC_ENC_AES_CBC, 15), 16 + 16);
	assert_int_equal(snc_enc_type_sealed_len(SNC_ENC_AES_CBC, 16), 16 + 32);
	assert_int_equal(snc_enc_type_sealed_len(SNC_ENC_TYPE_COUNT, 16), 0);
	assert_string_equal(snc_enc_type_name(SNC_ENC_XCHACHA20), "xchacha20");
	assert_string_equal(snc_enc_type_name(SNC_ENC_TYPE_COUNT), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_every_reference_alias),
		cmocka_unit_test(rejects_near_misses),
		cmocka_unit_test(sealed_lengths_match_the_framing),
	};
	return RUN_GROUP("crypto/enc_type", tests);
}
