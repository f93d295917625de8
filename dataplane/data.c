/* SPDX-License-Identifier: MIT */
#include "data.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "cell_mask.h"
#include "cell_mask_batch.h"

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
	if (w->data == NULL) /* a worker made without dp_data_init */
		return DP_DROP_DATA_BUSY;
	return dp_data_asm_begin(w->data, c->in_label, &c->prev, r, p, now_ns);
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

/* A cell a relay forwards: everything pass 3 needs, copied (no circuit pointer kept). */
struct fwd {
	uint16_t item;
	uint8_t size_class;
	uint8_t flags;
	uint32_t seq, len;
	uint64_t out_label;
	const struct dp_node *next;
	uint8_t mask[DP_CELL_MASK_BYTES];
};

/* A relay's part, before the mask: the next node, and what the rewrite needs. */
static enum dp_drop_reason
forward(struct dp_worker *w, const struct dp_circuit *c, struct dp_data_item *it, uint16_t i,
	uint32_t len, struct fwd *f)
{
	const struct dp_node *next = dp_node_by_addr(w->nodes, c->next.ip, c->next.port);

	if (next == NULL)
		return DP_DROP_UNKNOWN_NEXT_HOP;
	*f = (struct fwd){.item = i,
			  .size_class = c->size_class,
			  .flags = it->cell.flags,
			  .seq = it->cell.seq,
			  .len = len,
			  .out_label = c->out_label,
			  .next = next};
	return DP_DROP_NONE;
}

/* Pass 3 for one forwarded cell: rewritten for the next link, padded, addressed, queued. */
static void
emit(struct dp_worker *w, struct dp_data_item *it, const struct fwd *f)
{
	uint32_t size = dp_cell_class_size(f->size_class), used;
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, f->next->mac, sizeof(mac.addr_bytes)); /* 2-byte aligned copy */
	used = dp_data_cell_rewrite_masked(it->pkt.cell, f->flags, f->seq, f->len, f->size_class,
					   f->out_label, f->mask);
	dp_worker_random(w, it->pkt.cell + used, size - used);
	dp_pkt_write_headers(it->m, dp_worker_out(w, f->next->ip), &mac, f->next->ip, f->next->port,
			     size);
	w->tx[w->ntx++] = it->m;
	w->stats.data_relayed++;
}

/* Pass 1 for one cell: its circuit and the key its header is masked with. */
static enum dp_drop_reason
mask_key(struct dp_worker *w, struct dp_data_item *it, const uint8_t **key,
	 const struct snc_mask_key **pre, uint64_t now_ns)
{
	const struct dp_addr from = {it->pkt.src_ip, it->pkt.src_port};
	struct dp_circuit *c = dp_circuit_find_in(&w->circuits, it->cell.label, &from, now_ns);

	if (c == NULL)
		return DP_DROP_NO_CIRCUIT;
	if (!c->has_kf) /* its CREATE had no MORE: no kf (create.c), no DATA expected */
		return DP_DROP_DATA_UNEXPECTED;
	*key = dp_data_cell_prev_key(c, w->nodes, pre);
	return *key != NULL ? DP_DROP_NONE : DP_DROP_UNKNOWN_PEER;
}

/* Pass 2 for one cell, in burst order: the seq window moves only after the MAC, so a
 * second cell of the same circuit must see the first one's result. The circuit is looked
 * up again: an earlier cell of the burst may have ended it. Delivered or dropped here;
 * a forwarded cell is left in *f for pass 3 (returns DP_DROP_NONE, *fwd set). */
static enum dp_drop_reason
one(struct dp_worker *w, struct dp_data_item *it, uint16_t i, const uint8_t *mask, uint64_t now_ns,
    struct fwd *f, bool *fwd)
{
	const struct dp_addr from = {it->pkt.src_ip, it->pkt.src_port};
	struct dp_circuit *c = dp_circuit_find_in(&w->circuits, it->cell.label, &from, now_ns);
	enum dp_drop_reason r;
	uint32_t len;

	*fwd = false;
	if (c == NULL)
		return DP_DROP_NO_CIRCUIT;
	/* a circuit without MORE never gets here: mask_key refused it (no kf) */
	r = dp_cell_unmask(&it->cell, mask);
	if (r == DP_DROP_NONE)
		r = dp_data_cell_check(c, &it->cell);
	if (r == DP_DROP_NONE)
		r = dp_data_cell_open(c, it->pkt.cell, &it->cell, &len);
	if (r != DP_DROP_NONE)
		return r;
	if (c->out_label == 0)
		return reassemble(w, c, it, len, now_ns);
	r = forward(w, c, it, i, len, f);
	*fwd = r == DP_DROP_NONE;
	return r;
}

/* Three passes, so the short keyed hashes of the burst (the masks on both links) go
 * through the batch (cell_mask_batch.h) instead of one libsodium call each. */
void
dp_data_stage(struct dp_worker *w, struct dp_data_item *items, uint16_t n, uint64_t now_ns)
{
	uint8_t mask[DP_BURST][DP_CELL_MASK_BYTES];
	struct snc_mask_job jobs[DP_BURST];
	enum dp_drop_reason why[DP_BURST];
	struct fwd f[DP_BURST];
	uint16_t k = 0, nf = 0;

	for (uint16_t i = 0; i < n; i++) /* the burst's label slots requested at once */
		dp_u64map_prefetch(&w->circuits.by_in, items[i].cell.label);
	for (uint16_t i = 0; i < n; i++) {
		const struct snc_mask_key *pre = NULL;
		const uint8_t *key = NULL;
		why[i] = mask_key(w, &items[i], &key, &pre, now_ns);
		if (why[i] != DP_DROP_NONE)
			drop(w, items[i].m, why[i]);
		else
			jobs[k++] = (struct snc_mask_job){
				key, items[i].cell.label, items[i].cell.seq, DP_CELL_DATA, mask[i],
				pre};
	}
	if (k == 0)
		return; /* every cell dropped (and freed) above */
	snc_cell_mask_batch(k, jobs);
	for (uint16_t i = 0; i < n; i++) {
		enum dp_drop_reason r;
		bool fwd = false;
		if (why[i] != DP_DROP_NONE)
			continue; /* dropped in pass 1 */
		r = one(w, &items[i], i, mask[i], now_ns, &f[nf], &fwd);
		if (r != DP_DROP_NONE)
			drop(w, items[i].m, r);
		else if (fwd)
			nf++;
	}
	for (uint16_t j = 0; j < nf; j++)
		jobs[j] = (struct snc_mask_job){
			f[j].next->link_key, f[j].out_label, f[j].seq,
			DP_CELL_DATA,	     f[j].mask,	     &f[j].next->link_pre};
	snc_cell_mask_batch(nf, jobs);
	for (uint16_t j = 0; j < nf; j++)
		emit(w, &items[f[j].item], &f[j]);
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

int
dp_data_init(struct dp_worker *w)
{
	/* at init, not on the first DATA cell: the fast path never allocates */
	w->data = malloc(sizeof(*w->data));
	if (w->data == NULL)
		return -ENOMEM;
	if (dp_data_asm_init(w->data) != 0) {
		free(w->data);
		w->data = NULL;
		return -ENOMEM;
	}
	return 0;
}

void
dp_data_free(struct dp_worker *w)
{
	if (w->data == NULL)
		return;
	for (unsigned i = 0; i < DP_DATA_PENDING; i++)
		if (w->data->req[i].used)
			end_request(w, &w->data->req[i], 0);
	dp_data_asm_free(w->data);
	free(w->data);
	w->data = NULL;
}
