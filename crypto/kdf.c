/* SPDX-License-Identifier: MIT */
#include "kdf.h"

#include <sodium.h>
#include <string.h>

#include "batch.h"

static const uint8_t loki_key[4] = {'L', 'O', 'K', 'I'};

/* HMAC's inner and outer states after the padded key blocks: the key is the
 * constant "LOKI", so both SHA-256 compressions of the key are done once (in
 * snc_init) instead of per layer; each derive copies the state. Not secret. */
static crypto_auth_hmacsha256_state loki_state;
static int loki_ready;

void
snc_kdf_init(void)
{
	if (__atomic_load_n(&loki_ready, __ATOMIC_ACQUIRE))
		return; /* written once: readers may be running */
	crypto_auth_hmacsha256_init(&loki_state, loki_key, sizeof(loki_key));
	__atomic_store_n(&loki_ready, 1, __ATOMIC_RELEASE);
}

static void
derive_gcm(const uint8_t dh[32], uint8_t key[32])
{
	crypto_auth_hmacsha256_state st;

	if (__atomic_load_n(&loki_ready, __ATOMIC_ACQUIRE))
		st = loki_state;
	else /* snc_init not called: the same result, the slow way */
		crypto_auth_hmacsha256_init(&st, loki_key, sizeof(loki_key));
	crypto_auth_hmacsha256_update(&st, dh, 32);
	crypto_auth_hmacsha256_final(&st, key);
	sodium_memzero(&st, sizeof(st));
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
