/* SPDX-License-Identifier: MIT */
/*
 * Session's per-hop key derivation from the X25519 shared secret:
 *   aes-gcm:   HMAC-SHA256(key = "LOKI", msg = dh)
 *   xchacha20: BLAKE2b-256(dh || client_ephemeral_pk || node_pk)   (client first, always)
 *   aes-cbc:   dh itself (legacy)
 * The same key serves the request and the destination's reply.
 */
#ifndef SNC_KDF_H
#define SNC_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "enc_type.h"

/* Precomputes HMAC-SHA256's "LOKI" key blocks (snc_init calls it; idempotent). */
void snc_kdf_init(void);

/* Derives one hop key; 0 or SNC_E_ENC_TYPE. */
int snc_kdf_derive(enum snc_enc_type type, const uint8_t dh[32], const uint8_t client_pk[32],
		   const uint8_t node_pk[32], uint8_t key[SNC_KEY_BYTES]);

/* Batch form (see batch.h); returns the number of items that failed here. */
unsigned snc_kdf_batch(size_t n, const enum snc_enc_type type[], const uint8_t *const dh[],
		       const uint8_t *const client_pk[], const uint8_t *const node_pk[],
		       uint8_t *const key[], int status[]);

#endif
