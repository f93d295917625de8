/* SPDX-License-Identifier: MIT */
/*
 * get_new_swarm_id. All arithmetic is u64 and may wrap where upstream's
 * does; SWARM_ID_MAX + 1 is treated as 0, so the largest id and 0 are
 * neighbours one apart.
 */
#include "swarm_id.h"

#include <errno.h>

int
swarm_id_new(const uint64_t *ids, size_t n, uint64_t *out)
{
	uint64_t best_gap = 0, half, room;
	size_t best = 0;

	if (out == NULL || (ids == NULL && n > 0))
		return -EINVAL;
	if (n == 0) {
		*out = 0;
		return 0;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (ids[i + 1] - ids[i] > best_gap) {
			best_gap = ids[i + 1] - ids[i];
			best = i;
		}
	}
	/* With one id this is SWARM_ID_MAX + 1: the whole ring but that id. */
	if (SWARM_ID_MAX - ids[n - 1] + ids[0] + 1 > best_gap) {
		best_gap = SWARM_ID_MAX - ids[n - 1] + ids[0] + 1;
		best = n - 1;
	}
	half = best_gap / 2;
	room = SWARM_ID_MAX - ids[best]; /* how far we can add before passing SWARM_ID_MAX */
	*out = half > room ? half - room - 1 : ids[best] + half;
	return 0;
}
