/* SPDX-License-Identifier: MIT */
#include "loop.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "create.h"

volatile bool dp_force_quit;

uint64_t
dp_loop_now_ns(void)
{
	uint64_t c = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();

	return c / hz * 1000000000ull + c % hz * 1000000000ull / hz;
}

static void
drop(struct dp_worker *w, struct rte_mbuf *m, enum dp_drop_reason r)
{
	dp_stats_drop(&w->stats, r);
	rte_pktmbuf_free(m);
}

/* Classifies one packet; CREATE cells are collected into items, the rest finish here. */
static void
classify(struct dp_worker *w, struct rte_mbuf *m, struct dp_create_item *items, uint16_t *k)
{
	struct dp_create_item *it = &items[*k];
	enum dp_drop_reason r;

	if (dp_pkt_arp_reply(m, &w->iface)) {
		w->tx[w->ntx++] = m;
		w->stats.arp_replies++;
		return;
	}
	r = dp_pkt_parse(m, &w->iface, &it->pkt);
	if (r == DP_DROP_NONE)
		r = dp_cell_parse(it->pkt.cell, it->pkt.cell_len, &it->cell);
	/* DATA, REPLY and DIRECT stages are not built yet (issue 4): counted, not lost silently. */
	if (r == DP_DROP_NONE && it->cell.kind != DP_CELL_CREATE)
		r = DP_DROP_NOT_SUPPORTED;
	if (r != DP_DROP_NONE) {
		drop(w, m, r);
		return;
	}
	it->m = m;
	(*k)++;
}

void
dp_loop_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts, uint16_t n,
	      uint64_t now_ns)
{
	struct dp_create_item items[DP_BURST];
	uint16_t k = 0, sent;

	w->ntx = 0;
	w->stats.rx += n;
	for (uint16_t i = 0; i < n; i++)
		classify(w, pkts[i], items, &k);
	if (k > 0)
		dp_create_stage(w, items, k, now_ns);
	sent = w->ntx > 0 ? rte_eth_tx_burst(port, txq, w->tx, w->ntx) : 0;
	w->stats.tx += sent;
	for (uint16_t i = sent; i < w->ntx; i++)
		drop(w, w->tx[i], DP_DROP_TX_FULL);
	w->ntx = 0;
}

int
dp_loop_run(void *arg)
{
	struct dp_lcore *lc = arg;
	struct rte_mbuf *pkts[DP_BURST];
	unsigned idle = 0, sleep_us = 1;

	while (!dp_force_quit) {
		uint16_t n = rte_eth_rx_burst(lc->port, lc->queue, pkts, DP_BURST);
		uint64_t now = dp_loop_now_ns();

		if (n > 0) {
			dp_loop_burst(&lc->worker, lc->port, lc->queue, pkts, n, now);
			idle = 0;
			sleep_us = 1;
		} else if (++idle > DP_IDLE_POLLS) {
			rte_delay_us_sleep(sleep_us);
			sleep_us = sleep_us * 2 > DP_IDLE_SLEEP_MAX_US ? DP_IDLE_SLEEP_MAX_US
								       : sleep_us * 2;
		}
		dp_circuit_age(&lc->worker.circuits, now, DP_AGE_BUDGET);
	}
	return 0;
}
