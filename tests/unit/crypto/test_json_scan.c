/* SPDX-License-Identifier: MIT */
/*
 * crypto/json_scan.c: every error code with the input that causes it, every
 * limit at its edge (depth, int64, double overflow, the key workspace), the
 * members reported and the string helpers. Each accept/reject expectation is
 * also checked against jansson's json_loadb(JSON_REJECT_DUPLICATES), the
 * behaviour the scanner must reproduce.
 */
#include "test_common.h"

#include <jansson.h>

#include "json_scan.h"

enum {
	KEYS = 64,
	DEEP = SNC_JSON_MAX_DEPTH + 2,
};

static struct snc_json_key keys[KEYS];

/* A member as reported, with its value's text copied out. */
struct seen {
	size_t n;
	char key[16][32];
	struct snc_json_value v[16];
};

static void
record(void *arg, const struct snc_json_str *key, const struct snc_json_value *v)
{
	struct seen *s = arg;
	size_t len;

	assert_true(s->n < 16);
	assert_int_equal(snc_json_scan_str_copy(key, s->key[s->n], sizeof(s->key[0]), &len), 0);
	s->v[s->n++] = *v;
}

static int
scan_n(const char *text, size_t len, uint32_t cap, enum snc_json_type *root)
{
	const struct snc_json_scan_opts o = {.keys = keys, .keys_cap = cap};

	return snc_json_scan_doc(text, len, &o, root);
}

/* The scanner's code for text, and jansson agreeing on accept/reject. */
static void
expect_n(const char *text, size_t len, int code)
{
	enum snc_json_type root;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);

	if ((j != NULL) != (code == 0))
		fail_msg("jansson %s '%.*s'", j != NULL ? "accepts" : "rejects", (int)len, text);
	json_decref(j);
	if (scan_n(text, len, KEYS, &root) != code)
		fail_msg("scan '%.*s': %d, expected %d", (int)len, text,
			 scan_n(text, len, KEYS, &root), code);
}

static void
expect(const char *text, int code)
{
	expect_n(text, strlen(text), code);
}

/* For literals with NUL bytes inside. */
#define EXPECT_BYTES(lit, code) expect_n(lit, sizeof(lit) - 1, code)

static int
scan_cap(const char *text, uint32_t cap)
{
	enum snc_json_type root;

	return scan_n(text, strlen(text), cap, &root);
}

static void
valid_texts_are_accepted(void **state)
{
	static const char *ok[] = {
		"{}",
		"[]",
		" \t\r\n{ \t\r\n} \t\r\n",
		"{\"headers\":\"\"}",
		"{\"headers\":{},\"body\":null}",
		"[true,false,null,0,-0,1,-1,0.5,1e3,1E+3,1e-3,-1.25E-2,\"\"]",
		"{\"a\":[{\"b\":[[],{}]}],\"c\":{\"d\":{\"e\":\"f\"}}}",
		"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\"]",
		("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xed\x9f\xbf "
		 "\x7f\"]"),
		"{\"\":0}",
		"{\"a\":{\"a\":1},\"b\":{\"a\":2}}",	  /* one key in different objects */
		"[{\"a\":1},{\"a\":1}]",		  /* siblings: the first's keys are gone */
		"{\"glbvs\":1,\"yacxa\":2}",		  /* same FNV-1a hash, different keys */
		"{\"ab\":1,\"a\":2,\"b\":3,\"a\\\\\":4}", /* prefixes and a backslash */
	};
	enum snc_json_type root;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		expect(ok[i], 0);
	assert_int_equal(scan_n("[1]", 3, KEYS, &root), 0);
	assert_int_equal(root, SNC_JSON_ARRAY);
	assert_int_equal(scan_n("{}", 2, KEYS, &root), 0);
	assert_int_equal(root, SNC_JSON_OBJECT);
	/* Length-bounded: a payload's JSON is not NUL-terminated. */
	assert_int_equal(scan_n("{}garbage", 2, KEYS, &root), 0);
}

