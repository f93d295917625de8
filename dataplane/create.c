/* SPDX-License-Identifier: MIT */
#include "create.h"

#include <rte_mbuf.h>
#include <sodium.h>
#include <string.h>

#include "aead.h"
#include "batch.h"
#include "cell_mask.h"
#include "cell_mask_batch.h"
#include "data.h"
#include "kdf.h"
#include "x25519.h"

/* Per-burst working set of the pipeline (on the stack: ~4 KB at DP_BURST 32). */
struct create_batch {
	int status[DP_BURST];
	const uint8_t *sk[DP_BURST], *eph[DP_BURST], *node_pk[DP_BURST], *dh_in[DP_BURST];
	const uint8_t *key_in[DP_BURST];
	uint8_t *dh_out[DP_BURST], *key_out[DP_BURST];
	uint8_t dh[DP_BURST][32];
	uint8_t key[DP_BURST][32];
	uint8_t kf[DP_BURST][32], kr[DP_BURST][32]; /* the data keys of each hop key */
	uint8_t mask[DP_BURST][DP_CELL_MASK_BYTES];
	struct snc_mask_job jobs[DP_BURST];
	/* relayed cells written with a zero mask: their masks are derived after the routing */
	uint8_t *out_cell[DP_BURST];
	uint8_t out_mask[DP_BURST][DP_CELL_MASK_BYTES];
	struct snc_mask_job out_jobs[DP_BURST];
	/* and their out-label map entries, put after the batch (commit_out_labels) */
	struct dp_circuit *out_circuit[DP_BURST];
	struct dp_addr out_next[DP_BURST];
	uint16_t out_tx[DP_BURST]; /* index in w->tx */
	uint16_t nout;
	enum snc_enc_type type[DP_BURST];
	struct snc_aead_buf buf[DP_BURST];
	uint8_t client[DP_BURST];
};

static void
drop(struct dp_worker *w, struct rte_mbuf *m, enum dp_drop_reason r)
{
	dp_stats_drop(&w->stats, r);
	rte_pktmbuf_free(m);
}

static enum dp_drop_reason
gate(struct dp_worker *w, const struct dp_create_item *it, const struct dp_replay_pos *pos,
     uint64_t now_ns)
{
	if (!dp_ratelimit_allow(&w->ratelimit, it->pkt.src_ip, now_ns))
		return DP_DROP_RATELIMIT;
	if (dp_replay_check_and_add_at(&w->replay, pos, now_ns))
		return DP_DROP_REPLAY;
	return DP_DROP_NONE;
}

/* Before the gates: every cell's replay-filter words and in-label slot are requested at
 * once (random lines in megabytes: one miss after another otherwise); the slot is
 * written by open_circuit after the crypto. */
static void
prefetch(struct dp_worker *w, const struct dp_create_item *items, uint16_t n,
	 struct dp_replay_pos *pos)
{
	for (uint16_t i = 0; i < n; i++) {
		dp_replay_hash(&w->replay, items[i].cell.eph_key, &pos[i]);
		dp_u64map_prefetch(&w->circuits.by_in, items[i].cell.label);
	}
}

/* The mask key: a client's CREATE is masked with this hop's shared secret, a
 * node's with our link key. NULL when a node cell comes from a stranger. */
static const uint8_t *
mask_key(const struct dp_worker *w, const struct dp_create_item *it, const uint8_t dh[32],
	 const struct snc_mask_key **pre)
{
	const struct dp_node *peer;

	*pre = NULL;
	if (it->cell.flags & DP_CELL_FLAG_CLIENT)
		return dh;
	peer = dp_node_by_addr(w->nodes, it->pkt.src_ip, it->pkt.src_port);
	if (peer == NULL)
		return NULL;
	*pre = &peer->link_pre;
	return peer->link_key;
}

static enum dp_drop_reason
status_reason(int status)
{
	switch (status) {
	case SNC_E_LOW_ORDER:
		return DP_DROP_LOW_ORDER;
	case SNC_E_ENC_TYPE:
		return DP_DROP_BAD_ENC_TYPE;
	default:
		return DP_DROP_BAD_MAC;
	}
}

/* Rewrites the mbuf as the next hop's CREATE: same class, re-padded, fresh label. Its
 * header mask and its circuit's out label are left to the stage (b->out_*). */
