/* SPDX-License-Identifier: MIT */
/* crypto/payload.c: the combined payload [u32le N][blob]{json} at every bound. */
#include "test_common.h"

#include "payload.h"

static void
parses_blob_and_json(void **state)
{
	const uint8_t in[] = {3, 0, 0, 0, 'a', 'b', 'c', '{', '}'};
	struct snc_payload p;

	(void)state;
	assert_int_equal(snc_payload_parse(in, sizeof(in), &p), 0);
	assert_int_equal(p.blob_len, 3);
	assert_memory_equal(p.blob, "abc", 3);
	assert_int_equal(p.json_len, 2);
	assert_memory_equal(p.json, "{}", 2);
}

static void
rejects_short_headers_and_lengths_past_the_end(void **state)
{
	uint8_t in[8] = {4, 0, 0, 0, 1, 2, 3, 4};
	struct snc_payload p;

	(void)state;
	for (size_t len = 0; len < 4; len++)
		assert_int_equal(snc_payload_parse(in, len, &p), -EBADMSG);
	assert_int_equal(snc_payload_parse(in, 8, &p), 0); /* N == len - 4: empty JSON */
	assert_int_equal(p.json_len, 0);
	in[0] = 5; /* N == len - 3 */
	assert_int_equal(snc_payload_parse(in, 8, &p), -EBADMSG);
	memset(in, 0xff, 4); /* N = 2^32 - 1 must not wrap */
	assert_int_equal(snc_payload_parse(in, 8, &p), -EBADMSG);
	in[0] = 0, in[1] = 0, in[2] = 0, in[3] = 0x80; /* N = 2^31 */
	assert_int_equal(snc_payload_parse(in, 8, &p), -EBADMSG);
}

static void
n_is_little_endian(void **state)
{
	static uint8_t in[4 + 0x010203 + 2];
	struct snc_payload p;

	(void)state;
	in[0] = 0x03, in[1] = 0x02, in[2] = 0x01, in[3] = 0x00;
	assert_int_equal(snc_payload_parse(in, sizeof(in), &p), 0);
	assert_int_equal(p.blob_len, 0x010203);
	assert_int_equal(p.json_len, 2);
}

static void
build_round_trips_and_checks_capacity(void **state)
{
	uint8_t out[32];
	size_t len;
	struct snc_payload p;

	(void)state;
	assert_int_equal(snc_payload_len(5, 9), 18);
	assert_int_equal(
		snc_payload_build((const uint8_t *)"hello", 5, "{\"a\": 1}", 8, out, 17, &len), 0);
	assert_int_equal(len, 17);
	assert_int_equal(
		snc_payload_build((const uint8_t *)"hello", 5, "{\"a\": 1}", 8, out, 16, &len),
		-EMSGSIZE);
	assert_int_equal(len, 0);
	assert_int_equal(
		snc_payload_build((const uint8_t *)"hello", 5, "{\"a\": 1}", 8, out, 32, &len), 0);
	assert_int_equal(snc_payload_parse(out, len, &p), 0);
	assert_memory_equal(p.blob, "hello", 5);
	assert_memory_equal(p.json, "{\"a\": 1}", 8);
	assert_int_equal(snc_payload_len(SIZE_MAX - 3, 1), SIZE_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_blob_and_json),
		cmocka_unit_test(rejects_short_headers_and_lengths_past_the_end),
		cmocka_unit_test(n_is_little_endian),
		cmocka_unit_test(build_round_trips_and_checks_capacity),
	};
	return RUN_GROUP("crypto/payload", tests);
}
