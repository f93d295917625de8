/* SPDX-License-Identifier: MIT */
/*
 * REPLY cells to the lcore that owns their circuit. RSS spreads packets over
 * the worker queues by their addresses and ports, so a REPLY from the next
 * hop (another 5-tuple than the CREATE's) may reach a worker that does not
 * hold the circuit. The labels a node chooses name the owning lcore in their
 * low 8 bits (docs/wire-format.md); such a REPLY goes, as its mbuf, to the
 * owner's multi-producer ring, and the owner takes it in with its next rx
 * burst. DATA cells need no handoff: they come from the same previous hop and
 * port as their CREATE, so RSS gives them the same queue.
 */
#ifndef DP_HANDOFF_H
#define DP_HANDOFF_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_lcore.h>

struct rte_mbuf;
struct rte_ring;

enum {
	DP_HANDOFF_RING = 1024, /* cells waiting for one lcore */
};

/* One per process, shared by the workers: a ring per worker lcore. */
struct dp_handoff {
	struct rte_ring *rings[RTE_MAX_LCORE];
};

/* Rings for the n worker lcores. 0, or a negative errno (rte_errno). */
int dp_handoff_init(struct dp_handoff *h, const unsigned *lcores, unsigned n);
void dp_handoff_free(struct dp_handoff *h);

/* The lcore a label names (its low 8 bits). */
static inline unsigned
dp_handoff_owner(uint64_t label)
{
	return (unsigned)(label & 0xff);
}

/*
 * Hands m to lcore `owner`: 0 when enqueued; -ENOBUFS when its ring is full
 * (the caller drops m: handoff_full); -ENOENT when owner is not a worker (the
 * caller processes m here, where it misses its circuit).
 */
int dp_handoff_send(struct dp_handoff *h, unsigned owner, struct rte_mbuf *m);

/* Up to n cells handed to lcore; returns how many. */
uint16_t dp_handoff_receive(struct dp_handoff *h, unsigned lcore, struct rte_mbuf **pkts,
			    uint16_t n);

#endif
