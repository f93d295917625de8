/* SPDX-License-Identifier: MIT */
/*
 * The body of POST /onion_req/v2 (facts doc 1.1-1.2): [u32le N][blob]{json}
 * with "ephemeral_key" (64 hex), optional "enc_type" and "hop_no". Only
 * parses (points into the body), with the reason texts snode answers after
 * "Error parsing onion request: " (the reference's where it has one). A
 * parser of untrusted bytes: tests/fuzz/fuzz_http_entry.c.
 */
#ifndef CTL_HTTP_ONION_PARSE_H
#define CTL_HTTP_ONION_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "onion_route.h"

/* The entry payload, parsed (points into the body). */
struct ctl_onion_entry_req {
	const uint8_t *blob;
	size_t blob_len;
	struct snc_route_entry route;
};

/* 0, or -1 with the reason in why (the text after "Error parsing onion request: "). */
int ctl_onion_entry_parse(const uint8_t *body, size_t len, struct ctl_onion_entry_req *out,
			  char *why, size_t whylen);

#endif