static void
emit_relay(struct dp_worker *w, struct dp_create_item *it, const struct snc_route *r,
	   const struct snc_payload *p, const struct dp_node *next, struct dp_circuit *c,
	   uint64_t out_label, struct create_batch *b)
{
	static const uint8_t zero[DP_CELL_MASK_BYTES];
	uint8_t *cell = rte_pktmbuf_mtod_offset(it->m, uint8_t *, DP_PKT_HDR_LEN);
	const uint8_t *mask = zero;
	uint32_t used, size = dp_cell_class_size(it->cell.size_class);

	b->out_cell[b->nout] = cell;
	b->out_circuit[b->nout] = c;
	b->out_next[b->nout] = (struct dp_addr){next->ip, next->port};
	b->out_tx[b->nout] = w->ntx;
	b->out_jobs[b->nout] =
		(struct snc_mask_job){next->link_key,	    out_label,	    0, DP_CELL_CREATE,
				      b->out_mask[b->nout], &next->link_pre};
	b->nout++;
	used = dp_cell_write_create(cell, it->cell.size_class, it->cell.flags & DP_CELL_FLAG_MORE,
				    out_label, (uint8_t)r->enc_type, it->cell.reply_mode, r->eph_pk,
				    (uint8_t)(it->cell.hop_no + 1), mask, p->blob,
				    (uint32_t)p->blob_len);
	dp_worker_random(w, cell + used, size - used);
	dp_pkt_write_headers(it->m, dp_worker_out(w, next->ip),
			     (const struct rte_ether_addr *)next->mac, next->ip, next->port, size);
	w->tx[w->ntx++] = it->m;
	w->stats.create_relayed++;
}

/* The circuit entry of a peeled layer. A relay (out_label not NULL) also draws its label
 * for the next link here and asks for that label's slot in the out-label map, written
 * once the whole burst is routed (commit_out_labels: the miss hidden behind the rest). */
static struct dp_circuit *
open_circuit(struct dp_worker *w, const struct dp_create_item *it, const struct create_batch *b,
	     uint16_t i, uint64_t now_ns, uint64_t *out_label)
{
	const struct dp_addr prev = {it->pkt.src_ip, it->pkt.src_port};
	struct dp_circuit *c = dp_circuit_add(&w->circuits, it->cell.label, &prev, now_ns);

	if (c == NULL)
		return NULL;
	if (out_label != NULL) {
		*out_label = dp_worker_new_label(w);
		dp_u64map_prefetch(&w->circuits.by_out, *out_label);
	}
	memcpy(c->hop_key, b->key[i], 32);
	memcpy(c->kf, b->kf[i], 32); /* derived for the whole burst (crypto_stages) */
	c->has_kf = (it->cell.flags & DP_CELL_FLAG_MORE) != 0;
	memcpy(c->kr, b->kr[i], 32);
	c->size_class = it->cell.size_class;
	c->reply_mode = it->cell.reply_mode;
	c->enc_type = it->cell.enc_type;
	c->client_link = (it->cell.flags & DP_CELL_FLAG_CLIENT) != 0;
	c->hop_no = it->cell.hop_no;
	memcpy(c->prev_mac, it->pkt.src_mac.addr_bytes, sizeof(c->prev_mac));
	c->prev_port = (uint8_t)it->m->port; /* below DP_PORTS_MAX: set by the rx loop */
	return c;
}

static enum dp_drop_reason
relay(struct dp_worker *w, struct dp_create_item *it, const struct snc_route *r,
      const struct snc_payload *p, struct create_batch *b, uint16_t i, uint64_t now_ns)
{
	const struct dp_node *next = dp_node_by_ed25519(w->nodes, r->next_ed25519);
	struct dp_circuit *c;
	uint64_t out_label;

	if (next == NULL)
		return DP_DROP_UNKNOWN_NEXT_HOP;
	if (it->cell.hop_no >= DP_CELL_MAX_HOPS)
		return DP_DROP_TOO_MANY_HOPS;
	if (p->blob_len > dp_cell_class_size(it->cell.size_class) - DP_CELL_CREATE_HDR)
		return DP_DROP_BAD_LENGTH;
	c = open_circuit(w, it, b, i, now_ns, &out_label);
	if (c == NULL)
		return DP_DROP_CIRCUIT_FULL;
	emit_relay(w, it, r, p, next, c, out_label, b);
	return DP_DROP_NONE;
}

