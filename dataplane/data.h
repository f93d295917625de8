/* SPDX-License-Identifier: MIT */
/*
 * The DATA stage (docs/wire-format.md, "DATA"): the rest of a request whose
 * CREATE had MORE. A relay opens its layer with kf (no public-key work) and
 * forwards the rest cut-through on its next link; the destination opens the
 * last layer, reassembles the body (data_asm.c) and delivers the whole layer
 * when LAST arrives, exactly as a one-cell CREATE would have been delivered.
 * Operators see data_relayed and data_delivered, and every refusal as a drop.
 */
#ifndef DP_DATA_H
#define DP_DATA_H

#include <stdint.h>

#include "data_asm.h"
#include "worker.h"

struct rte_mbuf;

/* One DATA of a burst: its mbuf, framing and parsed cell. */
struct dp_data_item {
	struct rte_mbuf *m;
	struct dp_pkt pkt;
	struct dp_cell cell;
};

/*
 * At the destination, for a CREATE with MORE: keeps its layer (route r,
 * payload p) until the DATA cells bring the rest. DP_DROP_NONE, or the reason
 * (data_too_big, data_busy); the caller removes the circuit then.
 */
enum dp_drop_reason dp_data_begin(struct dp_worker *w, struct dp_circuit *c,
				  const struct snc_route *r, const struct snc_payload *p,
				  uint64_t now_ns);

/*
 * Processes n <= DP_BURST DATA cells: relayed mbufs are appended to w->tx (the
 * caller flushes), the LAST one of a request goes to w->deliver, every other
 * one is freed here (counted when dropped).
 */
void dp_data_stage(struct dp_worker *w, struct dp_data_item *items, uint16_t n, uint64_t now_ns);

/* Drops requests that got no DATA for DP_DATA_TIMEOUT_MS (counted data_timeout,
 * their circuits removed). Returns how many. */
unsigned dp_data_age(struct dp_worker *w, uint64_t now_ns);

/* Requests being reassembled on w. */
unsigned dp_data_pending(const struct dp_worker *w);

/* The worker's reassembly table, made at init (dp_worker_init): 0 or -ENOMEM. */
int dp_data_init(struct dp_worker *w);

/* Drops every request in progress (their circuits removed) and frees the table. */
void dp_data_free(struct dp_worker *w);

#endif
