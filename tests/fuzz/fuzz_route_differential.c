/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer, differential: the scanner-based route parser (onion_route.c on
 * json_scan.c) against the jansson one it replaced (onion_route_jansson.c),
 * on any bytes. Aborts on the first difference in:
 *   - snc_route_parse / snc_route_parse_entry: return code and the whole
 *     output struct, byte for byte;
 *   - snc_json_scan_doc against json_loadb(JSON_REJECT_DUPLICATES): accept or
 *     reject, root type, and every root member the scanner reports (key after
 *     unescaping, type, integer, decoded string, and the value's text re-read
 *     by jansson);
 *   - snc_json_flat_scan (the plain-strings fast path): what it accepts, jansson
 *     accepts as an object of exactly those members, each a string of those bytes or
 *     an integer of that value;
 *   - a 3-key workspace: accepts what an ample one accepts, rejects what it
 *     rejects, and answers SNC_JSON_E_KEYS only for a text that is valid but
 *     for duplicates; an ample workspace (one key per 4 input bytes) never
 *     runs out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_flat.h"
#include "json_scan.h"
#include "onion_route.h"
#include "onion_route_jansson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	KEYS_MAX = 1 << 16, /* ample workspace for inputs up to 256 KiB */
	SMALL_KEYS = 3,
};

static struct snc_json_key keys[KEYS_MAX];

struct members {
	json_t *root;
	size_t count;
};

/* Names the failed comparison on stderr before libFuzzer saves the input. */
#define check(ok) ((ok) ? (void)0 : fail(__LINE__, #ok))

static void
fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_route_differential.c:%d: %s\n", line, what);
	abort();
}

static bool
same_type(enum snc_json_type t, const json_t *j)
{
	static const json_type map[] = {
		[SNC_JSON_NULL] = JSON_NULL,   [SNC_JSON_FALSE] = JSON_FALSE,
		[SNC_JSON_TRUE] = JSON_TRUE,   [SNC_JSON_INTEGER] = JSON_INTEGER,
		[SNC_JSON_REAL] = JSON_REAL,   [SNC_JSON_STRING] = JSON_STRING,
		[SNC_JSON_ARRAY] = JSON_ARRAY, [SNC_JSON_OBJECT] = JSON_OBJECT,
	};

	return json_typeof(j) == map[t];
}

/* Every member the scanner reports is in jansson's object, with the same value. */
static void
on_member(void *arg, const struct snc_json_str *key, const struct snc_json_value *v)
{
	struct members *m = arg;
	size_t klen = snc_json_scan_str_len(key), n = 0;
	char *k = malloc(klen + 1);
	json_t *j, *again;

	check(k != NULL && snc_json_scan_str_copy(key, k, klen + 1, &n) == 0 && n == klen);
	check(snc_json_scan_str_copy(key, k, klen, &n) == -ENOBUFS);
	check(snc_json_scan_str_eq(key, k, klen));
	j = json_object_getn(m->root, k, klen);
	free(k);
	check(j != NULL && same_type(v->type, j));
	if (v->type == SNC_JSON_INTEGER)
		check(v->integer == json_integer_value(j));
	if (v->type == SNC_JSON_STRING) {
		check(snc_json_scan_str_len(&v->str) == json_string_length(j));
		check(snc_json_scan_str_eq(&v->str, json_string_value(j), json_string_length(j)));
	}
	again = json_loadb(v->raw, v->raw_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	check(again != NULL && json_equal(again, j));
	json_decref(again);
	m->count++;
}

static void
compare_scanner(const char *text, size_t size)
{
	json_t *j = json_loadb(text, size, JSON_REJECT_DUPLICATES, NULL);
	struct members m = {.root = j};
	struct snc_json_scan_opts o = {
		.keys = keys, .keys_cap = (uint32_t)(size / 4 + 1), .member = on_member, .arg = &m};
	enum snc_json_type root = SNC_JSON_NULL, small_root = SNC_JSON_NULL;
	int rc, small;

	if (size / 4 + 1 > KEYS_MAX) {
		json_decref(j);
		return;
	}
	if (j == NULL)
		o.member = NULL;
	rc = snc_json_scan_doc(text, size, &o, &root);
	check(rc != SNC_JSON_E_KEYS);
	check((rc == 0) == (j != NULL));
	if (j != NULL) {
		check(same_type(root, j));
		check(!json_is_object(j) || m.count == json_object_size(j));
	}
	o.keys_cap = SMALL_KEYS;
	o.member = NULL;
	small = snc_json_scan_doc(text, size, &o, &small_root);
	/* A lost key can only hide a duplicate, so the first error may differ. */
	if (small == 0)
		check(rc == 0 && small_root == root);
	else if (small == SNC_JSON_E_KEYS)
		check(rc == 0 || rc == SNC_JSON_E_DUPLICATE);
	else
		check(rc != 0);
	json_decref(j);
}

static void
compare_flat(const char *text, size_t size)
{
	struct snc_json_flat_member m[8];
	size_t n = 0;
	json_t *j;

	if (snc_json_flat_scan(text, size, m, 8, &n) != 0)
		return;
	j = json_loadb(text, size, JSON_REJECT_DUPLICATES, NULL);
	check(j != NULL && json_is_object(j) && n >= 1 && n <= 8 && json_object_size(j) == n);
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_getn(j, m[i].key.raw, m[i].key.raw_len);
		check(!m[i].key.escaped && !m[i].value.escaped && v != NULL);
		if (m[i].type == SNC_JSON_INTEGER)
			check(json_is_integer(v) && json_integer_value(v) == m[i].integer);
		else
			check(m[i].type == SNC_JSON_STRING && json_is_string(v) &&
			      json_string_length(v) == m[i].value.raw_len &&
			      memcmp(json_string_value(v), m[i].value.raw, m[i].value.raw_len) ==
				      0);
	}
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct snc_route a, b;
	struct snc_route_entry ea, eb;

	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0x5a, sizeof(b));
	check(snc_route_parse(text, size, &a) == snc_route_jansson_parse(text, size, &b));
	check(memcmp(&a, &b, sizeof(a)) == 0);
	memset(&ea, 0xa5, sizeof(ea));
	memset(&eb, 0x5a, sizeof(eb));
	check(snc_route_parse_entry(text, size, &ea) ==
	      snc_route_jansson_parse_entry(text, size, &eb));
	check(memcmp(&ea, &eb, sizeof(ea)) == 0);
	compare_scanner(text, size);
	compare_flat(text, size);
	return 0;
}
