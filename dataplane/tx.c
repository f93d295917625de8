/* SPDX-License-Identifier: MIT */
#include "tx.h"

#include <rte_mbuf.h>

#include "frag.h"
#include "worker.h"

/* The datagrams sent and refused so far, with their original indexes. */
struct tx_lists {
	struct rte_mbuf *ok[DP_TX_MAX], *ko[DP_TX_MAX];
	uint16_t ok_idx[DP_TX_MAX], ko_idx[DP_TX_MAX];
	uint16_t nok, nko;
};

static uint16_t
out_port(const struct dp_worker *w, const struct rte_mbuf *m)
{
	return dp_ports_has(w->ports, m->port) ? m->port : w->ports->def;
}

/* Sends port's datagrams among pkts (those still in *left), in order. */
static void
send_port(struct dp_worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n, uint64_t *left,
	  struct tx_lists *l)
{
	struct rte_mbuf *grp[DP_TX_MAX];
	uint16_t gidx[DP_TX_MAX], g = 0, sent;

	for (uint16_t i = 0; i < n; i++)
		if ((*left >> i & 1) && out_port(w, pkts[i]) == port) {
			grp[g] = pkts[i];
			gidx[g++] = i;
			*left &= ~(1ull << i);
		}
	if (g == 0)
		return;
	sent = dp_frag_tx_burst(w, port, w->txq[port], grp, g);
	w->port_stats[port].tx += sent;
	w->port_stats[port].tx_refused += (uint16_t)(g - sent);
	for (uint16_t k = 0; k < g; k++) {
		if (k < sent) {
			l->ok[l->nok] = grp[k];
			l->ok_idx[l->nok++] = gidx[k];
		} else {
			l->ko[l->nko] = grp[k];
			l->ko_idx[l->nko++] = gidx[k];
		}
	}
}

uint16_t
dp_tx_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts, uint16_t n,
	    uint16_t *idx)
{
	struct tx_lists l;
	uint64_t left = n >= 64 ? ~0ull : (1ull << n) - 1;

	for (uint16_t i = 0; idx != NULL && i < n; i++)
		idx[i] = i;
	if (n == 0)
		return 0;
	if (w->ports == NULL)
		return dp_frag_tx_burst(w, port, txq, pkts, n);
	if (w->ports->n == 1) { /* one port: no sorting */
		uint16_t p = w->ports->def, sent = dp_frag_tx_burst(w, p, w->txq[p], pkts, n);

		w->port_stats[p].tx += sent;
		w->port_stats[p].tx_refused += (uint16_t)(n - sent);
		return sent;
	}
	l.nok = l.nko = 0;
	for (uint16_t i = 0; i < w->ports->n && left != 0; i++)
		send_port(w, w->ports->ids[i], pkts, n, &left, &l);
	for (uint16_t k = 0; k < l.nok; k++) {
		pkts[k] = l.ok[k];
		if (idx != NULL)
			idx[k] = l.ok_idx[k];
	}
	for (uint16_t k = 0; k < l.nko; k++) {
		pkts[l.nok + k] = l.ko[k];
		if (idx != NULL)
			idx[l.nok + k] = l.ko_idx[k];
	}
	return l.nok;
}
