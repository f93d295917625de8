/* SPDX-License-Identifier: MIT */
/*
 * snode's own cell-layer cryptography (docs/wire-format.md, not Session's):
 * the masks that hide a cell's length and hop number on a link, the link key
 * between two nodes, and the per-circuit data keys and nonces of DATA/REPLY cells.
 */
#ifndef SNC_CELL_MASK_H
#define SNC_CELL_MASK_H

#include <stddef.h>
#include <stdint.h>

enum {
	SNC_CELL_MASK_BYTES = 5,
	SNC_CELL_DATA_TAG_BYTES = 16, /* XChaCha20-Poly1305 tag added by each data layer */
};

/* BLAKE2b-256(key = link_key, "snode-hdr" || kind || label_be64 || seq_be32)[0..5] */
void snc_cell_mask(const uint8_t key[32], uint8_t kind, uint64_t label, uint32_t seq,
		   uint8_t mask[SNC_CELL_MASK_BYTES]);

/*
 * Link key of this node (own X25519 key pair) with a peer node:
 * BLAKE2b-256(key = X25519(own_sk, peer_pk), "snode-link" || min(pk) || max(pk)),
 * the same at both ends. 0, or SNC_E_LOW_ORDER for a bad peer key.
 */
int snc_cell_link_key(const uint8_t own_sk[32], const uint8_t own_pk[32], const uint8_t peer_pk[32],
		      uint8_t link_key[32]);

/* kf = BLAKE2b-256(key = hop_key, "snode-data-fwd"), kr likewise with "snode-data-rev". */
void snc_cell_data_keys(const uint8_t hop_key[32], uint8_t kf[32], uint8_t kr[32]);

/* One data layer: XChaCha20-Poly1305 under key with nonce "snode-dc" || seq_be32 || 0^12.
 * out needs len + 16 (seal) / len - 16 (open) bytes and may equal in (in place).
 * open returns 0, SNC_E_AUTH or SNC_E_LENGTH. */
void snc_cell_data_seal(const uint8_t key[32], uint32_t seq, const uint8_t *in, size_t len,
			uint8_t *out);
int snc_cell_data_open(const uint8_t key[32], uint32_t seq, const uint8_t *in, size_t len,
		       uint8_t *out);

#endif
