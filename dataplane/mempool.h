/* SPDX-License-Identifier: MIT */
/*
 * Packet buffer pools. Sized from the configuration (ports x queues x
 * descriptors + per-lcore caches), never from DPDK defaults, so that the
 * dataplane fits in --no-huge -m 256 on a test machine.
 */
#ifndef DP_MEMPOOL_H
#define DP_MEMPOOL_H

#include <stdint.h>

struct rte_mempool;

enum {
	DP_MBUF_CACHE = 256, /* per-lcore mbuf cache (mbufs) */
	DP_MBUF_MIN = 1024,  /* floor so tiny configurations still have headroom */
};

/* mbufs needed for the given shape; every term is named in the definition. */
uint32_t dp_mempool_size(uint16_t nb_ports, uint16_t queues_per_port, uint16_t rx_desc,
			 uint16_t tx_desc, uint16_t nb_lcores, uint16_t burst);

/* Creates a pktmbuf pool on socket; NULL with rte_errno set on failure. */
struct rte_mempool *dp_mempool_create(const char *name, uint32_t nb_mbufs, int socket);

#endif
