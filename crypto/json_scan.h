/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON scanner over a byte buffer that allocates nothing. It accepts
 * exactly the texts jansson 2.14's json_loadb(JSON_REJECT_DUPLICATES) accepts
 * (RFC 8259 with jansson's limits: an object or array at the root, nesting of
 * at most 2048 values, integers within int64, reals that do not overflow a
 * double, no \u0000, strict UTF-8, no key twice in one object) and reports the
 * members of the root object as views into the buffer. The onion route parser
 * (onion_route.c) runs it on every peeled layer on the dataplane's fast path,
 * where an invalid layer is answered 400 "Invalid json", as with jansson.
 */
#ifndef SNC_JSON_SCAN_H
#define SNC_JSON_SCAN_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum snc_json_type {
	SNC_JSON_NULL,
	SNC_JSON_FALSE,
	SNC_JSON_TRUE,
	SNC_JSON_INTEGER,
	SNC_JSON_REAL,
	SNC_JSON_STRING,
	SNC_JSON_ARRAY,
	SNC_JSON_OBJECT,
};

enum {
	SNC_JSON_MAX_DEPTH = 2048, /* values nested, the root being 1: jansson's limit */
};

/* Errors of snc_json_scan_doc. Any of them means jansson rejects the text too. */
enum {
	SNC_JSON_E_SYNTAX = -EBADMSG, /* grammar, escape, control character, bytes after the text */
	SNC_JSON_E_TEXT = -EILSEQ,    /* invalid UTF-8, unpaired surrogate escape, \u0000 */
	SNC_JSON_E_RANGE = -ERANGE,   /* an integer outside int64, a real beyond a double */
	SNC_JSON_E_DEPTH = -ELOOP,    /* nested deeper than SNC_JSON_MAX_DEPTH */
	SNC_JSON_E_DUPLICATE = -EEXIST, /* one object has a key twice (after unescaping) */
};

/*
 * Not an error in the text: it is valid except that duplicate keys could not
 * all be checked, because more keys were open at once (the keys of every
 * object not yet closed) than the caller's workspace holds. The caller decides
 * with a parser that allocates (onion_route.c falls back to jansson). Input of
 * at most 4 x keys_cap bytes never gets it: every open key takes 4 bytes.
 */
enum {
	SNC_JSON_E_KEYS = -ENOSPC,
};

/* A string as it appears between its quotes; the helpers below decode it. */
struct snc_json_str {
	const char *raw;
	size_t raw_len;
	bool escaped; /* has a backslash: raw is not the value */
};

struct snc_json_value {
	enum snc_json_type type;
	const char *raw; /* the value's text in the buffer (a string with its quotes) */
	size_t raw_len;
	int64_t integer;	 /* SNC_JSON_INTEGER */
	struct snc_json_str str; /* SNC_JSON_STRING */
};

/* One key of an object still open: the caller's workspace for the duplicate check. */
struct snc_json_key {
	uint32_t off; /* of the key's first byte after the quote */
	uint32_t len; /* raw bytes */
	uint32_t hash;
	uint32_t depth; /* the object's; bit 15: escaped */
};

/* Called for each member of the root object once its value is scanned. */
typedef void snc_json_member_fn(void *arg, const struct snc_json_str *key,
				const struct snc_json_value *value);

struct snc_json_scan_opts {
	struct snc_json_key *keys; /* workspace, keys_cap entries */
	uint32_t keys_cap;
	snc_json_member_fn *member; /* NULL: only validate */
	void *arg;
};

/*
 * Scans the whole buffer as one JSON text. 0 and *root (ARRAY or OBJECT), or
 * an SNC_JSON_E_* code. member() may have been called for members of a text
 * that is rejected later: act on what it reported only after a 0 return.
 */
int snc_json_scan_doc(const char *buf, size_t len, const struct snc_json_scan_opts *o,
		      enum snc_json_type *root);

/*
 * Helpers for strings reported by a successful scan (they assume valid
 * escapes). The value never contains a NUL byte (\u0000 is rejected).
 */
bool snc_json_scan_str_eq(const struct snc_json_str *s, const char *lit, size_t lit_len);

/* Bytes of the decoded (UTF-8) value. */
size_t snc_json_scan_str_len(const struct snc_json_str *s);

/* Decodes into out with a NUL: 0, or -ENOBUFS (out untouched) when len + 1 > cap. */
int snc_json_scan_str_copy(const struct snc_json_str *s, char *out, size_t cap, size_t *len);

#endif
