/* SPDX-License-Identifier: MIT */
/* Includes and helpers shared by the libswarm unit tests: node sets and swarm counts. */
#ifndef SWARM_TEST_H
#define SWARM_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mt19937_64.h"
#include "swarm_assign.h"

static inline int
swarm_test_cmp_node(const void *a, const void *b)
{
	return memcmp(((const struct swarm_node *)a)->ed25519,
		      ((const struct swarm_node *)b)->ed25519, 32);
}

static inline int
swarm_test_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* n nodes with pubkeys from mt19937_64(key_seed), sorted, all unassigned. */
static inline struct swarm_node *
swarm_test_nodes(size_t n, uint64_t key_seed)
{
	struct swarm_mt19937_64 rng;
	struct swarm_node *nodes = calloc(n ? n : 1, sizeof(*nodes));

	assert_non_null(nodes);
	swarm_mt19937_64_seed(&rng, key_seed);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++) {
			uint64_t v = swarm_mt19937_64_next(&rng);

			memcpy(nodes[i].ed25519 + 8 * k, &v, 8);
		}
		nodes[i].swarm_id = SWARM_ID_UNASSIGNED;
	}
	qsort(nodes, n, sizeof(*nodes), swarm_test_cmp_node);
	return nodes;
}

/* The swarms of nodes: sorted distinct ids into ids, member counts into sizes; returns count. */
static inline size_t
swarm_test_swarms(const struct swarm_node *nodes, size_t n, uint64_t *ids, size_t *sizes)
{
	uint64_t *all = calloc(n ? n : 1, sizeof(*all));
	size_t k = 0;

	assert_non_null(all);
	for (size_t i = 0; i < n; i++)
		all[i] = nodes[i].swarm_id;
	qsort(all, n, sizeof(*all), swarm_test_cmp_u64);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && ids[k - 1] == all[i]) {
			sizes[k - 1]++;
			continue;
		}
		ids[k] = all[i];
		sizes[k++] = 1;
	}
	free(all);
	return k;
}

/* Members of swarm id among nodes. */
static inline size_t
swarm_test_size(const struct swarm_node *nodes, size_t n, uint64_t id)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += nodes[i].swarm_id == id;
	return count;
}

#endif
