/* SPDX-License-Identifier: MIT */
#include "selfcheck.h"

#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dp.h"
#include "log.h"
#include "port.h"

enum {
	SELFCHECK_DRAIN_BURSTS = 4
}; /* bounded: net_null never runs dry */

/* Loopback PMDs (net_ring) hand our tx back on rx; the ring keeps mbufs across
 * close, so take them back before stopping or the pool leaks. */
static void
drain_rx(uint16_t port_id)
{
	struct rte_mbuf *pkts[DP_BURST];

	for (int i = 0; i < SELFCHECK_DRAIN_BURSTS; i++) {
		uint16_t n = rte_eth_rx_burst(port_id, 0, pkts, DP_BURST);
		if (n == 0)
			break;
		rte_pktmbuf_free_bulk(pkts, n);
	}
}

/* Receives one burst (net_null generates packets), or builds one, and sends it. */
static void
exercise_port(uint16_t port_id, struct rte_mempool *pool, uint16_t *rx, uint16_t *tx)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t n = rte_eth_rx_burst(port_id, 0, pkts, DP_BURST);

	*rx = n;
	if (n == 0 && rte_pktmbuf_alloc_bulk(pool, pkts, DP_BURST) == 0) {
		n = DP_BURST;
		for (uint16_t i = 0; i < n; i++)
			rte_pktmbuf_append(pkts[i], RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	}
	*tx = rte_eth_tx_burst(port_id, 0, pkts, n);
	for (uint16_t i = *tx; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	drain_rx(port_id);
}

static int
check_port(uint16_t port_id, struct rte_mempool *pool)
{
	const struct dp_port_conf conf = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 512, .tx_desc = 512};
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	uint16_t rx = 0, tx = 0;
	int rc;

	rte_eth_dev_get_name_by_port(port_id, name);
	rc = dp_port_configure(port_id, &conf, pool);
	if (rc == 0)
		rc = dp_port_start(port_id);
	if (rc == 0)
		exercise_port(port_id, pool, &rx, &tx);
	if (dp_port_shutdown(port_id) != 0 && rc == 0)
		rc = -1;
	printf("self-check: port %u %s: %s (rx %u, tx %u, started, stopped, closed)\n", port_id,
	       name, rc == 0 ? "ok" : "FAILED", rx, tx);
	return rc;
}

int
dp_selfcheck_run(struct rte_mempool *pool)
{
	uint16_t port_id, nb = 0;
	int failed = 0;

	RTE_ETH_FOREACH_DEV (port_id) {
		nb++;
		if (check_port(port_id, pool) != 0)
			failed++;
	}
	if (nb == 0) {
		DP_LOG(ERR, "self-check: no ports (add --vdev net_null0 in software mode)");
		return -1;
	}
	printf("self-check: %u port(s), %d failed\n", nb, failed);
	return failed == 0 ? 0 : -1;
}
