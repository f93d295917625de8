/* SPDX-License-Identifier: MIT */
/*
 * One Session onion layer, bit for bit: X25519 between the client's
 * ephemeral key and the hop's key, Session's KDF for the enc_type, then the
 * AEAD framing of aead.h. The node side peels whole bursts through the
 * batch pipeline X25519 -> KDF -> AEAD; the hop key it derives is kept for
 * the reply, which the destination encrypts with the same key.
 */
#ifndef SNC_ONION_LAYER_H
#define SNC_ONION_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "enc_type.h"

/* A node's onion keys (X25519, converted from its Ed25519 identity). */
struct snc_node_keys {
	uint8_t x25519_sk[32];
	uint8_t x25519_pk[32];
};

/* One layer to peel. in/eph_pk are read; out, out_len and key are written. */
struct snc_layer_job {
	enum snc_enc_type type;
	const uint8_t *eph_pk; /* client's ephemeral X25519 key, 32 bytes */
	const uint8_t *in;
	size_t in_len;
	uint8_t *out; /* plaintext; must not overlap in */
	size_t out_cap;
	size_t out_len;
	uint8_t key[32]; /* the hop key: reply encryption, circuit state */
};

/*
 * Peels n layers for this node: status[i] = 0, SNC_E_LOW_ORDER, SNC_E_AUTH,
 * SNC_E_LENGTH or SNC_E_ENC_TYPE (items with status[i] != 0 are skipped).
 * Returns the number that failed. Any n; work is done in chunks of SNC_BATCH_MAX.
 */
unsigned snc_onion_layer_peel_batch(const struct snc_node_keys *node, size_t n,
				    struct snc_layer_job jobs[], int status[]);

/* Client side: hop key for a layer to node_pk under the ephemeral pair (eph_sk, eph_pk). */
int snc_onion_layer_client_key(enum snc_enc_type type, const uint8_t eph_sk[32],
			       const uint8_t eph_pk[32], const uint8_t node_pk[32],
			       uint8_t key[32]);

/* Client side: encrypts one layer to node_pk (random nonce). */
int snc_onion_layer_encrypt(enum snc_enc_type type, const uint8_t eph_sk[32],
			    const uint8_t eph_pk[32], const uint8_t node_pk[32], const uint8_t *in,
			    size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len);

/* Node side, one layer (the batch with n = 1); key may be NULL. */
int snc_onion_layer_decrypt(const struct snc_node_keys *node, enum snc_enc_type type,
			    const uint8_t eph_pk[32], const uint8_t *in, size_t in_len,
			    uint8_t *out, size_t out_cap, size_t *out_len, uint8_t key[32]);

/* X25519 key pair from a 32-byte seed (the seed is the secret scalar, clamped by X25519). */
void snc_onion_layer_keypair_from_seed(const uint8_t seed[32], uint8_t sk[32], uint8_t pk[32]);

#endif
