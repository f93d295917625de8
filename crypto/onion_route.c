/* SPDX-License-Identifier: MIT */
/*
 * The route parser of onion_route.h on crypto/json_scan: one pass over the
 * layer's JSON that validates it exactly as jansson did and keeps views of the
 * root keys a hop reads; nothing is allocated and nothing is copied but the
 * fields themselves. The checks below are those of onion_route_jansson.c, in
 * the same order, so every result and error code is unchanged.
 */
#include "onion_route.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "batch.h"
#include "json_flat.h"
#include "json_scan.h"
#include "onion_route_jansson.h"

enum {
	/* Workspace for the duplicate-key check: input up to 4 x this many bytes
	 * always fits (json_scan.h); beyond, jansson decides. */
	ROUTE_JSON_KEYS = 256,
	/* Members the plain-strings fast path takes (json_flat.h); more: the full scanner. */
	ROUTE_FLAT_MEMBERS = 8,
	KEY_NAME_MAX = 16, /* bytes: above the longest name below */
	ENC_NAME_MAX = 32, /* bytes: above the longest enc_type alias */
};

/* The root keys a hop reads. */
enum route_key {
	K_HEADERS,
	K_HOST,
	K_TARGET,
	K_PORT,
	K_PROTOCOL,
	K_DESTINATION,
	K_EPHEMERAL_KEY,
	K_ENC_TYPE,
	K_JSON,
	K_BASE64,
	K_HOP_NO,
	K_COUNT,
};

#define KEY(k, name) [k] = {name, sizeof(name) - 1}
static const struct {
	const char *name;
	size_t len;
} key_names[K_COUNT] = {
	KEY(K_HEADERS, "headers"),
	KEY(K_HOST, "host"),
	KEY(K_TARGET, "target"),
	KEY(K_PORT, "port"),
	KEY(K_PROTOCOL, "protocol"),
	KEY(K_DESTINATION, "destination"),
	KEY(K_EPHEMERAL_KEY, "ephemeral_key"),
	KEY(K_ENC_TYPE, "enc_type"),
	KEY(K_JSON, "json"),
	KEY(K_BASE64, "base64"),
	KEY(K_HOP_NO, "hop_no"),
};
#undef KEY

struct fields {
	uint32_t seen; /* bit per enum route_key */
	struct snc_json_value v[K_COUNT];
};

static int
key_index(const struct snc_json_str *key)
{
	char name[KEY_NAME_MAX];
	const char *s = key->raw;
	size_t n = key->raw_len;

	/* Escaped names ("\u0068ost") are the same keys to jansson. */
	if (key->escaped) {
		if (snc_json_scan_str_copy(key, name, sizeof(name), &n) != 0)
			return -1;
		s = name;
	}
	for (int i = 0; i < K_COUNT; i++)
		if (key_names[i].len == n && memcmp(key_names[i].name, s, n) == 0)
			return i;
	return -1;
}

static void
on_member(void *arg, const struct snc_json_str *key, const struct snc_json_value *value)
{
	struct fields *f = arg;
	int i = key_index(key);

	if (i >= 0) {
		f->seen |= 1u << i;
		f->v[i] = *value;
	}
}

/* A relay layer's JSON is a few plain strings (an exit's, a port number too): taken without
 * the full scanner (a third of a relayed CREATE's non-crypto time went to the scan). 0, or
 * -1: not that form. */
static int
load_flat(const char *json, size_t len, struct fields *f)
{
	struct snc_json_flat_member m[ROUTE_FLAT_MEMBERS];
	size_t n;

	if (snc_json_flat_scan(json, len, m, ROUTE_FLAT_MEMBERS, &n) != 0)
		return -1;
	f->seen = 0;
	for (size_t i = 0; i < n; i++) {
		const bool str = m[i].type == SNC_JSON_STRING; /* raw: a string with its quotes */
		const struct snc_json_value v = {.type = m[i].type,
						 .raw = m[i].value.raw - (str ? 1 : 0),
						 .raw_len = m[i].value.raw_len + (str ? 2 : 0),
						 .integer = m[i].integer,
						 .str = str ? m[i].value
							    : (struct snc_json_str){0}};
		on_member(f, &m[i].key, &v);
	}
	return 0;
}

/*
 * 0, SNC_ROUTE_E_JSON, or 1 when the scanner's workspace was too small to
 * check duplicate keys (then jansson decides).
 */
static int
load(const char *json, size_t len, struct fields *f)
{
	struct snc_json_key keys[ROUTE_JSON_KEYS];
	const struct snc_json_scan_opts o = {
		.keys = keys, .keys_cap = ROUTE_JSON_KEYS, .member = on_member, .arg = f};
	enum snc_json_type root;
	int rc;

	if (load_flat(json, len, f) == 0)
		return 0;
	f->seen = 0;
	rc = snc_json_scan_doc(json, len, &o, &root);
	if (rc == SNC_JSON_E_KEYS)
		return 1;
	if (rc != 0 || root != SNC_JSON_OBJECT)
		return SNC_ROUTE_E_JSON;
	return 0;
}

