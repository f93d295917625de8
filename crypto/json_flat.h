/* SPDX-License-Identifier: MIT */
/*
 * The fast path in front of json_scan.h for what onion routing layers carry in the
 * common case: one object whose members are all plain strings, e.g.
 *   {"destination":"<64 hex>","ephemeral_key":"<64 hex>","enc_type":"xchacha20"}
 * "Plain": printable ASCII (0x20..0x7e) without '"' or '\', so raw bytes are the value.
 * Anything else (escapes, UTF-8, numbers, nesting, more than cap members, a repeated key,
 * an empty object) is not recognized and goes to the full scanner, which decides; what
 * this accepts, snc_json_scan_doc accepts with the same members (fuzz_route_differential).
 */
#ifndef SNC_JSON_FLAT_H
#define SNC_JSON_FLAT_H

#include <stddef.h>

#include "json_scan.h"

struct snc_json_flat_member {
	struct snc_json_str key, value; /* escaped is false in both */
};

/* 0 and *n members (1..cap, distinct keys, in text order), or -1: not this form. */
int snc_json_flat_scan(const char *buf, size_t len, struct snc_json_flat_member *m, size_t cap,
		       size_t *n);

#endif
