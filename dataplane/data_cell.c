/* SPDX-License-Identifier: MIT */
#include "data_cell.h"

#include "cell_mask.h"

/* The smallest layer of a request's DATA (a client seals for up to 16 hops)
 * still carries DP_DATA_MAX in DP_DATA_MAX_CELLS small cells. */
_Static_assert((uint64_t)DP_DATA_MAX_CELLS *(DP_CELL_SMALL - DP_CELL_DATA_HDR -
					     DP_DATA_LAYER * (DP_CELL_MAX_HOPS + 1)) >= DP_DATA_MAX,
	       "DATA needs more cells than DP_DATA_MAX_CELLS");

const uint8_t *
dp_data_cell_prev_key(const struct dp_circuit *c, const struct dp_node_table *nodes,
		      const struct snc_mask_key **pre)
{
	const struct dp_node *n;

	*pre = NULL;
	if (c->client_link)
		return c->kf; /* a per-circuit key: no precomputed state */
	n = dp_node_by_addr(nodes, c->prev.ip, c->prev.port);
	if (n == NULL)
		return NULL;
	*pre = &n->link_pre;
	return n->link_key;
}

enum dp_drop_reason
dp_data_cell_check(const struct dp_circuit *c, const struct dp_cell *cell)
{
	if (((cell->flags & DP_CELL_FLAG_CLIENT) != 0) != (c->client_link != 0))
		return DP_DROP_BAD_FLAGS; /* CLIENT exactly on a client's link */
	if (cell->size_class != c->size_class)
		return DP_DROP_BAD_CLASS;
	if (cell->data_len < DP_DATA_LAYER)
		return DP_DROP_BAD_LENGTH;
	if (c->data_done || cell->seq < c->data_seq || cell->seq >= DP_DATA_MAX_CELLS)
		return DP_DROP_DATA_SEQ;
	/* The destination reassembles without a reorder buffer: no gaps. */
	if (c->out_label == 0 && cell->seq != c->data_seq)
		return DP_DROP_DATA_SEQ;
	return DP_DROP_NONE;
}

enum dp_drop_reason
dp_data_cell_open(struct dp_circuit *c, uint8_t *cell, const struct dp_cell *parsed, uint32_t *len)
{
	uint8_t *p = cell + DP_CELL_DATA_HDR;

	if (snc_cell_data_open(c->kf, parsed->seq, p, parsed->data_len, p) != 0)
		return DP_DROP_BAD_MAC;
	/* Only an authenticated cell moves the window: a forged seq cannot block the request. */
	c->data_seq = parsed->seq + 1;
	c->data_done = (parsed->flags & DP_CELL_FLAG_LAST) != 0;
	*len = parsed->data_len - DP_DATA_LAYER;
	return DP_DROP_NONE;
}

uint32_t
dp_data_cell_rewrite(uint8_t *cell, const struct dp_cell *parsed, uint32_t len,
		     const struct dp_circuit *c, const uint8_t mask_key[32])
{
	uint8_t mask[DP_CELL_MASK_BYTES];

	snc_cell_mask(mask_key, DP_CELL_DATA, c->out_label, parsed->seq, mask);
	return dp_data_cell_rewrite_masked(cell, parsed->flags, parsed->seq, len, c->size_class,
					   c->out_label, mask);
}

uint32_t
dp_data_cell_rewrite_masked(uint8_t *cell, uint8_t flags, uint32_t seq, uint32_t len,
			    uint8_t size_class, uint64_t out_label,
			    const uint8_t mask[DP_CELL_MASK_BYTES])
{
	return dp_cell_write_data(cell, DP_CELL_DATA, size_class, flags & DP_CELL_FLAG_LAST,
				  out_label, seq, mask, cell + DP_CELL_DATA_HDR, len);
}
