/* SPDX-License-Identifier: MIT */
#include "ratelimit.h"

#include <errno.h>
#include <stdlib.h>

#include "bigmem.h"

int
dp_ratelimit_init(struct dp_ratelimit *rl, uint32_t capacity, uint32_t burst, uint32_t rate)
{
	if (capacity < DP_RATELIMIT_PROBE || (capacity & (capacity - 1)) != 0 || burst == 0 ||
	    burst > UINT32_MAX / 1000 || rate == 0 || rate > UINT32_MAX / 1000)
		return -EINVAL;
	rl->slots = dp_bigmem_alloc((size_t)capacity * sizeof(*rl->slots));
	if (rl->slots == NULL)
		return -ENOMEM;
	rl->mask = capacity - 1;
	rl->burst_m = burst * 1000;
	rl->rate = rate;
	rl->evictions = 0;
	return 0;
}

void
dp_ratelimit_free(struct dp_ratelimit *rl)
{
	if (rl->slots != NULL)
		dp_bigmem_free(rl->slots, ((size_t)rl->mask + 1) * sizeof(*rl->slots));
	rl->slots = NULL;
}

/* Fibonacci hashing spreads sequential addresses (one client subnet) over the table. */
static uint32_t
slot_of(const struct dp_ratelimit *rl, uint32_t addr)
{
	return (uint32_t)(((uint64_t)addr * 0x9E3779B97F4A7C15ull) >> 32) & rl->mask;
}

static struct dp_ratelimit_slot *
find_or_claim(struct dp_ratelimit *rl, uint32_t addr, uint64_t now_ns)
{
	struct dp_ratelimit_slot *stalest = NULL;
	uint32_t i = slot_of(rl, addr);

	for (int n = 0; n < DP_RATELIMIT_PROBE; n++, i = (i + 1) & rl->mask) {
		struct dp_ratelimit_slot *s = &rl->slots[i];
		if (s->addr == addr)
			return s;
		if (s->addr == 0) {
			stalest = s;
			break;
		}
		if (stalest == NULL || s->last_ns < stalest->last_ns)
			stalest = s;
	}
	if (stalest->addr != 0)
		rl->evictions++;
	stalest->addr = addr;
	stalest->tokens_m = rl->burst_m;
	stalest->last_ns = now_ns;
	return stalest;
}

bool
dp_ratelimit_allow(struct dp_ratelimit *rl, uint32_t addr, uint64_t now_ns)
{
	struct dp_ratelimit_slot *s;
	uint64_t refill;

	/* Address 0 marks empty slots; 0.0.0.0 is never a valid source anyway. */
	if (addr == 0)
		return false;
	s = find_or_claim(rl, addr, now_ns);
	if (now_ns > s->last_ns) {
		/* Milli-tokens gained = elapsed_ns * rate / 1e6; past fill_ns the bucket is full.
		 */
		uint64_t elapsed = now_ns - s->last_ns;
		uint64_t fill_ns =
			((uint64_t)(rl->burst_m - s->tokens_m) * 1000000 + rl->rate - 1) / rl->rate;

		if (elapsed >= fill_ns) {
			s->tokens_m = rl->burst_m;
			s->last_ns = now_ns;
		} else {
			refill = elapsed * rl->rate / 1000000;
			s->tokens_m += (uint32_t)refill;
			/* Advance time only by what was paid for, keeping the remainder. */
			s->last_ns += refill * 1000000 / rl->rate;
		}
	}
	if (s->tokens_m < 1000)
		return false;
	s->tokens_m -= 1000;
	return true;
}
