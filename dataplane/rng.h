/* SPDX-License-Identifier: MIT */
/*
 * A worker's random bytes (cell padding, labels, reply nonces): the AES-256-CTR keystream
 * under a key drawn at init, through OpenSSL (AES-NI / VAES: about 3x libsodium's ChaCha20
 * here, docs/performance.md), served from a buffer refilled DP_RNG_BUF bytes at a time so
 * that an 8-byte label or a 16-byte pad costs a copy, not a cipher call. No system call and
 * no allocation after init. Every keystream byte is handed out once.
 */
#ifndef DP_RNG_H
#define DP_RNG_H

#include <stddef.h>
#include <stdint.h>

enum {
	DP_RNG_BUF = 4096,    /* keystream bytes generated per refill */
	DP_RNG_DIRECT = 2048, /* requests this large go to the cipher without the buffer */
	DP_RNG_KEY_BYTES = 32,
	DP_RNG_IV_BYTES = 16,
};

struct dp_rng {
	void *ctx;    /* EVP_CIPHER_CTX, AES-256-CTR */
	uint32_t pos; /* next unused byte of buf; DP_RNG_BUF: empty */
	uint8_t buf[DP_RNG_BUF];
};

/* Keys r (key, iv: the first counter block). 0, or -ENOMEM / -EIO from OpenSSL. */
int dp_rng_init(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
		const uint8_t iv[DP_RNG_IV_BYTES]);

/* Keys r from randombytes (libsodium): what a worker does at init. */
int dp_rng_init_random(struct dp_rng *r);

/* len keystream bytes into out. */
void dp_rng_bytes(struct dp_rng *r, uint8_t *out, size_t len);

/* Frees the cipher and wipes what is left of the keystream. */
void dp_rng_free(struct dp_rng *r);

#endif
