/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the control channel's datagram decoder and part reassembly
 * (channel/chan_msg.c) on any bytes. The input is cut into datagrams at
 * lengths its own bytes choose, each decoded and, when valid, added to one
 * reassembly, as either end of the channel does with what it receives.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "chan_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(struct chan_assembly *a, const uint8_t *msg, size_t len)
{
	const uint8_t *body;
	struct chan_hdr h;
	int rc = chan_hdr_decode(msg, len, &h, &body);

	if (rc != 0)
		return;
	if (body != msg + CHAN_HDR_BYTES || h.body_len != len - CHAN_HDR_BYTES)
		abort();
	rc = chan_assembly_add(a, &h, body);
	if (a->len > CHAN_TOTAL_MAX || (rc == 1 && (a->first.flags & CHAN_F_MORE)))
		abort();
	if (rc != 0)
		chan_assembly_reset(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chan_assembly a = {0};

	while (size >= 2) {
		size_t len = (size_t)data[0] << 8 | data[1];

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		one(&a, data, len);
		data += len;
		size -= len;
	}
	chan_assembly_free(&a);
	return 0;
}
