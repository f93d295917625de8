/* SPDX-License-Identifier: MIT */
/*
 * IPv4 fragmentation on transmit: a cell whose IP datagram exceeds the
 * port's MTU leaves as fragments (copies into small mbufs, so the port needs
 * no multi-segment tx), with a fresh IP id per datagram and DF clear. The
 * receiving dataplane (reasm.h) or kernel puts them back together.
 */
#ifndef DP_FRAG_H
#define DP_FRAG_H

#include <stdint.h>

struct rte_mbuf;
struct dp_worker;

enum {
	DP_FRAG_MTU_MIN = 576,	/* bytes of IP datagram: the IPv4 minimum every host takes */
	DP_FRAG_MTU_MAX = 2000, /* bytes: a fragment must fit a small mbuf (2,048) */
	DP_FRAG_MAX = 128,	/* fragments of one datagram: 65,028 bytes at MTU 576 is 117 */
};

/* Frames a datagram of frame_len bytes (Ethernet included) leaves as on w's port. */
unsigned dp_frag_frames(const struct dp_worker *w, uint32_t frame_len);

/*
 * rte_eth_tx_burst for cells: sends pkts[0..n) in order, each datagram over
 * w->mtu (IP bytes; 0: no limit) as fragments, and returns how many of pkts
 * went out; the rest stay the caller's, as with rte_eth_tx_burst. A datagram
 * whose fragments the queue took only in part counts as not sent (its sent
 * fragments time out at the receiver). Fragments come from dp_reply_pool(w).
 */
uint16_t dp_frag_tx_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts,
			  uint16_t n);

#endif
