/* SPDX-License-Identifier: MIT */
#include "blake2b_x8.h"

#include <immintrin.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

static const uint64_t iv[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
			       0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
			       0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};

static const uint8_t sigma[12][16] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
	{11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
	{7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
	{9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
	{2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
	{12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
	{13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
	{6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
	{10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

#define G(a, b, c, d, x, y)                                                                        \
	do {                                                                                       \
		v[a] = _mm512_add_epi64(_mm512_add_epi64(v[a], v[b]), (x));                        \
		v[d] = _mm512_ror_epi64(_mm512_xor_si512(v[d], v[a]), 32);                         \
		v[c] = _mm512_add_epi64(v[c], v[d]);                                               \
		v[b] = _mm512_ror_epi64(_mm512_xor_si512(v[b], v[c]), 24);                         \
		v[a] = _mm512_add_epi64(_mm512_add_epi64(v[a], v[b]), (y));                        \
		v[d] = _mm512_ror_epi64(_mm512_xor_si512(v[d], v[a]), 16);                         \
		v[c] = _mm512_add_epi64(v[c], v[d]);                                               \
		v[b] = _mm512_ror_epi64(_mm512_xor_si512(v[b], v[c]), 63);                         \
	} while (0)

/* One compression of every lane: h ^= F(h, m, t, last). t: per-lane byte counters. */
static void
compress(__m512i h[8], const __m512i m[16], __m512i t, int last)
{
	__m512i v[16];

	for (int i = 0; i < 8; i++) {
		v[i] = h[i];
		v[i + 8] = _mm512_set1_epi64((long long)iv[i]);
	}
	v[12] = _mm512_xor_si512(v[12], t); /* counters stay under 2^64: t_hi is 0 */
	if (last)
		v[14] = _mm512_xor_si512(v[14], _mm512_set1_epi64(-1));
	for (int r = 0; r < 12; r++) {
		const uint8_t *s = sigma[r];
		G(0, 4, 8, 12, m[s[0]], m[s[1]]);
		G(1, 5, 9, 13, m[s[2]], m[s[3]]);
		G(2, 6, 10, 14, m[s[4]], m[s[5]]);
		G(3, 7, 11, 15, m[s[6]], m[s[7]]);
		G(0, 5, 10, 15, m[s[8]], m[s[9]]);
		G(1, 6, 11, 12, m[s[10]], m[s[11]]);
		G(2, 7, 8, 13, m[s[12]], m[s[13]]);
		G(3, 4, 9, 14, m[s[14]], m[s[15]]);
	}
	for (int i = 0; i < 8; i++)
		h[i] = _mm512_xor_si512(h[i], _mm512_xor_si512(v[i], v[i + 8]));
}

/* 128-byte blocks of the 8 lanes as 16 vectors of word i (little-endian words). Only the
 * words some lane reaches are gathered (a mask message is 3 words, a key 4); the rest are
 * zero vectors: no block buffer to clear and wipe per lane. */
static void
load_blocks(__m512i m[16], const uint8_t *const src[SNC_B2X8_LANES],
	    const size_t len[SNC_B2X8_LANES])
{
	uint64_t w[SNC_B2X8_LANES];
	size_t words = 0;

	for (int l = 0; l < SNC_B2X8_LANES; l++)
		if ((len[l] + 7) / 8 > words)
			words = (len[l] + 7) / 8;
	for (size_t i = 0; i < 16; i++) {
		if (i >= words) {
			m[i] = _mm512_setzero_si512();
			continue;
		}
		for (int l = 0; l < SNC_B2X8_LANES; l++) {
			size_t at = 8 * i, n = len[l] > at ? len[l] - at : 0;
			w[l] = 0;
			if (n > 0) /* x86: little-endian as BLAKE2b */
				memcpy(&w[l], src[l] + at, n < 8 ? n : 8);
		}
		m[i] = _mm512_loadu_si512(w);
	}
	/* keys (hop keys, link keys, DH outputs) pass through here */
	sodium_memzero(w, sizeof(w));
}

static bool
one_block(const size_t len[SNC_B2X8_LANES])
{
	for (int l = 0; l < SNC_B2X8_LANES; l++)
		if (len[l] == 0 || len[l] > SNC_B2X8_MSG_MAX)
			return false;
	return true;
}

/* The state after the key block (the parameter block, then the key zero-padded to 128
 * bytes): what every message under that key starts from. */
static void
keyed_state(__m512i h[8], const uint8_t *const key[SNC_B2X8_LANES])
{
	static const size_t key_len[SNC_B2X8_LANES] = {32, 32, 32, 32, 32, 32, 32, 32};
	__m512i m[16];

	/* parameter block: digest 32 bytes, key 32 bytes, fanout and depth 1 */
	for (int i = 0; i < 8; i++)
		h[i] = _mm512_set1_epi64((long long)iv[i]);
	h[0] = _mm512_xor_si512(h[0], _mm512_set1_epi64(0x01012020));
	load_blocks(m, key, key_len);
	compress(h, m, _mm512_set1_epi64(128), 0);
}

/* From a keyed state: the message as the last block, the 32-byte digests out. */
static void
finish(const __m512i hk[8], const uint8_t *const msg[SNC_B2X8_LANES],
       const size_t len[SNC_B2X8_LANES], uint8_t *const out[SNC_B2X8_LANES])
{
	uint64_t t2[SNC_B2X8_LANES], hw[4][SNC_B2X8_LANES];
	__m512i h[8], m[16];

	memcpy(h, hk, sizeof(h));
	load_blocks(m, msg, len);
	for (int l = 0; l < SNC_B2X8_LANES; l++)
		t2[l] = 128 + len[l];
	compress(h, m, _mm512_loadu_si512(t2), 1);
	for (int i = 0; i < 4; i++)
		_mm512_storeu_si512(hw[i], h[i]);
	for (int l = 0; l < SNC_B2X8_LANES; l++)
		for (int i = 0; i < 4; i++)
			memcpy(out[l] + 8 * i, &hw[i][l], 8);
	sodium_memzero(hw, sizeof(hw)); /* the outputs are keys too (kf, kr) */
	sodium_memzero(h, sizeof(h));
}

void
snc_blake2b_k32_x8(const uint8_t *const key[SNC_B2X8_LANES],
		   const uint8_t *const msg[SNC_B2X8_LANES], const size_t len[SNC_B2X8_LANES],
		   uint8_t *const out[SNC_B2X8_LANES])
{
	__m512i h[8];

	/* outside the one-block contract (no caller does this): libsodium, lane by lane,
	 * rather than overrun the block buffer or hash an empty message differently */
	if (!one_block(len)) {
		for (int k = 0; k < SNC_B2X8_LANES; k++)
			crypto_generichash(out[k], 32, msg[k], len[k], key[k], 32);
		return;
	}
	keyed_state(h, key);
	finish(h, msg, len, out);
	sodium_memzero(h, sizeof(h));
}

void
snc_blake2b_k32_x8_two(const uint8_t *const key[SNC_B2X8_LANES],
		       const uint8_t *const msg_a[SNC_B2X8_LANES],
		       const size_t len_a[SNC_B2X8_LANES], uint8_t *const out_a[SNC_B2X8_LANES],
		       const uint8_t *const msg_b[SNC_B2X8_LANES],
		       const size_t len_b[SNC_B2X8_LANES], uint8_t *const out_b[SNC_B2X8_LANES])
{
	__m512i h[8];

	if (!one_block(len_a) || !one_block(len_b)) {
		snc_blake2b_k32_x8(key, msg_a, len_a, out_a);
		snc_blake2b_k32_x8(key, msg_b, len_b, out_b);
		return;
	}
	keyed_state(h, key);
	finish(h, msg_a, len_a, out_a);
	finish(h, msg_b, len_b, out_b);
	sodium_memzero(h, sizeof(h));
}

void
snc_blake2b_k32_state(const uint8_t key[32], uint64_t h[8])
{
	const uint8_t *key8[SNC_B2X8_LANES] = {key, key, key, key, key, key, key, key};
	uint64_t hw[SNC_B2X8_LANES];
	__m512i hv[8];

	keyed_state(hv, key8);
	for (int i = 0; i < 8; i++) {
		_mm512_storeu_si512(hw, hv[i]);
		h[i] = hw[0];
	}
	sodium_memzero(hw, sizeof(hw));
	sodium_memzero(hv, sizeof(hv));
}

int
snc_blake2b_k32_x8_from(const uint64_t *const state[SNC_B2X8_LANES],
			const uint8_t *const msg[SNC_B2X8_LANES], const size_t len[SNC_B2X8_LANES],
			uint8_t *const out[SNC_B2X8_LANES])
{
	uint64_t hw[8][SNC_B2X8_LANES];
	__m512i h[8];

	if (!one_block(len))
		return -1; /* the state is not libsodium's: no fallback here, the caller's */
	for (int l = 0; l < SNC_B2X8_LANES; l++)
		for (int i = 0; i < 8; i++)
			hw[i][l] = state[l][i];
	for (int i = 0; i < 8; i++)
		h[i] = _mm512_loadu_si512(hw[i]);
	finish(h, msg, len, out);
	sodium_memzero(hw, sizeof(hw));
	sodium_memzero(h, sizeof(h));
	return 0;
}
