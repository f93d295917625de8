/* SPDX-License-Identifier: MIT */
#include "kdf.h"

#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_CTX: see derive_gcm */
#include <openssl/sha.h>
#include <sodium.h>
#include <string.h>

#include "batch.h"

/* HMAC-SHA256 keyed "LOKI" (facts 1.3). The key is a constant, so the states
 * after HMAC's two padded key blocks are computed once (snc_kdf_init) and each
 * derive copies them: two SHA-256 compressions per layer instead of four.
 * SHA-256 is OpenSSL's, which uses the CPU's SHA extensions (SHA-NI) when it
 * has them (about 4x libsodium's portable C; bench_crypto's kdf rows). The
 * low-level SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP, whose
 * contexts cannot be copied without allocating. Not secret: the key is public. */
struct loki_states {
	SHA256_CTX inner, outer;
};

static struct loki_states loki;
static int loki_ready;

static void
loki_states_compute(struct loki_states *st)
{
	uint8_t block[SHA256_CBLOCK] = {'L', 'O', 'K', 'I'};
	uint8_t pad[SHA256_CBLOCK];

	for (size_t i = 0; i < sizeof(block); i++)
		pad[i] = block[i] ^ 0x36;
	SHA256_Init(&st->inner);
	SHA256_Update(&st->inner, pad, sizeof(pad));
	for (size_t i = 0; i < sizeof(block); i++)
		pad[i] = block[i] ^ 0x5c;
	SHA256_Init(&st->outer);
	SHA256_Update(&st->outer, pad, sizeof(pad));
}

void
snc_kdf_init(void)
{
	if (__atomic_load_n(&loki_ready, __ATOMIC_ACQUIRE))
		return; /* written once: readers may be running */
	loki_states_compute(&loki);
	__atomic_store_n(&loki_ready, 1, __ATOMIC_RELEASE);
}

static void
derive_gcm(const uint8_t dh[32], uint8_t key[32])
{
	struct loki_states st;
	uint8_t inner[SHA256_DIGEST_LENGTH];

	if (__atomic_load_n(&loki_ready, __ATOMIC_ACQUIRE))
		st = loki;
	else /* snc_init not called: the same result, the slow way */
		loki_states_compute(&st);
	SHA256_Update(&st.inner, dh, 32);
	SHA256_Final(inner, &st.inner);
	SHA256_Update(&st.outer, inner, sizeof(inner));
	SHA256_Final(key, &st.outer);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(inner, sizeof(inner));
}

static void
derive_xchacha(const uint8_t dh[32], const uint8_t client_pk[32], const uint8_t node_pk[32],
	       uint8_t key[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, dh, 32);
	crypto_generichash_update(&st, client_pk, 32);
	crypto_generichash_update(&st, node_pk, 32);
	crypto_generichash_final(&st, key, 32);
	sodium_memzero(&st, sizeof(st));
}

int
snc_kdf_derive(enum snc_enc_type type, const uint8_t dh[32], const uint8_t client_pk[32],
	       const uint8_t node_pk[32], uint8_t key[SNC_KEY_BYTES])
{
	switch (type) {
	case SNC_ENC_AES_GCM:
		derive_gcm(dh, key);
		return 0;
	case SNC_ENC_XCHACHA20:
		derive_xchacha(dh, client_pk, node_pk, key);
		return 0;
	case SNC_ENC_AES_CBC:
		memcpy(key, dh, SNC_KEY_BYTES);
		return 0;
	default:
		return SNC_E_ENC_TYPE;
	}
}

unsigned
snc_kdf_batch(size_t n, const enum snc_enc_type type[], const uint8_t *const dh[],
	      const uint8_t *const client_pk[], const uint8_t *const node_pk[],
	      uint8_t *const key[], int status[])
{
	unsigned failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (status[i] != 0)
			continue;
		status[i] = snc_kdf_derive(type[i], dh[i], client_pk[i], node_pk[i], key[i]);
		failed += status[i] != 0;
	}
	return failed;
}
