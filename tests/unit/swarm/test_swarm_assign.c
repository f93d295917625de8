/* SPDX-License-Identifier: MIT */
/*
 * swarm/swarm_assign.c: calc_swarm_changes end to end. Ports the
 * calc_swarm_changes tests of oxen-core tests/unit_tests/service_nodes_swarm.cpp
 * (oxen-io/oxen-core at 8b663a7c8ce75e75702ff99e1544ff5ee97975af: registration
 * one by one and in bulk, untouched swarms, low swarms filled, stealing,
 * decommission), pins two layouts computed by tests/tools/swarm_reference.py,
 * checks the properties that must hold on any input, and every error path
 * (allocation failures through -Wl,--wrap=calloc).
 */
#include "swarm_test.h"

#include "swarm_rules.h"

/* --- allocation failure injection (this binary links libswarm with --wrap=calloc) --- */

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static int calloc_fail_at; /* 0: never; k: the k-th call from libswarm fails */
static int calloc_calls;

void *
__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fail_at > 0 && ++calloc_calls == calloc_fail_at)
		return NULL;
	return __real_calloc(n, size);
}

/* --- helpers --- */

static struct swarm_node *
grow(struct swarm_node *nodes, size_t n, size_t add, uint64_t key_seed)
{
	struct swarm_node *more = swarm_test_nodes(add, key_seed);

	nodes = realloc(nodes, (n + add) * sizeof(*nodes));
	assert_non_null(nodes);
	memcpy(nodes + n, more, add * sizeof(*nodes));
	free(more);
	qsort(nodes, n + add, sizeof(*nodes), swarm_test_cmp_node);
	return nodes;
}

/* Drops node i (it left the network). */
static void
drop(struct swarm_node *nodes, size_t *n, size_t i)
{
	memmove(nodes + i, nodes + i + 1, (*n - i - 1) * sizeof(*nodes));
	(*n)--;
}

/* Drops the last (highest pubkey) member of swarm id: upstream's pop_back. */
static void
pop(struct swarm_node *nodes, size_t *n, uint64_t id)
{
	for (size_t i = *n; i-- > 0;) {
		if (nodes[i].swarm_id == id) {
			drop(nodes, n, i);
			return;
		}
	}
	fail_msg("swarm %llu is empty", (unsigned long long)id);
}

static void
calc(struct swarm_node *nodes, size_t n, uint64_t seed)
{
	char err[200] = "";
	int rc = swarm_assign_calc(nodes, n, seed, NULL, err, sizeof(err));

	if (rc != 0)
		fail_msg("swarm_assign_calc: %d %s", rc, err);
}

/* upstream validateSwarmsNoDereg: swarms = 1 + max(0, n - 7) / 7, excess = 2S + n % 7. */
static void
validate_no_dereg(const struct swarm_node *nodes, size_t n)
{
	uint64_t *ids = calloc(n, sizeof(*ids));
	size_t *sizes = calloc(n, sizeof(*sizes));
	size_t swarms = swarm_test_swarms(nodes, n, ids, sizes), excess = 0;
	size_t want = 1 + (n > SWARM_RULES_NEW_SIZE ? (n - SWARM_RULES_NEW_SIZE) : 0) /
				  SWARM_RULES_NEW_SIZE;

	if (swarms != want)
		fail_msg("%zu nodes: %zu swarms, expected %zu", n, swarms, want);
	for (size_t i = 0; i < swarms; i++)
		excess +=
			sizes[i] > SWARM_RULES_EXCESS_BASE ? sizes[i] - SWARM_RULES_EXCESS_BASE : 0;
	if (n >= SWARM_RULES_NEW_SIZE)
		assert_int_equal(excess,
				 swarms * SWARM_RULES_IDEAL_MARGIN + n % SWARM_RULES_NEW_SIZE);
	free(ids);
	free(sizes);
}

/* upstream registerInitialSnodes: reg_per_block new nodes per block, seed = block index. */
static struct swarm_node *
register_nodes(struct swarm_node *nodes, size_t *n, size_t per_block, size_t blocks,
	       uint64_t *key_seed)
{
	for (size_t b = 0; b < blocks; b++) {
		nodes = grow(nodes, *n, per_block, (*key_seed)++);
		*n += per_block;
		calc(nodes, *n, b);
		validate_no_dereg(nodes, *n);
	}
	return nodes;
}

