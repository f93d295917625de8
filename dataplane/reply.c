/* SPDX-License-Identifier: MIT */
#include "reply.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "cell_mask.h"
#include "cell_mask_batch.h"
#include "frag.h"
#include "pkt.h"
#include "reply_arena.h"
#include "tx.h"

_Static_assert(DP_REPLY_PENDING <= 256, "slot numbers are kept in a byte");
_Static_assert((int)DP_REPLY_PENDING <= (int)DP_ARENA_BLOCKS, "every reply slot can hold a block");

/* One reply being sent. Cell k carries buf[k * chunk ..], so a refused cell is
 * rebuilt from its seq alone (mode 1 seals are deterministic in the seq). */
struct dp_reply_out {
	uint8_t *
		buf; /* in the arena. Mode 0: what the client decrypts; mode 1, proxies: the body */
	size_t len;
	uint64_t in_label;
	struct dp_addr prev;
	uint32_t chunk;	      /* bytes of buf per cell */
	uint32_t frames;      /* frames each cell leaves as (fragments over the MTU) */
	uint32_t ncells;      /* seq of LAST + 1 */
	uint32_t seq;	      /* next cell to build */
	uint64_t deadline_ns; /* dropped if no cell has gone out by then */
	bool used;
};

struct dp_reply_queue {
	struct rte_mempool *pool;
	unsigned active;
	unsigned cursor; /* round robin: a long reply does not hold back short ones */
	struct dp_reply_out out[DP_REPLY_PENDING];
	struct dp_arena arena; /* DP_REPLY_PENDING_BYTES for the replies' bytes, from init */
};

/* A built cell of one pump: which reply, and its seq (to rewind on refusal). */
struct built {
	uint8_t slot;
	uint32_t seq;
};

int
dp_reply_init(struct dp_worker *w, struct rte_mempool *pool)
{
	w->replies = calloc(1, sizeof(*w->replies));
	if (w->replies == NULL)
		return -ENOMEM;
	if (dp_arena_init(&w->replies->arena, DP_REPLY_PENDING_BYTES) != 0) {
		free(w->replies);
		w->replies = NULL;
		return -ENOMEM;
	}
	w->replies->pool = pool;
	return 0;
}

static uint64_t
stall_ns(void)
{
	return (uint64_t)DP_REPLY_STALL_MS * 1000000ull;
}

/* Ends reply slot i; removes its circuit (a reply is the circuit's last use). */
static void
end_reply(struct dp_worker *w, unsigned i, uint64_t now_ns)
{
	struct dp_reply_queue *q = w->replies;
	struct dp_reply_out *o = &q->out[i];
	struct dp_circuit *c = dp_circuit_find_in(&w->circuits, o->in_label, &o->prev, now_ns);

	if (c != NULL)
		dp_circuit_remove(&w->circuits, c);
	dp_arena_put(&q->arena, o->buf, o->len);
	q->active--;
	memset(o, 0, sizeof(*o));
}

static void
abandon(struct dp_worker *w, unsigned i, enum dp_drop_reason why, uint64_t now_ns)
{
	dp_stats_drop(&w->stats, why);
	end_reply(w, i, now_ns);
}

void
dp_reply_free(struct dp_worker *w)
{
	if (w->replies == NULL)
		return;
	for (unsigned i = 0; i < DP_REPLY_PENDING; i++)
		if (w->replies->out[i].used)
			end_reply(w, i, 0);
	dp_arena_free(&w->replies->arena);
	free(w->replies);
	w->replies = NULL;
}

struct rte_mempool *
dp_reply_pool(const struct dp_worker *w)
{
	return w->replies != NULL ? w->replies->pool : NULL;
}

unsigned
dp_reply_pending(const struct dp_worker *w)
{
	return w->replies != NULL ? w->replies->active : 0;
}

size_t
dp_reply_arena_used(const struct dp_worker *w)
{
	return w->replies != NULL ? w->replies->arena.used : 0;
}

/* Small cells come from the queue's pool, medium and large ones from the big mbufs. */
static struct rte_mempool *
cell_pool(const struct dp_worker *w, const struct dp_circuit *c)
{
	return c->size_class == 0 ? w->replies->pool : w->big_pool;
}

static struct dp_reply_out *
free_slot(struct dp_reply_queue *q)
{
	for (unsigned i = 0; i < DP_REPLY_PENDING; i++)
		if (!q->out[i].used)
			return &q->out[i];
	return NULL;
}

