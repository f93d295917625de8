/* SPDX-License-Identifier: MIT */
#include "port.h"

#include <errno.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "log.h"

/* RSS request: the UDP 4-tuple spreads many clients over worker queues. */
static uint64_t
rss_hf_for(const struct rte_eth_dev_info *info, uint16_t nb_rxq)
{
	if (nb_rxq < 2)
		return 0;
	return info->flow_type_rss_offloads & (RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_IPV4);
}

/* Ethernet bytes around the IP datagram, as ethdev counts them (header and CRC, or
 * what the PMD says through max_rx_pktlen - max_mtu). */
static uint32_t
overhead(const struct rte_eth_dev_info *info)
{
	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		return info->max_rx_pktlen - info->max_mtu;
	return RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
}

/* The rx mode for an MTU: the MTU itself and scattered rx when a frame
 * outgrows an mbuf of pool. 0, or a negative errno after a log line. */
static int
rx_mode(uint16_t port_id, const struct rte_eth_dev_info *info, uint16_t mtu,
	struct rte_mempool *pool, struct rte_eth_rxmode *rx)
{
	uint32_t frame = mtu + overhead(info);
	uint32_t room = rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;

	if (mtu == 0)
		return 0;
	if (mtu < info->min_mtu || mtu > info->max_mtu) {
		DP_LOG(ERR, "port %u (%s): MTU %u is outside the device's %u..%u", port_id,
		       info->driver_name, mtu, info->min_mtu, info->max_mtu);
		return -EINVAL;
	}
	rx->mtu = mtu;
	if (frame <= room)
		return 0;
	if (!(info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)) {
		DP_LOG(ERR,
		       "port %u (%s): MTU %u makes frames of up to %u bytes, over the %u bytes "
		       "of an rx mbuf, and the device has no scattered rx "
		       "(RTE_ETH_RX_OFFLOAD_SCATTER): give it an MTU of at most %u",
		       port_id, info->driver_name, mtu, frame, room, room - overhead(info));
		return -ENOTSUP;
	}
	rx->offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	DP_LOG(INFO, "port %u (%s): MTU %u, scattered rx (frames over %u bytes)", port_id,
	       info->driver_name, mtu, room);
	return 0;
}

int
dp_port_configure(uint16_t port_id, const struct dp_port_conf *conf, struct rte_mempool *pool)
{
	return dp_port_configure_mtu(port_id, conf, pool, 0);
}

int
dp_port_configure_mtu(uint16_t port_id, const struct dp_port_conf *conf, struct rte_mempool *pool,
		      uint16_t mtu)
{
	struct rte_eth_conf eth_conf = {0};
	struct rte_eth_dev_info info;
	uint16_t rx_desc = conf->rx_desc, tx_desc = conf->tx_desc;
	int socket, rc;

	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0) {
		DP_LOG(ERR, "port %u: cannot read device info: %s", port_id, rte_strerror(-rc));
		return rc;
	}
	eth_conf.rx_adv_conf.rss_conf.rss_hf = rss_hf_for(&info, conf->nb_rxq);
	eth_conf.rxmode.mq_mode =
		eth_conf.rx_adv_conf.rss_conf.rss_hf != 0 ? RTE_ETH_MQ_RX_RSS : RTE_ETH_MQ_RX_NONE;
	rc = rx_mode(port_id, &info, mtu, pool, &eth_conf.rxmode);
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_configure(port_id, conf->nb_rxq, conf->nb_txq, &eth_conf);
	if (rc != 0) {
		DP_LOG(ERR, "port %u (%s): configure %u rxq/%u txq failed: %s", port_id,
		       info.driver_name, conf->nb_rxq, conf->nb_txq, rte_strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rx_desc, &tx_desc);
	if (rc != 0)
		return rc;
	socket = rte_eth_dev_socket_id(port_id);
	for (uint16_t q = 0; q < conf->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, rx_desc, socket, NULL, pool);
		if (rc != 0) {
			DP_LOG(ERR, "port %u: rx queue %u setup failed: %s", port_id, q,
			       rte_strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < conf->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(port_id, q, tx_desc, socket, NULL);
		if (rc != 0) {
			DP_LOG(ERR, "port %u: tx queue %u setup failed: %s", port_id, q,
			       rte_strerror(-rc));
			return rc;
		}
	}
	return 0;
}

bool
dp_port_has_udp_rss(uint16_t port_id)
{
	struct rte_eth_rss_conf rss = {0};

	if (rte_eth_dev_rss_hash_conf_get(port_id, &rss) != 0)
		return false;
	return (rss.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_UDP) != 0;
}

int
dp_port_start(uint16_t port_id)
{
	int rc = rte_eth_dev_start(port_id);

	if (rc != 0)
		DP_LOG(ERR, "port %u: start failed: %s", port_id, rte_strerror(-rc));
	return rc;
}

int
dp_port_shutdown(uint16_t port_id)
{
	int rc = rte_eth_dev_stop(port_id);
	int rc_close;

	if (rc != 0)
		DP_LOG(ERR, "port %u: stop failed: %s", port_id, rte_strerror(-rc));
	rc_close = rte_eth_dev_close(port_id);
	if (rc_close != 0)
		DP_LOG(ERR, "port %u: close failed: %s", port_id, rte_strerror(-rc_close));
	return rc != 0 ? rc : rc_close;
}
