/* SPDX-License-Identifier: MIT */
/*
 * Session's onion-layer AEAD framing, both directions:
 *   aes-gcm:   iv(12) || AES-256-GCM ciphertext || tag(16), no AAD
 *   xchacha20: nonce(24) || XChaCha20-Poly1305-IETF ciphertext || tag(16), no AAD
 *   aes-cbc:   iv(16) || AES-256-CBC with PKCS#7 padding (legacy; no integrity)
 * AES-GCM runs on libsodium where the CPU has AES-NI + PCLMUL, else on
 * OpenSSL; SNC_AESGCM_IMPL=openssl|libsodium in the environment forces one
 * (read once by snc_init). AES-CBC always uses OpenSSL (libsodium has none).
 */
#ifndef SNC_AEAD_H
#define SNC_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "enc_type.h"

/* One buffer pair of a batch: in/in_len are read, out_len is written. */
struct snc_aead_buf {
	const uint8_t *in;
	size_t in_len;
	uint8_t *out; /* must not overlap in */
	size_t out_cap;
	size_t out_len;
};

/* Decrypts and authenticates. 0, SNC_E_AUTH, SNC_E_LENGTH or SNC_E_ENC_TYPE. */
int snc_aead_open(enum snc_enc_type type, const uint8_t key[SNC_KEY_BYTES], const uint8_t *in,
		  size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len);

/* Encrypts with a fresh random nonce/IV. out_cap >= snc_enc_type_sealed_len(). */
int snc_aead_seal(enum snc_enc_type type, const uint8_t key[SNC_KEY_BYTES], const uint8_t *in,
		  size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len);

/* Same with a caller-chosen nonce/IV (its length is the type's); for test vectors. */
int snc_aead_seal_with_nonce(enum snc_enc_type type, const uint8_t key[SNC_KEY_BYTES],
			     const uint8_t *nonce, const uint8_t *in, size_t in_len, uint8_t *out,
			     size_t out_cap, size_t *out_len);

/* Batch forms (see batch.h); return the number of items that failed here. */
unsigned snc_aead_open_batch(size_t n, const enum snc_enc_type type[], const uint8_t *const key[],
			     struct snc_aead_buf buf[], int status[]);
unsigned snc_aead_seal_batch(size_t n, const enum snc_enc_type type[], const uint8_t *const key[],
			     struct snc_aead_buf buf[], int status[]);

/* "libsodium" or "openssl": the AES-GCM implementation in use. */
const char *snc_aead_gcm_impl_name(void);

/* Called by snc_init(): picks the AES-GCM implementation. */
void snc_aead_select(void);

#endif
