/* SPDX-License-Identifier: MIT */
/*
 * Ethernet / IPv4 / UDP framing of cells on an mbuf: parse what arrives,
 * write the headers of what leaves. Single-segment mbufs only; an IPv4
 * fragment to this node is reported (DP_DROP_FRAGMENT) for reassembly (reasm.h).
 */
#ifndef DP_PKT_H
#define DP_PKT_H

#include <stdint.h>

#include <rte_ether.h>

#include "drop.h"

struct rte_mbuf;

/* Where a datagram came from and where its cell is. Addresses in host order. */
struct dp_pkt {
	struct rte_ether_addr src_mac;
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t *cell; /* UDP payload */
	uint32_t cell_len;
};

/* This node's own addresses on one port. */
struct dp_iface {
	struct rte_ether_addr mac;
	uint32_t ip;	  /* host order */
	uint16_t port;	  /* the cell port */
	uint16_t port_id; /* the DPDK port: what leaves from this iface goes out there */
};

/* DP_DROP_NONE for a UDP/IPv4 datagram to iface's address and cell port;
 * DP_DROP_FRAGMENT for an IPv4 fragment of a UDP datagram to iface's address. */
enum dp_drop_reason dp_pkt_parse(struct rte_mbuf *m, const struct dp_iface *iface,
				 struct dp_pkt *p);

/*
 * Makes m an Ethernet/IPv4/UDP datagram carrying cell_len bytes that already
 * sit at the cell offset (DP_PKT_HDR_LEN), from iface to (dst_mac, dst_ip,
 * dst_port). UDP checksum 0 (allowed for IPv4); IPv4 checksum computed.
 * m->port becomes iface->port_id: the port it is transmitted on (tx.h).
 */
void dp_pkt_write_headers(struct rte_mbuf *m, const struct dp_iface *iface,
			  const struct rte_ether_addr *dst_mac, uint32_t dst_ip, uint16_t dst_port,
			  uint32_t cell_len);

enum {
	DP_PKT_HDR_LEN = 14 + 20 + 8, /* Ethernet + IPv4 (no options) + UDP */
};

/* If m is an ARP request for iface's address, turns it into the reply and returns 1. */
int dp_pkt_arp_reply(struct rte_mbuf *m, const struct dp_iface *iface);

#endif