static void
syntax_errors(void **state)
{
	static const char *bad[] = {
		"",
		"   ",
		"1",
		"\"s\"",
		"null",
		"{",
		"[",
		"{]",
		"[}",
		"[1,]",
		"{\"a\":1,}",
		"{\"a\" 1}",
		"{\"a\":}",
		"{1:2}",
		"{\"a\",1}",
		"[1 2]",
		"[,1]",
		"[01]",
		"[-01]",
		"[-]",
		"[1.]",
		"[.5]",
		"[1e]",
		"[1e+]",
		"[+1]",
		"[1.5.3]",
		"[tru]",
		"[truex]",
		"[nul]",
		"[fals]",
		"[NaN]",
		"[Infinity]",
		"[-Infinity]",
		"[0x10]",
		"{} {}",
		"{}x",
		"[\"\\x\"]",
		"[\"\\u12\"]",
		"[\"\\u12G4\"]",
		"[\"\\U0041\"]",
		"[\"abc",
		"[\"a\tb\"]",
		"[\"a\nb\"]",
		"\xef\xbb\xbf{}",
		"['a']",
		"{a:1}",
		"[\"\\",
		"[\"\\ud800\\u12\"]",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i], SNC_JSON_E_SYNTAX);
	EXPECT_BYTES("[\"a\0b\"]", SNC_JSON_E_SYNTAX); /* a raw NUL is a control character */
	EXPECT_BYTES("{\0}", SNC_JSON_E_SYNTAX);
	assert_int_equal(snc_json_scan_doc(NULL, 0, &(struct snc_json_scan_opts){0}, NULL),
			 SNC_JSON_E_SYNTAX);
}

/* jansson loses one pushed-back NUL after a number or literal (json_scan.c). */
static void
nul_after_number_or_literal_is_ignored_like_jansson(void **state)
{
	(void)state;
	EXPECT_BYTES("{\"port\":443\0}", 0);
	EXPECT_BYTES("[true\0,false\0,null\0,-1.5e3\0]", 0);
	EXPECT_BYTES("[1\0\0]", SNC_JSON_E_SYNTAX);   /* only one */
	EXPECT_BYTES("[\"a\"\0]", SNC_JSON_E_SYNTAX); /* not after a string */
	EXPECT_BYTES("[[]\0]", SNC_JSON_E_SYNTAX);    /* nor after a container */
	EXPECT_BYTES("{}\0", SNC_JSON_E_SYNTAX);
	EXPECT_BYTES("[1\0"
		     "2]",
		     SNC_JSON_E_SYNTAX);
}

static void
text_errors(void **state)
{
	static const char *bad[] = {
		"[\"\\u0000\"]",	/* jansson without JSON_ALLOW_NUL */
		"{\"\\u0000\":1}",	/* nor in a key */
		"[\"\\ud800\"]",	/* high surrogate alone */
		"[\"\\ud800x\"]",	/* ... followed by a character */
		"[\"\\ud800\\u0041\"]", /* ... followed by a non-surrogate */
		"[\"\\ud800\\ud800\"]", /* ... followed by a high one */
		"[\"\\udc00\"]",	/* low surrogate alone */
		"[\"\\uDFFF\\uDC00\"]",
		"[\"\xc0\x80\"]",	  /* overlong NUL */
		"[\"\xc1\xbf\"]",	  /* overlong ASCII */
		"[\"\xe0\x9f\xbf\"]",	  /* overlong below U+0800 */
		"[\"\xed\xa0\x80\"]",	  /* UTF-8 surrogate */
		"[\"\xf0\x8f\xbf\xbf\"]", /* overlong below U+10000 */
		"[\"\xf4\x90\x80\x80\"]", /* above U+10FFFF */
		"[\"\xf5\x80\x80\x80\"]",
		"[\"\xff\"]",
		"[\"\x80\"]", /* a lone continuation byte */
		"[\"\xc3\"]", /* cut by the quote */
		"[\"\xe2\x82\"]",
		"[\"\xe2\x28\xa1\"]", /* a bad continuation byte */
		"[\"\xf0\x9f\x98\x28\"]",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i], SNC_JSON_E_TEXT);
	EXPECT_BYTES("[\"\xf0\x9f\x98", SNC_JSON_E_TEXT); /* cut by the end */
}

static void
integers_at_the_int64_edges(void **state)
{
	struct seen s = {0};
	const struct snc_json_scan_opts o = {
		.keys = keys, .keys_cap = KEYS, .member = record, .arg = &s};
	const char *t = "{\"max\":9223372036854775807,\"min\":-9223372036854775808,\"z\":-0}";
	enum snc_json_type root;

	(void)state;
	assert_int_equal(snc_json_scan_doc(t, strlen(t), &o, &root), 0);
	assert_int_equal(s.n, 3);
	assert_true(s.v[0].type == SNC_JSON_INTEGER && s.v[0].integer == INT64_MAX);
	assert_true(s.v[1].type == SNC_JSON_INTEGER && s.v[1].integer == INT64_MIN);
	assert_true(s.v[2].type == SNC_JSON_INTEGER && s.v[2].integer == 0);
	expect("[9223372036854775808]", SNC_JSON_E_RANGE);
	expect("[-9223372036854775809]", SNC_JSON_E_RANGE);
	expect("[10000000000000000000]", SNC_JSON_E_RANGE); /* 20 digits */
	expect("[99999999999999999999999999999999]", SNC_JSON_E_RANGE);
	expect("[1000000000000000000]", 0); /* 19 digits */
}

