/* SPDX-License-Identifier: MIT */
#include "replay.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

static size_t
filter_bytes(uint32_t log2_bits)
{
	return ((size_t)1 << log2_bits) / 8;
}

int
dp_replay_init(struct dp_replay *r, uint32_t log2_bits, uint64_t window_ns, uint64_t now_ns)
{
	memset(r, 0, sizeof(*r));
	if (log2_bits < 10 || log2_bits > 32 || window_ns == 0)
		return -EINVAL;
	r->log2_bits = log2_bits; /* dp_replay_free's size */
	r->bits[0] = dp_bigmem_alloc(filter_bytes(log2_bits));
	r->bits[1] = dp_bigmem_alloc(filter_bytes(log2_bits));
	if (r->bits[0] == NULL || r->bits[1] == NULL) {
		dp_replay_free(r);
		return -ENOMEM;
	}
	r->window_ns = window_ns;
	r->rotated_ns = now_ns;
	randombytes_buf(r->sip_key, sizeof(r->sip_key));
	return 0;
}

void
dp_replay_free(struct dp_replay *r)
{
	for (int i = 0; i < 2; i++)
		dp_bigmem_free(r->bits[i], filter_bytes(r->log2_bits));
	r->bits[0] = r->bits[1] = NULL;
}

/* Clears the older filter and makes it current; a long idle gap clears both. */
static void
rotate(struct dp_replay *r, uint64_t now_ns)
{
	if (now_ns - r->rotated_ns >= 2 * r->window_ns)
		memset(r->bits[r->cur], 0, filter_bytes(r->log2_bits));
	r->cur ^= 1;
	memset(r->bits[r->cur], 0, filter_bytes(r->log2_bits));
	r->rotated_ns = now_ns;
}

static bool
test_and_set(uint64_t *bits, const uint32_t pos[DP_REPLAY_K], bool set)
{
	bool all = true;

	for (int i = 0; i < DP_REPLAY_K; i++) {
		uint64_t bit = 1ull << (pos[i] & 63);
		all = all && (bits[pos[i] >> 6] & bit) != 0;
		if (set)
			bits[pos[i] >> 6] |= bit;
	}
	return all;
}

void
dp_replay_hash(const struct dp_replay *r, const uint8_t key32[32], struct dp_replay_pos *p)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t h1, h2, mask = ((uint64_t)1 << r->log2_bits) - 1;

	crypto_shorthash(h, key32, 32, r->sip_key);
	memcpy(&h1, h, 8);
	h2 = (h1 >> 32) | (h1 << 32) | 1; /* double hashing: positions h1 + i*h2 */
	for (int i = 0; i < DP_REPLAY_K; i++) {
		p->pos[i] = (uint32_t)((h1 + (uint64_t)i * h2) & mask);
		__builtin_prefetch(&r->bits[0][p->pos[i] >> 6], 1);
		__builtin_prefetch(&r->bits[1][p->pos[i] >> 6], 1);
	}
}

bool
dp_replay_check_and_add_at(struct dp_replay *r, const struct dp_replay_pos *p, uint64_t now_ns)
{
	bool seen;

	if (now_ns - r->rotated_ns >= r->window_ns)
		rotate(r, now_ns);
	seen = test_and_set(r->bits[r->cur ^ 1], p->pos, false);
	seen = test_and_set(r->bits[r->cur], p->pos, true) || seen;
	return seen;
}

bool
dp_replay_check_and_add(struct dp_replay *r, const uint8_t key32[32], uint64_t now_ns)
{
	struct dp_replay_pos p;

	dp_replay_hash(r, key32, &p);
	return dp_replay_check_and_add_at(r, &p, now_ns);
}
