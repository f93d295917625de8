/* SPDX-License-Identifier: MIT */
#include "loop.h"

#include <errno.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "arp.h"
#include "channel.h"
#include "create.h"
#include "handoff.h"
#include "node_swap.h"
#include "data.h"
#include "frag.h"
#include "linear.h"
#include "reasm.h"
#include "reply.h"
#include "tx.h"

volatile bool dp_force_quit;

_Static_assert((int)DP_CONFIG_MAX <= (int)DP_LCORE_RXQ_MAX &&
		       (int)DP_PORTS_MAX <= (int)DP_LCORE_RXQ_MAX,
	       "an lcore can poll every --config entry, or one queue of every port");

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

/* The cells of one burst, by stage. */
struct burst {
	struct dp_create_item create[DP_BURST];
	struct dp_reply_item reply[DP_BURST];
	struct dp_data_item data[DP_BURST];
	uint16_t ncreate, nreply, ndata;
};

/* A REPLY whose label names another worker lcore goes to that lcore. */
static bool
handed_off(struct dp_worker *w, struct rte_mbuf *m, const struct dp_cell *cell)
{
	unsigned owner = dp_handoff_owner(cell->label);
	int rc;

	if (w->handoff == NULL || owner == (w->lcore & 0xff))
		return false;
	rc = dp_handoff_send(w->handoff, owner, m);
	if (rc == -ENOENT)
		return false;
	if (rc == 0)
		w->stats.handoff_out++;
	else
		drop(w, m, DP_DROP_HANDOFF_FULL);
	return true;
}

/* A DIRECT cell goes to snode-control with the sending node's key; only known
 * nodes may send them (their address is in the node table). */
static void
direct_in(struct dp_worker *w, struct rte_mbuf *m, const struct dp_pkt *pkt,
	  const struct dp_cell *cell)
{
	const struct dp_node *from = dp_node_by_addr(w->nodes, pkt->src_ip, pkt->src_port);
	enum dp_drop_reason r;

	if (from == NULL || (cell->flags & DP_CELL_FLAG_CLIENT))
		r = DP_DROP_UNKNOWN_PEER;
	else if (w->direct == NULL)
		r = DP_DROP_CHANNEL_DOWN;
	else
		r = w->direct(w, from, cell->data, cell->data_len, m, w->direct_arg);
	if (r != DP_DROP_NONE)
		drop(w, m, r);
	else
		w->stats.direct_in++;
}

/* Classifies one packet; circuit cells are collected by stage, the rest finish here. */
static void
classify(struct dp_worker *w, struct rte_mbuf *m, struct burst *b, uint64_t now_ns)
{
	const struct dp_iface *in = dp_worker_port(w, m->port); /* the port it came in on */
	uint16_t port = m->port;
	struct dp_pkt pkt;
	struct dp_cell cell;
	enum dp_drop_reason r;

	m = dp_linear_take(w, m); /* scattered rx: one segment from here on */
	if (m == NULL)
		return;
	if (dp_arp_input(w, m, in)) /* replies to our requests (arp.h) */
		return;
	if (dp_pkt_arp_reply(m, in)) {
		w->tx[w->ntx++] = m; /* back out on m->port */
		w->stats.arp_replies++;
		return;
	}
	r = dp_pkt_parse(m, in, &pkt);
	if (r == DP_DROP_FRAGMENT) {
		m = dp_reasm_add(w, m, now_ns); /* consumed; the datagram when it is whole */
		if (m == NULL)
			return;
		m->port = port; /* a fresh mbuf: circuits note the port cells back leave on */
		r = dp_pkt_parse(m, in, &pkt);
	}
	if (r == DP_DROP_NONE)
		r = dp_cell_parse(pkt.cell, pkt.cell_len, &cell);
	if (r == DP_DROP_NONE && cell.kind == DP_CELL_CREATE)
		b->create[b->ncreate++] = (struct dp_create_item){m, pkt, cell};
	else if (r == DP_DROP_NONE && cell.kind == DP_CELL_REPLY && !handed_off(w, m, &cell))
		b->reply[b->nreply++] = (struct dp_reply_item){m, pkt, cell};
	else if (r == DP_DROP_NONE && cell.kind == DP_CELL_REPLY)
		; /* on its way to the lcore that owns its circuit */
	else if (r == DP_DROP_NONE && cell.kind == DP_CELL_DATA)
		b->data[b->ndata++] = (struct dp_data_item){m, pkt, cell};
	else if (r == DP_DROP_NONE && cell.kind == DP_CELL_DIRECT)
		direct_in(w, m, &pkt, &cell);
	else
		drop(w, m, r != DP_DROP_NONE ? r : DP_DROP_NOT_SUPPORTED);
}