static uint64_t
lowest_id(const struct swarm_node *nodes, size_t n, size_t rank)
{
	uint64_t *ids = calloc(n, sizeof(*ids));
	size_t *sizes = calloc(n, sizeof(*sizes));
	uint64_t id;

	assert_true(swarm_test_swarms(nodes, n, ids, sizes) > rank);
	id = ids[rank];
	free(ids);
	free(sizes);
	return id;
}

/* --- the seed --- */

static void
test_seed_little_endian(void **state)
{
	uint8_t hash[32];

	(void)state;
	for (int i = 0; i < 32; i++)
		hash[i] = (uint8_t)(0x10 + i);
	assert_true(swarm_assign_seed(hash) == UINT64_C(0x1716151413121110));
	memset(hash, 0xff, 8);
	assert_true(swarm_assign_seed(hash) == UINT64_MAX);
}

/* --- upstream ports --- */

static void
test_register_one_by_one(void **state)
{
	struct swarm_node *nodes = NULL;
	size_t n = 0;
	uint64_t key_seed = 1000;

	(void)state;
	nodes = register_nodes(nodes, &n, 1, 40 * SWARM_RULES_NEW_SIZE, &key_seed);
	assert_int_equal(n, 280);
	free(nodes);
}

static void
test_register_in_bulk(void **state)
{
	static const size_t bulk[] = {1, 3, 19, 4, 8, 13, 1, 22, 1, 7, 2, 1, 11, 18, 6, 10};
	struct swarm_node *nodes = NULL;
	size_t n = 0;
	uint64_t key_seed = 2000;

	(void)state;
	for (size_t i = 0; i < sizeof(bulk) / sizeof(bulk[0]); i++)
		nodes = register_nodes(nodes, &n, bulk[i], 1, &key_seed);
	assert_int_equal(n, 127);
	free(nodes);
}

static struct swarm_node *
seventy(size_t *n)
{
	uint64_t key_seed = 3000;

	*n = 0;
	return register_nodes(NULL, n, 10 * SWARM_RULES_NEW_SIZE, 1, &key_seed);
}

/* Every node of swarms other than skip keeps its swarm. */
static void
expect_others_kept(const struct swarm_node *before, size_t nb, const struct swarm_node *after,
		   size_t na, uint64_t skip)
{
	size_t i = 0, j = 0;

	while (i < nb && j < na) {
		int c = memcmp(before[i].ed25519, after[j].ed25519, 32);

		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		if (before[i].swarm_id != skip)
			assert_true(after[j].swarm_id == before[i].swarm_id);
		i++;
		j++;
	}
}

/* upstream swarm_above_min_size_unaffects_other_swarms */
static void
test_above_min_unaffected(void **state)
{
	size_t n, nb;
	struct swarm_node *nodes = seventy(&n), *before = malloc(n * sizeof(*nodes));
	uint64_t first = lowest_id(nodes, n, 0), second, seed = 70;

	(void)state;
	assert_non_null(before);
	while (swarm_test_size(nodes, n, first) > SWARM_RULES_MIN_SIZE) {
		memcpy(before, nodes, n * sizeof(*nodes));
		nb = n;
		pop(nodes, &n, first);
		calc(nodes, n, seed++);
		expect_others_kept(before, nb, nodes, n, first);
		validate_no_dereg(before, nb); /* still 10 swarms */
	}
	second = lowest_id(nodes, n, 1);
	memcpy(before, nodes, n * sizeof(*nodes));
	nb = n;
	while (swarm_test_size(nodes, n, second) > SWARM_RULES_MIN_SIZE)
		pop(nodes, &n, second);
	calc(nodes, n, seed++);
	expect_others_kept(before, nb, nodes, n, second);
	assert_true(lowest_id(nodes, n, 9) != 0); /* 10 swarms remain */
	free(before);
	free(nodes);
}

