/* SPDX-License-Identifier: MIT */
/* libFuzzer: the body of POST /onion_req/v2 (control/http_onion_parse.c) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_onion_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_onion_entry_req r;
	char why[160];

	why[0] = '\0';
	if (ctl_onion_entry_parse(data, size, &r, why, sizeof(why)) != 0) {
		if (why[0] == '\0' || strlen(why) >= sizeof(why)) /* every refusal says why */
			abort();
		return 0;
	}
	/* the blob stays inside the input; the hop number is what SS would send on */
	if (r.blob < data || r.blob + r.blob_len > data + size || r.route.hop_no < 0 ||
	    r.route.hop_no > SNC_ROUTE_MAX_HOPS || r.route.enc_type >= SNC_ENC_TYPE_COUNT)
		abort();
	return 0;
}
