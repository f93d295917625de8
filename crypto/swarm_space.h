/* SPDX-License-Identifier: MIT */
/*
 * Swarm space: where an account lives. A pubkey maps to a point on the u64
 * ring; the swarm whose id is closest (wrapping, ties to the lower id) stores
 * its messages, and a node serves a pubkey iff that swarm is its own.
 * Operators check a placement with `snode-tool swarm-point` and
 * `snode-tool closest-swarm`.
 */
#ifndef SNC_SWARM_SPACE_H
#define SNC_SWARM_SPACE_H

#include <stddef.h>
#include <stdint.h>

/* 2^64 - 1: "not in a swarm" (INVALID_SWARM_ID); never a real swarm id. */
#define SNC_SWARM_SPACE_INVALID_ID UINT64_MAX

/* XOR of the four big-endian u64 chunks of pubkey[1..33] (the netid is ignored). */
uint64_t snc_swarm_space_point(const uint8_t pubkey[33]);

/*
 * Checks a swarm id list before use: n >= 1, strictly ascending, no
 * SNC_SWARM_SPACE_INVALID_ID. Returns 0 or -EINVAL.
 */
int snc_swarm_space_check_ids(const uint64_t *ids, size_t n);

/*
 * The swarm closest to point among ids (sorted as snc_swarm_space_check_ids
 * accepts; not rechecked here, O(log n)): right = first id >= point (wrapping
 * to ids[0]), left = the id before it (wrapping to the last); right wins only
 * if strictly nearer. Returns 0, or -EINVAL for n == 0 or NULL pointers.
 */
int snc_swarm_space_closest(const uint64_t *ids, size_t n, uint64_t point, uint64_t *swarm);

/*
 * The points a swarm owns: (lo, hi], wrapping. ids as above; idx is the
 * swarm's index. With one swarm lo == hi == ids[0] and it owns the whole ring.
 * Returns 0 or -EINVAL.
 */
int snc_swarm_space_bounds(const uint64_t *ids, size_t n, size_t idx, uint64_t *lo, uint64_t *hi);

#endif
