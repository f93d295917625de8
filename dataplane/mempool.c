/* SPDX-License-Identifier: MIT */
#include "mempool.h"

#include <rte_mbuf.h>

#include "cell.h"
#include "pkt.h"

uint32_t
dp_mempool_size(uint16_t nb_ports, uint16_t queues_per_port, uint16_t rx_desc, uint16_t tx_desc,
		uint16_t nb_lcores, uint16_t burst)
{
	/* Every descriptor can hold an mbuf, every lcore can cache a full cache
	 * and hold one burst in flight per port. */
	uint64_t n = (uint64_t)nb_ports * queues_per_port * (rx_desc + tx_desc) +
		     (uint64_t)nb_lcores * (DP_MBUF_CACHE + (uint64_t)burst * (nb_ports + 1));

	if (n < DP_MBUF_MIN)
		n = DP_MBUF_MIN;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

struct rte_mempool *
dp_mempool_create(const char *name, uint32_t nb_mbufs, int socket)
{
	return rte_pktmbuf_pool_create(name, nb_mbufs, DP_MBUF_CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       socket);
}

uint16_t
dp_mempool_big_room(void)
{
	return RTE_PKTMBUF_HEADROOM + DP_PKT_HDR_LEN + DP_CELL_LARGE;
}

_Static_assert(RTE_PKTMBUF_HEADROOM + DP_PKT_HDR_LEN + DP_CELL_LARGE <= UINT16_MAX,
	       "a large cell must fit one mbuf segment (buf_len is 16 bits)");

struct rte_mempool *
dp_mempool_big_create(const char *name, uint32_t nb_mbufs, int socket)
{
	/* A cache must stay well under the pool (rte_mempool refuses more than n / 1.5). */
	unsigned cache = nb_mbufs >= 64 ? DP_BIG_MBUF_CACHE : 0;

	return rte_pktmbuf_pool_create(name, nb_mbufs, cache, 0, dp_mempool_big_room(), socket);
}
