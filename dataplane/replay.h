/* SPDX-License-Identifier: MIT */
/*
 * Replay filter for CREATE cells: a CREATE whose ephemeral key was seen
 * within the window is dropped before any public-key work. Two Bloom filters
 * rotate every `window`: a key is remembered for at least one window and at
 * most two. Positions come from SipHash-2-4 under a per-process random key,
 * so senders cannot aim keys at chosen bits. One filter per worker lcore.
 *
 * Sizing (docs/performance.md has the arithmetic): with m bits per filter,
 * k = 4 positions and n keys per window, the false-positive rate is about
 * (1 - e^(-4n/m))^4 per filter; 2^24 bits (2 MiB per filter) hold 1,000,000
 * keys per window at about 0.05%.
 */
#ifndef DP_REPLAY_H
#define DP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

enum {
	DP_REPLAY_K = 4,		  /* bit positions per key */
	DP_REPLAY_DEFAULT_LOG2_BITS = 24, /* 2 MiB per filter */
	DP_REPLAY_DEFAULT_WINDOW_S = 60,  /* seconds */
};

struct dp_replay {
	uint64_t *bits[2]; /* [current], [previous] */
	uint32_t log2_bits;
	uint64_t window_ns;
	uint64_t rotated_ns;
	uint8_t sip_key[16];
	unsigned cur;
};

/* log2_bits 10..32. Returns 0, -EINVAL or -ENOMEM. */
int dp_replay_init(struct dp_replay *r, uint32_t log2_bits, uint64_t window_ns, uint64_t now_ns);
void dp_replay_free(struct dp_replay *r);

/* True if key32 was seen in the last one-to-two windows; records it either way. */
bool dp_replay_check_and_add(struct dp_replay *r, const uint8_t key32[32], uint64_t now_ns);

/* The same in two steps, so that a burst's filter words (cache misses: the bit positions
 * are random in megabytes) are all requested before the first is tested: dp_replay_hash
 * computes a key's positions and prefetches their words, dp_replay_check_and_add_at is
 * dp_replay_check_and_add on them. */
struct dp_replay_pos {
	uint32_t pos[DP_REPLAY_K];
};
void dp_replay_hash(const struct dp_replay *r, const uint8_t key32[32], struct dp_replay_pos *p);
bool dp_replay_check_and_add_at(struct dp_replay *r, const struct dp_replay_pos *p,
				uint64_t now_ns);

#endif
