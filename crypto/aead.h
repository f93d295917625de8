/* SPDX-License-Identifier: MIT */
/*
 * Session's onion-layer AEAD framing, both directions:
 *   aes-gcm:   iv(12) || AES-256-GCM ciphertext || tag(16), no AAD
 *   xchacha20: nonce(24) || XChaCha20-Poly1305-IETF ciphertext || tag(16), no AAD
 *   aes-cbc:   iv(16) || AES-256-CBC with PKCS#7 padding (legacy; no integrity)
 * AES-GCM runs on Intel ipsec-mb (its best arch: VAES/AVX-512 down to SSE)
 * where the build has it and the CPU has AES-NI + PCLMUL, else on libsodium
 * (AES-NI), else on OpenSSL. SNC_AESGCM_IMPL (read once by snc_init) or
 * snc_aead_gcm_force() pins one. AES-CBC always uses OpenSSL.
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

/* "ipsec-mb-<arch>", "libsodium" or "openssl": the AES-GCM implementation in use. */
const char *snc_aead_gcm_impl_name(void);

/*
 * Pins the AES-GCM implementation: "ipsec-mb" (its best arch), "ipsec-mb-sse",
 * "-avx", "-avx2", "-avx512", "libsodium", "openssl"; NULL or "" = the default.
 * 0, -EINVAL (unknown name) or -ENOTSUP (not on this CPU or build; nothing
 * changes). For tests and benchmarks: not safe while other threads seal/open.
 */
int snc_aead_gcm_force(const char *name);

/* Called by snc_init(): the default, or SNC_AESGCM_IMPL's choice. 0 or as above. */
int snc_aead_select(void);

/* Why snc_aead_select() failed (one line), or NULL. */
const char *snc_aead_select_error(void);

#endif