/* upstream register_snode_fills_low_swarms */
static void
test_registration_fills_low_swarms(void **state)
{
	size_t n;
	struct swarm_node *nodes = seventy(&n);
	uint64_t first = lowest_id(nodes, n, 0), second = lowest_id(nodes, n, 1), seed = 70;

	(void)state;
	while (swarm_test_size(nodes, n, first) > SWARM_RULES_MIN_SIZE) {
		pop(nodes, &n, first);
		pop(nodes, &n, second);
		calc(nodes, n, seed++);
	}
	pop(nodes, &n, first);
	pop(nodes, &n, second);
	nodes = grow(nodes, n, 3, 4000);
	n += 3;
	calc(nodes, n, seed++);
	assert_true(swarm_test_size(nodes, n, first) >= SWARM_RULES_MIN_SIZE);
	assert_true(swarm_test_size(nodes, n, second) >= SWARM_RULES_MIN_SIZE);
	free(nodes);
}

/* upstream stealing_from_rich_swarms: one other swarm gives exactly one node. */
static void
test_stealing_from_rich(void **state)
{
	size_t n, nb, affected = 0;
	struct swarm_node *nodes = seventy(&n), *before = malloc(n * sizeof(*nodes));
	uint64_t first = lowest_id(nodes, n, 0);
	uint64_t *ids = calloc(n, sizeof(*ids));
	size_t *sizes = calloc(n, sizeof(*sizes));
	struct swarm_assign_stats st;
	size_t swarms;

	(void)state;
	memcpy(before, nodes, n * sizeof(*nodes));
	nb = n;
	while (swarm_test_size(nodes, n, first) >= SWARM_RULES_MIN_SIZE)
		pop(nodes, &n, first);
	assert_int_equal(swarm_assign_calc(nodes, n, 70, &st, NULL, 0), 0);
	assert_true(swarm_test_size(nodes, n, first) >= SWARM_RULES_MIN_SIZE);
	swarms = swarm_test_swarms(nodes, n, ids, sizes);
	for (size_t i = 0; i < swarms; i++) {
		size_t was = swarm_test_size(before, nb, ids[i]);

		if (ids[i] == first || sizes[i] >= was)
			continue;
		assert_true(sizes[i] >= SWARM_RULES_MIN_SIZE);
		assert_int_equal(sizes[i], was - 1);
		affected++;
	}
	assert_int_equal(affected, 1);
	assert_int_equal(st.stolen, 1);
	assert_int_equal(st.moved, 1);
	free(ids);
	free(sizes);
	free(before);
	free(nodes);
}

/* upstream decommission: all swarms at 5, one at 4: that one is dissolved. */
static void
test_decommission(void **state)
{
	size_t n;
	struct swarm_node *nodes = seventy(&n);
	uint64_t *ids = calloc(n, sizeof(*ids));
	size_t *sizes = calloc(n, sizeof(*sizes));
	size_t swarms = swarm_test_swarms(nodes, n, ids, sizes);
	struct swarm_assign_stats st;

	(void)state;
	assert_int_equal(swarms, 10);
	for (size_t i = 0; i < swarms; i++) {
		while (swarm_test_size(nodes, n, ids[i]) > SWARM_RULES_MIN_SIZE)
			pop(nodes, &n, ids[i]);
	}
	pop(nodes, &n, ids[0]);
	assert_int_equal(swarm_assign_calc(nodes, n, 70, &st, NULL, 0), 0);
	assert_int_equal(swarm_test_swarms(nodes, n, ids, sizes), 9);
	assert_int_equal(st.dissolved, 1);
	assert_int_equal(st.swarms, 9);
	assert_int_equal(st.moved, 4);
	free(ids);
	free(sizes);
	free(nodes);
}

/* --- layouts from tests/tools/swarm_reference.py --- */

static const uint64_t golden_ids[8] = {
	0,
	UINT64_C(2305843009213693951),
	UINT64_C(4611686018427387903),
	UINT64_C(6917529027641081855),
	UINT64_C(9223372036854775807),
	UINT64_C(11529215046068469759),
	UINT64_C(13835058055282163711),
	UINT64_C(16140901064495857663),
};

/*
 * 60 nodes (keys: mt19937_64(7) outputs, 4 little-endian words each, sorted)
 * register in one block with seed 0x0123456789abcdef; then every 6th node
 * leaves, 6 more (keys from mt19937_64(8)) register, seed 99.
 */