/* 2^1024 - 2^970: the first value glibc's strtod rounds to infinity. */
static const char overflow_edge[] =
	"17976931348623158079372897140530341507993413271003782693617377898044496829276475094664"
	"90179775872070963302864166928879109465555478519404026306574886715058206819089020007083"
	"83676273854845817711531764475730270069855571366959622842914819860834936475292719074168"
	"444365510704342711559699508093042880177904174497792";

static void
reals_at_the_double_overflow_edge(void **state)
{
	char t[600];

	(void)state;
	expect("[1.7976931348623157e308]", 0); /* DBL_MAX */
	expect("[1.7976931348623158e308]", 0); /* rounds down to DBL_MAX */
	expect("[1.7976931348623159e308]", SNC_JSON_E_RANGE);
	expect("[-1.7976931348623159e308]", SNC_JSON_E_RANGE);
	expect("[1e308]", 0);
	expect("[1e309]", SNC_JSON_E_RANGE);
	expect("[0.1e309]", 0);
	expect("[0.1e310]", SNC_JSON_E_RANGE);
	expect("[0.000001e314]", 0);
	expect("[0.000001e315]", SNC_JSON_E_RANGE);
	expect("[1e-400]", 0); /* underflow is not an error */
	expect("[0e99999999999999999999]", 0);
	expect("[0.0e400]", 0);
	expect("[1e99999999999999999999]", SNC_JSON_E_RANGE);
	expect("[1e-99999999999999999999]", 0);
	snprintf(t, sizeof(t), "[%s.0]", overflow_edge); /* the midpoint rounds up */
	expect(t, SNC_JSON_E_RANGE);
	snprintf(t, sizeof(t), "[%.308s3.0]", overflow_edge); /* larger in the last digit */
	expect(t, SNC_JSON_E_RANGE);
	snprintf(t, sizeof(t), "[%.308s3]", overflow_edge); /* the same, integer: int64 */
	expect(t, SNC_JSON_E_RANGE);
	snprintf(t, sizeof(t), "[%.308s1.999999]", overflow_edge); /* edge - 0.000001 */
	expect(t, 0);
	snprintf(t, sizeof(t), "[0.%s0000e309]", overflow_edge); /* the edge as a fraction */
	expect(t, SNC_JSON_E_RANGE);
	snprintf(t, sizeof(t), "[%.300se-300]", overflow_edge); /* shorter than 309 digits */
	expect(t, 0);
}

/* n nested containers (open + close), with inner (may be empty) in the middle. */
static size_t
nest(char *buf, size_t n, const char *open, const char *close, const char *inner)
{
	size_t len = 0, lo = strlen(open), lc = strlen(close);

	for (size_t i = 0; i < n; i++, len += lo)
		memcpy(buf + len, open, lo);
	memcpy(buf + len, inner, strlen(inner));
	len += strlen(inner);
	for (size_t i = 0; i < n; i++, len += lc)
		memcpy(buf + len, close, lc);
	return len;
}

