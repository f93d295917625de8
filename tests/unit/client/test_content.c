/* SPDX-License-Identifier: MIT */
/* Session's protobuf Content of a text message: bytes checked against the independent
 * encoder of tests/tools/msg_reference.py (content-text), decoding of what the apps add,
 * and every limit at its edge. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "content.h"

/* msg_reference.py content-text hi 1 */
static const char kat_hi[] = "0a040a0268697801";
/* msg_reference.py content-text hello 1700000000000 05111...1 (64 '1') */
static const char kat_sync[] =
	"0a4c0a0568656c6c6fca0642303531313131313131313131313131313131313131313131313131313131"
	"3131313131313131313131313131313131313131313131313131313131313131313131317880d095ffbc31";

static void
hex_of(const uint8_t *b, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, b, n);
}

static void
sync_id(char out[67])
{
	memset(out, '1', 66);
	out[0] = '0';
	out[1] = '5';
	out[66] = '\0';
}

static void
encodes_like_the_reference(void **state)
{
	uint8_t *out;
	size_t len;
	char hex[256], id[67];

	(void)state;
	assert_int_equal(scl_content_encode_text("hi", NULL, 1, &out, &len), 0);
	hex_of(out, len, hex);
	assert_string_equal(hex, kat_hi);
	free(out);
	sync_id(id);
	assert_int_equal(scl_content_encode_text("hello", id, 1700000000000ULL, &out, &len), 0);
	hex_of(out, len, hex);
	assert_string_equal(hex, kat_sync);
	free(out);
}

static void
decodes_the_reference(void **state)
{
	uint8_t buf[128];
	size_t len;
	struct scl_text_msg m;
	char id[67];

	(void)state;
	assert_int_equal(
		sodium_hex2bin(buf, sizeof(buf), kat_sync, strlen(kat_sync), NULL, &len, NULL), 0);
	assert_int_equal(scl_content_decode_text(buf, len, &m), 0);
	sync_id(id);
	assert_string_equal(m.text, "hello");
	assert_string_equal(m.sync_target, id);
	assert_int_equal(m.sig_timestamp_ms, 1700000000000ULL);
	scl_text_msg_free(&m);
}

/* What the apps add (a profile in field 101 of DataMessage, expirationTimer 13 of Content)
 * is skipped; a message without sigTimestamp decodes with 0. */
static void
skips_unknown_fields(void **state)
{
	/* Content{1: DataMessage{1:"ok", 101:{1:"A"}}, 13: 60} */
	static const uint8_t buf[] = {0x0a, 0x0a, 0x0a, 0x02, 'o', 'k',	 0xaa,
				      0x06, 0x03, 0x0a, 0x01, 'A', 0x68, 0x3c};
	struct scl_text_msg m;

	(void)state;
	assert_int_equal(scl_content_decode_text(buf, sizeof(buf), &m), 0);
	assert_string_equal(m.text, "ok");
	assert_null(m.sync_target);
	assert_int_equal(m.sig_timestamp_ms, 0);
	scl_text_msg_free(&m);
}

static void
refuses_what_is_not_text(void **state)
{
	/* Content{6: TypingMessage{1: 5, 2: 0}} */
	static const uint8_t typing[] = {0x32, 0x04, 0x08, 0x05, 0x10, 0x00};
	/* Content{1: DataMessage{4: 2}} (flags only, no body) */
	static const uint8_t no_body[] = {0x0a, 0x02, 0x20, 0x02};
	static const uint8_t garbage[] = {0xff, 0xff, 0xff};
	uint8_t kat[8];
	size_t len;
	struct scl_text_msg m;

	(void)state;
	assert_int_equal(scl_content_decode_text(typing, sizeof(typing), &m), -EBADMSG);
	assert_int_equal(scl_content_decode_text(no_body, sizeof(no_body), &m), -EBADMSG);
	assert_int_equal(scl_content_decode_text(garbage, sizeof(garbage), &m), -EBADMSG);
	assert_int_equal(sodium_hex2bin(kat, sizeof(kat), kat_hi, 16, NULL, &len, NULL), 0);
	assert_int_equal(scl_content_decode_text(kat, len - 3, &m), -EBADMSG); /* truncated */
	assert_null(m.text);
}

