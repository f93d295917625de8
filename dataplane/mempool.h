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
	/* Big mbufs: one medium or large cell with its Ethernet/IPv4/UDP headers in
	 * one segment, so every stage sees a contiguous cell (65,042 bytes + headroom). */
	DP_BIG_MBUFS_DEFAULT = 256, /* mbufs: about 16.7 MB */
	DP_BIG_MBUFS_MAX = 65536,   /* mbufs: about 4.3 GB */
	DP_BIG_MBUF_CACHE = 16,	    /* per-lcore cache when the pool has 64 or more */
};

/* mbufs needed for the given shape; every term is named in the definition. */
uint32_t dp_mempool_size(uint16_t nb_ports, uint16_t queues_per_port, uint16_t rx_desc,
			 uint16_t tx_desc, uint16_t nb_lcores, uint16_t burst);

/* Creates a pktmbuf pool on socket; NULL with rte_errno set on failure. */
struct rte_mempool *dp_mempool_create(const char *name, uint32_t nb_mbufs, int socket);

/* Data room of a big mbuf: headroom, L2-L4 headers and a large cell. */
uint16_t dp_mempool_big_room(void);

/* Creates the pool of big mbufs (nb_mbufs >= 1); NULL with rte_errno set on failure. */
struct rte_mempool *dp_mempool_big_create(const char *name, uint32_t nb_mbufs, int socket);

#endif
