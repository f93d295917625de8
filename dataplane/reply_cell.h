/* SPDX-License-Identifier: MIT */
/*
 * The pure half of REPLY cells (docs/wire-format.md, "REPLY"), on byte spans
 * and circuit entries, no DPDK, so it is unit-tested under sanitizers: how
 * much of a reply each cell carries, preparing a reply at the destination
 * (Session-encrypted once in mode 0, facts doc 1.6), writing its cells, and
 * the checks and rewrite a relay applies to a REPLY from the next hop.
 */
#ifndef DP_REPLY_CELL_H
#define DP_REPLY_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "cell.h"
#include "circuit.h"
#include "dp.h"
#include "drop.h"
#include "node_table.h"

enum {
	DP_REPLY_BASE64 = 1u << 0, /* mode 0: base64 the Session-encrypted reply (facts 1.6) */
	/* bytes of body: the 10 MiB network maximum + 64 KiB of envelope, as the
	 * channel's CHAN_TOTAL_MAX; a 7,800,000-byte retrieve fits */
	DP_REPLY_MAX = 10 * 1024 * 1024 + 64 * 1024,
	DP_REPLY_NONCE_BYTES = 24,	   /* the longest enc_type nonce (xchacha20) */
	DP_REPLY_MAX_CELLS = 16384,	   /* cells of one reply (seq bound), any mode */
	DP_REPLY_LAYER = 16,		   /* bytes each hop adds in mode 1 (the tag) */
	DP_REPLY_PENDING = 64,		   /* replies being sent per worker */
	DP_REPLY_PENDING_BYTES = 64 << 20, /* bytes those replies may hold per worker */
	DP_REPLY_PUMP_CELLS = DP_BURST,	   /* cells sent per dp_reply_pump call */
	DP_REPLY_SLICE_CELLS = 8,	   /* cells of one reply per pump before the next */
	DP_REPLY_PUMP_FRAMES = 256, /* frames per pump: 5 large cells of 44 fragments at MTU 1500 */
	DP_REPLY_STALL_MS = 1000,   /* ms without a cell out: the reply is dropped */
};

/*
 * Bytes of the prepared reply per cell: the class's payload room, minus, in
 * mode 1, one layer for this hop and one for each of the hop_no hops before it.
 */
uint32_t dp_reply_cell_chunk(uint8_t size_class, uint8_t reply_mode, uint8_t hop_no);

/* Cells for a prepared reply of len bytes (an empty reply still takes one, LAST). */
uint32_t dp_reply_cell_count(size_t len, uint32_t chunk);

/* True when the destination Session-encrypts the reply: mode 0, not a proxy
 * (a proxied server's reply is already end-to-end and goes back as is). */
int dp_reply_cell_encrypted(const struct dp_circuit *c);

/* Bytes the reply of len body bytes takes once prepared (0 for a bad enc_type). */
size_t dp_reply_cell_prepared_len(const struct dp_circuit *c, uint32_t flags, size_t len);

/*
 * Writes the prepared reply into out (out_len = dp_reply_cell_prepared_len bytes; base64
 * gets no NUL), allocating nothing. nonce: DP_REPLY_NONCE_BYTES of fresh
 * randomness (the worker's ChaCha20 stream: no system call on the worker), used when the
 * reply is Session-encrypted. 0, -EINVAL or a crypto error.
 */
int dp_reply_cell_prepare(const struct dp_circuit *c, uint32_t flags, const uint8_t *body,
			  size_t len, const uint8_t nonce[DP_REPLY_NONCE_BYTES], uint8_t *out,
			  size_t out_len);

/*
 * Writes REPLY cell seq (of ncells) of a prepared reply into cell: header
 * masked with mask_key, the payload sealed with c->kr in mode 1. Returns the
 * bytes written (the caller pads to the class size), 0 on bad arguments.
 */
uint32_t dp_reply_cell_write(uint8_t *cell, const struct dp_circuit *c, const uint8_t mask_key[32],
			     const uint8_t *prepared, size_t len, uint32_t chunk, uint32_t seq,
			     uint32_t ncells);

/* The same with the header mask already computed (snc_cell_mask(mask_key, DP_CELL_REPLY,
 * c->in_label, seq)): the pump computes a reply's masks in one batch. */
uint32_t dp_reply_cell_write_masked(uint8_t *cell, const struct dp_circuit *c,
				    const uint8_t mask[DP_CELL_MASK_BYTES], const uint8_t *prepared,
				    size_t len, uint32_t chunk, uint32_t seq, uint32_t ncells);

/*
 * Relay: checks an unmasked REPLY from c's next hop (class, seq, length) and
 * records its seq (and LAST) in c. DP_DROP_NONE or the reason to drop it.
 */
enum dp_drop_reason dp_reply_cell_check(struct dp_circuit *c, const struct dp_cell *cell);

/*
 * Relay: turns the checked cell into the one for the previous hop, in place:
 * this hop's layer (mode 1), label in_label, flags, mask under mask_key.
 * Returns the bytes written (the caller pads).
 */
uint32_t dp_reply_cell_rewrite(uint8_t *cell, const struct dp_cell *parsed,
			       const struct dp_circuit *c, const uint8_t mask_key[32]);

/* The same with the header mask already derived (snc_cell_mask(mask_key, DP_CELL_REPLY,
 * c->in_label, parsed->seq): a burst's masks come from one batch, cell_mask_batch.h). */
uint32_t dp_reply_cell_rewrite_masked(uint8_t *cell, const struct dp_cell *parsed,
				      const struct dp_circuit *c,
				      const uint8_t mask[DP_CELL_MASK_BYTES]);

/* The key masking cells back to c's previous hop: kr on a client's link, else
 * the link key of that node; NULL when it has left the node table. */
const uint8_t *dp_reply_cell_back_key(const struct dp_circuit *c,
				      const struct dp_node_table *nodes);

#endif