static enum dp_drop_reason
deliver(struct dp_worker *w, struct dp_create_item *it, const struct snc_route *r,
	const uint8_t *pt, size_t pt_len, const struct snc_payload *p, const struct create_batch *b,
	uint16_t i, uint64_t now_ns)
{
	struct dp_circuit *c = open_circuit(w, it, b, i, now_ns, NULL);
	struct dp_delivery d = {.circuit = c,
				.kind = r->kind,
				.route = r,
				.plaintext = pt,
				.plaintext_len = (uint32_t)pt_len,
				.payload = *p};
	enum dp_drop_reason why;

	if (c == NULL)
		return DP_DROP_CIRCUIT_FULL;
	/* an exit that refuses the URL answers a sealed 400 "Invalid url" itself */
	c->proxy = snc_route_proxy_url_ok(r);
	if (it->cell.flags & DP_CELL_FLAG_MORE) /* the rest comes in DATA cells (data.c) */
		why = dp_data_begin(w, c, r, p, now_ns);
	else
		why = w->deliver != NULL ? w->deliver(w, &d, it->m, w->deliver_arg)
					 : DP_DROP_CHANNEL_DOWN;
	if (why != DP_DROP_NONE) {
		dp_circuit_remove(&w->circuits, c);
		return why;
	}
	if (it->cell.flags & DP_CELL_FLAG_MORE)
		rte_pktmbuf_free(it->m);
	else
		w->stats.create_delivered++;
	return DP_DROP_NONE;
}

/* Routes one peeled layer; the mbuf is consumed unless a drop reason is returned. */
static enum dp_drop_reason
route_one(struct dp_worker *w, struct dp_create_item *it, const uint8_t *pt, size_t pt_len,
	  struct create_batch *b, uint16_t i, uint64_t now_ns)
{
	struct snc_payload p;
	struct snc_route r;

	if (snc_payload_parse(pt, pt_len, &p) != 0 || snc_route_parse(p.json, p.json_len, &r) != 0)
		return DP_DROP_BAD_JSON;
	if (r.kind == SNC_ROUTE_RELAY)
		return relay(w, it, &r, &p, b, i, now_ns);
	return deliver(w, it, &r, pt, pt_len, &p, b, i, now_ns);
}

/* Every header's mask key (a client's: the DH output; a node's: our link key), then the
 * masks in one batch. A node cell from a stranger fails here (unknown_peer). */
static void
header_masks(struct dp_worker *w, struct dp_create_item *items, uint16_t n, struct create_batch *b)
{
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		const struct snc_mask_key *pre;
		const uint8_t *key;
		if (b->status[i] != 0)
			continue;
		key = mask_key(w, &items[i], b->dh[i], &pre);
		if (key == NULL)
			b->status[i] = -(int)DP_DROP_UNKNOWN_PEER - 1000;
		else
			b->jobs[k++] = (struct snc_mask_job){
				key, items[i].cell.label, 0, DP_CELL_CREATE, b->mask[i], pre};
	}
	if (k > 0)
		snc_cell_mask_batch(k, b->jobs);
}

/* kr of every opened layer's hop key, and kf of those DATA cells follow (MORE), in one
 * batch. A one-cell request's circuit has no kf: DATA on it is data_unexpected. */
static void
data_keys(const struct dp_create_item *items, uint16_t n, struct create_batch *b)
{
	const uint8_t *hk[DP_BURST];
	uint8_t *kf[DP_BURST], *kr[DP_BURST];
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (b->status[i] != 0)
			continue;
		hk[k] = b->key[i];
		kf[k] = (items[i].cell.flags & DP_CELL_FLAG_MORE) != 0 ? b->kf[i] : NULL;
		kr[k++] = b->kr[i];
	}
	if (k > 0)
		snc_cell_data_keys_batch(k, hk, kf, kr);
}

