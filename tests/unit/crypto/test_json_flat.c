/* SPDX-License-Identifier: MIT */
/*
 * crypto/json_flat.c, the plain-strings fast path of the route parser: what it takes
 * (the layouts real clients write, small integers, whitespace anywhere JSON allows it,
 * exactly cap members), everything it leaves to the full scanner (each its own case, every prefix
 * of a valid text, cap + 1 members, a repeated key), and strings ending at every offset
 * around the 16-byte steps. Every accepted text is also one jansson accepts with the
 * same members (the fuzz harness fuzz_route_differential checks that on any bytes).
 */
#include "test_common.h"

#include <jansson.h>

#include "json_flat.h"

enum {
	CAP = 8,
};

static const char relay[] =
	"{\"destination\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\","
	"\"ephemeral_key\":\"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\","
	"\"enc_type\":\"xchacha20\"}";

static int
scan(const char *text, size_t len, struct snc_json_flat_member m[CAP], size_t *n)
{
	return snc_json_flat_scan(text, len, m, CAP, n);
}

/* Accepted: the members in order, each a string jansson reads alike. */
static void
accepted(const char *text, size_t want_n)
{
	struct snc_json_flat_member m[CAP];
	size_t n = 99;
	json_t *j;

	assert_int_equal(scan(text, strlen(text), m, &n), 0);
	assert_int_equal(n, want_n);
	j = json_loadb(text, strlen(text), JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), n);
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_getn(j, m[i].key.raw, m[i].key.raw_len);
		assert_false(m[i].key.escaped || m[i].value.escaped);
		assert_non_null(v);
		if (m[i].type == SNC_JSON_INTEGER) {
			assert_true(json_is_integer(v));
			assert_int_equal(json_integer_value(v), m[i].integer);
			continue;
		}
		assert_int_equal(m[i].type, SNC_JSON_STRING);
		assert_int_equal(json_string_length(v), m[i].value.raw_len);
		assert_memory_equal(json_string_value(v), m[i].value.raw, m[i].value.raw_len);
	}
	json_decref(j);
}

static void
rejected(const char *text)
{
	struct snc_json_flat_member m[CAP];
	size_t n = 99;

	assert_int_equal(scan(text, strlen(text), m, &n), -1);
	assert_int_equal(n, 99); /* untouched */
}

static void
client_layouts(void **state)
{
	(void)state;
	accepted(relay, 3);
	/* libsession (sorted keys), jansson's default separators, a desktop entry layer */
	accepted("{\"destination\":\"ab\",\"enc_type\":\"aes-gcm\",\"ephemeral_key\":\"cd\"}", 3);
	accepted("{\"destination\": \"ab\", \"ephemeral_key\": \"cd\", \"enc_type\": \"x\"}", 3);
	accepted(" \t\r\n{ \"a\" : \"\" , \"b\":\"~ !#\" }\n ", 2);
	accepted("{\"headers\":\"\"}", 1);
	/* an exit's layer: a port number among the strings; integers at their edges */
	accepted("{\"host\":\"example.org\",\"target\":\"/oxen/v4/lsrpc\",\"method\":\"POST\","
		 "\"protocol\":\"https\",\"port\":443,\"ephemeral_key\":\"ab\",\"enc_type\":\"x\"}",
		 7);
	accepted("{\"a\":0,\"b\":9,\"c\":123456789012345678 }", 3);
	/* the members' views point into the text */
	{
		struct snc_json_flat_member m[CAP];
		size_t n;
		assert_int_equal(scan(relay, strlen(relay), m, &n), 0);
		assert_ptr_equal(m[0].key.raw, relay + 2);
		assert_int_equal(m[0].key.raw_len, 11);
		assert_int_equal(m[1].value.raw_len, 64);
		assert_memory_equal(m[2].value.raw, "xchacha20", 9);
	}
}