/* A reply's bytes: body, or (body NULL) len bytes at offset off of the chain m. */
struct src {
	const uint8_t *body;
	const struct rte_mbuf *m;
	uint32_t off;
};

/*
 * Prepares the reply into o->buf (size bytes, from the arena). A chain is
 * copied first: straight into o->buf when kept as is, else behind it (the
 * block is size + len long) and sealed from there, then the block is trimmed.
 */
static int
prepare(struct dp_reply_queue *q, const struct dp_circuit *c, uint32_t flags, const struct src *in,
	size_t len, const uint8_t *nonce, uint8_t *buf, size_t size)
{
	uint8_t *flat;
	int rc;

	if (in->body != NULL)
		return dp_reply_cell_prepare(c, flags, in->body, len, nonce, buf, size);
	flat = dp_reply_cell_encrypted(c) ? buf + size : buf;
	/* the bytes cross segments (else in->body is set): rte_pktmbuf_read copies them */
	if (len > 0 && rte_pktmbuf_read(in->m, in->off, (uint32_t)len, flat) != flat)
		rc = -EINVAL;
	else if (flat == buf)
		return len == size ? 0 : -EINVAL;
	else
		rc = dp_reply_cell_prepare(c, flags, flat, len, nonce, buf, size);
	if (flat != buf)
		dp_arena_trim(&q->arena, buf, size + len, size);
	return rc;
}

static enum dp_drop_reason
enqueue(struct dp_worker *w, struct dp_circuit *c, uint32_t flags, const struct src *in, size_t len,
	uint64_t now_ns)
{
	struct dp_reply_queue *q = w->replies;
	struct dp_reply_out *o;
	uint8_t nonce[DP_REPLY_NONCE_BYTES];
	size_t size, extra;

	if (len > DP_REPLY_MAX)
		return DP_DROP_REPLY_TOO_BIG;
	if (q == NULL || cell_pool(w, c) == NULL)
		return DP_DROP_NOT_SUPPORTED; /* no reply queue, or no big mbufs (--big-mbufs 0) */
	size = dp_reply_cell_prepared_len(c, flags, len);
	if (size == 0 && len > 0)
		return DP_DROP_BAD_ENC_TYPE;
	/* a chain to seal is copied behind the sealed bytes first */
	extra = in->body == NULL && dp_reply_cell_encrypted(c) ? len : 0;
	o = free_slot(q);
	/* no slot, or no gap of size bytes left in the arena: the reply is dropped */
	if (o == NULL || (o->buf = dp_arena_get(&q->arena, size + extra)) == NULL)
		return DP_DROP_REPLY_BUSY;
	dp_worker_random(w, nonce, sizeof(nonce));
	if (prepare(q, c, flags, in, len, nonce, o->buf, size) != 0) {
		dp_arena_put(&q->arena, o->buf, size); /* prepare trimmed the block */
		o->buf = NULL;
		return DP_DROP_BAD_ENC_TYPE;
	}
	o->len = size;
	o->in_label = c->in_label;
	o->prev = c->prev;
	o->chunk = dp_reply_cell_chunk(c->size_class, c->reply_mode, c->hop_no);
	o->frames =
		dp_frag_frames(w, c->prev_port, DP_PKT_HDR_LEN + dp_cell_class_size(c->size_class));
	o->ncells = dp_reply_cell_count(size, o->chunk);
	o->seq = 0;
	o->deadline_ns = now_ns + stall_ns();
	o->used = true;
	q->active++;
	c->replying = 1;
	return DP_DROP_NONE;
}

static enum dp_drop_reason
submit(struct dp_worker *w, uint64_t in_label, const struct dp_addr *prev, uint32_t flags,
       const struct src *in, size_t len, uint64_t now_ns)
{
	struct dp_circuit *c = dp_circuit_find_in(&w->circuits, in_label, prev, now_ns);
	enum dp_drop_reason why;

	/* A relay's circuit (out_label set) never takes a reply from snode-control. */
	if (c == NULL || c->out_label != 0)
		return DP_DROP_NO_CIRCUIT;
	if (c->replying)
		return DP_DROP_REPLY_TWICE;
	why = enqueue(w, c, flags, in, len, now_ns);
	if (why != DP_DROP_NONE)
		dp_circuit_remove(&w->circuits, c);
	return why;
}

enum dp_drop_reason
dp_reply_submit(struct dp_worker *w, uint64_t in_label, const struct dp_addr *prev, uint32_t flags,
		const uint8_t *body, size_t len, uint64_t now_ns)
{
	static const uint8_t none[1];
	struct src in = {body != NULL ? body : none, NULL, 0};

	return submit(w, in_label, prev, flags, &in, len, now_ns);
}

