/* SPDX-License-Identifier: MIT */
/*
 * Per-lcore counters: owned and written by one worker, read without locks by
 * the telemetry thread (a torn read of a u64 on x86-64 cannot happen; sums
 * across lcores are approximate while traffic flows, as in DPDK's own stats).
 */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "drop.h"

struct dp_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t create_relayed;
	uint64_t create_delivered;
	uint64_t arp_replies;
	uint64_t replies;	 /* replies whose LAST cell went out (destination) */
	uint64_t reply_cells;	 /* REPLY cells sent by this node as the destination */
	uint64_t reply_relayed;	 /* REPLY cells relayed back */
	uint64_t reply_nombuf;	 /* reply cells postponed: mbuf pool empty */
	uint64_t reply_tx_busy;	 /* reply cells postponed: tx queue refused them */
	uint64_t data_relayed;	 /* DATA cells relayed on */
	uint64_t data_delivered; /* multi-cell requests delivered after their LAST DATA */
	uint64_t handoff_out;	 /* REPLY cells handed to the lcore owning their circuit */
	uint64_t handoff_in;	 /* REPLY cells taken from other lcores */
	uint64_t direct_in;	 /* DIRECT cells passed to snode-control */
	uint64_t direct_out;	 /* DIRECT cells sent for snode-control */
	uint64_t entry_out;	 /* CREATE cells sent for snode-control's HTTP entry */
	uint64_t entry_replies;	 /* REPLY cells passed to snode-control's HTTP entry */
	uint64_t frags_in;	 /* IPv4 fragments taken into reassembly */
	uint64_t reassembled;	 /* datagrams put together from fragments */
	uint64_t fragmented;	 /* datagrams sent as fragments (over the port MTU) */
	uint64_t tx_frags;	 /* fragments the tx queue took */
	uint64_t frag_tx_nombuf; /* datagrams not fragmented for lack of mbufs (retried/dropped) */
	uint64_t rx_linearized;	 /* multi-segment frames copied into one segment (linear.h) */
	uint64_t drops[DP_DROP_COUNT];
} __attribute__((aligned(64)));

static inline void
dp_stats_drop(struct dp_stats *s, enum dp_drop_reason r)
{
	s->drops[r]++;
}

/* out = the sum of n per-lcore blocks (read without locks: approximate while running). */
void dp_stats_sum(const struct dp_stats *const *per, unsigned n, struct dp_stats *out);

/* One line: "rx=.. tx=.. relayed=.. delivered=.. replies=.. reply_relayed=.. arp=.. drops=..
 * [reason=n ...]". */
int dp_stats_format(const struct dp_stats *s, char *buf, size_t len);

#endif
