/* SPDX-License-Identifier: MIT */
#include "reply_cell.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "aead.h"
#include "cell_mask.h"

enum {
	SMALL_CAP = DP_CELL_SMALL - DP_CELL_DATA_HDR, /* payload bytes of a small cell */
	MIN_CHUNK = SMALL_CAP - DP_REPLY_LAYER * (DP_CELL_MAX_HOPS + 1), /* mode 1 at hop 15 */
	SEAL_MAX = 40, /* bytes the largest Session framing adds (xchacha20: nonce + tag) */
};

/* Every reply under the limit fits DP_REPLY_MAX_CELLS small cells in either
 * mode, so a relay refuses any seq past it. */
_Static_assert((uint64_t)DP_REPLY_MAX_CELLS *SMALL_CAP >= (DP_REPLY_MAX + SEAL_MAX + 2) / 3 * 4,
	       "mode 0 replies need more cells than DP_REPLY_MAX_CELLS");
_Static_assert((uint64_t)DP_REPLY_MAX_CELLS *MIN_CHUNK >= DP_REPLY_MAX,
	       "mode 1 replies need more cells than DP_REPLY_MAX_CELLS");

uint32_t
dp_reply_cell_chunk(uint8_t size_class, uint8_t reply_mode, uint8_t hop_no)
{
	uint32_t size = dp_cell_class_size(size_class), layers;

	if (size == 0 || hop_no > DP_CELL_MAX_HOPS)
		return 0;
	layers = reply_mode == DP_CELL_REPLY_LAYERED ? DP_REPLY_LAYER * ((uint32_t)hop_no + 1) : 0;
	return size - DP_CELL_DATA_HDR - layers;
}

uint32_t
dp_reply_cell_count(size_t len, uint32_t chunk)
{
	if (len == 0 || chunk == 0)
		return 1;
	return (uint32_t)((len + chunk - 1) / chunk);
}

int
dp_reply_cell_encrypted(const struct dp_circuit *c)
{
	return c->reply_mode == DP_CELL_REPLY_COMPAT && !c->proxy;
}

size_t
dp_reply_cell_prepared_len(const struct dp_circuit *c, uint32_t flags, size_t len)
{
	size_t sealed;

	if (!dp_reply_cell_encrypted(c))
		return len;
	sealed = snc_enc_type_sealed_len((enum snc_enc_type)c->enc_type, len);
	if (sealed == 0 || !(flags & DP_REPLY_BASE64))
		return sealed;
	return sodium_base64_ENCODED_LEN(sealed, sodium_base64_VARIANT_ORIGINAL) - 1;
}

enum {
	B64_IN = 768, /* bytes base64'd per step: 1,024 characters, no padding mid-reply */
};

/*
 * Base64 (standard alphabet, padded) of the sealed bytes at the end of out, in place and
 * forward: with G = ceil(n / 3) groups the input starts G or more bytes in, so the
 * characters of step k (ending at 1,024 (k + 1)) never reach the input of step k + 1
 * (from off + 768 (k + 1)) while 256 (k + 1) <= G <= off. Each step's input is copied
 * out first, as its own output may overlap it.
 */
static void
base64_in_place(uint8_t *out, size_t out_len, size_t n)
{
	size_t off = out_len - n;
	uint8_t in[B64_IN];
	char enc[B64_IN / 3 * 4 + 1];

	for (size_t done = 0, k = 0; done < n; done += B64_IN, k++) {
		size_t step = n - done < B64_IN ? n - done : B64_IN;
		size_t chars = sodium_base64_ENCODED_LEN(step, sodium_base64_VARIANT_ORIGINAL) - 1;

		memcpy(in, out + off + done, step);
		sodium_bin2base64(enc, sizeof(enc), in, step, sodium_base64_VARIANT_ORIGINAL);
		memcpy(out + k * (B64_IN / 3 * 4), enc, chars);
	}
}

/* Facts 1.6: sealed once with the destination's hop key, base64'd (standard
 * alphabet, padded, as oxenc::to_base64) when asked. No allocation: the seal
 * goes to the end of out and is base64'd forward over itself. */
static int
seal_session(const struct dp_circuit *c, uint32_t flags, const uint8_t *body, size_t len,
	     const uint8_t *nonce, uint8_t *out, size_t out_len)
{
	enum snc_enc_type t = (enum snc_enc_type)c->enc_type;
	size_t sealed_len = snc_enc_type_sealed_len(t, len), got = 0;
	uint8_t *sealed = out + (out_len - sealed_len);
	int rc;

	rc = snc_aead_seal_with_nonce(t, c->hop_key, nonce, body, len, sealed, sealed_len, &got);
	if (rc == 0 && got != sealed_len)
		rc = -EINVAL; /* the caller sized the buffer for sealed_len */
	if (rc == 0 && (flags & DP_REPLY_BASE64))
		base64_in_place(out, out_len, sealed_len);
	return rc;
}

