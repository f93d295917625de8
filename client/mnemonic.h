/* SPDX-License-Identifier: MIT */
/*
 * Session's recovery phrase (session-desktop mnemonic.ts, Electrum 1.x style):
 * a 16-byte seed as 12 words, 3 words per little-endian u32 x over n = 1626
 * words (w1 = x mod n, w2 = (x / n + w1) mod n, w3 = (x / n^2 + w2) mod n),
 * then a checksum word: word[CRC-32(first 3 letters of each of the 12 words)
 * mod 12]. Words are recognised by their first 3 letters (all distinct).
 * Session's Ed25519 seed is the 16 bytes followed by 16 zero bytes.
 */
#ifndef SCL_MNEMONIC_H
#define SCL_MNEMONIC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum {
	SCL_MNEMONIC_WORDS = 1626,
	SCL_MNEMONIC_SEED_BYTES = 16,
	SCL_MNEMONIC_PHRASE_WORDS = 13,
	SCL_MNEMONIC_PREFIX = 3,
	SCL_MNEMONIC_PHRASE_MAX = 13 * 13, /* 12-letter words, spaces, NUL */
	SCL_MNEMONIC_INPUT_MAX = 1024,	   /* longest phrase text accepted */
};

extern const char *const scl_mnemonic_words[SCL_MNEMONIC_WORDS];

/* The 13-word phrase of seed into out (SCL_MNEMONIC_PHRASE_MAX bytes). */
void scl_mnemonic_encode(const uint8_t seed[SCL_MNEMONIC_SEED_BYTES],
			 char out[SCL_MNEMONIC_PHRASE_MAX]);

/*
 * Decodes a phrase: words separated by any ASCII white space, letters of
 * either case, each word known by its first 3 letters (longer words must still
 * be a real word's prefix-equal spelling: only the prefix is compared, as
 * Session does). Exactly 13 words. Returns 0, or -1 with SCL_E_PHRASE and a
 * message naming the problem (count, unknown word N, checksum, a word triple
 * outside 32 bits).
 */
int scl_mnemonic_decode(const char *phrase, uint8_t seed[SCL_MNEMONIC_SEED_BYTES],
			struct scl_error *err);

/* Session's Ed25519 seed of a phrase seed: the 16 bytes, then 16 zeros. */
void scl_mnemonic_ed25519_seed(const uint8_t seed[SCL_MNEMONIC_SEED_BYTES], uint8_t ed_seed[32]);

#endif
