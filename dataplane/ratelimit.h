/* SPDX-License-Identifier: MIT */
/*
 * Per-source token buckets in front of the public-key work (WireGuard's
 * cookie idea, simplified): each IPv4 source may start `burst` CREATEs at once
 * and `rate` per second after that, so a flood sheds load before X25519.
 * One table per worker lcore (no locks). Sources beyond the table's capacity
 * take the slot of the stalest source in their probe window.
 */
#ifndef DP_RATELIMIT_H
#define DP_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

enum {
	DP_RATELIMIT_BURST = 600, /* default bucket size (CREATE cells) */
	DP_RATELIMIT_RATE = 300,  /* default refill (CREATE cells per second) */
	DP_RATELIMIT_PROBE = 8,	  /* slots searched per lookup */
};

struct dp_ratelimit_slot {
	uint32_t addr;	   /* IPv4, host order; 0 = empty */
	uint32_t tokens_m; /* tokens x 1000 */
	uint64_t last_ns;
};

struct dp_ratelimit {
	uint32_t mask;		/* capacity - 1 */
	uint32_t burst_m, rate; /* tokens x 1000, tokens/s */
	uint64_t evictions;
	struct dp_ratelimit_slot *slots;
};

/* capacity: a power of two. Returns 0, -EINVAL (bad numbers) or -ENOMEM. */
int dp_ratelimit_init(struct dp_ratelimit *rl, uint32_t capacity, uint32_t burst, uint32_t rate);
void dp_ratelimit_free(struct dp_ratelimit *rl);

/* Takes one token for addr at time now_ns; false when the bucket is empty. */
bool dp_ratelimit_allow(struct dp_ratelimit *rl, uint32_t addr, uint64_t now_ns);

#endif
