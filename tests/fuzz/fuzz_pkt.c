/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the classify stage's framing (dataplane/pkt.c) on any frame:
 * Ethernet/IPv4/UDP parsing to the cell, and the ARP responder. The mbuf is
 * built by hand around the input (single segment, as the rx path gives),
 * so no EAL is needed. Seeds: the frames of tests/golden/relay_in.pcap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
wrap(struct rte_mbuf *m, uint8_t *buf, size_t size)
{
	memset(m, 0, sizeof(*m));
	m->buf_addr = buf;
	m->buf_len = (uint16_t)size;
	m->data_off = 0;
	m->data_len = (uint16_t)size;
	m->pkt_len = (uint32_t)size;
	m->nb_segs = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dp_iface iface = {
		.mac = {{0x02, 0, 0, 0, 0, 0x01}}, .ip = 0x0a000001, .port = 22030};
	struct rte_mbuf m;
	struct dp_pkt p;
	uint8_t *buf;

	if (size > UINT16_MAX)
		return 0;
	buf = malloc(size ? size : 1); /* exact size: ASan catches any read past the frame */
	memcpy(buf, data, size);
	wrap(&m, buf, size);
	if (dp_pkt_parse(&m, &iface, &p) == DP_DROP_NONE) {
		if (p.cell < buf + DP_PKT_HDR_LEN || p.cell + p.cell_len > buf + size ||
		    p.dst_ip != iface.ip || p.dst_port != iface.port)
			abort();
	}
	if (dp_pkt_arp_reply(&m, &iface) == 1 && memcmp(buf + 6, iface.mac.addr_bytes, 6) != 0)
		abort(); /* a reply leaves from this node's MAC */
	free(buf);
	return 0;
}
