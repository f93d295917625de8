/* SPDX-License-Identifier: MIT */
#include "handoff.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

int
dp_handoff_init(struct dp_handoff *h, const unsigned *lcores, unsigned n)
{
	char name[RTE_RING_NAMESIZE];

	memset(h, 0, sizeof(*h));
	for (unsigned i = 0; i < n; i++) {
		if (lcores[i] >= RTE_MAX_LCORE || h->rings[lcores[i]] != NULL) {
			dp_handoff_free(h);
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "dp_handoff_%u", lcores[i]);
		h->rings[lcores[i]] =
			rte_ring_create(name, DP_HANDOFF_RING, (int)rte_socket_id(), RING_F_SC_DEQ);
		if (h->rings[lcores[i]] == NULL) {
			int rc = -rte_errno;

			dp_handoff_free(h);
			return rc;
		}
	}
	return 0;
}

void
dp_handoff_free(struct dp_handoff *h)
{
	struct rte_mbuf *m;

	for (unsigned i = 0; i < RTE_MAX_LCORE; i++) {
		if (h->rings[i] == NULL)
			continue;
		while (rte_ring_dequeue(h->rings[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(h->rings[i]);
		h->rings[i] = NULL;
	}
}

int
dp_handoff_send(struct dp_handoff *h, unsigned owner, struct rte_mbuf *m)
{
	struct rte_ring *r = owner < RTE_MAX_LCORE ? h->rings[owner] : NULL;

	if (r == NULL)
		return -ENOENT;
	return rte_ring_mp_enqueue(r, m) == 0 ? 0 : -ENOBUFS;
}

uint16_t
dp_handoff_receive(struct dp_handoff *h, unsigned lcore, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_ring *r = lcore < RTE_MAX_LCORE ? h->rings[lcore] : NULL;

	return r != NULL ? (uint16_t)rte_ring_sc_dequeue_burst(r, (void **)pkts, n, NULL) : 0;
}
