/* SPDX-License-Identifier: MIT */
#include "data.h"

#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "cell_mask.h"

static void
drop(struct dp_worker *w, struct rte_mbuf *m, enum dp_drop_reason r)
{
	dp_stats_drop(&w->stats, r);
	rte_pktmbuf_free(m);
}

enum dp_drop_reason
dp_data_begin(struct dp_worker *w, struct dp_circuit *c, const struct snc_route *r,
	      const struct snc_payload *p, uint64_t now_ns)
{
	enum dp_drop_reason why;

	/* Allocated on the first multi-cell request, so a pure relay never pays for it. */
	if (w->data == NULL && (w->data = calloc(1, sizeof(*w->data))) == NULL)
		return DP_DROP_DATA_BUSY;
	why = dp_data_asm_begin(w->data, c->in_label, &c->prev, r, p, now_ns);
	if (why == DP_DROP_NONE)
		c->more = 1;
	return why;
}

/* Ends a request and the circuit it came on. */
static void
end_request(struct dp_worker *w, struct dp_data_req *q, uint64_t now_ns)
{
	struct dp_circuit *c = dp_circuit_find_in(&w->circuits, q->in_label, &q->prev, now_ns);

	if (c != NULL)
		dp_circuit_remove(&w->circuits, c);
	dp_data_asm_end(w->data, q);
}

/* The whole layer to snode-control; m (the LAST cell) goes with it. */
static enum dp_drop_reason
deliver(struct dp_worker *w, struct dp_circuit *c, struct dp_data_req *q, struct rte_mbuf *m)
{
	struct dp_delivery d = {.circuit = c, .kind = q->route.kind, .route = &q->route};
	enum dp_drop_reason why;
	size_t len;

	dp_data_asm_finish(q, &d.plaintext, &len);
	d.plaintext_len = (uint32_t)len;
	if (snc_payload_parse(d.plaintext, len, &d.payload) != 0)
		why = DP_DROP_BAD_JSON; /* cannot happen: finish wrote a valid one */
	else
		why = w->deliver != NULL ? w->deliver(w, &d, m, w->deliver_arg)
					 : DP_DROP_CHANNEL_DOWN;
	dp_data_asm_end(w->data, q);
	if (why != DP_DROP_NONE) {
		dp_circuit_remove(&w->circuits, c);
		return why;
	}
	w->stats.data_delivered++;
	return DP_DROP_NONE;
}

/* The destination's part: append the opened payload, deliver at LAST. */
static enum dp_drop_reason
reassemble(struct dp_worker *w, struct dp_circuit *c, struct dp_data_item *it, uint32_t len,
	   uint64_t now_ns)
{
	struct dp_data_req *q =
		w->data != NULL ? dp_data_asm_find(w->data, c->in_label, &c->prev) : NULL;
	enum dp_drop_reason why;

	if (q == NULL)
		return DP_DROP_DATA_UNEXPECTED;
	why = dp_data_asm_append(w->data, q, it->pkt.cell + DP_CELL_DATA_HDR, len, now_ns);
	if (why != DP_DROP_NONE) {
		end_request(w, q, now_ns);
		return why;
	}
	if (it->cell.flags & DP_CELL_FLAG_LAST)
		return deliver(w, c, q, it->m);
	rte_pktmbuf_free(it->m);
	return DP_DROP_NONE;
}

/* A relay's part: the rest, cut-through, to the next node. */
static enum dp_drop_reason
forward(struct dp_worker *w, const struct dp_circuit *c, struct dp_data_item *it, uint32_t len)
{
	const struct dp_node *next = dp_node_by_addr(w->nodes, c->next.ip, c->next.port);
	uint32_t size = dp_cell_class_size(c->size_class), used;
	struct rte_ether_addr mac;

	if (next == NULL)
		return DP_DROP_UNKNOWN_NEXT_HOP;
	memcpy(mac.addr_bytes, next->mac, sizeof(mac.addr_bytes)); /* 2-byte aligned copy */
	used = dp_data_cell_rewrite(it->pkt.cell, &it->cell, len, c, next->link_key);
	dp_worker_random(w, it->pkt.cell + used, size - used);
	dp_pkt_write_headers(it->m, dp_worker_out(w, next->ip), &mac, next->ip, next->port, size);
	w->tx[w->ntx++] = it->m;
	w->stats.data_relayed++;
	return DP_DROP_NONE;
}

/* One cell; the mbuf is consumed unless a drop reason is returned. Cells are
 * taken one at a time: the seq window moves only after the MAC, so a second
 * cell of the same circuit in the burst must see the first one's result. */
static enum dp_drop_reason
one(struct dp_worker *w, struct dp_data_item *it, uint64_t now_ns)
{
	const struct dp_addr from = {it->pkt.src_ip, it->pkt.src_port};
	struct dp_circuit *c = dp_circuit_find_in(&w->circuits, it->cell.label, &from, now_ns);
	uint8_t mask[DP_CELL_MASK_BYTES];
	const uint8_t *key;
	enum dp_drop_reason r;
	uint32_t len;

	if (c == NULL)
		return DP_DROP_NO_CIRCUIT;
	key = dp_data_cell_prev_key(c, w->nodes);
	if (key == NULL)
		return DP_DROP_UNKNOWN_PEER;
	snc_cell_mask(key, DP_CELL_DATA, it->cell.label, it->cell.seq, mask);
	r = dp_cell_unmask(&it->cell, mask);
	if (r == DP_DROP_NONE && c->out_label == 0 && !c->more)
		r = DP_DROP_DATA_UNEXPECTED;
	if (r == DP_DROP_NONE)
		r = dp_data_cell_check(c, &it->cell);
	if (r == DP_DROP_NONE)
		r = dp_data_cell_open(c, it->pkt.cell, &it->cell, &len);
	if (r != DP_DROP_NONE)
		return r;
	if (c->out_label == 0)
		return reassemble(w, c, it, len, now_ns);
	return forward(w, c, it, len);
}

void
dp_data_stage(struct dp_worker *w, struct dp_data_item *items, uint16_t n, uint64_t now_ns)
{
	for (uint16_t i = 0; i < n; i++) {
		enum dp_drop_reason r = one(w, &items[i], now_ns);
		if (r != DP_DROP_NONE)
			drop(w, items[i].m, r);
	}
}

unsigned
dp_data_age(struct dp_worker *w, uint64_t now_ns)
{
	struct dp_data_req *q;
	unsigned n = 0;

	if (w->data == NULL || w->data->active == 0)
		return 0;
	while ((q = dp_data_asm_expired(w->data, now_ns)) != NULL) {
		dp_stats_drop(&w->stats, DP_DROP_DATA_TIMEOUT);
		end_request(w, q, now_ns);
		n++;
	}
	return n;
}

unsigned
dp_data_pending(const struct dp_worker *w)
{
	return w->data != NULL ? w->data->active : 0;
}

void
dp_data_free(struct dp_worker *w)
{
	if (w->data == NULL)
		return;
	for (unsigned i = 0; i < DP_DATA_PENDING; i++)
		if (w->data->req[i].used)
			end_request(w, &w->data->req[i], 0);
	free(w->data);
	w->data = NULL;
}
