/* SPDX-License-Identifier: MIT */
/* libFuzzer: the combined-payload parser and the entry JSON parser on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onion_route.h"
#include "payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snc_payload p;
	struct snc_route_entry e;

	if (snc_payload_parse(data, size, &p) != 0)
		return 0;
	/* The views must stay inside the input. */
	if (p.blob < data || p.blob + p.blob_len > data + size ||
	    (const uint8_t *)p.json + p.json_len != data + size)
		abort();
	snc_route_parse_entry(p.json, p.json_len, &e);
	return 0;
}