static void
depth_limit_at_its_edge(void **state)
{
	static char buf[DEEP * 8];
	enum snc_json_type root;
	json_t *j;
	size_t n;

	(void)state;
	/* jansson counts values: the root is depth 1, so 2048 containers fit
	 * empty, 2047 with a scalar inside. */
	n = nest(buf, SNC_JSON_MAX_DEPTH, "[", "]", "");
	expect_n(buf, n, 0);
	n = nest(buf, SNC_JSON_MAX_DEPTH - 1, "[", "]", "1");
	expect_n(buf, n, 0);
	n = nest(buf, SNC_JSON_MAX_DEPTH, "[", "]", "1");
	expect_n(buf, n, SNC_JSON_E_DEPTH);
	n = nest(buf, SNC_JSON_MAX_DEPTH + 1, "[", "]", "");
	expect_n(buf, n, SNC_JSON_E_DEPTH);
	/* Objects: each level holds one key, so the workspace must hold 2048. */
	n = nest(buf, SNC_JSON_MAX_DEPTH - 1, "{\"\":", "}", "{}");
	j = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	json_decref(j);
	assert_int_equal(scan_n(buf, n, KEYS, &root), SNC_JSON_E_KEYS);
	n = nest(buf, SNC_JSON_MAX_DEPTH, "{\"\":", "}", "{}");
	assert_int_equal(scan_n(buf, n, KEYS, &root), SNC_JSON_E_DEPTH);
	/* Mixed, and the kinds come back right on the way out. */
	n = nest(buf, SNC_JSON_MAX_DEPTH / 2 - 1, "[{\"a\":", "}]", "0");
	assert_int_equal(scan_n(buf, n, KEYS, &root), SNC_JSON_E_KEYS);
	n = nest(buf, 30, "[{\"a\":", "}]", "0");
	expect_n(buf, n, 0);
	n = nest(buf, 30, "[{\"a\":", "]}", "0");
	expect_n(buf, n, SNC_JSON_E_SYNTAX);
}

