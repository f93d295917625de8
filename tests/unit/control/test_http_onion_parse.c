/* SPDX-License-Identifier: MIT */
/* control/http_onion_parse.c: the /onion_req/v2 body, each refusal with its text. */
#include "test_common_ctl.h"

#include <string.h>

#include "http_onion_parse.h"

static int
parse(const char *body, size_t len, struct ctl_onion_entry_req *r, char *why)
{
	return ctl_onion_entry_parse((const uint8_t *)body, len, r, why, 200);
}

#define KEY "\"0000000000000000000000000000000000000000000000000000000000000001\""

static void
accepts(void **state)
{
	static const char ok[] = "\x02\x00\x00\x00"
				 "ab{\"ephemeral_key\": " KEY ", \"enc_type\": \"xchacha20\", "
				 "\"hop_no\": 3}";
	static const char dflt[] = "\x00\x00\x00\x00{\"ephemeral_key\":" KEY "}";
	struct ctl_onion_entry_req r;
	char why[200];

	(void)state;
	assert_int_equal(parse(ok, sizeof(ok) - 1, &r, why), 0);
	assert_int_equal(r.blob_len, 2);
	assert_memory_equal(r.blob, "ab", 2);
	assert_int_equal(r.route.enc_type, SNC_ENC_XCHACHA20);
	assert_int_equal(r.route.hop_no, 3);
	assert_int_equal(r.route.eph_pk[31], 1);
	assert_int_equal(parse(dflt, sizeof(dflt) - 1, &r, why), 0);
	assert_int_equal(r.blob_len, 0);
	assert_int_equal(r.route.enc_type, SNC_ENC_AES_GCM); /* the default */
	assert_int_equal(r.route.hop_no, 0);
}

static void
refuses(void **state)
{
	static const struct {
		const char *body;
		size_t len;
		const char *why;
	} cases[] = {
#define C(body, why) {body, sizeof(body) - 1, why}
		C("", "Unexpected payload size; expected ciphertext size"),
		C("\x01\x00\x00", "Unexpected payload size; expected ciphertext size"),
		C("\x04\x00\x00\x00"
		  "abc",
		  "Unexpected payload size 3, expected >= 4"),
		C("\xff\xff\xff\xff", "Unexpected payload size 0, expected >= 4294967295"),
		C("\x00\x00\x00\x00{", "invalid JSON after the ciphertext"),
		C("\x00\x00\x00\x00{}", "\"ephemeral_key\" must be 64 hex digits"),
		C("\x00\x00\x00\x00{\"ephemeral_key\":\"00\"}", "\"ephemeral_key\" must be"),
		C("\x00\x00\x00\x00{\"ephemeral_key\":" KEY ",\"enc_type\":\"rot13\"}",
		  "\"ephemeral_key\" must be"),
		C("\x00\x00\x00\x00{\"ephemeral_key\":" KEY ",\"hop_no\":16}", "hop_no above 15"),
#undef C
	};
	struct ctl_onion_entry_req r;
	char why[200];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		if (parse(cases[i].body, cases[i].len, &r, why) != -1)
			fail_msg("case %zu accepted", i);
		if (strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("case %zu: '%s' does not start with '%s'", i, why, cases[i].why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts),
		cmocka_unit_test(refuses),
	};

	return cmocka_run_group_tests_name("http_onion_parse", tests, NULL, NULL);
}