static const struct snc_json_value *
get(const struct fields *f, enum route_key k)
{
	return (f->seen >> k & 1) != 0 ? &f->v[k] : NULL;
}

static const struct snc_json_value *
get_string_value(const struct fields *f, enum route_key k)
{
	const struct snc_json_value *v = get(f, k);

	return v != NULL && v->type == SNC_JSON_STRING ? v : NULL;
}

/* Hex digit values plus one; 0 for every other byte. */
static const uint8_t hex_plus1[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/*
 * sodium_hex2bin(out, 32, hex, 64, NULL, &got, &end) == 0 && got == 32, as
 * the jansson parser checks, with the same bytes left in out when a digit is
 * bad (the pairs before it): the keys are public, so a table lookup replaces
 * libsodium's constant-time decoder, which cost half of a relay layer's parse.
 */
static bool
hex_pairs(const char *hex, uint8_t *out, int n)
{
	for (int i = 0; i < n; i++) {
		uint8_t hi = hex_plus1[(uint8_t)hex[2 * i]],
			lo = hex_plus1[(uint8_t)hex[2 * i + 1]];
		if (hi == 0 || lo == 0)
			return false;
		out[i] = (uint8_t)((hi - 1) << 4 | (lo - 1));
	}
	return true;
}

#if defined(__SSE2__)
/* 16 hex characters to 8 bytes; false (nothing written) if any is not a hex digit. */
static bool
hex16_sse2(const char *hex, uint8_t out[8])
{
	const __m128i c = _mm_loadu_si128((const __m128i *)(const void *)hex);
	const __m128i lower = _mm_or_si128(c, _mm_set1_epi8(0x20));
	/* signed compares: bytes >= 0x80 are negative, so never in a range below */
	const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
					    _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));
	const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
					    _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
	__m128i v;

	if (_mm_movemask_epi8(_mm_or_si128(digit, alpha)) != 0xffff)
		return false;
	v = _mm_or_si128(_mm_and_si128(digit, _mm_sub_epi8(c, _mm_set1_epi8('0'))),
			 _mm_and_si128(alpha, _mm_sub_epi8(lower, _mm_set1_epi8('a' - 10))));
	/* each pair: first digit * 16 + second, as 16-bit lanes, then packed to bytes */
	v = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00ff)), 4),
			 _mm_srli_epi16(v, 8));
	_mm_storel_epi64((__m128i *)(void *)out, _mm_packus_epi16(v, v));
	return true;
}
#endif

/* 32 bytes from 64 hex digits (see above). With SSE2 16 digits per step (the two
 * keys of a relay layer were ~1% of a relayed CREATE's time one byte at a time); a
 * step with a bad digit is redone one byte at a time, which leaves the pairs before it. */
static bool
hex32(const char *hex, uint8_t out[32])
{
#if defined(__SSE2__)
	for (int i = 0; i < 4; i++)
		if (!hex16_sse2(hex + 16 * i, out + 8 * i))
			return hex_pairs(hex + 16 * i, out + 8 * i, 32 - 8 * i);
	return true;
#else
	return hex_pairs(hex, out, 32);
#endif
}

/* 32 bytes from exactly 64 hex characters. */
static int
get_key32(const struct fields *f, enum route_key k, uint8_t out[32])
{
	const struct snc_json_value *v = get_string_value(f, k);
	char buf[65];
	const char *hex;
	size_t n;

	if (v == NULL)
		return SNC_ROUTE_E_FIELD;
	hex = v->str.raw;
	n = v->str.raw_len;
	if (v->str.escaped) {
		if (snc_json_scan_str_copy(&v->str, buf, sizeof(buf), &n) != 0)
			return SNC_ROUTE_E_FIELD; /* longer than 64 */
		hex = buf;
	}
	if (n != 64)
		return SNC_ROUTE_E_FIELD;
	return hex32(hex, out) ? 0 : SNC_ROUTE_E_FIELD;
}

/* Optional enc_type; absent means aes-gcm, an unknown name is an error. */
static int
get_enc_type(const struct fields *f, enum snc_enc_type *out)
{
	const struct snc_json_value *v = get(f, K_ENC_TYPE);
	char name[ENC_NAME_MAX];
	size_t n;

	*out = SNC_ENC_AES_GCM;
	if (v == NULL)
		return 0;
	if (v->type != SNC_JSON_STRING)
		return SNC_ROUTE_E_FIELD;
	if (!v->str.escaped)
		return snc_enc_type_parse(v->str.raw, v->str.raw_len, out);
	if (snc_json_scan_str_copy(&v->str, name, sizeof(name), &n) != 0)
		return SNC_E_ENC_TYPE; /* longer than any name */
	return snc_enc_type_parse(name, n, out);
}

static int
get_bool(const struct fields *f, enum route_key k, bool dflt, bool *out)
{
	const struct snc_json_value *v = get(f, k);

	*out = dflt;
	if (v == NULL)
		return 0;
	if (v->type != SNC_JSON_TRUE && v->type != SNC_JSON_FALSE)
		return SNC_ROUTE_E_FIELD;
	*out = v->type == SNC_JSON_TRUE;
	return 0;
}

