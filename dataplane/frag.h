/* SPDX-License-Identifier: MIT */
/*
 * IPv4 fragmentation on transmit: a cell whose IP datagram exceeds the MTU
 * of the port it leaves by leaves as fragments (copies into small mbufs, so
 * the port needs no multi-segment tx), with a fresh IP id per datagram and DF
 * clear. The receiving dataplane (reasm.h) or kernel puts them back together.
 */
#ifndef DP_FRAG_H
#define DP_FRAG_H

#include <stdint.h>

struct rte_mbuf;
struct dp_worker;

enum {
	/* IP bytes of one fragment at most, whatever the MTU: a fragment is copied
	 * into one small mbuf (2,048 bytes of room with its Ethernet header), so a
	 * port with jumbo frames (args_mtu.h) gets fragments of 2,000 bytes. */
	DP_FRAG_PIECE_MAX = 2000,
	DP_FRAG_MAX = 128, /* fragments of one datagram: 65,028 bytes at MTU 576 is 117 */
};

/* The MTU (IP bytes) of port on w: its dp_ports entry's, else w->mtu; 0: no limit. */
uint16_t dp_frag_port_mtu(const struct dp_worker *w, uint16_t port);

/* Frames a datagram of frame_len bytes (Ethernet included) leaves as on port. */
unsigned dp_frag_frames(const struct dp_worker *w, uint16_t port, uint32_t frame_len);

/*
 * rte_eth_tx_burst for cells: sends pkts[0..n) in order, each datagram over
 * port's MTU (dp_frag_port_mtu) as fragments, and returns how many of pkts
 * went out; the rest stay the caller's, as with rte_eth_tx_burst. A datagram
 * whose fragments the queue took only in part counts as not sent (its sent
 * fragments time out at the receiver). Fragments come from dp_reply_pool(w).
 */
uint16_t dp_frag_tx_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts,
			  uint16_t n);

#endif
