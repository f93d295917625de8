/* SPDX-License-Identifier: MIT */
#include "mnemonic.h"

#include <ctype.h>
#include <string.h>

/* The CRC-32 of zlib and buffer-crc32 (reflected, polynomial 0xEDB88320). */
static uint32_t
crc32_update(uint32_t crc, const char *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint8_t)p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* Index of the checksum word among the first 12 (by their 3-letter prefixes). */
static size_t
checksum_index(const int idx[12])
{
	uint32_t crc = 0;

	for (int i = 0; i < 12; i++) {
		const char *w = scl_mnemonic_words[idx[i]];
		size_t n = strlen(w);

		crc = crc32_update(crc, w, n < SCL_MNEMONIC_PREFIX ? n : SCL_MNEMONIC_PREFIX);
	}
	return crc % 12;
}

void
scl_mnemonic_encode(const uint8_t seed[SCL_MNEMONIC_SEED_BYTES], char out[SCL_MNEMONIC_PHRASE_MAX])
{
	const uint32_t n = SCL_MNEMONIC_WORDS;
	int idx[12];
	size_t len = 0;

	for (int g = 0; g < 4; g++) {
		const uint8_t *b = seed + 4 * g;
		uint32_t x =
			b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		uint32_t w1 = x % n, w2 = (x / n + w1) % n, w3 = (x / n / n + w2) % n;

		idx[3 * g] = (int)w1;
		idx[3 * g + 1] = (int)w2;
		idx[3 * g + 2] = (int)w3;
	}
	for (int i = 0; i <= 12; i++) {
		const char *w = scl_mnemonic_words[i < 12 ? idx[i] : idx[checksum_index(idx)]];
		size_t wl = strlen(w);

		if (i > 0)
			out[len++] = ' ';
		memcpy(out + len, w, wl);
		len += wl;
	}
	out[len] = '\0';
}

/* The word whose 3-letter prefix equals w's (case-insensitive), or -1. */
static int
find_word(const char *w, size_t len)
{
	char p[SCL_MNEMONIC_PREFIX];
	int lo = 0, hi = SCL_MNEMONIC_WORDS - 1;

	if (len < SCL_MNEMONIC_PREFIX) /* no word is shorter than 3 letters */
		return -1;
	for (int i = 0; i < SCL_MNEMONIC_PREFIX; i++)
		p[i] = (char)tolower((unsigned char)w[i]);
	while (lo <= hi) { /* the list is sorted, and so are its prefixes */
		int mid = (lo + hi) / 2,
		    c = strncmp(scl_mnemonic_words[mid], p, SCL_MNEMONIC_PREFIX);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Splits phrase into word indexes; returns the word count (up to 14 counted). */
static int
split_words(const char *phrase, int idx[SCL_MNEMONIC_PHRASE_WORDS], int *bad)
{
	int count = 0;
	const char *p = phrase;

	*bad = 0;
	while (*p != '\0' && count <= SCL_MNEMONIC_PHRASE_WORDS) {
		const char *start;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (count < SCL_MNEMONIC_PHRASE_WORDS) {
			idx[count] = find_word(start, (size_t)(p - start));
			if (idx[count] < 0 && *bad == 0)
				*bad = count + 1;
		}
		count++;
	}
	return count;
}

int
scl_mnemonic_decode(const char *phrase, uint8_t seed[SCL_MNEMONIC_SEED_BYTES],
		    struct scl_error *err)
{
	const uint64_t n = SCL_MNEMONIC_WORDS;
	int idx[SCL_MNEMONIC_PHRASE_WORDS], bad, count;

	if (phrase == NULL || strnlen(phrase, SCL_MNEMONIC_INPUT_MAX + 1) > SCL_MNEMONIC_INPUT_MAX)
		return scl_fail(err, SCL_E_PHRASE, "recovery phrase missing or too long");
	count = split_words(phrase, idx, &bad);
	if (count != SCL_MNEMONIC_PHRASE_WORDS)
		return scl_fail(err, SCL_E_PHRASE, "a recovery phrase has 13 words, not %s%d",
				count > SCL_MNEMONIC_PHRASE_WORDS ? "more than " : "",
				count > SCL_MNEMONIC_PHRASE_WORDS ? 13 : count);
	if (bad != 0)
		return scl_fail(err, SCL_E_PHRASE, "word %d is not in the word list", bad);
	for (int g = 0; g < 4; g++) {
		uint64_t w1 = (uint64_t)idx[3 * g], w2 = (uint64_t)idx[3 * g + 1],
			 w3 = (uint64_t)idx[3 * g + 2];
		uint64_t x = w1 + n * ((n - w1 + w2) % n) + n * n * ((n - w2 + w3) % n);

		if (x > UINT32_MAX) /* 1626^3 > 2^32: some triples name no 4 bytes */
			return scl_fail(err, SCL_E_PHRASE, "words %d-%d do not decode", 3 * g + 1,
					3 * g + 3);
		for (int k = 0; k < 4; k++)
			seed[4 * g + k] = (uint8_t)(x >> (8 * k));
	}
	if (idx[checksum_index(idx)] != idx[12])
		return scl_fail(err, SCL_E_PHRASE, "the checksum word (13th) does not match");
	return 0;
}

void
scl_mnemonic_ed25519_seed(const uint8_t seed[SCL_MNEMONIC_SEED_BYTES], uint8_t ed_seed[32])
{
	memcpy(ed_seed, seed, SCL_MNEMONIC_SEED_BYTES);
	memset(ed_seed + SCL_MNEMONIC_SEED_BYTES, 0, 32 - SCL_MNEMONIC_SEED_BYTES);
}
