/* SPDX-License-Identifier: MIT */
/*
 * The reply arena of one worker: the bytes of the replies it is sending
 * (reply.c), carved from one region allocated at init, so the fast path never
 * calls malloc. First fit over at most DP_ARENA_BLOCKS live blocks, kept
 * sorted by offset: a reply that finishes early frees its block at once, a
 * long one does not hold back the space behind it. When no gap is large
 * enough the caller drops the reply and counts it (reply_busy). Pure (no
 * DPDK): unit-tested under sanitizers.
 */
#ifndef DP_REPLY_ARENA_H
#define DP_REPLY_ARENA_H

#include <stddef.h>
#include <stdint.h>

enum {
	/* live blocks at most: one per reply slot (DP_REPLY_PENDING) or reassembly slot
	 * (DP_DATA_PENDING), plus one while a reassembly buffer moves to a larger block */
	DP_ARENA_BLOCKS = 65,
};

struct dp_arena_block {
	size_t off, len;
};

struct dp_arena {
	uint8_t *base;
	size_t cap;
	size_t used; /* bytes in live blocks */
	unsigned n;  /* live blocks, sorted by off */
	struct dp_arena_block blk[DP_ARENA_BLOCKS];
};

/* cap bytes, allocated here once (mapped by the kernel as they are first
 * written, so an idle worker costs address space only). 0, -EINVAL, -ENOMEM. */
int dp_arena_init(struct dp_arena *a, size_t cap);

/* Releases the region (live blocks included). */
void dp_arena_free(struct dp_arena *a);

/* len contiguous bytes (len 0 too: a block that holds none), or NULL when no
 * gap fits or DP_ARENA_BLOCKS blocks are live. */
uint8_t *dp_arena_get(struct dp_arena *a, size_t len);

/* Returns the block of len bytes at p (from dp_arena_get); -ENOENT when there is none. */
int dp_arena_put(struct dp_arena *a, const uint8_t *p, size_t len);

/* Lengthens the block of len bytes at p to new_len >= len in place (the gap behind it
 * must hold the difference); -ENOENT when there is no such block, -ENOSPC when the
 * gap is too short, -EINVAL when new_len < len. */
int dp_arena_grow(struct dp_arena *a, const uint8_t *p, size_t len, size_t new_len);

/* Shortens the block of len bytes at p to new_len <= len (the tail is free again);
 * -ENOENT when there is no such block, -EINVAL when new_len > len. */
int dp_arena_trim(struct dp_arena *a, const uint8_t *p, size_t len, size_t new_len);

#endif
