/* SPDX-License-Identifier: MIT */
/*
 * Arrays instead of a map of vectors: ids[] and lists[] move together on
 * insert and erase (O(swarms)), member lists are linked through per-node
 * next/prev so removing a member is O(1) and leaves the order intact. The
 * pool of get_excess_pool is never materialised: picking member k walks the
 * swarms in id order, which visits the same sequence upstream builds.
 */
#include "swarm_set.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "swarm_rules.h"

int
swarm_set_init(struct swarm_set *set, size_t n_nodes)
{
	if (set == NULL || n_nodes == 0 || n_nodes >= SWARM_SET_NONE)
		return -EINVAL;
	memset(set, 0, sizeof(*set));
	set->n_nodes = n_nodes;
	set->cap = n_nodes + 1;
	set->ids = calloc(set->cap, sizeof(*set->ids));
	set->lists = calloc(set->cap, sizeof(*set->lists));
	set->sorted = calloc(set->cap, sizeof(*set->sorted));
	set->next = calloc(n_nodes, sizeof(*set->next));
	set->prev = calloc(n_nodes, sizeof(*set->prev));
	if (set->ids == NULL || set->lists == NULL || set->sorted == NULL || set->next == NULL ||
	    set->prev == NULL) {
		swarm_set_free(set);
		return -ENOMEM;
	}
	return 0;
}

void
swarm_set_free(struct swarm_set *set)
{
	if (set == NULL)
		return;
	free(set->ids);
	free(set->lists);
	free(set->sorted);
	free(set->next);
	free(set->prev);
	memset(set, 0, sizeof(*set));
}

/* First slot whose id is >= id. */
static size_t
lower_bound(const struct swarm_set *set, uint64_t id)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
swarm_set_find(const struct swarm_set *set, uint64_t id, size_t *slot)
{
	size_t at = lower_bound(set, id);

	if (at == set->n || set->ids[at] != id)
		return -ENOENT;
	*slot = at;
	return 0;
}

int
swarm_set_insert(struct swarm_set *set, uint64_t id, size_t *slot)
{
	size_t at = lower_bound(set, id);

	if (at < set->n && set->ids[at] == id)
		return -EEXIST;
	if (set->n == set->cap)
		return -ENOSPC;
	memmove(set->ids + at + 1, set->ids + at, (set->n - at) * sizeof(*set->ids));
	memmove(set->lists + at + 1, set->lists + at, (set->n - at) * sizeof(*set->lists));
	set->ids[at] = id;
	set->lists[at] = (struct swarm_set_list){SWARM_SET_NONE, SWARM_SET_NONE, 0};
	set->n++;
	*slot = at;
	return 0;
}

int
swarm_set_erase(struct swarm_set *set, size_t slot, uint32_t *out, size_t *count)
{
	size_t k = 0;

	if (slot >= set->n)
		return -EINVAL;
	for (uint32_t v = set->lists[slot].head; v != SWARM_SET_NONE; v = set->next[v])
		out[k++] = v;
	*count = k;
	memmove(set->ids + slot, set->ids + slot + 1, (set->n - slot - 1) * sizeof(*set->ids));
	memmove(set->lists + slot, set->lists + slot + 1,
		(set->n - slot - 1) * sizeof(*set->lists));
	set->n--;
	return 0;
}

void
swarm_set_append(struct swarm_set *set, size_t slot, uint32_t node)
{
	struct swarm_set_list *l = &set->lists[slot];

	set->prev[node] = l->tail;
	set->next[node] = SWARM_SET_NONE;
	if (l->tail == SWARM_SET_NONE)
		l->head = node;
	else
		set->next[l->tail] = node;
	l->tail = node;
	l->size++;
}

void
swarm_set_unlink(struct swarm_set *set, size_t slot, uint32_t node)
{
	struct swarm_set_list *l = &set->lists[slot];
	uint32_t p = set->prev[node], nx = set->next[node];

	if (p == SWARM_SET_NONE)
		l->head = nx;
	else
		set->next[p] = nx;
	if (nx == SWARM_SET_NONE)
		l->tail = p;
	else
		set->prev[nx] = p;
	l->size--;
}

size_t
swarm_set_excess(const struct swarm_set *set)
{
	size_t excess = 0;

	for (size_t i = 0; i < set->n; i++) {
		if (set->lists[i].size > SWARM_RULES_EXCESS_BASE)
			excess += set->lists[i].size - SWARM_RULES_EXCESS_BASE;
	}
	return excess;
}

int
swarm_set_has_starving(const struct swarm_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		if (set->lists[i].size < SWARM_RULES_MIN_SIZE)
			return 1;
	}
	return 0;
}

void
swarm_set_pool(const struct swarm_set *set, size_t threshold, size_t *pool, size_t *excess)
{
	*pool = 0;
	*excess = 0;
	if (threshold < SWARM_RULES_MIN_SIZE) /* upstream returns an empty pool */
		return;
	for (size_t i = 0; i < set->n; i++) {
		if (set->lists[i].size > threshold) {
			*pool += set->lists[i].size;
			*excess += set->lists[i].size - SWARM_RULES_MIN_SIZE;
		}
	}
}

int
swarm_set_pool_pick(const struct swarm_set *set, size_t threshold, size_t k, size_t *slot,
		    uint32_t *node)
{
	if (threshold < SWARM_RULES_MIN_SIZE)
		return -ERANGE;
	for (size_t i = 0; i < set->n; i++) {
		uint32_t v;

		if (set->lists[i].size <= threshold)
			continue;
		if (k >= set->lists[i].size) {
			k -= set->lists[i].size;
			continue;
		}
		for (v = set->lists[i].head; k > 0; k--)
			v = set->next[v];
		*slot = i;
		*node = v;
		return 0;
	}
	return -ERANGE;
}

size_t
swarm_set_sorted_sizes(struct swarm_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		set->sorted[i] = (struct swarm_stl_sort_item){set->ids[i], set->lists[i].size, i};
	swarm_stl_sort_by_size(set->sorted, set->n, NULL);
	return set->n;
}