enum dp_drop_reason
dp_reply_submit_mbuf(struct dp_worker *w, uint64_t in_label, const struct dp_addr *prev,
		     uint32_t flags, const struct rte_mbuf *m, uint32_t off, uint32_t len,
		     uint64_t now_ns)
{
	struct src in = {NULL, m, off};

	if (off + (uint64_t)len <= rte_pktmbuf_data_len(m))
		in.body = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	else if (off + (uint64_t)len > rte_pktmbuf_pkt_len(m))
		return DP_DROP_BAD_LENGTH; /* cannot happen: channel.c sized the chain */
	return submit(w, in_label, prev, flags, &in, len, now_ns);
}

/* The circuit's byte array copied out: rte_ether_addr wants 2-byte alignment. */
static const struct rte_ether_addr *
prev_mac(const struct dp_circuit *c, struct rte_ether_addr *mac)
{
	memcpy(mac->addr_bytes, c->prev_mac, sizeof(mac->addr_bytes));
	return mac;
}

/* REPLY seq of reply o into m: the cell, its padding, L2-L4 to the previous hop. */
static int
build_cell(struct dp_worker *w, const struct dp_circuit *c, const struct dp_reply_out *o,
	   const uint8_t *mask, struct rte_mbuf *m)
{
	uint32_t size = dp_cell_class_size(c->size_class), used;
	uint8_t *cell = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_PKT_HDR_LEN + size));
	struct rte_ether_addr mac;

	if (cell == NULL)
		return -ENOBUFS; /* the pool's mbufs are too small for the class */
	cell += DP_PKT_HDR_LEN;
	used = dp_reply_cell_write_masked(cell, c, mask, o->buf, o->len, o->chunk, o->seq,
					  o->ncells);
	dp_worker_random(w, cell + used, size - used);
	dp_pkt_write_headers(m, dp_worker_port(w, c->prev_port), prev_mac(c, &mac), c->prev.ip,
			     c->prev.port, size);
	return 0;
}

enum {
	/* Masks per reply slice from which the 8-lane batch is cheaper than libsodium one at
	 * a time: a pass costs ~8 x 100 ns whatever its fill, one mask ~345 ns. */
	REPLY_MASK_BATCH_MIN = 3,
};

/* Builds up to max cells of reply slot i into tx; returns how many. */
static unsigned
fill(struct dp_worker *w, unsigned i, struct rte_mbuf **tx, struct built *rec, unsigned max,
     uint64_t now_ns)
{
	struct dp_reply_queue *q = w->replies;
	struct dp_reply_out *o = &q->out[i];
	struct dp_circuit *c = dp_circuit_find_in(&w->circuits, o->in_label, &o->prev, now_ns);
	const uint8_t *key = c != NULL ? dp_reply_cell_back_key(c, w->nodes) : NULL;
	uint8_t mask[DP_REPLY_PUMP_CELLS][DP_CELL_MASK_BYTES];
	struct snc_mask_job jobs[DP_REPLY_PUMP_CELLS];
	unsigned k, want;

	if (key == NULL) {
		abandon(w, i, c == NULL ? DP_DROP_NO_CIRCUIT : DP_DROP_UNKNOWN_PEER, now_ns);
		return 0;
	}
	/* the header masks of the cells this call can build, in one batch (a cell the pool
	 * then cannot take leaves its mask unused; it is computed again next call) */
	if (max > DP_REPLY_PUMP_CELLS)
		max = DP_REPLY_PUMP_CELLS; /* the callers' bound already: mask[] is this long */
	want = o->ncells - o->seq < max ? o->ncells - o->seq : max;
	for (unsigned j = 0; j < want; j++)
		jobs[j] = (struct snc_mask_job){key,	       c->in_label, o->seq + j,
						DP_CELL_REPLY, mask[j],	    NULL};
	if (want >= REPLY_MASK_BATCH_MIN)
		snc_cell_mask_batch(want, jobs);
	else /* a one- or two-cell reply: an 8-lane pass would cost more than these */
		for (unsigned j = 0; j < want; j++)
			snc_cell_mask(key, DP_CELL_REPLY, c->in_label, o->seq + j, mask[j]);
	for (k = 0; k < max && o->seq < o->ncells; k++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(cell_pool(w, c));
		if (m == NULL || build_cell(w, c, o, mask[k], m) != 0) {
			rte_pktmbuf_free(m);
			w->stats.reply_nombuf++;
			break;
		}
		tx[k] = m;
		rec[k] = (struct built){(uint8_t)i, o->seq++};
	}
	return k;
}

