/* SPDX-License-Identifier: MIT */
#include "arp_warm.h"

#include <string.h>

#include "arp.h"
#include "node_table.h"
#include "ports.h"
#include "worker.h"

/* The port that reaches n when ARP resolves it, or DP_PORTS_MAX: n has a MAC,
 * or its address is not on-link (nothing to ask: its cells are dropped,
 * arp_unresolved, as before). */
static uint16_t
arp_port(const struct dp_arp *a, const struct dp_node *n)
{
	static const uint8_t zero[6];
	uint16_t p;

	if (memcmp(n->mac, zero, 6) != 0)
		return DP_PORTS_MAX;
	p = dp_ports_route(a->ports, n->ip);
	return p < DP_PORTS_MAX && dp_arp_on_link(a, p, n->ip) ? p : DP_PORTS_MAX;
}

void
dp_arp_warm_pass(struct dp_worker *w, uint64_t now_ns)
{
	struct dp_arp *a = w->arp;
	struct dp_arp_warm *wm = &a->warm;
	const struct dp_node_table *t = w->nodes;
	unsigned scan = DP_ARP_WARM_SCAN;

	if (!wm->on || t == NULL)
		return;
	if (t != wm->table || t->swap_seq != wm->seq) {
		wm->table = t;
		wm->seq = t->swap_seq;
		wm->next = 0;
		wm->tables++;
	}
	for (; wm->next < t->n && scan > 0; wm->next++, scan--) {
		const struct dp_node *n = &t->nodes[wm->next];
		uint16_t p = arp_port(a, n);

		if (p == DP_PORTS_MAX)
			continue;
		if (a->room[p] == 0)
			break; /* this port's share of the pass is spent: go on from here next pass
				*/
		switch (dp_arp_table_want_warm(a->t[p], n->ip, now_ns)) {
		case 1:
			a->room[p]--;
			wm->asked++;
			dp_arp_request(w, p, n->ip);
			break;
		case 0:
			wm->known++;
			break;
		default:
			wm->no_room++;
			break;
		}
	}
	wm->left = t->n - wm->next;
}
