/* SPDX-License-Identifier: MIT */
/*
 * Swarm-space arithmetic. All distances are u64 differences that wrap, which
 * is what makes the last swarm the "left" neighbour of points below the first.
 */
#include "swarm_space.h"

#include <errno.h>

uint64_t
snc_swarm_space_point(const uint8_t pubkey[33])
{
	uint64_t res = 0;

	for (int chunk = 0; chunk < 4; chunk++) {
		uint64_t v = 0;

		for (int i = 0; i < 8; i++)
			v = v << 8 | pubkey[1 + 8 * chunk + i];
		res ^= v;
	}
	return res;
}

int
snc_swarm_space_check_ids(const uint64_t *ids, size_t n)
{
	if (ids == NULL || n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == SNC_SWARM_SPACE_INVALID_ID)
			return -EINVAL;
		if (i > 0 && ids[i] <= ids[i - 1])
			return -EINVAL;
	}
	return 0;
}

int
snc_swarm_space_closest(const uint64_t *ids, size_t n, uint64_t point, uint64_t *swarm)
{
	size_t lo = 0, hi = n, right, left;

	if (ids == NULL || swarm == NULL || n == 0)
		return -EINVAL;
	if (n == 1) {
		*swarm = ids[0];
		return 0;
	}
	while (lo < hi) { /* lower_bound: first id >= point */
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < point)
			lo = mid + 1;
		else
			hi = mid;
	}
	right = lo == n ? 0 : lo;
	left = right == 0 ? n - 1 : right - 1;
	*swarm = ids[right] - point < point - ids[left] ? ids[right] : ids[left];
	return 0;
}

int
snc_swarm_space_bounds(const uint64_t *ids, size_t n, size_t idx, uint64_t *lo, uint64_t *hi)
{
	uint64_t prev, next;

	if (ids == NULL || lo == NULL || hi == NULL || n == 0 || idx >= n)
		return -EINVAL;
	if (n == 1) {
		*lo = *hi = ids[0];
		return 0;
	}
	prev = ids[idx == 0 ? n - 1 : idx - 1];
	next = ids[idx == n - 1 ? 0 : idx + 1];
	/* A point at distance d from the left swarm and d' from the right goes left iff d <= d',
	 * so the left swarm owns up to left + floor(gap / 2). */
	*lo = prev + (ids[idx] - prev) / 2;
	*hi = ids[idx] + (next - ids[idx]) / 2;
	return 0;
}