/* After the transmit: finished replies end, stalled ones are dropped. */
static void
settle(struct dp_worker *w, uint64_t now_ns)
{
	struct dp_reply_queue *q = w->replies;

	for (unsigned i = 0; i < DP_REPLY_PENDING && q->active > 0; i++) {
		struct dp_reply_out *o = &q->out[i];
		if (!o->used)
			continue;
		if (o->seq == o->ncells) {
			w->stats.replies++;
			end_reply(w, i, now_ns);
		} else if (now_ns >= o->deadline_ns) {
			abandon(w, i, DP_DROP_REPLY_STALLED, now_ns);
		}
	}
}

unsigned
dp_reply_pump(struct dp_worker *w, uint16_t port, uint16_t txq, uint64_t now_ns)
{
	struct dp_reply_queue *q = w->replies;
	struct rte_mbuf *tx[DP_REPLY_PUMP_CELLS];
	struct built rec[DP_REPLY_PUMP_CELLS];
	uint16_t idx[DP_REPLY_PUMP_CELLS]; /* tx[k] was built as rec[idx[k]] (tx.h) */
	unsigned n = 0, frames = 0, sent;

	if (q == NULL || q->active == 0)
		return 0;
	/* at most DP_REPLY_PUMP_CELLS cells and DP_REPLY_PUMP_FRAMES frames (a large cell over
	 * a 1500-byte MTU is 44), so the tx queue and the small pool are not flooded */
	for (unsigned k = 0; k < DP_REPLY_PENDING && n < DP_REPLY_PUMP_CELLS; k++) {
		unsigned i = (q->cursor + k) % DP_REPLY_PENDING, room = DP_REPLY_PUMP_CELLS - n;
		unsigned per = q->out[i].frames, got;

		if (!q->out[i].used || frames + per > DP_REPLY_PUMP_FRAMES)
			continue;
		if (room > (DP_REPLY_PUMP_FRAMES - frames) / per)
			room = (DP_REPLY_PUMP_FRAMES - frames) / per;
		got = fill(w, i, tx + n, rec + n,
			   room < DP_REPLY_SLICE_CELLS ? room : DP_REPLY_SLICE_CELLS, now_ns);
		n += got;
		frames += got * per;
	}
	q->cursor = (q->cursor + 1) % DP_REPLY_PENDING;
	sent = dp_tx_burst(w, port, txq, tx, (uint16_t)n, idx);
	/* Backwards, so each reply rewinds to its first refused cell (a reply's cells
	 * share a port: they keep their order). */
	for (unsigned k = n; k-- > sent;) {
		rte_pktmbuf_free(tx[k]);
		q->out[rec[idx[k]].slot].seq = rec[idx[k]].seq;
		w->stats.reply_tx_busy++;
	}
	for (unsigned k = 0; k < sent; k++)
		q->out[rec[idx[k]].slot].deadline_ns = now_ns + stall_ns();
	w->stats.tx += sent;
	w->stats.reply_cells += sent;
	settle(w, now_ns);
	return sent;
}

/* ---- relay side ---- */

static void
drop(struct dp_worker *w, struct rte_mbuf *m, enum dp_drop_reason r)
{
	dp_stats_drop(&w->stats, r);
	rte_pktmbuf_free(m);
}

/* The sender and the key of its mask (pass 1: the masks then come from one batch). */
static enum dp_drop_reason
sender(struct dp_worker *w, const struct dp_reply_item *it, const uint8_t **key,
       const struct snc_mask_key **pre)
{
	const struct dp_node *peer;

	if (it->cell.flags & DP_CELL_FLAG_CLIENT)
		return DP_DROP_BAD_FLAGS; /* replies come from nodes, never from a client */
	peer = dp_node_by_addr(w->nodes, it->pkt.src_ip, it->pkt.src_port);
	if (peer == NULL)
		return DP_DROP_UNKNOWN_PEER;
	*key = peer->link_key;
	*pre = &peer->link_pre;
	return DP_DROP_NONE;
}

/* Everything else that needs no AEAD: the unmasked header, the circuit, seq and length. */
static enum dp_drop_reason
check(struct dp_worker *w, struct dp_reply_item *it, const uint8_t *mask, struct dp_circuit **out,
      uint64_t now_ns)
{
	const struct dp_addr from = {it->pkt.src_ip, it->pkt.src_port};
	struct dp_circuit *c;
	enum dp_drop_reason r;

	r = dp_cell_unmask(&it->cell, mask);
	if (r != DP_DROP_NONE)
		return r;
	c = dp_circuit_find_out(&w->circuits, it->cell.label, &from, now_ns);
	if (c == NULL)
		return DP_DROP_NO_CIRCUIT;
	r = dp_reply_cell_check(c, &it->cell);
	*out = c;
	return r;
}

