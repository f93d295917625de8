/* SPDX-License-Identifier: MIT */
#include "kdf.h"

#include <sodium.h>
#include <string.h>

#include "batch.h"

static const uint8_t loki_key[4] = {'L', 'O', 'K', 'I'};

static void
derive_gcm(const uint8_t dh[32], uint8_t key[32])
{
	crypto_auth_hmacsha256_state st;

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
