/* SPDX-License-Identifier: MIT */
/*
 * The fast path in front of json_scan.h for what onion routing layers carry in the
 * common case: one object whose members are all plain strings or small integers, e.g.
 *   {"destination":"<64 hex>","ephemeral_key":"<64 hex>","enc_type":"xchacha20"}
 *   {"host":"example.org","target":"/oxen/v4/lsrpc","protocol":"https","port":443}
 * "Plain": printable ASCII (0x20..0x7e) without '"' or '\', so raw bytes are the value.
 * "Small": 1 to 18 digits, no sign, no leading zero, no fraction or exponent.
 * Anything else (escapes, UTF-8, other numbers, literals, nesting, more than cap members,
 * a repeated key, an empty object) is not recognized and goes to the full scanner, which
 * decides; what this accepts, snc_json_scan_doc accepts with the same members
 * (fuzz_route_differential).
 */
#ifndef SNC_JSON_FLAT_H
#define SNC_JSON_FLAT_H

#include <stddef.h>
#include <stdint.h>

#include "json_scan.h"

struct snc_json_flat_member {
	struct snc_json_str key;   /* escaped is false */
	enum snc_json_type type;   /* SNC_JSON_STRING or SNC_JSON_INTEGER */
	struct snc_json_str value; /* a string's text (escaped false), an integer's digits */
	int64_t integer;	   /* SNC_JSON_INTEGER */
};

/* 0 and *n members (1..cap, distinct keys, in text order), or -1: not this form. */
int snc_json_flat_scan(const char *buf, size_t len, struct snc_json_flat_member *m, size_t cap,
		       size_t *n);

#endif
