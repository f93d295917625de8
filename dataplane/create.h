/* SPDX-License-Identifier: MIT */
/*
 * The CREATE stage: all CREATE cells of a burst go through the gates (rate
 * limit, replay filter), then X25519 as one batch, the header masks, the KDF
 * as one batch and the AEAD as one batch (crypto/batch.h), then each peeled
 * layer is routed: relayed as a new CREATE to the next node, or delivered
 * because this node is the destination or the exit. Every failure is a drop
 * with its reason in dp_stats.
 */
#ifndef DP_CREATE_H
#define DP_CREATE_H

#include <stdint.h>

#include "worker.h"

struct rte_mbuf;

/* One CREATE of the burst: its mbuf, framing and parsed cell. */
struct dp_create_item {
	struct rte_mbuf *m;
	struct dp_pkt pkt;
	struct dp_cell cell;
};

/*
 * Processes n <= DP_BURST items. Relayed mbufs are appended to w->tx (the
 * caller flushes); every other mbuf is freed here.
 */
void dp_create_stage(struct dp_worker *w, struct dp_create_item *items, uint16_t n,
		     uint64_t now_ns);

#endif
