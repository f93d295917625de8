/* SPDX-License-Identifier: MIT */
/*
 * calc_swarm_changes step by step. Every quirk of upstream that changes which
 * numbers are drawn or where they land is kept on purpose, and marked: a
 * "fix" here would split this node from the network.
 */
#include "swarm_steps.h"

#include <errno.h>

#include "swarm_rules.h"

static size_t
percentile_index(unsigned percentile, size_t n)
{
	return percentile * (n - 1) / 100;
}

static int
draw(struct swarm_mt19937_64 *rng, size_t n, size_t *out)
{
	uint64_t v;
	int rc = swarm_mt19937_64_uniform(rng, n, &v);

	*out = (size_t)v;
	return rc;
}

/* Takes SWARM_RULES_NEW_SIZE nodes out of the excess pool into drawn[]. */
static int
draw_new_swarm(struct swarm_set *set, struct swarm_mt19937_64 *rng, uint32_t *drawn)
{
	for (int i = 0; i < SWARM_RULES_NEW_SIZE; i++) {
		size_t pool, excess, k, slot;

		swarm_set_pool(set, SWARM_RULES_EXCESS_BASE, &pool, &excess);
		/* Upstream logs and returns, losing the nodes drawn so far. Unreachable: the
		 * loop condition leaves excess >= 2 * swarms + 1 after every draw. */
		if (pool == 0)
			return -ENOSPC;
		if (draw(rng, pool, &k) != 0 ||
		    swarm_set_pool_pick(set, SWARM_RULES_EXCESS_BASE, k, &slot, &drawn[i]) != 0)
			return -ENOSPC;
		swarm_set_unlink(set, slot, drawn[i]);
	}
	return 0;
}

int
swarm_steps_new_from_excess(struct swarm_set *set, struct swarm_mt19937_64 *rng,
			    struct swarm_assign_stats *stats)
{
	if (swarm_set_has_starving(set))
		return 0;
	while (swarm_set_excess(set) >= SWARM_RULES_NEW_SIZE + SWARM_RULES_IDEAL_MARGIN * set->n) {
		uint32_t drawn[SWARM_RULES_NEW_SIZE];
		uint64_t id;
		size_t slot;
		int rc = draw_new_swarm(set, rng, drawn);

		if (rc != 0)
			return rc;
		/* The id comes from the swarms as they are after the draws. Upstream logs a
		 * clash and drops the nodes; a gap of 2 or more always exists below 2^63
		 * swarms, so the midpoint is never taken. */
		swarm_id_new(set->ids, set->n, &id);
		rc = swarm_set_insert(set, id, &slot);
		if (rc != 0)
			return rc;
		for (int i = 0; i < SWARM_RULES_NEW_SIZE; i++)
			swarm_set_append(set, slot, drawn[i]);
		stats->created++;
	}
	return 0;
}

/* The candidates: indices 0 .. last index whose size equals the percentile's. */
static size_t
candidates(const struct swarm_set *set, size_t count, unsigned percentile)
{
	size_t at = percentile_index(percentile, count);
	size_t value = set->sorted[at].size;

	for (size_t i = at; i < count; i++) {
		if (set->sorted[i].size > value)
			return i;
	}
	return count;
}

int
swarm_steps_assign(struct swarm_set *set, struct swarm_mt19937_64 *rng, const uint32_t *nodes,
		   size_t n, unsigned percentile, struct swarm_assign_stats *stats)
{
	for (size_t i = 0; i < n; i++) {
		size_t count = swarm_set_sorted_sizes(set), pick;
		int rc;

		if (count == 0) /* upstream: sorted_swarm_sizes.at(0) throws */
			return -ERANGE;
		if (draw(rng, candidates(set, count, percentile), &pick) != 0)
			return -ERANGE;
		swarm_set_append(set, set->sorted[pick].slot, nodes[i]);
		rc = swarm_steps_new_from_excess(set, rng, stats);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Fills one starving swarm; returns 0 when the excess could not cover it. */
static int
feed(struct swarm_set *set, struct swarm_mt19937_64 *rng, size_t poor, size_t rich_above,
     struct swarm_assign_stats *stats)
{
	do {
		size_t pool, excess, k, slot;
		uint32_t node;

		swarm_set_pool(set, rich_above, &pool, &excess);
		if (excess < SWARM_RULES_MIN_SIZE - set->lists[poor].size)
			return 0;
		if (draw(rng, pool, &k) != 0 ||
		    swarm_set_pool_pick(set, rich_above, k, &slot, &node) != 0)
			return 0;
		swarm_set_unlink(set, slot, node);
		swarm_set_append(set, poor, node);
		stats->stolen++;
	} while (set->lists[poor].size < SWARM_RULES_MIN_SIZE);
	return 1;
}

void
swarm_steps_robin_hood(struct swarm_set *set, struct swarm_mt19937_64 *rng,
		       struct swarm_assign_stats *stats)
{
	size_t count = swarm_set_sorted_sizes(set), rich_above;

	if (count == 0)
		return;
	/* Sizes from the one sort before the loop, as upstream. A percentile size of 0
	 * wraps to SIZE_MAX here exactly as upstream's size_t does: nothing is rich. */
	rich_above = set->sorted[percentile_index(SWARM_RULES_STEAL_PERCENTILE, count)].size - 1;
	if (rich_above < SWARM_RULES_MIN_SIZE)
		rich_above = SWARM_RULES_MIN_SIZE;
	/* Swarms neither appear nor vanish below, so the sorted slots stay valid; the
	 * starving ones only grow while their own turn runs. */
	for (size_t i = 0; i < count; i++) {
		if (set->sorted[i].size >= SWARM_RULES_MIN_SIZE)
			break;
		if (!feed(set, rng, set->sorted[i].slot, rich_above, stats))
			break; /* larger deficits follow: none can be covered either */
	}
}

static int
first_starving(const struct swarm_set *set, size_t *slot)
{
	for (size_t i = 0; i < set->n; i++) {
		if (set->lists[i].size < SWARM_RULES_MIN_SIZE) {
			*slot = i;
			return 1;
		}
	}
	return 0;
}

int
swarm_steps_dissolve(struct swarm_set *set, struct swarm_mt19937_64 *rng, uint32_t *buf,
		     struct swarm_assign_stats *stats)
{
	size_t slot, count;

	/* Checked once: the loop may go on down to no swarm at all (then -ERANGE). */
	if (set->n <= 1)
		return 0;
	while (first_starving(set, &slot)) {
		int rc;

		swarm_set_erase(set, slot, buf, &count);
		stats->dissolved++;
		rc = swarm_steps_assign(set, rng, buf, count, SWARM_RULES_DISSOLVE_PERCENTILE,
					stats);
		if (rc != 0)
			return rc;
	}
	return 0;
}
