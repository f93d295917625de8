/* SPDX-License-Identifier: MIT */
/*
 * Swarm ids on the u64 ring: the reserved "unassigned" id and where a new
 * swarm goes (oxen-core get_new_swarm_id). A new swarm takes the midpoint of
 * the widest gap between existing ids, so ids spread evenly over swarm space
 * and each new swarm splits the busiest stretch of accounts. snode-sim prints
 * the ids it creates.
 */
#ifndef SWARM_ID_H
#define SWARM_ID_H

#include <stddef.h>
#include <stdint.h>

/* 2^64 - 1: a node not in any swarm (new, recommissioned, decommissioned). */
#define SWARM_ID_UNASSIGNED UINT64_MAX
/* 2^64 - 2: the highest real swarm id; the ring wraps from here to 0. */
#define SWARM_ID_MAX	    (UINT64_MAX - 1)

/*
 * The id for a new swarm given the existing ids (strictly ascending, none
 * SWARM_ID_UNASSIGNED; not rechecked, O(n)). No ids: 0. Otherwise the widest
 * gap wins, the first one on equal widths; the wrap gap from the last id to
 * the first counts as SWARM_ID_MAX - last + first + 1 and replaces an earlier
 * gap only if strictly wider. Result: gap start + gap / 2, wrapping past
 * SWARM_ID_MAX to 0. Returns 0, or -EINVAL for NULL out or NULL ids with n > 0.
 */
int swarm_id_new(const uint64_t *ids, size_t n, uint64_t *out);

#endif
