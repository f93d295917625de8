/* SPDX-License-Identifier: MIT */
/*
 * calc_swarm_changes end to end: check the input, rebuild upstream's map of
 * swarms from the nodes' current ids (members in pubkey order, as oxend's
 * sorted active-node list pushes them), run the steps with one mt19937_64
 * seeded from the block, and write every node's swarm back.
 */
#include "swarm_assign.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mt19937_64.h"
#include "swarm_set.h"
#include "swarm_steps.h"

/* Scratch besides the swarm_set: nodes to place, and distinct ids / dissolved members. */
struct work {
	struct swarm_set set;
	uint32_t *unassigned;
	uint32_t *buf;
	uint64_t *ids;
};

uint64_t
swarm_assign_seed(const uint8_t block_hash[32])
{
	uint64_t seed = 0;

	/* oxend memcpy()s the hash into a uint64_t; its nodes are little-endian. */
	for (int i = 7; i >= 0; i--)
		seed = seed << 8 | block_hash[i];
	return seed;
}

static void say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
check_input(const struct swarm_node *nodes, size_t n, char *err, size_t errlen)
{
	if (nodes == NULL && n > 0) {
		say(err, errlen, "swarm_assign: no node array for %zu nodes", n);
		return -EINVAL;
	}
	if (n > SWARM_ASSIGN_MAX_NODES) {
		say(err, errlen, "swarm_assign: %zu nodes, more than the limit of %zu", n,
		    (size_t)SWARM_ASSIGN_MAX_NODES);
		return -E2BIG;
	}
	for (size_t i = 1; i < n; i++) {
		if (memcmp(nodes[i - 1].ed25519, nodes[i].ed25519, sizeof(nodes[i].ed25519)) >= 0) {
			say(err, errlen,
			    "swarm_assign: nodes[%zu] pubkey is not above nodes[%zu]: nodes must "
			    "be "
			    "sorted by pubkey, without duplicates",
			    i, i - 1);
			return -EINVAL;
		}
	}
	return 0;
}

static void
work_free(struct work *w)
{
	swarm_set_free(&w->set);
	free(w->unassigned);
	free(w->buf);
	free(w->ids);
}

static int
work_init(struct work *w, size_t n)
{
	int rc;

	memset(w, 0, sizeof(*w));
	rc = swarm_set_init(&w->set, n);
	if (rc != 0)
		return rc;
	w->unassigned = calloc(n, sizeof(*w->unassigned));
	w->buf = calloc(n, sizeof(*w->buf));
	w->ids = calloc(n, sizeof(*w->ids));
	if (w->unassigned == NULL || w->buf == NULL || w->ids == NULL) {
		work_free(w);
		return -ENOMEM;
	}
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The existing swarms, members in node (pubkey) order; the rest go to unassigned[]. */
static size_t
load(struct work *w, const struct swarm_node *nodes, size_t n)
{
	size_t n_ids = 0, n_un = 0, slot;

	for (size_t i = 0; i < n; i++) {
		if (nodes[i].swarm_id != SWARM_ID_UNASSIGNED)
			w->ids[n_ids++] = nodes[i].swarm_id;
	}
	qsort(w->ids, n_ids, sizeof(*w->ids), cmp_u64);
	for (size_t i = 0; i < n_ids; i++) {
		if (i == 0 || w->ids[i] != w->ids[i - 1])
			swarm_set_insert(&w->set, w->ids[i], &slot); /* ascending: appends */
	}
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].swarm_id == SWARM_ID_UNASSIGNED) {
			w->unassigned[n_un++] = (uint32_t)i;
		} else {
			swarm_set_find(&w->set, nodes[i].swarm_id, &slot);
			swarm_set_append(&w->set, slot, (uint32_t)i);
		}
	}
	return n_un;
}

static int
run(struct work *w, uint64_t seed, size_t n_unassigned, struct swarm_assign_stats *stats)
{
	struct swarm_mt19937_64 rng;
	size_t slot;
	int rc;

	swarm_mt19937_64_seed(&rng, seed);
	if (w->set.n == 0) /* step 0: there is always a swarm, get_new_swarm_id({}) = 0 */
		swarm_set_insert(&w->set, 0, &slot);
	rc = swarm_steps_assign(&w->set, &rng, w->unassigned, n_unassigned,
				SWARM_RULES_FILL_PERCENTILE, stats);
	if (rc != 0)
		return rc;
	swarm_steps_robin_hood(&w->set, &rng, stats);
	rc = swarm_steps_new_from_excess(&w->set, &rng, stats);
	if (rc != 0)
		return rc;
	return swarm_steps_dissolve(&w->set, &rng, w->buf, stats);
}

static void
store(const struct work *w, struct swarm_node *nodes, struct swarm_assign_stats *stats)
{
	for (size_t s = 0; s < w->set.n; s++) {
		for (uint32_t v = w->set.lists[s].head; v != SWARM_SET_NONE; v = w->set.next[v]) {
			if (nodes[v].swarm_id == SWARM_ID_UNASSIGNED)
				stats->assigned++;
			else if (nodes[v].swarm_id != w->set.ids[s])
				stats->moved++;
			nodes[v].swarm_id = w->set.ids[s];
		}
	}
	stats->swarms = w->set.n;
}

int
swarm_assign_calc(struct swarm_node *nodes, size_t n, uint64_t seed,
		  struct swarm_assign_stats *stats, char *err, size_t errlen)
{
	struct swarm_assign_stats local = {0};
	struct work w;
	size_t n_unassigned;
	int rc = check_input(nodes, n, err, errlen);

	if (rc != 0)
		return rc;
	if (n == 0) { /* upstream: an empty map, nothing to do */
		if (stats != NULL)
			*stats = local;
		return 0;
	}
	rc = work_init(&w, n);
	if (rc != 0) {
		say(err, errlen, "swarm_assign: no memory for %zu nodes", n);
		return rc;
	}
	n_unassigned = load(&w, nodes, n);
	rc = run(&w, seed, n_unassigned, &local);
	if (rc == 0) {
		store(&w, nodes, &local);
		if (stats != NULL)
			*stats = local;
	} else if (rc == -ERANGE) {
		say(err, errlen,
		    "swarm_assign: %zu nodes cannot fill one swarm of %zu: upstream fails on "
		    "this block, keep the previous swarms",
		    n, (size_t)SWARM_RULES_MIN_SIZE);
		rc = -EDOM;
	} else {
		say(err, errlen, "swarm_assign: internal error %zu on %zu nodes", (size_t)-rc, n);
	}
	work_free(&w);
	return rc;
}
