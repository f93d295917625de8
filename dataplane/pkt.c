/* SPDX-License-Identifier: MIT */
#include "pkt.h"

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

enum dp_drop_reason
dp_pkt_parse(struct rte_mbuf *m, const struct dp_iface *iface, struct dp_pkt *p)
{
	uint32_t len = rte_pktmbuf_data_len(m), ihl, ip_len, udp_len;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;

	if (m->nb_segs != 1 || len < DP_PKT_HDR_LEN)
		return DP_DROP_NOT_CELL;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return DP_DROP_NOT_CELL;
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < 20 || ip_len < ihl || 14 + ip_len > len)
		return DP_DROP_BAD_IP;
	if (rte_be_to_cpu_32(ip->dst_addr) != iface->ip || ip->next_proto_id != IPPROTO_UDP)
		return DP_DROP_NOT_CELL;
	/* More-fragments set or a non-zero offset: a piece of a larger datagram, for
	 * reassembly (reasm.h); only the first piece has the UDP header. */
	if ((rte_be_to_cpu_16(ip->fragment_offset) &
	     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return DP_DROP_FRAGMENT;
	if (ip_len < ihl + 8)
		return DP_DROP_BAD_IP;
	udp = (struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len < 8 || udp_len > ip_len - ihl)
		return DP_DROP_BAD_IP;
	if (rte_be_to_cpu_16(udp->dst_port) != iface->port)
		return DP_DROP_NOT_CELL;
	rte_ether_addr_copy(&eth->src_addr, &p->src_mac);
	p->src_ip = rte_be_to_cpu_32(ip->src_addr);
	p->dst_ip = iface->ip;
	p->src_port = rte_be_to_cpu_16(udp->src_port);
	p->dst_port = iface->port;
	p->cell = (uint8_t *)(udp + 1);
	p->cell_len = udp_len - 8;
	return DP_DROP_NONE;
}

/* The IPv4 header checksum of the header dp_pkt_write_headers writes, from its
 * variable fields alone: the rest are constants (0x4500, id 0, DF, TTL 64, UDP), so
 * this is a handful of additions instead of rte_ipv4_cksum's pass over the bytes. */
static uint16_t
ipv4_cksum_fixed(uint16_t total_length, uint32_t src, uint32_t dst)
{
	uint32_t sum = 0x4500u + RTE_IPV4_HDR_DF_FLAG + (64u << 8 | IPPROTO_UDP);

	sum += total_length + (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return rte_cpu_to_be_16((uint16_t)~sum);
}

void
dp_pkt_write_headers(struct rte_mbuf *m, const struct dp_iface *iface,
		     const struct rte_ether_addr *dst_mac, uint32_t dst_ip, uint16_t dst_port,
		     uint32_t cell_len)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(&iface->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + cell_len));
	ip->packet_id = 0;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(iface->ip);
	ip->dst_addr = rte_cpu_to_be_32(dst_ip);
	ip->hdr_checksum = ipv4_cksum_fixed((uint16_t)(20 + 8 + cell_len), iface->ip, dst_ip);
	udp->src_port = rte_cpu_to_be_16(iface->port);
	udp->dst_port = rte_cpu_to_be_16(dst_port);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + cell_len));
	udp->dgram_cksum = 0;
	m->data_len = (uint16_t)(DP_PKT_HDR_LEN + cell_len);
	m->pkt_len = m->data_len;
	m->port = iface->port_id;
}

int
dp_pkt_arp_reply(struct rte_mbuf *m, const struct dp_iface *iface)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	uint32_t sender_ip;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*arp) ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP) ||
	    arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) ||
	    rte_be_to_cpu_32(arp->arp_data.arp_tip) != iface->ip)
		return 0;
	sender_ip = arp->arp_data.arp_sip;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = sender_ip;
	rte_ether_addr_copy(&iface->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = rte_cpu_to_be_32(iface->ip);
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&iface->mac, &eth->src_addr);
	return 1;
}
