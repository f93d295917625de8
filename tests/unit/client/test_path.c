/* SPDX-License-Identifier: MIT */
/* Random paths: distinct nodes, the destination last, failed nodes avoided while possible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "path.h"
#include "snc.h"

static void
nodes_of(struct scl_nodes *ns, size_t n)
{
	scl_nodes_init(ns);
	ns->v = calloc(n + 1, sizeof(*ns->v));
	ns->n = n;
	for (size_t i = 0; i < n; i++)
		ns->v[i].ed25519[0] = (uint8_t)i;
}

static void
test_distinct(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	size_t seen[12] = {0};

	(void)state;
	nodes_of(&ns, 12);
	for (int k = 0; k < 3000; k++) {
		size_t p[SCL_PATH_HOPS], dest = (size_t)k % 12;

		assert_int_equal(scl_path_pick(&ns, dest, 3, NULL, p, &err), 0);
		assert_int_equal(p[2], dest);
		assert_true(p[0] != p[1] && p[0] != p[2] && p[1] != p[2]);
		assert_true(p[0] < 12 && p[1] < 12);
		seen[p[0]]++;
	}
	for (int i = 0; i < 12; i++) /* every node serves as an entry (about 250 times) */
		assert_true(seen[i] > 100);
	scl_nodes_free(&ns);
}

/* Exactly 3 nodes: the only paths are permutations; 2 nodes: no route for 3 hops. */
static void
test_edges(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	size_t p[SCL_PATH_HOPS];

	(void)state;
	nodes_of(&ns, 3);
	for (int k = 0; k < 100; k++) {
		assert_int_equal(scl_path_pick(&ns, 1, 3, NULL, p, &err), 0);
		assert_int_equal(p[0] + p[1] + p[2], 3);
		assert_int_equal(p[2], 1);
	}
	assert_int_equal(scl_path_pick(&ns, 0, 1, NULL, p, &err), 0);
	assert_int_equal(p[0], 0);
	assert_int_equal(scl_path_pick(&ns, 3, 3, NULL, p, &err), -1);
	assert_int_equal(scl_path_pick(&ns, 0, 0, NULL, p, &err), -1);
	assert_int_equal(scl_path_pick(&ns, 0, 4, NULL, p, &err), -1);
	scl_nodes_free(&ns);
	nodes_of(&ns, 2);
	assert_int_equal(scl_path_pick(&ns, 0, 3, NULL, p, &err), -1);
	assert_int_equal(err.code, SCL_E_NO_ROUTE);
	scl_nodes_free(&ns);
}

static void
test_avoid(void **state)
{
	struct scl_nodes ns;
	struct scl_error err = {0};
	uint8_t fails[6] = {1, 1, 0, 0, 1, 0};
	size_t p[SCL_PATH_HOPS];

	(void)state;
	nodes_of(&ns, 6);
	for (int k = 0; k < 500; k++) { /* relays only from 2, 3 (no failures), dest 5 */
		assert_int_equal(scl_path_pick(&ns, 5, 3, fails, p, &err), 0);
		assert_true((p[0] == 2 || p[0] == 3) && (p[1] == 2 || p[1] == 3));
	}
	/* Too few clean nodes: the rest comes from the next tier, never the worst one. */
	fails[2] = 2;
	fails[4] = 3;
	for (int k = 0; k < 500; k++) {
		assert_int_equal(scl_path_pick(&ns, 5, 3, fails, p, &err), 0);
		assert_true(p[0] != 4 && p[1] != 4 && p[0] != 2 && p[1] != 2);
		assert_true(p[0] == 3 || p[1] == 3);
	}
	/* Two failed paths shared one dead node (1): a third path avoids it. */
	uint8_t two[5] = {1, 2, 1, 1, 1};
	scl_nodes_free(&ns);
	nodes_of(&ns, 5);
	for (int k = 0; k < 500; k++) {
		assert_int_equal(scl_path_pick(&ns, 4, 3, two, p, &err), 0);
		assert_true(p[0] != 1 && p[1] != 1);
	}
	scl_nodes_free(&ns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_avoid),
	};

	return snc_init() != 0 ? 1 : cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