static void
duplicate_keys_after_unescaping(void **state)
{
	static const char *dup[] = {
		"{\"a\":1,\"a\":2}",
		"{\"\":1,\"\":2}",
		"{\"a\":1,\"\\u0061\":2}",
		"{\"\\u0061\":1,\"a\":2}",
		"{\"\\/\":1,\"/\":2}",
		"{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}",
		"{\"\\u00e9\":1,\"\\u00E9\":2}",
		"{\"x\":{\"a\":1,\"a\":1}}",
		"[{\"a\":1,\"a\":1}]",
		"{\"a\":1,\"b\":{\"c\":{}},\"a\":2}", /* across a closed child */
		"{\"a\":[{\"b\":1}],\"b\":2,\"b\":3}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(dup) / sizeof(dup[0]); i++)
		expect(dup[i], SNC_JSON_E_DUPLICATE);
	expect("{\"a\":1,\"a\":2,}", SNC_JSON_E_DUPLICATE); /* the first error is reported */
	expect("{\"a\":1,\"b\":2,}", SNC_JSON_E_SYNTAX);
}

static void
key_workspace_at_its_edge(void **state)
{
	const char *chain = "{\"\":{\"\":{\"\":{\"\":{\"\":0}}}}}"; /* 5 keys open at once */

	(void)state;
	assert_int_equal(scan_cap("{}", 0), 0);
	assert_int_equal(scan_cap("[[],[]]", 0), 0);
	assert_int_equal(scan_cap("{\"a\":1}", 0), SNC_JSON_E_KEYS);
	assert_int_equal(scan_cap(chain, 4), SNC_JSON_E_KEYS);
	assert_int_equal(scan_cap(chain, 5), 0);
	/* 4 x cap bytes never run out: 5 open keys take more than 4 x 4 bytes. */
	assert_true(strlen(chain) > 4 * 4);
	/* Closed objects give their entries back. */
	assert_int_equal(scan_cap("[{\"a\":1,\"b\":2},{\"c\":3,\"d\":4}]", 2), 0);
	/* A duplicate among the recorded keys is still certain. */
	assert_int_equal(scan_cap("{\"a\":1,\"b\":2,\"a\":3}", 1), SNC_JSON_E_DUPLICATE);
	/* Only duplicates go unchecked: other errors are still found. */
	assert_int_equal(scan_cap("{\"a\":1,\"b\":2,}", 1), SNC_JSON_E_SYNTAX);
	assert_int_equal(scan_cap("{\"a\":1,\"b\":2,\"b\":[01]}", 1), SNC_JSON_E_SYNTAX);
	assert_int_equal(scan_cap("{\"a\":1,\"b\":2,\"b\":3}", 1), SNC_JSON_E_KEYS);
}

static void
root_members_are_reported(void **state)
{
	const char *t =
		"{\"s\":\"a\\u00e9\\n\",\"i\":-42,\"r\":1.5,\"t\":true,\"f\":false,\"n\":null,"
		"\"o\":{\"x\":[1]} ,\"a\":[],\"\\u006b\":\"k\",\"e\":{}}";
	static const enum snc_json_type types[] = {
		SNC_JSON_STRING, SNC_JSON_INTEGER, SNC_JSON_REAL,  SNC_JSON_TRUE,   SNC_JSON_FALSE,
		SNC_JSON_NULL,	 SNC_JSON_OBJECT,  SNC_JSON_ARRAY, SNC_JSON_STRING, SNC_JSON_OBJECT,
	};
	static const char *texts[] = {"\"a\\u00e9\\n\"", "-42", "1.5",	 "true", "false", "null",
				      "{\"x\":[1]}",	 "[]",	"\"k\"", "{}"};
	struct seen s = {0};
	const struct snc_json_scan_opts o = {
		.keys = keys, .keys_cap = KEYS, .member = record, .arg = &s};
	enum snc_json_type root;
	char out[8];
	size_t n;

	(void)state;
	assert_int_equal(snc_json_scan_doc(t, strlen(t), &o, &root), 0);
	assert_int_equal(s.n, 10);
	for (size_t i = 0; i < s.n; i++) {
		assert_int_equal(s.v[i].type, types[i]);
		assert_int_equal(s.v[i].raw_len, strlen(texts[i]));
		assert_memory_equal(s.v[i].raw, texts[i], s.v[i].raw_len);
	}
	assert_string_equal(s.key[8], "k");
	assert_true(s.v[0].str.escaped);
	assert_int_equal(snc_json_scan_str_copy(&s.v[0].str, out, sizeof(out), &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(out, "a\xc3\xa9\n");
	assert_int_equal(s.v[1].integer, -42);
	/* Arrays at the root, and nested members, are not reported. */
	s.n = 0;
	assert_int_equal(snc_json_scan_doc("[{\"a\":1}]", 9, &o, &root), 0);
	assert_int_equal(s.n, 0);
	/* Members before an error were reported: act only on a 0 return. */
	assert_int_equal(snc_json_scan_doc("{\"a\":1,\"b\":}", 12, &o, &root), SNC_JSON_E_SYNTAX);
	assert_int_equal(s.n, 1);
}

static void
string_helpers(void **state)
{
	struct snc_json_str plain = {.raw = "a\\b", .raw_len = 3, .escaped = false};
	struct snc_json_str esc = {
		.raw = "a\\\\b\\u20ac\\ud83d\\ude00", .raw_len = 22, .escaped = true};
	char out[16];
	size_t n = 99;

	(void)state;
	/* Unescaped: the bytes are the value, a backslash included. */
	assert_int_equal(snc_json_scan_str_len(&plain), 3);
	assert_true(snc_json_scan_str_eq(&plain, "a\\b", 3));
	assert_false(snc_json_scan_str_eq(&plain, "ab", 2));
	/* a \ b EUR U+1F600: 1 + 1 + 1 + 3 + 4 bytes. */
	assert_int_equal(snc_json_scan_str_len(&esc), 10);
	assert_true(snc_json_scan_str_eq(&esc, "a\\b\xe2\x82\xac\xf0\x9f\x98\x80", 10));
	assert_false(snc_json_scan_str_eq(&esc, "a\\b\xe2\x82\xac\xf0\x9f\x98", 9));
	assert_false(snc_json_scan_str_eq(&esc, "a\\b\xe2\x82\xac\xf0\x9f\x98\x80!", 11));
	/* Copy: the NUL must fit too; a refused copy leaves out alone. */
	memset(out, 'x', sizeof(out));
	assert_int_equal(snc_json_scan_str_copy(&esc, out, 10, &n), -ENOBUFS);
	assert_int_equal(n, 99);
	assert_int_equal(out[0], 'x');
	assert_int_equal(snc_json_scan_str_copy(&esc, out, 11, &n), 0);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "a\\b\xe2\x82\xac\xf0\x9f\x98\x80", 11);
	assert_int_equal(snc_json_scan_str_copy(&plain, out, 3, &n), -ENOBUFS);
	assert_int_equal(snc_json_scan_str_copy(&plain, out, 4, &n), 0);
	assert_string_equal(out, "a\\b");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_texts_are_accepted),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(nul_after_number_or_literal_is_ignored_like_jansson),
		cmocka_unit_test(text_errors),
		cmocka_unit_test(integers_at_the_int64_edges),
		cmocka_unit_test(reals_at_the_double_overflow_edge),
		cmocka_unit_test(depth_limit_at_its_edge),
		cmocka_unit_test(duplicate_keys_after_unescaping),
		cmocka_unit_test(key_workspace_at_its_edge),
		cmocka_unit_test(root_members_are_reported),
		cmocka_unit_test(string_helpers),
	};

	return RUN_GROUP("crypto/json_scan", tests);
}