static void
crypto_stages(struct dp_worker *w, struct dp_create_item *items, uint16_t n, struct create_batch *b)
{
	for (uint16_t i = 0; i < n; i++) {
		b->sk[i] = w->keys->x25519_sk;
		b->node_pk[i] = w->keys->x25519_pk;
		b->eph[i] = items[i].cell.eph_key;
		b->dh_out[i] = b->dh[i];
		b->dh_in[i] = b->dh[i];
		b->key_out[i] = b->key[i];
		b->key_in[i] = b->key[i];
		b->type[i] = (enum snc_enc_type)items[i].cell.enc_type;
	}
	snc_x25519_batch(n, b->sk, b->eph, b->dh_out, b->status);
	header_masks(w, items, n, b);
	for (uint16_t i = 0; i < n; i++) {
		enum dp_drop_reason r;
		if (b->status[i] != 0)
			continue;
		r = dp_cell_unmask(&items[i].cell, b->mask[i]);
		if (r != DP_DROP_NONE)
			b->status[i] = -(int)r - 1000; /* our own code: not a crypto failure */
		b->buf[i] = (struct snc_aead_buf){.in = items[i].cell.data,
						  .in_len = items[i].cell.data_len,
						  .out = w->scratch[i],
						  .out_cap = sizeof(w->scratch[i])};
	}
	snc_kdf_batch(n, b->type, b->dh_in, b->eph, b->node_pk, b->key_out, b->status);
	sodium_memzero(b->dh, sizeof(b->dh));
	snc_aead_open_batch(n, b->type, b->key_in, b->buf, b->status);
	data_keys(items, n, b);
}

/* The relayed cells' out labels into the circuit table. A taken label (2^-56 a pair) or
 * a full map (it has room for every circuit) takes its cell back out of w->tx (not sent
 * yet) and drops it; last first, so the earlier cells' tx indexes still hold. */
static void
commit_out_labels(struct dp_worker *w, struct create_batch *b)
{
	for (uint16_t j = b->nout; j-- > 0;) {
		uint16_t at = b->out_tx[j];
		struct rte_mbuf *m = w->tx[at];

		if (dp_circuit_set_out(&w->circuits, b->out_circuit[j], b->out_jobs[j].label,
				       &b->out_next[j]) == 0)
			continue;
		memmove(&w->tx[at], &w->tx[at + 1], (size_t)(w->ntx - at - 1) * sizeof(w->tx[0]));
		w->ntx--;
		w->stats.create_relayed--;
		dp_circuit_remove(&w->circuits, b->out_circuit[j]);
		drop(w, m, DP_DROP_CIRCUIT_FULL);
	}
}

void
dp_create_stage(struct dp_worker *w, struct dp_create_item *items, uint16_t n, uint64_t now_ns)
{
	struct dp_create_item ok[DP_BURST];
	struct dp_replay_pos pos[DP_BURST];
	struct create_batch b;
	uint16_t k = 0;

	prefetch(w, items, n, pos);
	for (uint16_t i = 0; i < n; i++) {
		enum dp_drop_reason r = gate(w, &items[i], &pos[i], now_ns);
		if (r != DP_DROP_NONE)
			drop(w, items[i].m, r);
		else
			ok[k++] = items[i];
	}
	memset(&b, 0, sizeof(b));
	crypto_stages(w, ok, k, &b);
	for (uint16_t i = 0; i < k; i++) {
		enum dp_drop_reason r;
		if (b.status[i] <= -1000)
			r = (enum dp_drop_reason)(-b.status[i] - 1000);
		else if (b.status[i] != 0)
			r = status_reason(b.status[i]);
		else
			r = route_one(w, &ok[i], w->scratch[i], b.buf[i].out_len, &b, i, now_ns);
		if (r != DP_DROP_NONE)
			drop(w, ok[i].m, r);
	}
	/* the relayed cells' masks, then into their headers (they are in w->tx, not sent yet) */
	if (b.nout > 0)
		snc_cell_mask_batch(b.nout, b.out_jobs);
	for (uint16_t j = 0; j < b.nout; j++)
		dp_cell_create_apply_mask(b.out_cell[j], b.out_mask[j]);
	commit_out_labels(w, &b);
	sodium_memzero(b.key, sizeof(b.key));
	sodium_memzero(b.kf, sizeof(b.kf));
	sodium_memzero(b.kr, sizeof(b.kr));
}
