/* SPDX-License-Identifier: MIT */
#include "http_onion_parse.h"

#include <stdio.h>
#include <string.h>

#include "payload.h"

int
ctl_onion_entry_parse(const uint8_t *body, size_t len, struct ctl_onion_entry_req *out, char *why,
		      size_t whylen)
{
	struct snc_payload p;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < SNC_PAYLOAD_HEADER_BYTES) {
		snprintf(why, whylen, "Unexpected payload size; expected ciphertext size");
		return -1;
	}
	if (snc_payload_parse(body, len, &p) != 0) {
		snprintf(why, whylen, "Unexpected payload size %zu, expected >= %u",
			 len - SNC_PAYLOAD_HEADER_BYTES,
			 (unsigned)body[0] | (unsigned)body[1] << 8 | (unsigned)body[2] << 16 |
				 (unsigned)body[3] << 24);
		return -1;
	}
	rc = snc_route_parse_entry(p.json, p.json_len, &out->route);
	if (rc == SNC_ROUTE_E_JSON) {
		snprintf(why, whylen, "invalid JSON after the ciphertext");
		return -1;
	}
	if (rc == SNC_ROUTE_E_HOPS) {
		snprintf(why, whylen, "hop_no above %d", SNC_ROUTE_MAX_HOPS);
		return -1;
	}
	if (rc != 0) {
		snprintf(why, whylen,
			 "\"ephemeral_key\" must be 64 hex digits, \"enc_type\" a known type, "
			 "\"hop_no\" an integer");
		return -1;
	}
	out->blob = p.blob;
	out->blob_len = p.blob_len;
	return 0;
}
