/* SPDX-License-Identifier: MIT */
#include "entry.h"

#include <string.h>

#include <rte_mbuf.h>

#include "cell_mask.h"
#include "chan_msg.h"
#include "reply.h"

/* The checks that need no state: what snode-control may get wrong. */
static enum dp_drop_reason
check(const uint8_t *body, uint32_t len)
{
	if (len < CHAN_ENTRY_META_BYTES ||
	    len - CHAN_ENTRY_META_BYTES > DP_CELL_LARGE - DP_CELL_CREATE_HDR)
		return DP_DROP_BAD_LENGTH;
	if (body[64] >= SNC_ENC_TYPE_COUNT)
		return DP_DROP_BAD_ENC_TYPE;
	if (body[65] > DP_CELL_MAX_HOPS)
		return DP_DROP_TOO_MANY_HOPS;
	return DP_DROP_NONE;
}

/* A circuit whose previous hop is the channel: REPLY cells go to snode-control. */
static struct dp_circuit *
open_circuit(struct dp_worker *w, uint64_t id, const uint8_t *body, uint8_t cls,
	     const struct dp_node *next, uint64_t out_label, uint64_t now_ns)
{
	static const struct dp_addr channel = {0, 0}; /* no cell comes from 0.0.0.0:0 */
	struct dp_circuit *c = dp_circuit_add(&w->circuits, id, &channel, now_ns);

	if (c == NULL)
		return NULL;
	c->entry = 1;
	c->size_class = cls; /* the reply comes back in it */
	c->reply_mode = DP_CELL_REPLY_COMPAT;
	c->enc_type = body[64];
	c->hop_no = body[65];
	if (dp_circuit_set_out(&w->circuits, c, out_label,
			       &(struct dp_addr){next->ip, next->port}) != 0) {
		dp_circuit_remove(&w->circuits, c);
		return NULL;
	}
	return c;
}

enum dp_drop_reason
dp_entry_send(struct dp_worker *w, uint64_t id, const uint8_t *body, uint32_t len, uint64_t now_ns)
{
	const struct dp_node *next;
	enum dp_drop_reason why = check(body, len);
	/* the smallest class that holds the blob (a Session layer too big for a small cell) */
	int cls = why == DP_DROP_NONE
			  ? dp_cell_class_for(DP_CELL_CREATE_HDR, len - CHAN_ENTRY_META_BYTES)
			  : 0;
	struct rte_mempool *pool = cls == 0 ? dp_reply_pool(w) : w->big_pool;
	uint32_t used, size = dp_cell_class_size((uint8_t)cls);
	uint8_t mask[DP_CELL_MASK_BYTES], *cell;
	uint64_t out_label;
	struct rte_mbuf *m;

	if (why != DP_DROP_NONE)
		return why;
	if ((next = dp_node_by_ed25519(w->nodes, body)) == NULL)
		return DP_DROP_UNKNOWN_NEXT_HOP;
	if (pool == NULL || w->ntx >= DP_BURST || (m = rte_pktmbuf_alloc(pool)) == NULL)
		return DP_DROP_TX_FULL; /* busy; also with --big-mbufs 0 for a bigger layer */
	cell = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size));
	out_label = dp_worker_new_label(w);
	if (cell == NULL ||
	    open_circuit(w, id, body, (uint8_t)cls, next, out_label, now_ns) == NULL) {
		rte_pktmbuf_free(m);
		return cell == NULL ? DP_DROP_TX_FULL : DP_DROP_CIRCUIT_FULL;
	}
	cell += DP_PKT_HDR_LEN;
	snc_cell_mask(next->link_key, DP_CELL_CREATE, out_label, 0, mask);
	used = dp_cell_write_create(cell, (uint8_t)cls, 0, out_label, body[64],
				    DP_CELL_REPLY_COMPAT, body + 32, body[65], mask,
				    body + CHAN_ENTRY_META_BYTES, len - CHAN_ENTRY_META_BYTES);
	dp_worker_random(w, cell + used, size - used);
	dp_pkt_write_headers(m, dp_worker_out(w, next->ip),
			     (const struct rte_ether_addr *)next->mac, next->ip, next->port, size);
	w->tx[w->ntx++] = m;
	w->stats.create_relayed++;
	w->stats.entry_out++;
	return DP_DROP_NONE;
}
