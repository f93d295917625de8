/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the DIRECT fragment reassembler (control/direct_frag.c) on any
 * bytes. The input is cut into cells at lengths its own bytes choose, each
 * from one of three senders (another input byte) at a clock that only moves
 * forward, with small limits so that the slot, per-sender, byte and timeout
 * paths are all reached. Invariants: a delivered message has a length a
 * header allows; the reassembler never holds more than its budgets.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "direct_frag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_deliver(void *arg, const uint8_t from[32], const uint8_t *msg, size_t len)
{
	(void)arg;
	(void)from;
	if (len == 0 || len > CTL_FRAG_MSG_MAX || msg == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ctl_frag_limits lim = {4, 2, 8192, 50};
	struct ctl_frag_reasm *r = ctl_frag_reasm_new(&lim);
	uint8_t from[3][32] = {{1}, {2}, {3}};
	uint64_t now = 0;
	size_t bytes;

	if (r == NULL)
		abort();
	while (size >= 3) {
		size_t len = ((size_t)data[0] << 8 | data[1]) % (CTL_FRAG_CELL_MAX + 1);
		uint8_t who = data[2];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		now += who >> 4; /* 0..15 ms per cell */
		ctl_frag_add(r, from[who % 3], data, len, now, on_deliver, NULL);
		if (ctl_frag_partials(r, &bytes) > lim.partials || bytes > lim.bytes)
			abort();
		data += len;
		size -= len;
	}
	ctl_frag_reasm_free(r);
	return 0;
}
