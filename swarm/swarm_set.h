/* SPDX-License-Identifier: MIT */
/*
 * The working set of swarms during one assignment: oxen-core's
 * std::map<swarm_id, std::vector<pubkey>> as arrays. Swarms are kept in
 * ascending id order and each swarm's members in insertion order, because
 * upstream's random draws index into exactly that order (map iteration, then
 * vector order; removal keeps the order, additions go to the back). Nodes are
 * indices into the caller's pubkey-sorted node array. Internal to libswarm.
 */
#ifndef SWARM_SET_H
#define SWARM_SET_H

#include <stddef.h>
#include <stdint.h>

#include "stl_sort.h"

#define SWARM_SET_NONE UINT32_MAX /* end of a member list */

/* One swarm's members, a doubly linked list threaded through next[]/prev[]. */
struct swarm_set_list {
	uint32_t head;
	uint32_t tail;
	uint32_t size;
};

struct swarm_set {
	size_t n_nodes;			    /* node indices are 0 .. n_nodes - 1 */
	size_t cap;			    /* swarm slots: n_nodes + 1 */
	size_t n;			    /* swarms in use */
	uint64_t *ids;			    /* ascending, n used */
	struct swarm_set_list *lists;	    /* parallel to ids */
	uint32_t *next;			    /* per node */
	uint32_t *prev;			    /* per node */
	struct swarm_stl_sort_item *sorted; /* cap items: swarm_set_sorted_sizes() output */
};

/*
 * Allocates for n_nodes nodes (1 .. 2^32 - 2) and n_nodes + 1 swarms, all
 * up front: nothing else here allocates. Returns 0, -EINVAL or -ENOMEM.
 */
int swarm_set_init(struct swarm_set *set, size_t n_nodes);
void swarm_set_free(struct swarm_set *set);

/* The slot of swarm id: 0 or -ENOENT. O(log n). */
int swarm_set_find(const struct swarm_set *set, uint64_t id, size_t *slot);

/*
 * Adds an empty swarm id at its sorted place (slots above it shift up).
 * Returns 0, -EEXIST if present, -ENOSPC if all slots are used. O(n).
 */
int swarm_set_insert(struct swarm_set *set, uint64_t id, size_t *slot);

/*
 * Removes the swarm at slot, writing its members in order to out (room for
 * its size) and their count to count. Slots above it shift down. Returns 0 or
 * -EINVAL for a bad slot.
 */
int swarm_set_erase(struct swarm_set *set, size_t slot, uint32_t *out, size_t *count);

/* Appends node (in no swarm) to the swarm at slot: vector::push_back. */
void swarm_set_append(struct swarm_set *set, size_t slot, uint32_t node);

/* Takes node out of the swarm at slot, keeping the others' order. */
void swarm_set_unlink(struct swarm_set *set, size_t slot, uint32_t node);

/* Σ max(0, size - SWARM_RULES_EXCESS_BASE) over all swarms (calc_excess). */
size_t swarm_set_excess(const struct swarm_set *set);

/* Whether any swarm has fewer than SWARM_RULES_MIN_SIZE members. */
int swarm_set_has_starving(const struct swarm_set *set);

/*
 * The excess pool over swarms larger than threshold (get_excess_pool): its
 * size (their members, in id then member order) and its excess
 * Σ (size - SWARM_RULES_MIN_SIZE) over the same swarms. A threshold below
 * SWARM_RULES_MIN_SIZE gives an empty pool, as upstream.
 */
void swarm_set_pool(const struct swarm_set *set, size_t threshold, size_t *pool, size_t *excess);

/*
 * Member k of that pool: its swarm's slot and the node. Returns 0 or -ERANGE
 * if k is not below the pool size.
 */
int swarm_set_pool_pick(const struct swarm_set *set, size_t threshold, size_t k, size_t *slot,
			uint32_t *node);

/*
 * set->sorted = every swarm (id order) sorted by size with libstdc++'s
 * std::sort (calc_swarm_sizes). Returns the count, set->n.
 */
size_t swarm_set_sorted_sizes(struct swarm_set *set);

#endif
