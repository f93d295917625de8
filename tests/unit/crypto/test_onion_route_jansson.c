/* SPDX-License-Identifier: MIT */
/*
 * crypto/onion_route_jansson.c, the reference, against the scanner-based
 * snc_route_parse that replaced it: on every input below both give the same
 * code and the same output struct byte for byte, and the code is the one the
 * old parser documented (escaped key names, number types, limits after
 * unescaping, enc_type aliases, hex keys). Then the fallback: input whose open
 * keys outgrow the scanner's 256-key workspace is decided by jansson.
 */
#include "test_common.h"

#include "batch.h"
#include "json_scan.h"
#include "onion_route.h"
#include "onion_route_jansson.h"

static const char k64[] = "0000111122223333444455556666777788889999000011112222333344445555";

/* Both parsers on text: same code and struct; returns the struct. */
static int
both(const char *text, size_t len, struct snc_route *out)
{
	struct snc_route ref;
	int rc = snc_route_jansson_parse(text, len, &ref);

	memset(out, 0xa5, sizeof(*out));
	assert_int_equal(snc_route_parse(text, len, out), rc);
	assert_memory_equal(out, &ref, sizeof(ref));
	return rc;
}

static int
route(const char *text, struct snc_route *out)
{
	return both(text, strlen(text), out);
}

static int
entry_n(const char *text, size_t len, struct snc_route_entry *out)
{
	struct snc_route_entry ref;
	int rc = snc_route_jansson_parse_entry(text, len, &ref);

	memset(out, 0xa5, sizeof(*out));
	assert_int_equal(snc_route_parse_entry(text, len, out), rc);
	assert_memory_equal(out, &ref, sizeof(ref));
	return rc;
}

static int
entry(const char *text, struct snc_route_entry *out)
{
	return entry_n(text, strlen(text), out);
}

static void
escaped_key_names_are_the_same_keys(void **state)
{
	struct snc_route r;

	(void)state;
	assert_int_equal(route("{\"\\u0068eaders\":\"\"}", &r), 0);
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
	assert_int_equal(route("{\"h\\u006fst\":\"h\",\"t\\u0061rget\":\"/oxen/v4/lsrpc\"}", &r),
			 0);
	assert_int_equal(r.kind, SNC_ROUTE_PROXY);
	assert_true(r.target_allowed);
	/* Names only match whole: no prefix, no case folding. */
	assert_int_equal(route("{\"Headers\":\"\",\"headersx\":1}", &r), SNC_ROUTE_E_FIELD);
	assert_int_equal(r.kind, SNC_ROUTE_RELAY);
	assert_int_equal(route("{\"headers\":1,\"\\u0068eaders\":2}", &r), SNC_ROUTE_E_JSON);
}

static void
destination_flags_must_be_booleans(void **state)
{
	struct snc_route r;

	(void)state;
	assert_int_equal(route("{\"headers\":\"\",\"json\":1}", &r), SNC_ROUTE_E_FIELD);
	assert_int_equal(route("{\"headers\":\"\",\"json\":false,\"base64\":null}", &r),
			 SNC_ROUTE_E_FIELD);
	assert_int_equal(route("{\"headers\":[],\"json\":true,\"base64\":true}", &r), 0);
	assert_true(r.json_body && r.base64_reply);
	/* jansson's lost NUL after a number (json_scan.c) changes nothing here. */
	assert_int_equal(both("{\"headers\":1\0}", 14, &r), 0);
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
}

static void
proxy_port_is_an_integer_in_range(void **state)
{
	static const char *bad[] = {"443.0", "1e2", "-0", "0", "65536", "-1", "\"443\"", "null"};
	char t[200];
	struct snc_route r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t), "{\"host\":\"h\",\"target\":\"/t\",\"port\":%s}", bad[i]);
		assert_int_equal(route(t, &r), SNC_ROUTE_E_FIELD);
	}
	assert_int_equal(
		route("{\"host\":\"h\",\"target\":\"/t\",\"port\":9223372036854775808}", &r),
		SNC_ROUTE_E_JSON);
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/t\",\"port\":1}", &r), 0);
	assert_int_equal(r.port, 1);
	assert_false(r.target_allowed);
}