void
dp_loop_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts, uint16_t n,
	      uint64_t now_ns)
{
	w->stats.rx += n;
	if (port < DP_PORTS_MAX)
		w->port_stats[port].rx += n;
	for (uint16_t i = 0; i < n; i++)
		pkts[i]->port = port; /* not every PMD sets it (net_ring passes the sender's) */
	dp_loop_process(w, port, txq, pkts, n, now_ns);
}

void
dp_loop_process(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts,
		uint16_t n, uint64_t now_ns)
{
	struct burst b;

	b.ncreate = b.nreply = b.ndata = 0;
	w->ntx = 0;
	w->arp_hold.now_ns = now_ns; /* frames held at this burst's flush are held from now */
	for (uint16_t i = 0; i < n; i++)
		classify(w, pkts[i], &b, now_ns);
	/* CREATE first: a CREATE with MORE and its first DATA may share a burst. */
	if (b.ncreate > 0)
		dp_create_stage(w, b.create, b.ncreate, now_ns);
	if (b.ndata > 0)
		dp_data_stage(w, b.data, b.ndata, now_ns);
	if (b.nreply > 0)
		dp_reply_relay_stage(w, b.reply, b.nreply, now_ns);
	dp_loop_flush(w, port, txq);
}

void
dp_loop_flush(struct dp_worker *w, uint16_t port, uint16_t txq)
{
	uint16_t sent;

	dp_arp_resolve_tx(w); /* next hops with the ARP MAC (arp.h) */
	sent = w->ntx > 0 ? dp_tx_burst(w, port, txq, w->tx, w->ntx, NULL) : 0;
	w->stats.tx += sent;
	for (uint16_t i = sent; i < w->ntx; i++)
		drop(w, w->tx[i], DP_DROP_TX_FULL);
	w->ntx = 0;
}

/* Replies for this worker, and the channel's socket when this lcore serves it. */
static bool
channel_work(struct dp_lcore *lc, uint64_t now, uint64_t *serviced)
{
	bool busy = dp_channel_worker_poll(lc->channel, &lc->worker, lc->port, lc->queue, now) > 0;

	if (lc->serve_channel && now - *serviced >= DP_CHANNEL_SERVICE_NS) {
		dp_channel_service(lc->channel, 0); /* may publish a new node table */
		if (lc->swap != NULL)
			dp_node_swap_reclaim(lc->swap);
		*serviced = now;
	}
	return busy;
}

/* REPLY cells other lcores handed to this one: already counted in their rx. */
static bool
handoff_work(struct dp_lcore *lc, uint64_t now)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t n = dp_handoff_receive(lc->worker.handoff, lc->worker.lcore, pkts, DP_BURST);

	if (n > 0) {
		lc->worker.stats.handoff_in += n;
		dp_loop_process(&lc->worker, lc->port, lc->queue, pkts, n, now);
	}
	return n > 0;
}

/* One burst from each (port, queue) this lcore polls; returns the packets. */
static unsigned
rx_work(struct dp_lcore *lc, uint64_t now)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned total = 0;

	for (unsigned i = 0; i < lc->nrx; i++) {
		uint16_t n = rte_eth_rx_burst(lc->rx[i].port, lc->rx[i].queue, pkts, DP_BURST);

		if (n > 0)
			dp_loop_burst(&lc->worker, lc->rx[i].port, lc->queue, pkts, n, now);
		total += n;
	}
	return total;
}

int
dp_loop_run(void *arg)
{
	struct dp_lcore *lc = arg;
	unsigned idle = 0, sleep_us = 1;
	uint64_t serviced = 0;

	if (lc->swap != NULL)
		dp_node_swap_online(lc->swap, lc->tid);
	while (!dp_force_quit) {
		uint64_t now;

		/* quiescent here: no node pointer survives an iteration (node_swap.h) */
		if (lc->swap != NULL)
			lc->worker.nodes = dp_node_swap_enter(lc->swap, lc->tid);
		now = dp_loop_now_ns();

		if (lc->channel != NULL && channel_work(lc, now, &serviced))
			idle = 0;
		if (dp_reply_pump(&lc->worker, lc->port, lc->queue, now) > 0)
			idle = 0;
		if (lc->worker.handoff != NULL && handoff_work(lc, now))
			idle = 0;
		if (dp_arp_service(&lc->worker, now) > 0)
			idle = 0;
		if (rx_work(lc, now) > 0) {
			idle = 0;
			sleep_us = 1;
		} else if (++idle > DP_IDLE_POLLS) {
			rte_delay_us_sleep(sleep_us);
			sleep_us = sleep_us * 2 > DP_IDLE_SLEEP_MAX_US ? DP_IDLE_SLEEP_MAX_US
								       : sleep_us * 2;
		}
		dp_circuit_age(&lc->worker.circuits, now, DP_AGE_BUDGET);
		dp_data_age(&lc->worker, now);
		dp_reasm_age(&lc->worker, now);
	}
	if (lc->swap != NULL)
		dp_node_swap_offline(lc->swap, lc->tid);
	return 0;
}