static void
test_reference_layouts(void **state)
{
	static const unsigned char first[60] = {
		5, 7, 7, 4, 7, 6, 7, 4, 6, 4, 3, 2, 4, 1, 0, 3, 2, 4, 5, 5,
		5, 1, 0, 0, 1, 0, 6, 2, 6, 6, 5, 3, 6, 3, 5, 1, 7, 3, 6, 1,
		2, 3, 2, 7, 5, 4, 7, 6, 0, 0, 3, 7, 1, 1, 2, 2, 4, 0, 4, 2,
	};
	static const unsigned char second[56] = {
		1, 5, 7, 7, 4, 7, 7, 4, 3, 6, 4, 3, 4, 1, 0, 1, 3, 2, 6, 5, 5, 5, 1, 0, 1, 0, 6, 2,
		6, 2, 5, 3, 6, 3, 5, 7, 3, 6, 1, 2, 2, 7, 5, 4, 7, 0, 0, 3, 7, 1, 0, 2, 2, 4, 0, 4,
	};
	struct swarm_node *nodes = swarm_test_nodes(60, 7);
	struct swarm_assign_stats st;
	size_t n = 60, k = 0;

	(void)state;
	assert_int_equal(swarm_assign_calc(nodes, n, UINT64_C(0x0123456789abcdef), &st, NULL, 0),
			 0);
	for (size_t i = 0; i < n; i++)
		assert_true(nodes[i].swarm_id == golden_ids[first[i]]);
	assert_int_equal(st.swarms, 8);
	assert_int_equal(st.created, 7);
	assert_int_equal(st.assigned, 60);
	for (size_t i = 0; i < 60; i++) {
		if (i % 6 != 5)
			nodes[k++] = nodes[i];
	}
	n = k;
	nodes = grow(nodes, n, 6, 8);
	n += 6;
	assert_int_equal(swarm_assign_calc(nodes, n, 99, &st, NULL, 0), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(nodes[i].swarm_id == golden_ids[second[i]]);
	assert_int_equal(st.assigned, 6);
	assert_int_equal(st.moved, 0);
	free(nodes);
}

/* --- small networks --- */

static void
test_empty(void **state)
{
	struct swarm_assign_stats st = {.swarms = 9};

	(void)state;
	assert_int_equal(swarm_assign_calc(NULL, 0, 1, &st, NULL, 0), 0);
	assert_int_equal(st.swarms, 0);
}

/* Up to 13 new nodes share swarm 0; the 14th makes excess 9 = 7 + 2: a second swarm. */
static void
test_first_swarms(void **state)
{
	struct swarm_node *nodes;
	uint64_t ids[14];
	size_t sizes[14];

	(void)state;
	nodes = swarm_test_nodes(13, 5);
	calc(nodes, 13, 1);
	assert_int_equal(swarm_test_swarms(nodes, 13, ids, sizes), 1);
	assert_true(ids[0] == 0);
	free(nodes);
	nodes = swarm_test_nodes(14, 5);
	calc(nodes, 14, 1);
	assert_int_equal(swarm_test_swarms(nodes, 14, ids, sizes), 2);
	assert_true(ids[0] == 0 && ids[1] == SWARM_ID_MAX / 2);
	assert_true(sizes[0] == 7 && sizes[1] == 7);
	free(nodes);
}

/* Fewer than 5 nodes in one swarm is fine: nothing to dissolve into. */
static void
test_small_single_swarm(void **state)
{
	struct swarm_node *nodes = swarm_test_nodes(3, 6);

	(void)state;
	for (int i = 0; i < 3; i++)
		nodes[i].swarm_id = 77;
	calc(nodes, 3, 5);
	for (int i = 0; i < 3; i++)
		assert_true(nodes[i].swarm_id == 77);
	free(nodes);
}

/* 4 nodes over two swarms: upstream dissolves both and throws; nothing is written. */
static void
test_too_few_for_two_swarms(void **state)
{
	struct swarm_node *nodes = swarm_test_nodes(4, 6);
	char err[200] = "";

	(void)state;
	nodes[0].swarm_id = nodes[1].swarm_id = 10;
	nodes[2].swarm_id = 20;
	nodes[3].swarm_id = SWARM_ID_UNASSIGNED;
	assert_int_equal(swarm_assign_calc(nodes, 4, 5, NULL, err, sizeof(err)), -EDOM);
	assert_non_null(strstr(err, "4 nodes cannot fill one swarm of 5"));
	assert_true(nodes[0].swarm_id == 10 && nodes[1].swarm_id == 10 && nodes[2].swarm_id == 20 &&
		    nodes[3].swarm_id == SWARM_ID_UNASSIGNED);
	/* the same nodes in one swarm pass */
	nodes[2].swarm_id = 10;
	assert_int_equal(swarm_assign_calc(nodes, 4, 5, NULL, err, sizeof(err)), 0);
	free(nodes);
}

/* --- errors and limits --- */

static void
test_bad_input(void **state)
{
	struct swarm_node *nodes = swarm_test_nodes(5, 9);
	struct swarm_node keep[5];
	char err[200] = "";

	(void)state;
	assert_int_equal(swarm_assign_calc(NULL, 1, 1, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no node array for 1 nodes"));
	memcpy(keep, nodes, sizeof(keep));
	nodes[3] = keep[2];
	nodes[2] = keep[3]; /* out of order */
	assert_int_equal(swarm_assign_calc(nodes, 5, 1, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nodes[3] pubkey is not above nodes[2]"));
	assert_int_equal(memcmp(nodes + 2, keep + 3, sizeof(*nodes)), 0); /* untouched */
	nodes[2] = keep[2];						  /* duplicate key */
	nodes[3] = keep[2];
	assert_int_equal(swarm_assign_calc(nodes, 5, 1, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nodes[3]"));
	/* err may be NULL or empty */
	assert_int_equal(swarm_assign_calc(nodes, 5, 1, NULL, NULL, 0), -EINVAL);
	err[0] = 'x';
	assert_int_equal(swarm_assign_calc(nodes, 5, 1, NULL, err, 0), -EINVAL);
	assert_int_equal(err[0], 'x');
	free(nodes);
}

static void
test_too_many(void **state)
{
	struct swarm_node one = {{0}, SWARM_ID_UNASSIGNED};
	char err[200] = "";

	(void)state;
	/* the count is refused before the array is read */
	assert_int_equal(
		swarm_assign_calc(&one, SWARM_ASSIGN_MAX_NODES + 1, 1, NULL, err, sizeof(err)),
		-E2BIG);
	assert_non_null(strstr(err, "1048577 nodes, more than the limit of 1048576"));
}

/* Exactly SWARM_ASSIGN_MAX_NODES in swarms of 7 (the remainder in the last): kept. */
static void
test_max_nodes(void **state)
{
	const size_t n = SWARM_ASSIGN_MAX_NODES, full = n / SWARM_RULES_NEW_SIZE;
	struct swarm_node *nodes = calloc(n, sizeof(*nodes));
	struct swarm_assign_stats st;

	(void)state;
	assert_non_null(nodes);
	for (size_t i = 0; i < n; i++) {
		size_t swarm =
			i / SWARM_RULES_NEW_SIZE < full ? i / SWARM_RULES_NEW_SIZE : full - 1;

		for (int b = 0; b < 8; b++) /* big-endian index: already sorted */
			nodes[i].ed25519[b] = (uint8_t)((uint64_t)i >> (56 - 8 * b));
		nodes[i].swarm_id = 1000 + 1000 * (uint64_t)swarm;
	}
	assert_int_equal(swarm_assign_calc(nodes, n, 1, &st, NULL, 0), 0);
	assert_int_equal(st.swarms, full);
	assert_int_equal(st.moved, 0);
	assert_int_equal(st.created, 0);
	assert_true(nodes[0].swarm_id == 1000 && nodes[n - 1].swarm_id == 1000 * full);
	free(nodes);
}

static void
test_no_memory(void **state)
{
	struct swarm_node *nodes = swarm_test_nodes(20, 11);
	char err[200] = "";
	int failures = 0;

	(void)state;
	/* fail each of the workspace allocations in turn */
	for (int at = 1; at <= 16; at++) {
		int rc;

		calloc_calls = 0;
		calloc_fail_at = at;
		rc = swarm_assign_calc(nodes, 20, 1, NULL, err, sizeof(err));
		calloc_fail_at = 0;
		if (calloc_calls < at) { /* fewer allocations than at: it ran through */
			assert_int_equal(rc, 0);
			break;
		}
		assert_int_equal(rc, -ENOMEM);
		assert_non_null(strstr(err, "no memory for 20 nodes"));
		for (int i = 0; i < 20; i++)
			assert_true(nodes[i].swarm_id == SWARM_ID_UNASSIGNED);
		failures++;
	}
	assert_int_equal(failures, 8); /* 5 in swarm_set_init, 3 in swarm_assign */
	free(nodes);
}

/* --- properties on random networks --- */

/* A random network: some swarms (some starving), some nodes unassigned. */
static struct swarm_node *
random_network(struct swarm_mt19937_64 *rng, size_t *n)
{
	struct swarm_node *nodes;
	uint64_t swarms;

	*n = 1 + swarm_mt19937_64_next(rng) % 400;
	nodes = swarm_test_nodes(*n, swarm_mt19937_64_next(rng));
	swarms = 1 + swarm_mt19937_64_next(rng) % (1 + *n / 4);
	for (size_t i = 0; i < *n; i++) {
		if (swarm_mt19937_64_next(rng) % 4 == 0)
			continue; /* unassigned */
		nodes[i].swarm_id =
			(swarm_mt19937_64_next(rng) % swarms) * UINT64_C(0x9e3779b97f4a7c15);
	}
	return nodes;
}

static void
shuffle_and_sort(struct swarm_node *nodes, size_t n, struct swarm_mt19937_64 *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = swarm_mt19937_64_next(rng) % i;
		struct swarm_node t = nodes[i - 1];

		nodes[i - 1] = nodes[j];
		nodes[j] = t;
	}
	qsort(nodes, n, sizeof(*nodes), swarm_test_cmp_node);
}

static void
test_properties(void **state)
{
	struct swarm_mt19937_64 rng;
	size_t refused = 0;

	(void)state;
	swarm_mt19937_64_seed(&rng, 2024);
	for (int round = 0; round < 300; round++) {
		size_t n, swarms;
		struct swarm_node *nodes = random_network(&rng, &n);
		struct swarm_node *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
		uint64_t *ids = calloc(n, sizeof(*ids)), seed = swarm_mt19937_64_next(&rng);
		size_t *sizes = calloc(n, sizeof(*sizes));
		struct swarm_assign_stats st;
		int rc;

		memcpy(a, nodes, n * sizeof(*a));
		memcpy(b, nodes, n * sizeof(*b));
		rc = swarm_assign_calc(a, n, seed, &st, NULL, 0);
		if (rc == -EDOM) { /* only a network too small for one swarm */
			assert_true(n < SWARM_RULES_MIN_SIZE);
			refused++;
			goto next;
		}
		assert_int_equal(rc, 0);
		swarms = swarm_test_swarms(a, n, ids, sizes);
		assert_int_equal(st.swarms, swarms);
		for (size_t i = 0; i < swarms; i++) {
			assert_true(ids[i] != SWARM_ID_UNASSIGNED); /* nobody left out */
			if (n >= SWARM_RULES_MIN_SIZE)
				assert_true(sizes[i] >= SWARM_RULES_MIN_SIZE);
		}
		/* deterministic, and the same whatever order the caller had before sorting */
		shuffle_and_sort(b, n, &rng);
		assert_int_equal(swarm_assign_calc(b, n, seed, NULL, NULL, 0), 0);
		assert_int_equal(memcmp(a, b, n * sizeof(*a)), 0);
	next:
		free(nodes);
		free(a);
		free(b);
		free(ids);
		free(sizes);
	}
	assert_true(refused < 300);
}

/* The block seed matters: two seeds place a bulk registration differently. */
static void
test_seed_changes_layout(void **state)
{
	struct swarm_node *a = swarm_test_nodes(200, 12), *b = swarm_test_nodes(200, 12);

	(void)state;
	calc(a, 200, 1);
	calc(b, 200, 2);
	assert_int_not_equal(memcmp(a, b, 200 * sizeof(*a)), 0);
	validate_no_dereg(a, 200);
	validate_no_dereg(b, 200);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_little_endian),
		cmocka_unit_test(test_register_one_by_one),
		cmocka_unit_test(test_register_in_bulk),
		cmocka_unit_test(test_above_min_unaffected),
		cmocka_unit_test(test_registration_fills_low_swarms),
		cmocka_unit_test(test_stealing_from_rich),
		cmocka_unit_test(test_decommission),
		cmocka_unit_test(test_reference_layouts),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_first_swarms),
		cmocka_unit_test(test_small_single_swarm),
		cmocka_unit_test(test_too_few_for_two_swarms),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_max_nodes),
		cmocka_unit_test(test_no_memory),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_seed_changes_layout),
	};

	return cmocka_run_group_tests_name("swarm_assign", tests, NULL, NULL);
}
