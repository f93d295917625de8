/* SPDX-License-Identifier: MIT */
/*
 * control/onion_dest.c: the destination's reply wrapper, as
 * session-storage-server's wrap_proxy_response builds it (facts doc 1.6).
 */
#include "onion_dest.h"
#include "test_common_ctl.h"

static void
check(int code, const char *body, bool json, const char *want)
{
	size_t n;
	char *got = ctl_onion_wrap_reply(code, body, strlen(body), json, &n);

	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
	free(got);
}

static void
body_is_a_string_by_default(void **state)
{
	(void)state;
	check(200, "{\"hash\":\"abc\"}", false,
	      "{\"body\":\"{\\\"hash\\\":\\\"abc\\\"}\",\"status\":200}");
	check(401, "retrieve: request signature required", false,
	      "{\"body\":\"retrieve: request signature required\",\"status\":401}");
}

static void
json_true_embeds_a_json_body(void **state)
{
	(void)state;
	check(200, "{\"t\":1,\"hash\":\"abc\"}", true,
	      "{\"body\":{\"hash\":\"abc\",\"t\":1},\"status\":200}");
	/* an error text is not JSON: it stays a string even with json: true */
	check(400, "invalid json", true, "{\"body\":\"invalid json\",\"status\":400}");
	check(200, "", true, "{\"body\":\"\",\"status\":200}");
}

static void
non_ascii_and_control_bytes_are_escaped_as_json(void **state)
{
	(void)state;
	check(200, "a\nb\"c\\", false, "{\"body\":\"a\\nb\\\"c\\\\\",\"status\":200}");
	check(200, "caf\xc3\xa9", false, "{\"body\":\"caf\xc3\xa9\",\"status\":200}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(body_is_a_string_by_default),
		cmocka_unit_test(json_true_embeds_a_json_body),
		cmocka_unit_test(non_ascii_and_control_bytes_are_escaped_as_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
