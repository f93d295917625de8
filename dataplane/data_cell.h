/* SPDX-License-Identifier: MIT */
/*
 * The pure half of DATA cells (docs/wire-format.md, "DATA"), on byte spans
 * and circuit entries, no DPDK: the checks a hop applies to a DATA from its
 * previous hop, opening this hop's layer with kf, and the rewrite a relay
 * applies before forwarding the rest cut-through.
 */
#ifndef DP_DATA_CELL_H
#define DP_DATA_CELL_H

#include <stdint.h>

#include "cell.h"
#include "circuit.h"
#include "drop.h"
#include "node_table.h"

enum {
	DP_DATA_MAX =
		10 * 1024 * 1024,  /* bytes of a request body (CREATE blob + DATA): SS's limit */
	DP_DATA_MAX_CELLS = 16384, /* DATA cells of one request (seq bound) */
	DP_DATA_LAYER = 16,	   /* bytes each hop's layer adds (the tag) */
};

/* The key masking DATA from c's previous hop: kf on a client's link, else the
 * link key of that node; NULL when it has left the node table. *pre: that node's
 * precomputed mask key state, NULL on a client's link. */
const uint8_t *dp_data_cell_prev_key(const struct dp_circuit *c, const struct dp_node_table *nodes,
				     const struct snc_mask_key **pre);

/*
 * Checks an unmasked DATA from c's previous hop: the CLIENT flag matches the
 * link, the class, a payload with at least our tag, and the seq (relays: each
 * seq once, increasing; the destination: exactly the next one). Changes nothing.
 */
enum dp_drop_reason dp_data_cell_check(const struct dp_circuit *c, const struct dp_cell *cell);

/*
 * Opens this hop's layer of the payload (cell + DP_CELL_DATA_HDR) in place
 * with kf; on success records the seq (and LAST) in c and returns DP_DROP_NONE
 * with *len the bytes left; DP_DROP_BAD_MAC otherwise (c unchanged).
 */
enum dp_drop_reason dp_data_cell_open(struct dp_circuit *c, uint8_t *cell,
				      const struct dp_cell *parsed, uint32_t *len);

/* Relay: the opened cell for the next link (out_label, LAST kept, masked with
 * the next node's link key). Returns the bytes written; the caller pads. */
uint32_t dp_data_cell_rewrite(uint8_t *cell, const struct dp_cell *parsed, uint32_t len,
			      const struct dp_circuit *c, const uint8_t mask_key[32]);

/* The same with the mask already derived (snc_cell_mask of the next link key, DATA,
 * out_label, seq: a burst's masks are derived together, cell_mask_batch.h). */
uint32_t dp_data_cell_rewrite_masked(uint8_t *cell, uint8_t flags, uint32_t seq, uint32_t len,
				     uint8_t size_class, uint64_t out_label,
				     const uint8_t mask[DP_CELL_MASK_BYTES]);

#endif