static void
proxy_protocol_and_key_material(void **state)
{
	char t[300];
	struct snc_route r;

	(void)state;
	assert_int_equal(
		route("{\"host\":\"h\",\"target\":\"/t\",\"protocol\":\"h\\u0074tp\"}", &r), 0);
	assert_false(r.https);
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/t\",\"protocol\":\"HTTP\"}", &r),
			 SNC_ROUTE_E_FIELD);
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/t\",\"protocol\":null}", &r),
			 SNC_ROUTE_E_FIELD);
	/* The server's key material is optional for the exit: bad values are dropped. */
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"/t\",\"ephemeral_key\":\"zz\","
			       "\"enc_type\":\"rot13\"}",
			       &r),
			 0);
	assert_int_equal(r.enc_type, SNC_ENC_AES_GCM);
	snprintf(t, sizeof(t),
		 "{\"host\":\"h\",\"target\":\"/t\",\"ephemeral_key\":\"%s\",\"enc_type\":\"cbc\"}",
		 k64);
	assert_int_equal(route(t, &r), 0);
	assert_int_equal(r.enc_type, SNC_ENC_AES_CBC);
	assert_int_equal(r.eph_pk[2], 0x11);
	assert_int_equal(route("{\"host\":1,\"target\":\"/t\"}", &r), SNC_ROUTE_E_FIELD);
	assert_int_equal(route("{\"host\":\"h\",\"target\":\"\"}", &r), SNC_ROUTE_E_FIELD);
}

/* host: 255 bytes after unescaping fit, 256 do not, whatever the raw length. */
static void
host_limit_counts_decoded_bytes(void **state)
{
	static char t[2200], host[1600];
	struct snc_route r;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < SNC_ROUTE_HOST_MAX; i++, n += 6)
		memcpy(host + n, "\\u0061", 6);
	host[n] = '\0';
	snprintf(t, sizeof(t), "{\"host\":\"%s\",\"target\":\"/t\"}", host);
	assert_int_equal(route(t, &r), 0);
	assert_int_equal(strlen(r.host), SNC_ROUTE_HOST_MAX);
	snprintf(t, sizeof(t), "{\"host\":\"%sa\",\"target\":\"/t\"}", host);
	assert_int_equal(route(t, &r), SNC_ROUTE_E_FIELD);
	/* Two-byte characters: 127 x 2 + 1 = 255, 128 x 2 = 256. */
	n = 0;
	for (int i = 0; i < 127; i++, n += 6)
		memcpy(host + n, "\\u00e9", 6);
	host[n] = '\0';
	snprintf(t, sizeof(t), "{\"host\":\"%sa\",\"target\":\"/t\"}", host);
	assert_int_equal(route(t, &r), 0);
	assert_int_equal(strlen(r.host), SNC_ROUTE_HOST_MAX);
	snprintf(t, sizeof(t), "{\"host\":\"%s\\u00e9\",\"target\":\"/t\"}", host);
	assert_int_equal(route(t, &r), SNC_ROUTE_E_FIELD);
}

static void
relay_hex_keys_after_unescaping(void **state)
{
	char t[400];
	struct snc_route r;

	(void)state;
	/* An escaped first digit: still 64 hex characters. */
	snprintf(t, sizeof(t), "{\"destination\":\"\\u0030%s\",\"ephemeral_key\":\"%s\"}", k64 + 1,
		 k64);
	assert_int_equal(route(t, &r), 0);
	assert_int_equal(r.next_ed25519[2], 0x11);
	snprintf(t, sizeof(t), "{\"destination\":\"\\u0030%s\",\"ephemeral_key\":\"%s\"}", k64,
		 k64);
	assert_int_equal(route(t, &r), SNC_ROUTE_E_FIELD); /* 65 */
	snprintf(t, sizeof(t), "{\"destination\":\"\\u0030%.62s\",\"ephemeral_key\":\"%s\"}",
		 k64 + 1, k64);
	assert_int_equal(route(t, &r), SNC_ROUTE_E_FIELD); /* 63 */
	snprintf(t, sizeof(t), "{\"destination\":\"%s\",\"ephemeral_key\":\"%s\"}",
		 "FFFFEEEEDDDDCCCCBBBBAAAA9999888877776666555544443333222211110000", k64);
	assert_int_equal(route(t, &r), 0);
	assert_int_equal(r.next_ed25519[0], 0xff);
	/* A bad digit halfway: the bytes before it are written, as before. */
	snprintf(t, sizeof(t), "{\"destination\":\"%.40sxx%.22s\",\"ephemeral_key\":\"%s\"}", k64,
		 k64, k64);
	assert_int_equal(route(t, &r), SNC_ROUTE_E_FIELD);
	assert_int_equal(r.next_ed25519[19], 0x99);
	snprintf(t, sizeof(t), "{\"destination\":\"%s\",\"ephemeral_key\":[]}", k64);
	assert_int_equal(route(t, &r), SNC_ROUTE_E_FIELD);
}

