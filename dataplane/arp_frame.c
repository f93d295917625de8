/* SPDX-License-Identifier: MIT */
#include "arp_frame.h"

#include <string.h>

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

enum dp_arp_verdict
dp_arp_frame_parse(const uint8_t *f, size_t len, struct dp_arp_frame *out)
{
	const uint8_t *a = f + 14;

	if (len < 14 || be16(f + 12) != 0x0806)
		return DP_ARP_NOT_ARP;
	/* hardware Ethernet (1), protocol IPv4 (0x0800), address sizes 6 and 4 */
	if (len < DP_ARP_FRAME_LEN || be16(a) != 1 || be16(a + 2) != 0x0800 || a[4] != 6 ||
	    a[5] != 4)
		return DP_ARP_BAD;
	out->op = be16(a + 6);
	if (out->op != DP_ARP_OP_REQUEST && out->op != DP_ARP_OP_REPLY)
		return DP_ARP_BAD;
	memcpy(out->eth_dst, f, 6);
	memcpy(out->eth_src, f + 6, 6);
	memcpy(out->sha, a + 8, 6);
	out->spa = be32(a + 14);
	memcpy(out->tha, a + 18, 6);
	out->tpa = be32(a + 24);
	return out->op == DP_ARP_OP_REQUEST ? DP_ARP_REQUEST : DP_ARP_REPLY;
}

size_t
dp_arp_frame_write_request(uint8_t *buf, const uint8_t src_mac[6], uint32_t src_ip,
			   uint32_t target_ip)
{
	uint8_t *a = buf + 14;

	memset(buf, 0, DP_ARP_FRAME_MIN);
	memset(buf, 0xff, 6); /* broadcast */
	memcpy(buf + 6, src_mac, 6);
	put_be16(buf + 12, 0x0806);
	put_be16(a, 1);
	put_be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put_be16(a + 6, DP_ARP_OP_REQUEST);
	memcpy(a + 8, src_mac, 6);
	put_be32(a + 14, src_ip);
	/* target hardware address: zero, as RFC 826 leaves it and Linux sends it */
	put_be32(a + 24, target_ip);
	return DP_ARP_FRAME_MIN;
}

int
dp_arp_mac_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return (mac[0] & 1) == 0 && memcmp(mac, zero, 6) != 0;
}
