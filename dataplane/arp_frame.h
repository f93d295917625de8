/* SPDX-License-Identifier: MIT */
/*
 * ARP over Ethernet for IPv4 (RFC 826), as bytes: the parser every ARP frame
 * the dataplane receives goes through, and the request it sends to resolve a
 * next hop's MAC (arp.h). No DPDK, so it is unit-tested and fuzzed anywhere.
 * An operator sees its verdicts as drop counters: arp_bad (malformed).
 */
#ifndef DP_ARP_FRAME_H
#define DP_ARP_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum {
	DP_ARP_FRAME_LEN = 14 + 28, /* Ethernet + ARP for IPv4 over Ethernet */
	DP_ARP_FRAME_MIN = 60,	    /* what we send: the Ethernet minimum without FCS */
	DP_ARP_OP_REQUEST = 1,
	DP_ARP_OP_REPLY = 2,
};

enum dp_arp_verdict {
	DP_ARP_NOT_ARP = 0, /* not an ARP frame (EtherType): the caller goes on */
	DP_ARP_BAD,	    /* ARP, but short, not IPv4 over Ethernet, or an unknown opcode */
	DP_ARP_REQUEST,
	DP_ARP_REPLY,
};

/* The fields of a well-formed ARP frame (addresses in host order). */
struct dp_arp_frame {
	uint8_t eth_dst[6], eth_src[6];
	uint8_t sha[6], tha[6]; /* sender and target hardware addresses */
	uint32_t spa, tpa;	/* sender and target IPv4 addresses */
	uint16_t op;
};

/* Parses len bytes from the Ethernet header on; fills *out for REQUEST and REPLY.
 * Trailing bytes (Ethernet padding) are allowed; an 802.1Q tag is NOT_ARP. */
enum dp_arp_verdict dp_arp_frame_parse(const uint8_t *f, size_t len, struct dp_arp_frame *out);

/* Writes the broadcast request "who has target_ip? tell src_ip (src_mac)",
 * zero-padded to DP_ARP_FRAME_MIN bytes, into buf (at least that many) and
 * returns DP_ARP_FRAME_MIN. */
size_t dp_arp_frame_write_request(uint8_t *buf, const uint8_t src_mac[6], uint32_t src_ip,
				  uint32_t target_ip);

/* True for a MAC that may name a host: not multicast/broadcast, not all zero. */
int dp_arp_mac_unicast(const uint8_t mac[6]);

#endif