/* The hex decoder (16 digits per step on SSE2) against libsodium's, through both parsers:
 * every digit position, each byte next to a hex range ('/' ':' '@' 'G' '`' 'g') and the
 * ranges' ends, in either key; mixed case; the bytes before a bad digit as libsodium's. */
static void
relay_hex_digits_every_position(void **state)
{
	static const char edge[] = "/:@G`g09afAF~ ";
	char t[400], key[65];
	struct snc_route r;

	(void)state;
	for (int field = 0; field < 2; field++)
		for (int pos = 0; pos < 64; pos++)
			for (const char *e = edge; *e != '\0'; e++) {
				memcpy(key,
				       "0123456789abcdefABCDEF0123456789aBcDeF0123456789abcdef"
				       "ABCDEF0123",
				       65);
				key[pos] = *e;
				snprintf(t, sizeof(t),
					 "{\"destination\":\"%s\",\"ephemeral_key\":\"%s\"}",
					 field == 0 ? key : k64, field == 0 ? k64 : key);
				route(t, &r); /* same code and bytes as jansson's */
			}
}

static void
enc_type_aliases_and_escapes(void **state)
{
	static const struct {
		const char *json;
		int rc;
		enum snc_enc_type type;
	} cases[] = {
		{"\"\\u0067cm\"", 0, SNC_ENC_AES_GCM},
		{"\"aes-gcm\"", 0, SNC_ENC_AES_GCM},
		{"\"xchacha20-poly1305\"", 0, SNC_ENC_XCHACHA20},
		{"\"xchacha\\u0032\\u0030\"", 0, SNC_ENC_XCHACHA20},
		{"\"cbc\"", 0, SNC_ENC_AES_CBC},
		{"\"aes-cbc\"", 0, SNC_ENC_AES_CBC},
		{"\"\"", SNC_E_ENC_TYPE, SNC_ENC_AES_GCM},
		{"\"GCM\"", SNC_E_ENC_TYPE, SNC_ENC_AES_GCM},
		{"\"\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061"
		 "\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061"
		 "\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\\u0061\"",
		 SNC_E_ENC_TYPE, SNC_ENC_AES_GCM}, /* 33 bytes: longer than any name */
		{"1", SNC_ROUTE_E_FIELD, SNC_ENC_AES_GCM},
		{"null", SNC_ROUTE_E_FIELD, SNC_ENC_AES_GCM},
	};
	char t[700];
	struct snc_route r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(t, sizeof(t),
			 "{\"destination\":\"%s\",\"ephemeral_key\":\"%s\",\"enc_type\":%s}", k64,
			 k64, cases[i].json);
		assert_int_equal(route(t, &r), cases[i].rc);
		assert_int_equal(r.enc_type, cases[i].type);
	}
}

static void
entry_hop_no(void **state)
{
	static const struct {
		const char *hop;
		int rc, want;
	} cases[] = {
		{"15", 0, 15},
		{"16", SNC_ROUTE_E_HOPS, 0},
		{"-9223372036854775808", 0, 0},
		{"9223372036854775807", SNC_ROUTE_E_HOPS, 0},
		{"9223372036854775808", SNC_ROUTE_E_JSON, 0},
		{"\"3\"", SNC_ROUTE_E_FIELD, 0},
		{"3.0", SNC_ROUTE_E_FIELD, 0},
		{"true", SNC_ROUTE_E_FIELD, 0},
	};
	char t[300];
	struct snc_route_entry e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(t, sizeof(t), "{\"ephemeral_key\":\"%s\",\"hop_no\":%s}", k64,
			 cases[i].hop);
		assert_int_equal(entry(t, &e), cases[i].rc);
		assert_int_equal(e.hop_no, cases[i].want);
	}
	assert_int_equal(entry("{\"ephemeral_key\":\"\\u0030\"}", &e), SNC_ROUTE_E_FIELD);
	assert_int_equal(entry("{\"ephemeral_key\":1}", &e), SNC_ROUTE_E_FIELD);
	assert_int_equal(entry("{\"a\":1,\"a\":1}", &e), SNC_ROUTE_E_JSON);
}

