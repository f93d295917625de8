/* SPDX-License-Identifier: MIT */
/*
 * REPLY cells (docs/wire-format.md, "REPLY"), both ends of a hop:
 * - the destination: dp_reply_submit turns the reply snode-control hands to
 *   the worker that owns the circuit into a queued reply (Session-encrypted
 *   once in mode 0, kept as is for the per-cell layers of mode 1), and
 *   dp_reply_pump sends the queued replies as REPLY cells, a bounded number
 *   per loop iteration, rewinding over what the tx queue refuses;
 * - a relay: dp_reply_relay_stage takes the REPLY cells of a burst from the
 *   next hop, adds this hop's layer in mode 1, re-labels and re-masks them for
 *   the previous link, and queues them in w->tx.
 * The cell-level work (sizes, preparing, writing, relay checks) is the pure
 * reply_cell.c. Operators see replies, reply_cells, reply_relayed,
 * reply_nombuf and reply_tx_busy in the counters, and every refused reply or
 * cell as a drop.
 */
#ifndef DP_REPLY_H
#define DP_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "reply_cell.h"
#include "worker.h"

struct rte_mbuf;
struct rte_mempool;

/* One REPLY of a burst: its mbuf, framing and parsed cell. */
struct dp_reply_item {
	struct rte_mbuf *m;
	struct dp_pkt pkt;
	struct dp_cell cell;
};

/* Gives worker w its reply queue; reply cells come from pool. 0 or -ENOMEM. */
int dp_reply_init(struct dp_worker *w, struct rte_mempool *pool);

/* Drops every queued reply (their circuits are removed) and frees the queue. */
void dp_reply_free(struct dp_worker *w);

/*
 * Sends `body` back along the circuit (in_label, prev) of this worker as REPLY
 * cells. flags: DP_REPLY_BASE64 (mode 0 only; ignored in mode 1 and for a
 * proxy's reply, which is the server's own end-to-end reply and goes back as
 * is). The reply is queued here and sent by dp_reply_pump.
 * Returns DP_DROP_NONE, or the reason the reply was refused: the CALLER counts
 * it (dp_stats_drop). A refused reply removes the circuit (the client will not
 * get another), except reply_twice (the first reply is still being sent).
 */
enum dp_drop_reason dp_reply_submit(struct dp_worker *w, uint64_t in_label,
				    const struct dp_addr *prev, uint32_t flags, const uint8_t *body,
				    size_t len, uint64_t now_ns);

/*
 * dp_reply_submit of the len bytes at offset off of the mbuf chain m (a reply
 * from the channel's segment pool, channel.c). The caller keeps m. One segment
 * is read in place; a longer chain is copied once into the reply arena (mode 0:
 * behind the block the seal is written to, that space is given back at once).
 */
enum dp_drop_reason dp_reply_submit_mbuf(struct dp_worker *w, uint64_t in_label,
					 const struct dp_addr *prev, uint32_t flags,
					 const struct rte_mbuf *m, uint32_t off, uint32_t len,
					 uint64_t now_ns);

/*
 * Sends up to DP_REPLY_PUMP_CELLS cells of the queued replies on (port, txq).
 * A cell the tx queue refuses is rebuilt next time (counted reply_tx_busy),
 * an mbuf that cannot be allocated likewise (reply_nombuf); a reply that gets
 * no cell out for DP_REPLY_STALL_MS is dropped (reply_stalled, counted here).
 * The circuit is removed after its LAST cell. Returns the cells sent.
 */
unsigned dp_reply_pump(struct dp_worker *w, uint16_t port, uint16_t txq, uint64_t now_ns);

/* The mempool w's reply cells (and DIRECT cells) come from; NULL without a queue. */
struct rte_mempool *dp_reply_pool(const struct dp_worker *w);

/* Replies still queued on w (0 without a queue). */
unsigned dp_reply_pending(const struct dp_worker *w);

/* Bytes of w's reply arena held by queued replies (0 without a queue). */
size_t dp_reply_arena_used(const struct dp_worker *w);

/*
 * Relays n <= DP_BURST REPLY cells from next hops: forwarded mbufs are
 * appended to w->tx (the caller flushes), every other one is dropped here
 * and counted.
 */
void dp_reply_relay_stage(struct dp_worker *w, struct dp_reply_item *items, uint16_t n,
			  uint64_t now_ns);

#endif
