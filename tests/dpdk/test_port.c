/* SPDX-License-Identifier: MIT */
/* dataplane/port.c and mempool.c on real EAL: net_null and a net_ring loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "eal_test.h"
#include "mempool.h"
#include "port.h"

static struct rte_mempool *pool;

static uint16_t
port_by_name(const char *name)
{
	uint16_t id;

	assert_int_equal(rte_eth_dev_get_port_by_name(name, &id), 0);
	return id;
}

static void
both_vdevs_are_probed(void **state)
{
	(void)state;
	assert_int_equal(rte_eth_dev_count_avail(), 2);
}

static void
pool_has_the_requested_mbufs(void **state)
{
	(void)state;
	assert_non_null(pool);
	assert_int_equal(rte_mempool_avail_count(pool), 2048);
}

static void
null_port_starts_receives_and_shuts_down(void **state)
{
	const struct dp_port_conf conf = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};
	uint16_t port = port_by_name("net_null0");
	struct rte_mbuf *pkts[8];
	uint16_t n;

	(void)state;
	assert_int_equal(dp_port_configure(port, &conf, pool), 0);
	assert_int_equal(dp_port_start(port), 0);
	n = rte_eth_rx_burst(port, 0, pkts, 8);
	assert_int_equal(n, 8);
	assert_int_equal(rte_eth_tx_burst(port, 0, pkts, n), n);
	assert_int_equal(dp_port_shutdown(port), 0);
	assert_false(rte_eth_dev_is_valid_port(port));
}

static void
ring_port_loops_packets_back_unchanged(void **state)
{
	const struct dp_port_conf conf = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};
	uint16_t port = port_by_name("net_ring0");
	struct rte_mbuf *out[4], *in[4];
	unsigned before = rte_mempool_avail_count(pool);

	(void)state;
	assert_int_equal(dp_port_configure(port, &conf, pool), 0);
	assert_int_equal(dp_port_start(port), 0);
	assert_int_equal(rte_pktmbuf_alloc_bulk(pool, out, 4), 0);
	for (int i = 0; i < 4; i++) {
		char *p = rte_pktmbuf_append(out[i], 64);
		memset(p, 0xa0 + i, 64);
	}
	assert_int_equal(rte_eth_tx_burst(port, 0, out, 4), 4);
	assert_int_equal(rte_eth_rx_burst(port, 0, in, 4), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(rte_pktmbuf_pkt_len(in[i]), 64);
		assert_int_equal(*rte_pktmbuf_mtod(in[i], uint8_t *), 0xa0 + i);
		rte_pktmbuf_free(in[i]);
	}
	assert_int_equal(dp_port_shutdown(port), 0);
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

static void
configure_rejects_an_invalid_port(void **state)
{
	const struct dp_port_conf conf = {.nb_rxq = 1, .nb_txq = 1, .rx_desc = 256, .tx_desc = 256};

	(void)state;
	assert_true(dp_port_configure(RTE_MAX_ETHPORTS - 1, &conf, pool) < 0);
}

int
main(void)
{
	const char *const vdevs[] = {"net_null0", "net_ring0", NULL};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_vdevs_are_probed),
		cmocka_unit_test(pool_has_the_requested_mbufs),
		cmocka_unit_test(null_port_starts_receives_and_shuts_down),
		cmocka_unit_test(ring_port_loops_packets_back_unchanged),
		cmocka_unit_test(configure_rejects_an_invalid_port),
	};
	int rc;

	if (eal_test_init("port", vdevs) != 0) {
		printf("1..0 # SKIP EAL failed to start\nnot ok 1 - EAL init\n");
		return 1;
	}
	pool = dp_mempool_create("test_port", 2048, SOCKET_ID_ANY);
	rc = cmocka_run_group_tests_name("dpdk/port", tests, NULL, NULL);
	rte_mempool_free(pool);
	eal_test_cleanup();
	return rc;
}
