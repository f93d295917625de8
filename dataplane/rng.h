/* SPDX-License-Identifier: MIT */
/*
 * A worker's random bytes (cell padding, labels, reply nonces): the AES-256-CTR keystream
 * under a key drawn at init, served from a buffer refilled DP_RNG_BUF bytes at a time so
 * that an 8-byte label or a 16-byte pad costs a copy, not a cipher call. No system call and
 * no allocation after init. Every keystream byte is handed out once.
 *
 * The cipher is Intel ipsec-mb's AES-256-CTR (VAES on AVX-512: about 2x OpenSSL's here,
 * docs/performance.md) when the library is built in and has code for the CPU, else
 * OpenSSL's. Both give the same bytes for the same key and first counter block: the
 * counter block is a 128-bit big-endian number incremented per 16-byte block (OpenSSL's
 * rule), and a length that is no multiple of 16 leaves the rest of its last block for the
 * next request. The golden tests' fixed-key stream depends on it.
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
	DP_RNG_BLOCK = 16,
};

enum dp_rng_impl {
	DP_RNG_AUTO,	/* ipsec-mb when available, else OpenSSL */
	DP_RNG_OPENSSL, /* OpenSSL EVP only */
	DP_RNG_IPSEC_MB /* ipsec-mb only: -ENOTSUP when not built in or no code for the CPU */
};

struct dp_rng {
	void *ctx; /* OpenSSL: EVP_CIPHER_CTX, AES-256-CTR; NULL on ipsec-mb */
	void *mgr; /* ipsec-mb: this rng's IMB_MGR (job API); NULL on OpenSSL */
	/* ipsec-mb only: the expanded key, the next counter block, and the unused keystream
	 * of the last partial block (tail[tail_pos..16)) */
	_Alignas(16) uint8_t enc_keys[16 * 15];
	uint8_t ctr[DP_RNG_BLOCK];
	uint8_t tail[DP_RNG_BLOCK];
	uint32_t tail_pos; /* DP_RNG_BLOCK: no tail */
	uint32_t pos;	   /* next unused byte of buf; DP_RNG_BUF: empty */
	uint8_t buf[DP_RNG_BUF];
};

/* Keys r (key, iv: the first counter block) on the best cipher. 0, or -ENOMEM / -EIO. */
int dp_rng_init(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
		const uint8_t iv[DP_RNG_IV_BYTES]);

/* The same on a chosen implementation (tests, benchmarks): -ENOTSUP if it is missing. */
int dp_rng_init_impl(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
		     const uint8_t iv[DP_RNG_IV_BYTES], enum dp_rng_impl impl);

/* "ipsec-mb" or "openssl": what r runs on. */
const char *dp_rng_impl_name(const struct dp_rng *r);

/* Keys r from randombytes (libsodium): what a worker does at init. */
int dp_rng_init_random(struct dp_rng *r);

/* len keystream bytes into out. */
void dp_rng_bytes(struct dp_rng *r, uint8_t *out, size_t len);

/* Frees the cipher and wipes the key schedule and what is left of the keystream. */
void dp_rng_free(struct dp_rng *r);

#endif
