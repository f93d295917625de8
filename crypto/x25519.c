/* SPDX-License-Identifier: MIT */
#include "x25519.h"

#include <sodium.h>

#include "batch.h"

/* libsodium already rejects an all-zero output (returns -1). */
int
snc_x25519(const uint8_t sk[32], const uint8_t pk[32], uint8_t out[32])
{
	if (crypto_scalarmult(out, sk, pk) != 0) {
		sodium_memzero(out, 32);
		return SNC_E_LOW_ORDER;
	}
	return 0;
}

unsigned
snc_x25519_batch(size_t n, const uint8_t *const sk[], const uint8_t *const pk[],
		 uint8_t *const out[], int status[])
{
	unsigned failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (status[i] != 0)
			continue;
		status[i] = snc_x25519(sk[i], pk[i], out[i]);
		failed += status[i] != 0;
	}
	return failed;
}

const char *
snc_x25519_impl_name(void)
{
	return "libsodium-scalar";
}