int
dp_reply_cell_prepare(const struct dp_circuit *c, uint32_t flags, const uint8_t *body, size_t len,
		      const uint8_t nonce[DP_REPLY_NONCE_BYTES], uint8_t *out, size_t out_len)
{
	if (out_len != dp_reply_cell_prepared_len(c, flags, len) || (out_len == 0 && len > 0))
		return -EINVAL;
	if (dp_reply_cell_encrypted(c))
		return seal_session(c, flags, body, len, nonce, out, out_len);
	if (len > 0)
		memcpy(out, body, len);
	return 0;
}

static uint8_t
back_flags(const struct dp_circuit *c, int last)
{
	return (uint8_t)((last ? DP_CELL_FLAG_LAST : 0) |
			 (c->client_link ? DP_CELL_FLAG_CLIENT : 0));
}

uint32_t
dp_reply_cell_write_masked(uint8_t *cell, const struct dp_circuit *c,
			   const uint8_t mask[DP_CELL_MASK_BYTES], const uint8_t *prepared,
			   size_t len, uint32_t chunk, uint32_t seq, uint32_t ncells)
{
	size_t off = (size_t)seq * chunk;
	uint32_t n, plen;
	const uint8_t *payload = prepared + off;

	if (seq >= ncells || chunk == 0 || off > len)
		return 0;
	n = (uint32_t)(len - off < chunk ? len - off : chunk);
	plen = n;
	if (c->reply_mode == DP_CELL_REPLY_LAYERED) {
		if (n > dp_cell_class_size(c->size_class) - DP_CELL_DATA_HDR - DP_REPLY_LAYER)
			return 0;
		snc_cell_data_seal(c->kr, seq, payload, n, cell + DP_CELL_DATA_HDR);
		payload = cell + DP_CELL_DATA_HDR;
		plen = n + DP_REPLY_LAYER;
	}
	return dp_cell_write_data(cell, DP_CELL_REPLY, c->size_class,
				  back_flags(c, seq + 1 == ncells), c->in_label, seq, mask, payload,
				  plen);
}

uint32_t
dp_reply_cell_write(uint8_t *cell, const struct dp_circuit *c, const uint8_t mask_key[32],
		    const uint8_t *prepared, size_t len, uint32_t chunk, uint32_t seq,
		    uint32_t ncells)
{
	uint8_t mask[DP_CELL_MASK_BYTES];

	snc_cell_mask(mask_key, DP_CELL_REPLY, c->in_label, seq, mask);
	return dp_reply_cell_write_masked(cell, c, mask, prepared, len, chunk, seq, ncells);
}

enum dp_drop_reason
dp_reply_cell_check(struct dp_circuit *c, const struct dp_cell *cell)
{
	if (cell->size_class != c->size_class)
		return DP_DROP_BAD_CLASS; /* a hop never changes a cell's class */
	/* kr must never seal two payloads under one seq: each seq passes once, in order. */
	if (c->reply_done || cell->seq < c->reply_seq || cell->seq >= DP_REPLY_MAX_CELLS)
		return DP_DROP_REPLY_SEQ;
	if (c->reply_mode == DP_CELL_REPLY_LAYERED &&
	    (cell->data_len < DP_REPLY_LAYER || cell->data_len > cell->data_cap - DP_REPLY_LAYER))
		return DP_DROP_BAD_LENGTH; /* no inner layer, or no room for ours */
	c->reply_seq = cell->seq + 1;
	c->reply_done = (cell->flags & DP_CELL_FLAG_LAST) != 0;
	return DP_DROP_NONE;
}

uint32_t
dp_reply_cell_rewrite(uint8_t *cell, const struct dp_cell *parsed, const struct dp_circuit *c,
		      const uint8_t mask_key[32])
{
	uint8_t mask[DP_CELL_MASK_BYTES];

	snc_cell_mask(mask_key, DP_CELL_REPLY, c->in_label, parsed->seq, mask);
	return dp_reply_cell_rewrite_masked(cell, parsed, c, mask);
}

uint32_t
dp_reply_cell_rewrite_masked(uint8_t *cell, const struct dp_cell *parsed,
			     const struct dp_circuit *c, const uint8_t mask[DP_CELL_MASK_BYTES])
{
	uint8_t *payload = cell + DP_CELL_DATA_HDR;
	uint32_t plen = parsed->data_len;

	if (c->reply_mode == DP_CELL_REPLY_LAYERED) {
		snc_cell_data_seal(c->kr, parsed->seq, payload, plen, payload);
		plen += DP_REPLY_LAYER;
	}
	return dp_cell_write_data(cell, DP_CELL_REPLY, c->size_class,
				  back_flags(c, parsed->flags & DP_CELL_FLAG_LAST), c->in_label,
				  parsed->seq, mask, payload, plen);
}

const uint8_t *
dp_reply_cell_back_key(const struct dp_circuit *c, const struct dp_node_table *nodes)
{
	const struct dp_node *n;

	if (c->client_link)
		return c->kr;
	n = dp_node_by_addr(nodes, c->prev.ip, c->prev.port);
	return n != NULL ? n->link_key : NULL;
}
