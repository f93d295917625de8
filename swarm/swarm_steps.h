/* SPDX-License-Identifier: MIT */
/*
 * The steps of calc_swarm_changes over a swarm_set, one function per upstream
 * helper, each consuming the shared mt19937_64 stream in upstream's order.
 * Internal to libswarm (swarm_assign.c strings them together); tests call them
 * one by one, as upstream's unit tests do.
 */
#ifndef SWARM_STEPS_H
#define SWARM_STEPS_H

#include <stddef.h>
#include <stdint.h>

#include "mt19937_64.h"
#include "swarm_assign.h"
#include "swarm_set.h"

/*
 * create_new_swarm_from_excess: unless a swarm is starving, while the excess
 * is at least SWARM_RULES_NEW_SIZE + SWARM_RULES_IDEAL_MARGIN * swarms, draw
 * SWARM_RULES_NEW_SIZE nodes one by one from the pool of swarms above
 * SWARM_RULES_EXCESS_BASE and give them a new swarm (swarm_id_new). Returns 0,
 * or -ENOSPC / -EEXIST in cases upstream only logs (unreachable, see .c).
 */
int swarm_steps_new_from_excess(struct swarm_set *set, struct swarm_mt19937_64 *rng,
				struct swarm_assign_stats *stats);

/*
 * assign_snodes: each node in turn joins a random swarm among those no larger
 * than the size at the percentile index of the size-sorted swarms, then
 * swarm_steps_new_from_excess runs. Returns 0, -ERANGE if there is no swarm
 * (upstream throws), or what swarm_steps_new_from_excess returns.
 */
int swarm_steps_assign(struct swarm_set *set, struct swarm_mt19937_64 *rng, const uint32_t *nodes,
		       size_t n, unsigned percentile, struct swarm_assign_stats *stats);

/*
 * The Robin Hood round: starving swarms, smallest first in the one sort done
 * up front, take random nodes from swarms above the 75th-percentile size
 * (at least SWARM_RULES_MIN_SIZE); it stops for good at the first swarm the
 * excess cannot fill.
 */
void swarm_steps_robin_hood(struct swarm_set *set, struct swarm_mt19937_64 *rng,
			    struct swarm_assign_stats *stats);

/*
 * If there is more than one swarm: while a swarm is starving, remove the
 * lowest-id one and assign its nodes to the smallest swarms. buf has room for
 * set->n_nodes nodes. Returns 0 or what swarm_steps_assign returns.
 */
int swarm_steps_dissolve(struct swarm_set *set, struct swarm_mt19937_64 *rng, uint32_t *buf,
			 struct swarm_assign_stats *stats);

#endif
