/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the NODES body decoder (channel/chan_nodes.c) on any bytes, as the
 * dataplane runs it on a reassembled body: the header, then every entry of a
 * body the header accepted. An accepted body re-encodes to the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chan_nodes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chan_nodes_hdr h;
	uint8_t again[CHAN_NODES_HDR_BYTES + CHAN_NODES_ENTRY_BYTES];

	if (chan_nodes_decode_hdr(data, size, &h) != 0)
		return 0;
	if (h.count > CHAN_NODES_MAX || chan_nodes_body_len(h.count) != size)
		abort();
	chan_nodes_encode_hdr(&h, again);
	if (memcmp(again, data, CHAN_NODES_HDR_BYTES) != 0)
		abort();
	for (uint32_t i = 0; i < h.count; i++) {
		struct chan_node_entry e;

		if (chan_nodes_decode_entry(data, i, &e) != 0)
			continue;
		if (e.ip == 0 || e.port == 0)
			abort();
		chan_nodes_encode_entry(&e, again, 0);
		if (memcmp(again + CHAN_NODES_HDR_BYTES, data + chan_nodes_body_len(i),
			   CHAN_NODES_ENTRY_BYTES) != 0)
			abort();
	}
	return 0;
}
