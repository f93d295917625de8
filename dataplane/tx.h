/* SPDX-License-Identifier: MIT */
/*
 * Transmit on several ports: each datagram leaves on the port its headers
 * were written for (m->port, pkt.h), through this worker's tx queue there
 * (w->txq), fragmented over the MTU (frag.h), and is counted per port.
 */
#ifndef DP_TX_H
#define DP_TX_H

#include <stdint.h>

struct rte_mbuf;
struct dp_worker;

enum {
	DP_TX_MAX = 64, /* datagrams per dp_tx_burst call: a burst's, or a reply pump's */
};

/*
 * Sends pkts[0..n) (n <= DP_TX_MAX) and returns how many went out. Without a
 * port table (w->ports NULL: tests) all go to (port, txq). Otherwise pkts is
 * reordered so the sent come first, each port's in their order; idx (NULL or
 * n entries) then gives each slot's original index. The rest stay the
 * caller's, as with rte_eth_tx_burst. A datagram for a port this node does
 * not have leaves on the default port.
 */
uint16_t dp_tx_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts,
		     uint16_t n, uint16_t *idx);

#endif
