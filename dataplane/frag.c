/* SPDX-License-Identifier: MIT */
/* rte_ipv4_fragment_copy_nonseg_packet is experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API 1

#include "frag.h"

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>

#include "reply.h"
#include "worker.h"

enum {
	ETH_LEN = 14,
};

uint16_t
dp_frag_port_mtu(const struct dp_worker *w, uint16_t port)
{
	if (w->ports != NULL && dp_ports_has(w->ports, port) && w->ports->p[port].mtu != 0)
		return w->ports->p[port].mtu;
	return w->mtu;
}

static int
too_big(uint16_t mtu, const struct rte_mbuf *m)
{
	return mtu != 0 && rte_pktmbuf_pkt_len(m) > ETH_LEN + (uint32_t)mtu;
}

/* IP bytes of each fragment of a datagram over mtu: what a small mbuf holds at most. */
static uint16_t
piece(uint16_t mtu)
{
	return mtu > DP_FRAG_PIECE_MAX ? DP_FRAG_PIECE_MAX : mtu;
}

unsigned
dp_frag_frames(const struct dp_worker *w, uint16_t port, uint32_t frame_len)
{
	uint16_t mtu = dp_frag_port_mtu(w, port);
	uint32_t ip = frame_len - ETH_LEN, per = (uint32_t)(piece(mtu) - 20) & ~7u;

	if (mtu == 0 || ip <= mtu)
		return 1;
	return (ip - 20 + per - 1) / per;
}

/* Cuts m (left intact) into out[] of at most mtu IP bytes each; the number of
 * fragments, or 0 when no mbufs. */
static unsigned
cut(struct dp_worker *w, struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **out)
{
	struct rte_mempool *pool = dp_reply_pool(w);
	struct rte_ether_hdr eth = *rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH_LEN);
	int32_t n;

	if (pool == NULL)
		return 0;
	ip->packet_id = rte_cpu_to_be_16(w->ip_id++); /* one id per datagram */
	ip->fragment_offset = 0;		      /* DF clear: this one is fragmented */
	rte_pktmbuf_adj(m, ETH_LEN);		      /* the library wants the IPv4 header */
	n = rte_ipv4_fragment_copy_nonseg_packet(m, out, DP_FRAG_MAX, piece(mtu), pool);
	rte_pktmbuf_prepend(m, ETH_LEN);
	if (n <= 0)
		return 0;
	for (int32_t i = 0; i < n; i++) {
		struct rte_ipv4_hdr *fip = rte_pktmbuf_mtod(out[i], struct rte_ipv4_hdr *);
		struct rte_ether_hdr *feth =
			(struct rte_ether_hdr *)rte_pktmbuf_prepend(out[i], ETH_LEN);

		if (feth == NULL) { /* cannot happen: a fresh mbuf has headroom */
			rte_pktmbuf_free_bulk(out, (unsigned)n);
			return 0;
		}
		*feth = eth;
		fip->hdr_checksum = 0; /* the library leaves it to offload */
		fip->hdr_checksum = rte_ipv4_cksum(fip);
	}
	return (unsigned)n;
}

/* One datagram as fragments: 1 when the queue took them all (m is freed), else 0. */
static int
send_fragmented(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf *m)
{
	struct rte_mbuf *out[DP_FRAG_MAX];
	unsigned n = cut(w, m, dp_frag_port_mtu(w, port), out);
	uint16_t sent;

	if (n == 0) {
		w->stats.frag_tx_nombuf++;
		return 0;
	}
	sent = rte_eth_tx_burst(port, txq, out, (uint16_t)n);
	w->stats.tx_frags += sent;
	if (sent < n) {
		rte_pktmbuf_free_bulk(out + sent, n - sent);
		return 0;
	}
	w->stats.fragmented++;
	rte_pktmbuf_free(m);
	return 1;
}

uint16_t
dp_frag_tx_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts,
		 uint16_t n)
{
	uint16_t done = 0, mtu = dp_frag_port_mtu(w, port);

	while (done < n) {
		uint16_t run = 0, sent;

		if (too_big(mtu, pkts[done])) {
			if (!send_fragmented(w, port, txq, pkts[done]))
				return done;
			done++;
			continue;
		}
		while (done + run < n && !too_big(mtu, pkts[done + run]))
			run++;
		sent = rte_eth_tx_burst(port, txq, pkts + done, run);
		done += sent;
		if (sent < run)
			return done;
	}
	return done;
}
