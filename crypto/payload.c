/* SPDX-License-Identifier: MIT */
#include "payload.h"

#include <errno.h>
#include <string.h>

int
snc_payload_parse(const uint8_t *in, size_t len, struct snc_payload *out)
{
	uint32_t n;

	if (len < SNC_PAYLOAD_HEADER_BYTES)
		return -EBADMSG;
	n = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
	if (n > len - SNC_PAYLOAD_HEADER_BYTES)
		return -EBADMSG;
	out->blob = in + SNC_PAYLOAD_HEADER_BYTES;
	out->blob_len = n;
	out->json = (const char *)(in + SNC_PAYLOAD_HEADER_BYTES + n);
	out->json_len = len - SNC_PAYLOAD_HEADER_BYTES - n;
	return 0;
}

size_t
snc_payload_len(size_t blob_len, size_t json_len)
{
	if (blob_len > SIZE_MAX - SNC_PAYLOAD_HEADER_BYTES - json_len)
		return SIZE_MAX;
	return SNC_PAYLOAD_HEADER_BYTES + blob_len + json_len;
}

int
snc_payload_build(const uint8_t *blob, size_t blob_len, const char *json, size_t json_len,
		  uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t need = snc_payload_len(blob_len, json_len);

	*out_len = 0;
	if (blob_len > UINT32_MAX || need == SIZE_MAX || out_cap < need)
		return -EMSGSIZE;
	out[0] = (uint8_t)blob_len;
	out[1] = (uint8_t)(blob_len >> 8);
	out[2] = (uint8_t)(blob_len >> 16);
	out[3] = (uint8_t)(blob_len >> 24);
	memmove(out + SNC_PAYLOAD_HEADER_BYTES, blob, blob_len);
	memmove(out + SNC_PAYLOAD_HEADER_BYTES + blob_len, json, json_len);
	*out_len = need;
	return 0;
}
