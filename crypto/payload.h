/* SPDX-License-Identifier: MIT */
/*
 * Session's "combined payload": u32 little-endian N || N bytes of blob ||
 * UTF-8 JSON running to the end. Every onion layer's plaintext and the entry
 * request body have this shape. Parsing only points into the input.
 */
#ifndef SNC_PAYLOAD_H
#define SNC_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

enum {
	SNC_PAYLOAD_HEADER_BYTES = 4
};

struct snc_payload {
	const uint8_t *blob;
	size_t blob_len;
	const char *json; /* not NUL-terminated; may be empty */
	size_t json_len;
};

/* 0, or -EBADMSG when shorter than 4 bytes or N runs past the end. */
int snc_payload_parse(const uint8_t *in, size_t len, struct snc_payload *out);

/* Bytes needed by snc_payload_build (SIZE_MAX on overflow). */
size_t snc_payload_len(size_t blob_len, size_t json_len);

/* 0, -EMSGSIZE when out_cap is too small or blob_len exceeds UINT32_MAX. */
int snc_payload_build(const uint8_t *blob, size_t blob_len, const char *json, size_t json_len,
		      uint8_t *out, size_t out_cap, size_t *out_len);

#endif