/* A non-empty string shorter than cap (the scanner never yields a NUL byte). */
static int
get_string(const struct fields *f, enum route_key k, char *out, size_t cap)
{
	const struct snc_json_value *v = get_string_value(f, k);
	size_t n;

	if (v == NULL || snc_json_scan_str_len(&v->str) == 0)
		return SNC_ROUTE_E_FIELD;
	if (snc_json_scan_str_copy(&v->str, out, cap, &n) != 0)
		return SNC_ROUTE_E_FIELD;
	return 0;
}

bool
snc_route_target_allowed(const char *target)
{
	size_t len = strlen(target);

	if (strncmp(target, "/loki/", 6) != 0 && strncmp(target, "/oxen/", 6) != 0)
		return false;
	if (len < 6 || strcmp(target + len - 6, "/lsrpc") != 0)
		return false;
	return strchr(target, '?') == NULL;
}

/* A DNS name or IPv4 literal: letters, digits, '-', '.'; nothing that could
 * end the authority part of a URL (':', '/', '@', '#', '[', ...). */
static bool
host_ok(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || h[0] == '-' || h[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '-' || h[i] == '.'))
			return false;
	return true;
}

bool
snc_route_proxy_url_ok(const struct snc_route *r)
{
	if (r->kind != SNC_ROUTE_PROXY || !r->target_allowed || !host_ok(r->host) || r->port == 0)
		return false;
	for (const char *c = r->target; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || *c == '#' ||
		    *c == '\\')
			return false;
	return true;
}

static int
parse_proxy(const struct fields *f, struct snc_route *r)
{
	const struct snc_json_value *port = get(f, K_PORT), *proto = get(f, K_PROTOCOL);
	int rc;

	r->kind = SNC_ROUTE_PROXY;
	r->port = 443;
	r->https = true;
	rc = get_string(f, K_HOST, r->host, sizeof(r->host));
	if (rc == 0)
		rc = get_string(f, K_TARGET, r->target, sizeof(r->target));
	if (rc != 0)
		return rc;
	if (port != NULL) {
		if (port->type != SNC_JSON_INTEGER || port->integer < 1 || port->integer > 65535)
			return SNC_ROUTE_E_FIELD;
		r->port = (uint16_t)port->integer;
	}
	if (proto != NULL) {
		if (proto->type == SNC_JSON_STRING && snc_json_scan_str_eq(&proto->str, "http", 4))
			r->https = false;
		else if (proto->type != SNC_JSON_STRING ||
			 !snc_json_scan_str_eq(&proto->str, "https", 5))
			return SNC_ROUTE_E_FIELD;
	}
	r->target_allowed = snc_route_target_allowed(r->target);
	/* The server's key material rides along for the server; the exit ignores it,
	 * so a missing or malformed value is not an error here. */
	if (get_key32(f, K_EPHEMERAL_KEY, r->eph_pk) != 0)
		memset(r->eph_pk, 0, sizeof(r->eph_pk));
	if (get_enc_type(f, &r->enc_type) != 0)
		r->enc_type = SNC_ENC_AES_GCM;
	return 0;
}

static int
parse_relay(const struct fields *f, struct snc_route *r)
{
	int rc;

	r->kind = SNC_ROUTE_RELAY;
	rc = get_key32(f, K_DESTINATION, r->next_ed25519);
	if (rc == 0)
		rc = get_key32(f, K_EPHEMERAL_KEY, r->eph_pk);
	if (rc == 0)
		rc = get_enc_type(f, &r->enc_type);
	return rc;
}

int
snc_route_parse(const char *json, size_t len, struct snc_route *out)
{
	struct fields f;
	int rc = load(json, len, &f);

	if (rc == 1)
		return snc_route_jansson_parse(json, len, out);
	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	if (get(&f, K_HEADERS) != NULL) {
		out->kind = SNC_ROUTE_DESTINATION;
		rc = get_bool(&f, K_JSON, false, &out->json_body);
		if (rc == 0)
			rc = get_bool(&f, K_BASE64, true, &out->base64_reply);
	} else if (get(&f, K_HOST) != NULL) {
		rc = parse_proxy(&f, out);
	} else {
		rc = parse_relay(&f, out);
	}
	return rc;
}

int
snc_route_parse_entry(const char *json, size_t len, struct snc_route_entry *out)
{
	const struct snc_json_value *hop;
	struct fields f;
	int rc = load(json, len, &f);

	if (rc == 1)
		return snc_route_jansson_parse_entry(json, len, out);
	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	rc = get_key32(&f, K_EPHEMERAL_KEY, out->eph_pk);
	if (rc == 0)
		rc = get_enc_type(&f, &out->enc_type);
	hop = get(&f, K_HOP_NO);
	if (rc == 0 && hop != NULL) {
		if (hop->type != SNC_JSON_INTEGER)
			rc = SNC_ROUTE_E_FIELD;
		else if (hop->integer > SNC_ROUTE_MAX_HOPS)
			rc = SNC_ROUTE_E_HOPS;
		else if (hop->integer > 0)
			out->hop_no = (int)hop->integer;
	}
	return rc;
}
