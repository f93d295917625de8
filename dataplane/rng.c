/* SPDX-License-Identifier: MIT */
#include "rng.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

int
dp_rng_init(struct dp_rng *r, const uint8_t key[DP_RNG_KEY_BYTES],
	    const uint8_t iv[DP_RNG_IV_BYTES])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	memset(r, 0, sizeof(*r));
	r->pos = DP_RNG_BUF;
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), NULL, key, iv) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return -EIO;
	}
	r->ctx = ctx;
	return 0;
}

int
dp_rng_init_random(struct dp_rng *r)
{
	uint8_t key[DP_RNG_KEY_BYTES], iv[DP_RNG_IV_BYTES];
	int rc;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(iv, sizeof(iv));
	rc = dp_rng_init(r, key, iv);
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* The next len bytes of the keystream: CTR over zeros, in place. */
static void
stream(struct dp_rng *r, uint8_t *out, size_t len)
{
	while (len > 0) {
		int n = len > INT_MAX / 2 ? INT_MAX / 2 : (int)len, got = 0;

		memset(out, 0, (size_t)n);
		/* CTR cannot fail on a keyed context with a valid length */
		EVP_EncryptUpdate(r->ctx, out, &got, out, n);
		out += n;
		len -= (size_t)n;
	}
}

void
dp_rng_bytes(struct dp_rng *r, uint8_t *out, size_t len)
{
	if (len >= DP_RNG_DIRECT) { /* a large cell's padding: no copy through buf */
		stream(r, out, len);
		return;
	}
	while (len > 0) {
		size_t n;

		if (r->pos == DP_RNG_BUF) {
			stream(r, r->buf, DP_RNG_BUF);
			r->pos = 0;
		}
		n = DP_RNG_BUF - r->pos < len ? DP_RNG_BUF - r->pos : len;
		/* not wiped once handed out: padding, labels and nonces all go on the wire */
		memcpy(out, r->buf + r->pos, n);
		r->pos += (uint32_t)n;
		out += n;
		len -= n;
	}
}

void
dp_rng_free(struct dp_rng *r)
{
	EVP_CIPHER_CTX_free(r->ctx); /* wipes the key schedule */
	sodium_memzero(r->buf, sizeof(r->buf));
	r->ctx = NULL;
	r->pos = DP_RNG_BUF;
}
