/* SPDX-License-Identifier: MIT */
/*
 * Ethernet port bring-up and teardown for any PMD: real NICs and the software
 * vdevs (net_null, net_ring, net_pcap, net_tap, net_af_packet, net_memif).
 * RSS on the UDP 4-tuple is requested only where the PMD offers it.
 */
#ifndef DP_PORT_H
#define DP_PORT_H

#include <stdbool.h>
#include <stdint.h>

struct rte_mempool;

struct dp_port_conf {
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t rx_desc;
	uint16_t tx_desc;
};

/* Configures queues (not started) at the PMD's default MTU (1500). Returns 0 or
 * a negative errno; logs why. */
int dp_port_configure(uint16_t port_id, const struct dp_port_conf *conf, struct rte_mempool *pool);

/*
 * The same with an MTU (IP bytes; 0: the PMD's default). A frame of that MTU
 * larger than the pool's mbufs takes scattered rx (RTE_ETH_RX_OFFLOAD_SCATTER):
 * where the PMD has none it is refused (-ENOTSUP), an MTU outside the device's
 * range too (-EINVAL), each with a log line naming the port.
 */
int dp_port_configure_mtu(uint16_t port_id, const struct dp_port_conf *conf,
			  struct rte_mempool *pool, uint16_t mtu);

/* True when the port was configured with RSS over UDP ports. */
bool dp_port_has_udp_rss(uint16_t port_id);

int dp_port_start(uint16_t port_id);

/* Stops and closes; returns the first error, but always attempts both. */
int dp_port_shutdown(uint16_t port_id);

#endif
