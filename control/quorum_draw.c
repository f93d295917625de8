/* SPDX-License-Identifier: MIT */
/*
 * oxend's generate_shuffled_service_node_index_list and the obligations part
 * of generate_quorums (service_node_list.cpp), over positions.
 */
#include "quorum_draw.h"

#include <errno.h>
#include <string.h>

#include "mt19937_64.h"

void
ctl_quorum_sizes(size_t na, size_t nd, size_t *nv, size_t *nw)
{
	size_t rest, want;

	*nv = na < CTL_QUORUM_VALIDATORS ? na : CTL_QUORUM_VALIDATORS;
	rest = na + nd - *nv;
	want = rest / CTL_QUORUM_NTH_TESTED;
	if (want < CTL_QUORUM_MIN_WORKERS)
		want = CTL_QUORUM_MIN_WORKERS;
	*nw = rest < want ? rest : want;
}

uint64_t
ctl_quorum_seed64(const uint8_t seed[32])
{
	uint64_t s = 0;

	for (int i = 7; i >= 0; i--)
		s = s << 8 | seed[i];
	return s + CTL_QUORUM_TYPE_OBLIGATIONS;
}

/* loki_shuffle / tools::shuffle_portable: a fresh generator per call. */
static void
shuffle(uint16_t *a, size_t n, uint64_t seed64)
{
	struct swarm_mt19937_64 rng;

	if (n < 2)
		return;
	swarm_mt19937_64_seed(&rng, seed64);
	for (size_t i = 1; i < n; i++) {
		uint64_t j = 0;
		uint16_t t;

		/* i + 1 > 0: uniform cannot fail */
		(void)swarm_mt19937_64_uniform(&rng, i + 1, &j);
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

int
ctl_quorum_shuffle(size_t na, size_t nd, uint64_t seed64, uint16_t *idx)
{
	size_t n = na + nd, nv, nw;

	if (n > CTL_QUORUM_LIST_MAX)
		return -EINVAL;
	ctl_quorum_sizes(na, nd, &nv, &nw);
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint16_t)i;
	/* validators only from the active part: shuffle it first, then the rest
	 * behind the validators (the workers' pool), both from the same seed */
	if (nv > 0 && nv < n && na > 0 && na < n) {
		shuffle(idx, na, seed64);
		shuffle(idx + nv, n - nv, seed64);
	} else {
		shuffle(idx, n, seed64);
	}
	return 0;
}

static int
find(const uint8_t (*keys)[32], size_t n, const uint8_t key[32])
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(keys[i], key, 32) == 0)
			return (int)i;
	return -1;
}

int
ctl_quorum_worker_index(const struct ctl_quorum *q, const uint8_t key[32])
{
	return q->valid ? find(q->workers, q->nw, key) : -1;
}

int
ctl_quorum_validator_index(const struct ctl_quorum *q, const uint8_t key[32])
{
	return q->valid ? find(q->validators, q->nv, key) : -1;
}