/* <head>"k000":0,...<extra>}<tail>}: n keys in the inner object. */
static size_t
many_keys(char *buf, size_t cap, const char *head, int n, const char *extra, const char *tail)
{
	size_t len = (size_t)snprintf(buf, cap, "%s", head);

	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s\"k%03d\":0", i ? "," : "", i);
	len += (size_t)snprintf(buf + len, cap - len, "%s}%s}", extra, tail);
	return len;
}

static void
workspace_overflow_falls_back_to_jansson(void **state)
{
	static char t[8000];
	static struct snc_json_key keys[256];
	const struct snc_json_scan_opts o = {.keys = keys, .keys_cap = 256};
	const char *head = "{\"headers\":{";
	enum snc_json_type root;
	struct snc_route_entry e;
	struct snc_route r;
	size_t n;

	(void)state;
	/* 256 keys open at once: the scanner decides alone. */
	n = many_keys(t, sizeof(t), head, 255, "", "");
	assert_int_equal(snc_json_scan_doc(t, n, &o, &root), 0);
	assert_int_equal(both(t, n, &r), 0);
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
	/* 257: it cannot check duplicates, jansson does. */
	n = many_keys(t, sizeof(t), head, 256, "", ",\"json\":true");
	assert_int_equal(snc_json_scan_doc(t, n, &o, &root), SNC_JSON_E_KEYS);
	assert_int_equal(both(t, n, &r), 0);
	assert_int_equal(r.kind, SNC_ROUTE_DESTINATION);
	assert_true(r.json_body);
	/* A duplicate of a recorded key is certain; of a lost one, jansson finds it. */
	n = many_keys(t, sizeof(t), head, 300, ",\"k007\":1", "");
	assert_int_equal(snc_json_scan_doc(t, n, &o, &root), SNC_JSON_E_DUPLICATE);
	assert_int_equal(both(t, n, &r), SNC_ROUTE_E_JSON);
	n = many_keys(t, sizeof(t), head, 300, ",\"k299\":1", "");
	assert_int_equal(snc_json_scan_doc(t, n, &o, &root), SNC_JSON_E_KEYS);
	assert_int_equal(both(t, n, &r), SNC_ROUTE_E_JSON);
	n = many_keys(t, sizeof(t), head, 300, "", ",\"json\":1");
	assert_int_equal(both(t, n, &r), SNC_ROUTE_E_FIELD);
	/* The entry parser falls back the same way. */
	n = many_keys(t, sizeof(t), "{\"ephemeral_key\":1,\"x\":{", 300, "", "");
	assert_int_equal(snc_json_scan_doc(t, n, &o, &root), SNC_JSON_E_KEYS);
	assert_int_equal(entry_n(t, n, &e), SNC_ROUTE_E_FIELD);
	n = many_keys(t, sizeof(t), "{\"hop_no\":1,\"x\":{", 300, ",\"k299\":0", "");
	assert_int_equal(entry_n(t, n, &e), SNC_ROUTE_E_JSON);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaped_key_names_are_the_same_keys),
		cmocka_unit_test(destination_flags_must_be_booleans),
		cmocka_unit_test(proxy_port_is_an_integer_in_range),
		cmocka_unit_test(proxy_protocol_and_key_material),
		cmocka_unit_test(host_limit_counts_decoded_bytes),
		cmocka_unit_test(relay_hex_keys_after_unescaping),
		cmocka_unit_test(relay_hex_digits_every_position),
		cmocka_unit_test(enc_type_aliases_and_escapes),
		cmocka_unit_test(entry_hop_no),
		cmocka_unit_test(workspace_overflow_falls_back_to_jansson),
	};

	return RUN_GROUP("crypto/onion_route_jansson", tests);
}
