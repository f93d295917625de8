/* SPDX-License-Identifier: MIT */
/*
 * Internal to libsnc: the 8-way X25519 kernel on AVX-512 IFMA behind
 * snc_x25519_batch (x25519.c decides when it runs). Only x25519_ifma.c is
 * compiled with -mavx512f -mavx512ifma; callers must check the CPU first.
 */
#ifndef SNC_X25519_IFMA_H
#define SNC_X25519_IFMA_H

#include <stdint.h>

/* Lanes of one kernel call. */
enum {
	SNC_X25519_IFMA_LANES = 8
};

/*
 * out[i] = X25519(sk[i], pk[i]) for the 8 lanes, exactly RFC 7748 (scalar
 * clamped, top bit of u ignored, non-canonical u reduced). A low-order pk
 * gives an all-zero out[i]; the caller rejects it. Constant time in sk and pk.
 * The out[] buffers may alias neither sk[] nor pk[].
 */
void snc_x25519_ifma_scalarmult8(const uint8_t *const sk[SNC_X25519_IFMA_LANES],
				 const uint8_t *const pk[SNC_X25519_IFMA_LANES],
				 uint8_t *const out[SNC_X25519_IFMA_LANES]);

#endif
