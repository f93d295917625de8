/* SPDX-License-Identifier: MIT */
/*
 * Per-lcore counters: owned and written by one worker, read without locks by
 * the telemetry thread (a torn read of a u64 on x86-64 cannot happen; sums
 * across lcores are approximate while traffic flows, as in DPDK's own stats).
 */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stdint.h>

#include "drop.h"

struct dp_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t create_relayed;
	uint64_t create_delivered;
	uint64_t arp_replies;
	uint64_t drops[DP_DROP_COUNT];
} __attribute__((aligned(64)));

static inline void
dp_stats_drop(struct dp_stats *s, enum dp_drop_reason r)
{
	s->drops[r]++;
}

#endif