/* Adds our layer, re-labels, re-masks (mask: derived under key by the stage's batch) and
 * re-addresses the cell for the previous hop. */
static enum dp_drop_reason
forward(struct dp_worker *w, struct dp_reply_item *it, struct dp_circuit *c, const uint8_t *key,
	const uint8_t *mask)
{
	uint32_t size = dp_cell_class_size(c->size_class), used;
	struct rte_ether_addr mac;

	if (c->entry) { /* the previous hop is snode-control: the payload goes there as it is */
		enum dp_drop_reason why =
			w->entry_reply != NULL
				? w->entry_reply(w, c->in_label, &it->cell, it->m, w->entry_arg)
				: DP_DROP_CHANNEL_DOWN;

		if (why == DP_DROP_NONE)
			w->stats.entry_replies++;
		if (why != DP_DROP_NONE || (it->cell.flags & DP_CELL_FLAG_LAST))
			dp_circuit_remove(&w->circuits, c); /* a reply cut short cannot be whole */
		return why;
	}
	if (key == NULL)
		return DP_DROP_UNKNOWN_PEER;
	used = dp_reply_cell_rewrite_masked(it->pkt.cell, &it->cell, c, mask);
	dp_worker_random(w, it->pkt.cell + used, size - used);
	dp_pkt_write_headers(it->m, dp_worker_port(w, c->prev_port), prev_mac(c, &mac), c->prev.ip,
			     c->prev.port, size);
	w->tx[w->ntx++] = it->m;
	w->stats.reply_relayed++;
	if (it->cell.flags & DP_CELL_FLAG_LAST)
		dp_circuit_remove(&w->circuits, c);
	return DP_DROP_NONE;
}

void
dp_reply_relay_stage(struct dp_worker *w, struct dp_reply_item *items, uint16_t n, uint64_t now_ns)
{
	struct dp_circuit *c[DP_BURST];
	const uint8_t *key[DP_BURST];
	uint8_t mask[DP_BURST][DP_CELL_MASK_BYTES], out_mask[DP_BURST][DP_CELL_MASK_BYTES];
	struct snc_mask_job jobs[DP_BURST];
	uint16_t k = 0;

	/* The incoming masks of the burst in one batch (cell_mask_batch.h). */
	for (uint16_t i = 0; i < n; i++) {
		const struct snc_mask_key *pre = NULL;
		enum dp_drop_reason r = sender(w, &items[i], &key[i], &pre);
		c[i] = NULL;
		if (r != DP_DROP_NONE) {
			drop(w, items[i].m, r);
			key[i] = NULL;
		} else {
			jobs[k++] = (struct snc_mask_job){key[i],
							  items[i].cell.label,
							  items[i].cell.seq,
							  DP_CELL_REPLY,
							  mask[i],
							  pre};
		}
	}
	if (k == 0)
		return;
	snc_cell_mask_batch(k, jobs);
	/* All checks next (they record each seq, so a duplicate in the same burst is
	 * caught); the outgoing masks of what passed in a second batch (no circuit is
	 * removed before the last pass); then the AEAD and rewrite pass. */
	k = 0;
	for (uint16_t i = 0; i < n; i++) {
		enum dp_drop_reason r;
		if (key[i] == NULL)
			continue; /* dropped above */
		r = check(w, &items[i], mask[i], &c[i], now_ns);
		if (r != DP_DROP_NONE) {
			drop(w, items[i].m, r);
			c[i] = NULL;
			continue;
		}
		key[i] = c[i]->entry ? NULL : dp_reply_cell_back_key(c[i], w->nodes);
		if (key[i] != NULL)
			jobs[k++] = (struct snc_mask_job){
				key[i],	       c[i]->in_label, items[i].cell.seq,
				DP_CELL_REPLY, out_mask[i],    NULL};
	}
	if (k > 0)
		snc_cell_mask_batch(k, jobs);
	for (uint16_t i = 0; i < n; i++) {
		enum dp_drop_reason r;
		if (c[i] == NULL)
			continue;
		r = forward(w, &items[i], c[i], key[i], out_mask[i]);
		if (r != DP_DROP_NONE)
			drop(w, items[i].m, r);
	}
}