static void
everything_else_goes_to_the_scanner(void **state)
{
	static const char *const cases[] = {
		"",
		"{}",			       /* empty: rare, the scanner's */
		"[\"a\",\"b\"]",	       /* not an object */
		"\"a\"",		       /* not an object */
		"{\"a\":-1}",		       /* a sign */
		"{\"a\":01}",		       /* a leading zero: invalid */
		"{\"a\":1.5}",		       /* a fraction */
		"{\"a\":1e3}",		       /* an exponent */
		"{\"a\":1234567890123456789}", /* 19 digits: the scanner checks the range */
		"{\"a\":null}",		       /* a literal */
		"{\"a\":true}",		       /* a literal */
		"{\"a\":{\"b\":\"c\"}}",       /* nesting */
		"{\"a\":[\"b\"]}",	       /* an array */
		"{\"a\\n\":\"b\"}",	       /* an escape in a key */
		"{\"a\":\"b\\\"\"}",	       /* an escape in a value */
		"{\"a\":\"\xc3\xa9\"}",	       /* UTF-8 */
		"{\"a\":\"\x7f\"}",	       /* DEL: valid JSON, not plain */
		"{\"a\":\"\x01\"}",	       /* a control byte: invalid */
		"{\"a\":\"b\",}",	       /* trailing comma */
		"{\"a\" \"b\"}",	       /* no colon */
		"{\"a\":\"b\" \"c\":\"d\"}",   /* no comma */
		"{\"a\":\"b\"}x",	       /* bytes after the text */
		"{\"a\":\"b\"}{}",	       /* a second text */
		"{\"a\":\"b\",\"a\":\"c\"}",   /* a repeated key: jansson refuses it */
		"{\"ab\":\"1\",\"b\":\"2\",\"ab\":\"3\"}",
		"{'a':'b'}",
		"{\"a\":\"b\"\v}", /* not JSON whitespace */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		rejected(cases[i]);
	/* with a NUL inside: the length counts, not the NUL */
	{
		static const char nul[] = "{\"a\":\"b\0c\"}";
		struct snc_json_flat_member m[CAP];
		size_t n;
		assert_int_equal(scan(nul, sizeof(nul) - 1, m, &n), -1);
	}
}

static void
every_prefix_is_refused(void **state)
{
	struct snc_json_flat_member m[CAP];
	size_t n;

	(void)state;
	for (int t = 0; t < 2; t++) {
		const char *text = t == 0 ? relay : "{\"port\":443,\"a\":10}";
		for (size_t len = 0; len < strlen(text); len++)
			assert_int_equal(scan(text, len, m, &n), -1);
		assert_int_equal(scan(text, strlen(text), m, &n), 0);
	}
}

/* Exactly cap members taken, one more left to the scanner. */
static void
members_at_the_cap(void **state)
{
	char text[256];
	size_t at = 0;

	(void)state;
	for (int k = 0; k <= CAP; k++) {
		at = (size_t)snprintf(text, sizeof(text), "{");
		for (int i = 0; i < k; i++)
			at += (size_t)snprintf(text + at, sizeof(text) - at, "%s\"k%d\":\"v\"",
					       i > 0 ? "," : "", i);
		snprintf(text + at, sizeof(text) - at, "}");
		if (k == 0)
			rejected(text);
		else
			accepted(text, (size_t)k);
	}
	at = strlen(text);
	text[at - 1] = ',';
	snprintf(text + at, sizeof(text) - at, "\"k%d\":\"v\"}", CAP);
	rejected(text); /* CAP + 1 */
}

/* A value of every length 0..40 ending the text, so the closing quote falls before, in
 * and after a 16-byte step and at the buffer's end; also with a bad byte at its end. */
static void
strings_end_anywhere(void **state)
{
	char text[128], *copy;

	(void)state;
	for (int len = 0; len <= 40; len++) {
		int at = snprintf(text, sizeof(text), "{\"k\":\"");
		memset(text + at, 'x', (size_t)len);
		snprintf(text + at + len, sizeof(text) - (size_t)(at + len), "\"}");
		/* a heap copy of exactly the text's bytes: ASan sees any read past them */
		copy = malloc(strlen(text));
		assert_non_null(copy);
		memcpy(copy, text, strlen(text));
		{
			struct snc_json_flat_member m[CAP];
			size_t n;
			assert_int_equal(snc_json_flat_scan(copy, strlen(text), m, CAP, &n), 0);
			assert_int_equal(m[0].value.raw_len, (size_t)len);
			if (len > 0) {
				copy[at + len - 1] = '\\';
				assert_int_equal(snc_json_flat_scan(copy, strlen(text), m, CAP, &n),
						 -1);
				copy[at + len - 1] = (char)0x80;
				assert_int_equal(snc_json_flat_scan(copy, strlen(text), m, CAP, &n),
						 -1);
			}
			/* unterminated: the text cut before its closing quote */
			assert_int_equal(snc_json_flat_scan(copy, (size_t)(at + len), m, CAP, &n),
					 -1);
		}
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_layouts),
		cmocka_unit_test(everything_else_goes_to_the_scanner),
		cmocka_unit_test(every_prefix_is_refused),
		cmocka_unit_test(members_at_the_cap),
		cmocka_unit_test(strings_end_anywhere),
	};

	return cmocka_run_group_tests_name("crypto/json_flat", tests, NULL, NULL);
}
