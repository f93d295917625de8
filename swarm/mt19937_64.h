/* SPDX-License-Identifier: MIT */
/*
 * The random stream of the swarm assignment: std::mt19937_64 bit for bit
 * (Matsumoto-Nishimura 64-bit Mersenne Twister, C++ [rand.predef]) and
 * oxen-core's tools::uniform_distribution_portable on top of it. Every node of
 * the network draws the same numbers from the same block hash, so nothing here
 * may depend on the platform. Operators never see it directly; snode-sim
 * exercises it.
 */
#ifndef SWARM_MT19937_64_H
#define SWARM_MT19937_64_H

#include <stdint.h>

enum {
	SWARM_MT19937_64_WORDS = 312, /* state words (n) */
};

/* std::mt19937_64::default_seed. */
#define SWARM_MT19937_64_DEFAULT_SEED 5489u

struct swarm_mt19937_64 {
	uint64_t mt[SWARM_MT19937_64_WORDS];
	unsigned idx; /* next word to temper; SWARM_MT19937_64_WORDS = regenerate first */
};

/* std::mt19937_64 rng(seed). */
void swarm_mt19937_64_seed(struct swarm_mt19937_64 *rng, uint64_t seed);

/* rng(): the next 64-bit output. */
uint64_t swarm_mt19937_64_next(struct swarm_mt19937_64 *rng);

/*
 * tools::uniform_distribution_portable(rng, n): a value in [0, n) from whole
 * outputs, redrawing those at or above the largest multiple of n (so n = 1
 * still consumes one output, as upstream does). Returns 0, or -EINVAL for
 * n == 0 (upstream asserts) without drawing.
 */
int swarm_mt19937_64_uniform(struct swarm_mt19937_64 *rng, uint64_t n, uint64_t *out);

#endif
