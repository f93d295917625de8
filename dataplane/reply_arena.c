/* SPDX-License-Identifier: MIT */
#include "reply_arena.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
dp_arena_init(struct dp_arena *a, size_t cap)
{
	memset(a, 0, sizeof(*a));
	if (cap == 0)
		return -EINVAL;
	/* calloc of this size is an mmap of zero pages: no RSS until written */
	a->base = calloc(1, cap);
	if (a->base == NULL)
		return -ENOMEM;
	a->cap = cap;
	return 0;
}

void
dp_arena_free(struct dp_arena *a)
{
	free(a->base);
	memset(a, 0, sizeof(*a));
}

uint8_t *
dp_arena_get(struct dp_arena *a, size_t len)
{
	size_t start = 0;
	unsigned i;

	if (a->base == NULL || a->n == DP_ARENA_BLOCKS)
		return NULL;
	/* the first gap that fits: before block i, or after the last one */
	for (i = 0; i <= a->n; i++) {
		size_t end = i < a->n ? a->blk[i].off : a->cap;
		if (end - start >= len)
			break;
		start = a->blk[i].off + a->blk[i].len;
	}
	if (i > a->n)
		return NULL;
	memmove(&a->blk[i + 1], &a->blk[i], (a->n - i) * sizeof(a->blk[0]));
	a->blk[i] = (struct dp_arena_block){start, len};
	a->n++;
	a->used += len;
	return a->base + start;
}

/* Index of the live block of len bytes at p, or a->n when there is none. */
static unsigned
find(const struct dp_arena *a, const uint8_t *p, size_t len)
{
	unsigned lo = 0, hi = a->n;
	size_t off;

	if (a->base == NULL || p < a->base || p > a->base + a->cap)
		return a->n;
	off = (size_t)(p - a->base);
	/* the first block at or after off */
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (a->blk[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* zero-length blocks may share their offset with the block after them */
	while (lo < a->n && a->blk[lo].off == off && a->blk[lo].len != len)
		lo++;
	return lo < a->n && a->blk[lo].off == off ? lo : a->n;
}

int
dp_arena_put(struct dp_arena *a, const uint8_t *p, size_t len)
{
	unsigned lo = find(a, p, len);

	if (lo == a->n)
		return -ENOENT;
	a->used -= len;
	a->n--;
	memmove(&a->blk[lo], &a->blk[lo + 1], (a->n - lo) * sizeof(a->blk[0]));
	return 0;
}

int
dp_arena_trim(struct dp_arena *a, const uint8_t *p, size_t len, size_t new_len)
{
	unsigned i = find(a, p, len);

	if (i == a->n)
		return -ENOENT;
	if (new_len > len)
		return -EINVAL;
	a->blk[i].len = new_len;
	a->used -= len - new_len;
	return 0;
}

int
dp_arena_grow(struct dp_arena *a, const uint8_t *p, size_t len, size_t new_len)
{
	unsigned i = find(a, p, len);
	size_t end;

	if (i == a->n)
		return -ENOENT;
	if (new_len < len)
		return -EINVAL;
	/* up to the next block (a zero-length one too: blocks stay apart and sorted) */
	end = i + 1 < a->n ? a->blk[i + 1].off : a->cap;
	if (end - a->blk[i].off < new_len)
		return -ENOSPC;
	a->blk[i].len = new_len;
	a->used += new_len - len;
	return 0;
}
