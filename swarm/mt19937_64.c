/* SPDX-License-Identifier: MIT */
/*
 * std::mt19937_64: w = 64, n = 312, m = 156, r = 31, the constants of
 * [rand.predef]. The state is regenerated 312 words at a time, as libstdc++
 * and libc++ do; the output sequence does not depend on that choice.
 */
#include "mt19937_64.h"

#include <errno.h>
#include <stddef.h>

enum {
	MT_SHIFT = 156, /* m */
};

#define MT_MATRIX UINT64_C(0xb5026f5aa96619e9)
#define MT_UPPER  UINT64_C(0xffffffff80000000) /* the top w - r bits */
#define MT_LOWER  UINT64_C(0x000000007fffffff)
#define MT_INIT	  UINT64_C(6364136223846793005)

void
swarm_mt19937_64_seed(struct swarm_mt19937_64 *rng, uint64_t seed)
{
	rng->mt[0] = seed;
	for (unsigned i = 1; i < SWARM_MT19937_64_WORDS; i++)
		rng->mt[i] = MT_INIT * (rng->mt[i - 1] ^ (rng->mt[i - 1] >> 62)) + i;
	rng->idx = SWARM_MT19937_64_WORDS;
}

static uint64_t
twist(uint64_t upper, uint64_t lower, uint64_t far)
{
	uint64_t y = (upper & MT_UPPER) | (lower & MT_LOWER);

	return far ^ (y >> 1) ^ ((y & 1) ? MT_MATRIX : 0);
}

static void
regenerate(struct swarm_mt19937_64 *rng)
{
	uint64_t *mt = rng->mt;
	unsigned i;

	for (i = 0; i < SWARM_MT19937_64_WORDS - MT_SHIFT; i++)
		mt[i] = twist(mt[i], mt[i + 1], mt[i + MT_SHIFT]);
	for (; i < SWARM_MT19937_64_WORDS - 1; i++)
		mt[i] = twist(mt[i], mt[i + 1], mt[i + MT_SHIFT - SWARM_MT19937_64_WORDS]);
	mt[i] = twist(mt[i], mt[0], mt[MT_SHIFT - 1]);
	rng->idx = 0;
}

uint64_t
swarm_mt19937_64_next(struct swarm_mt19937_64 *rng)
{
	uint64_t z;

	if (rng->idx >= SWARM_MT19937_64_WORDS)
		regenerate(rng);
	z = rng->mt[rng->idx++];
	z ^= (z >> 29) & UINT64_C(0x5555555555555555);
	z ^= (z << 17) & UINT64_C(0x71d67fffeda60000);
	z ^= (z << 37) & UINT64_C(0xfff7eee000000000);
	z ^= z >> 43;
	return z;
}

int
swarm_mt19937_64_uniform(struct swarm_mt19937_64 *rng, uint64_t n, uint64_t *out)
{
	uint64_t limit, x;

	if (rng == NULL || out == NULL || n == 0)
		return -EINVAL;
	/* Outputs at or above limit would make the low results likelier: draw again. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		x = swarm_mt19937_64_next(rng);
	while (x >= limit);
	*out = x / (limit / n);
	return 0;
}
