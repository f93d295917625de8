/* SPDX-License-Identifier: MIT */
/*
 * Batched X25519 (RFC 7748), the dominant cost of peeling an onion layer.
 * The scalar implementation is libsodium's; a multi-buffer implementation
 * (issue 10) registers itself behind snc_x25519_batch without changing callers.
 */
#ifndef SNC_X25519_H
#define SNC_X25519_H

#include <stddef.h>
#include <stdint.h>

/*
 * out[i] = X25519(sk[i], pk[i]) for every item whose status[i] is 0.
 * An all-zero result (pk[i] of low order) sets status[i] = SNC_E_LOW_ORDER and
 * zeroes out[i]. Returns the number of items that failed in this call.
 */
unsigned snc_x25519_batch(size_t n, const uint8_t *const sk[], const uint8_t *const pk[],
			  uint8_t *const out[], int status[]);

/* Single item; 0 or SNC_E_LOW_ORDER. */
int snc_x25519(const uint8_t sk[32], const uint8_t pk[32], uint8_t out[32]);

/* Name of the implementation in use ("libsodium-scalar"). */
const char *snc_x25519_impl_name(void);

#endif