static void
text_limit_at_its_edge(void **state)
{
	char *text = malloc(SCL_CONTENT_TEXT_MAX + 2);
	uint8_t *out;
	size_t len;
	struct scl_text_msg m;

	(void)state;
	memset(text, 'x', SCL_CONTENT_TEXT_MAX + 1);
	text[SCL_CONTENT_TEXT_MAX + 1] = '\0';
	assert_int_equal(scl_content_encode_text(text, NULL, 1, &out, &len), -EINVAL);
	text[SCL_CONTENT_TEXT_MAX] = '\0';
	assert_int_equal(scl_content_encode_text(text, NULL, 1, &out, &len), 0);
	assert_int_equal(scl_content_decode_text(out, len, &m), 0);
	assert_int_equal(strlen(m.text), SCL_CONTENT_TEXT_MAX);
	scl_text_msg_free(&m);
	free(out);
	free(text);
}

static void
sync_target_must_be_a_session_id(void **state)
{
	char id[68];
	uint8_t *out;
	size_t len;

	(void)state;
	sync_id(id);
	id[65] = '\0'; /* 65 characters */
	assert_int_equal(scl_content_encode_text("x", id, 1, &out, &len), -EINVAL);
	sync_id(id);
	id[66] = '1'; /* 67 */
	id[67] = '\0';
	assert_int_equal(scl_content_encode_text("x", id, 1, &out, &len), -EINVAL);
	sync_id(id);
	id[10] = 'A'; /* upper case is not how Session writes IDs */
	assert_int_equal(scl_content_encode_text("x", id, 1, &out, &len), -EINVAL);
}

/* Content{1: DataMessage{1: body}} with body of n bytes. */
static int
decode_body(const uint8_t *body, uint8_t n, struct scl_text_msg *m)
{
	uint8_t buf[64] = {0x0a, (uint8_t)(n + 2), 0x0a, n};

	memcpy(buf + 4, body, n);
	return scl_content_decode_text(buf, (size_t)n + 4, m);
}

static void
body_must_be_utf8_without_nul(void **state)
{
	static const struct {
		const char *b;
		uint8_t n;
		int rc;
	} cases[] = {
		{"a\0bcd", 5, -EBADMSG},		 /* an embedded NUL would hide the rest */
		{"\xff", 1, -EBADMSG},			 /* not a lead byte */
		{"\xc0\x80", 2, -EBADMSG},		 /* overlong NUL */
		{"\xed\xa0\x80", 3, -EBADMSG},		 /* a UTF-16 surrogate */
		{"\xf4\x90\x80\x80", 4, -EBADMSG},	 /* past U+10FFFF */
		{"\xe2\x82", 2, -EBADMSG},		 /* cut short */
		{"caf\xc3\xa9 \xf0\x9f\x98\x80", 10, 0}, /* 2- and 4-byte sequences */
		{"\xef\xbf\xbf", 3, 0},			 /* U+FFFF */
		{"", 0, 0},				 /* an empty text is a text */
	};
	struct scl_text_msg m;
	uint8_t *out;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(decode_body((const uint8_t *)cases[i].b, cases[i].n, &m),
				 cases[i].rc);
		if (cases[i].rc == 0) {
			assert_int_equal(strlen(m.text), cases[i].n);
			scl_text_msg_free(&m);
		}
	}
	assert_int_equal(scl_content_encode_text("\xc3", NULL, 1, &out, &len), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encodes_like_the_reference),
		cmocka_unit_test(decodes_the_reference),
		cmocka_unit_test(skips_unknown_fields),
		cmocka_unit_test(refuses_what_is_not_text),
		cmocka_unit_test(text_limit_at_its_edge),
		cmocka_unit_test(sync_target_must_be_a_session_id),
		cmocka_unit_test(body_must_be_utf8_without_nul),
	};

	return cmocka_run_group_tests_name("client_content", tests, NULL, NULL);
}
