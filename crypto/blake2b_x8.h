/* SPDX-License-Identifier: MIT */
/*
 * Keyed BLAKE2b-256 (RFC 7693) of eight short messages at once on AVX-512F: one lane of a
 * 512-bit vector per message, so a compression costs about what one scalar compression
 * costs. Only for the cell layer's short hashes (cell_mask_batch.c): a 32-byte key and at
 * most 128 bytes of message, i.e. exactly two compressions. Built with -mavx512f; the
 * caller checks the CPU first. Results equal crypto_generichash(out, 32, msg, len, key, 32).
 */
#ifndef SNC_BLAKE2B_X8_H
#define SNC_BLAKE2B_X8_H

#include <stddef.h>
#include <stdint.h>

enum {
	SNC_B2X8_LANES = 8,
	SNC_B2X8_MSG_MAX = 128,
};

/* out[i] = BLAKE2b-256(key[i], msg[i][0 .. len[i]]) for the 8 lanes; made for 1 <= len[i]
 * <= 128 (one block): any other length makes it hash all 8 with libsodium instead. */
void snc_blake2b_k32_x8(const uint8_t *const key[SNC_B2X8_LANES],
			const uint8_t *const msg[SNC_B2X8_LANES], const size_t len[SNC_B2X8_LANES],
			uint8_t *const out[SNC_B2X8_LANES]);

/* Two messages under each lane's key: out_a[i] = BLAKE2b-256(key[i], msg_a[i]) and
 * out_b[i] = BLAKE2b-256(key[i], msg_b[i]), the key block compressed once for both
 * (3 compressions for 16 hashes' worth of lanes instead of 4): kf and kr of 8 hop keys. */
void snc_blake2b_k32_x8_two(const uint8_t *const key[SNC_B2X8_LANES],
			    const uint8_t *const msg_a[SNC_B2X8_LANES],
			    const size_t len_a[SNC_B2X8_LANES],
			    uint8_t *const out_a[SNC_B2X8_LANES],
			    const uint8_t *const msg_b[SNC_B2X8_LANES],
			    const size_t len_b[SNC_B2X8_LANES],
			    uint8_t *const out_b[SNC_B2X8_LANES]);

/* The state of BLAKE2b-256 keyed with a 32-byte key after its key block (the first of the
 * two compressions of every hash above): h[0..7]. Computed once for a long-lived key (a
 * node's link key), it lets snc_blake2b_k32_x8_from skip that compression. */
void snc_blake2b_k32_state(const uint8_t key[32], uint64_t h[8]);

/* snc_blake2b_k32_x8 with each lane's key given as its snc_blake2b_k32_state: one
 * compression for the 8 lanes instead of two. 0, or -1 with nothing written when a len is
 * outside 1..128 (the caller then hashes with the keys). */
int snc_blake2b_k32_x8_from(const uint64_t *const state[SNC_B2X8_LANES],
			    const uint8_t *const msg[SNC_B2X8_LANES],
			    const size_t len[SNC_B2X8_LANES], uint8_t *const out[SNC_B2X8_LANES]);

#endif
