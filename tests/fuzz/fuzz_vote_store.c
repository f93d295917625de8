/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the vote store's decoder (control/vote_store.c, DATA_DIR/quorum-state) on any
 * bytes. Invariants: what decodes has at most CTL_VOTE_SLOTS votes and 2 secrets, every
 * change 1-3 and index 0-9, and encodes back to exactly the input (one spelling per state).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vote_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_vote_store st;
	static uint8_t out[CTL_VOTE_STORE_MAX];

	if (ctl_vote_store_decode(data, size, &st) != 0)
		return 0;
	if (st.nv > CTL_VOTE_SLOTS || st.ns > 2)
		abort();
	for (size_t i = 0; i < st.nv; i++)
		if (st.v[i].change < 1 || st.v[i].change > 3 || st.v[i].index > 9)
			abort();
	if (ctl_vote_store_encode(&st, out) != size || memcmp(out, data, size) != 0)
		abort();
	return 0;
}
