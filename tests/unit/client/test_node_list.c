/* SPDX-License-Identifier: MIT */
/* client/node_list.c: get_service_nodes answers (both shapes), every refusal naming the
 * node, the node limit at its edge, swarm ids in hex and as numbers, equality and the
 * HOME/nodes.json round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node_list.h"

/* {"service_node_states": [n states]} with keys from i; extra goes into state 0. */
static char *
states(size_t n, const char *extra0, bool wrap)
{
	size_t cap = 400 * (n + 2) + (extra0 ? strlen(extra0) : 0), off = 0;
	char *t = malloc(cap);

	off += (size_t)snprintf(t + off, cap - off, "%s{\"service_node_states\":[",
				wrap ? "{\"result\":" : "");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(
			t + off, cap - off,
			"%s{\"pubkey_ed25519\":\"%064zx\",\"pubkey_x25519\":\"%064zx\","
			"\"public_ip\":\"10.0.%zu.%zu\",\"storage_lmq_port\":22030,\"swarm\":\"%"
			"zx\"%s}",
			i ? "," : "", i + 1, i + 1000, i / 250, i % 250 + 1, i % 3,
			i == 0 && extra0 ? extra0 : "");
	off += (size_t)snprintf(t + off, cap - off, "]}%s", wrap ? "}" : "");
	return t;
}

static int
parse(struct scl_nodes *ns, const char *text, struct scl_error *err)
{
	return scl_node_list_parse(ns, "test", text, strlen(text), err);
}

static void
both_shapes_and_every_field(void **state)
{
	struct scl_nodes a, b;
	struct scl_error err;
	char *t1 = states(3, NULL, false), *t2 = states(3, NULL, true);

	(void)state;
	scl_nodes_init(&a);
	scl_nodes_init(&b);
	assert_int_equal(parse(&a, t1, &err), 0);
	assert_int_equal(parse(&b, t2, &err), 0);
	assert_int_equal(a.n, 3);
	assert_true(scl_node_list_same(&a, &b));
	assert_int_equal(a.v[2].ip, 0x0a000003);
	assert_int_equal(a.v[2].port, 22030);
	assert_int_equal(a.v[2].swarm, 2);
	b.v[1].port = 22031;
	assert_false(scl_node_list_same(&a, &b));
	scl_nodes_free(&a);
	scl_nodes_free(&b);
	free(t1);
	free(t2);
}

static void
refusals_name_the_node_and_keep_the_list(void **state)
{
	static const char *bad[] = {
		"{\"result\":{}}",
		"[]",
		"not json",
		"{\"service_node_states\":[{\"pubkey_ed25519\":\"00\"}]}",
	};
	static const char *extra[] = {
		",\"public_ip\":\"::1\"",
		",\"storage_lmq_port\":0",
		",\"storage_lmq_port\":65536",
		",\"swarm\":\"\"",
		",\"swarm\":\"10000000000000000\"",
		",\"swarm\":\"-1\"",
		",\"swarm\":\"xyz\"",
	};
	struct scl_nodes ns;
	struct scl_error err;
	char *good = states(2, NULL, false);

	(void)state;
	scl_nodes_init(&ns);
	assert_int_equal(parse(&ns, good, &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&ns, bad[i], &err), -1);
		assert_int_equal(err.code, SCL_E_NODES);
		assert_int_equal(ns.n, 2); /* unchanged */
	}
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		/* a later key wins in jansson: the extra field replaces the good one */
		char *t = states(2, extra[i], false);

		assert_int_equal(parse(&ns, t, &err), -1);
		assert_non_null(strstr(err.msg, "test: node 0: missing or malformed field"));
		free(t);
	}
	/* the same key twice */
	char *twice = strdup(good), *second = strstr(twice, "},{") + 3;
	memcpy(strstr(second, "pubkey_ed25519\":\"") + 17,
	       strstr(twice, "pubkey_ed25519\":\"") + 17, 64);
	assert_int_equal(parse(&ns, twice, &err), -1);
	assert_non_null(strstr(err.msg, "node 1: a key listed twice"));
	free(twice);
	free(good);
	scl_nodes_free(&ns);
}

static void
swarm_id_numbers_and_the_node_limit(void **state)
{
	struct scl_nodes ns;
	struct scl_error err;
	char *max, *over;
	char t[400];

	(void)state;
	scl_nodes_init(&ns);
	/* no "swarm": the numeric swarm_id (as oxend), negative refused */
	snprintf(t, sizeof(t),
		 "{\"service_node_states\":[{\"pubkey_ed25519\":\"%064x\",\"pubkey_x25519\":"
		 "\"%064x\",\"public_ip\":\"10.0.0.1\",\"storage_lmq_port\":1,\"swarm_id\":%d}]}",
		 1, 2, 7);
	assert_int_equal(parse(&ns, t, &err), 0);
	assert_int_equal(ns.v[0].swarm, 7);
	assert_int_equal(ns.v[0].port, 1);
	snprintf(strstr(t, "\"swarm_id\":"), 20, "\"swarm_id\":-7}]}");
	assert_int_equal(parse(&ns, t, &err), -1);
	assert_non_null(strstr(err.msg, "node 0: missing or malformed field"));
	max = states(SCL_NODES_MAX, NULL, true);
	over = states(SCL_NODES_MAX + 1, NULL, true);
	assert_int_equal(parse(&ns, max, &err), 0);
	assert_int_equal(ns.n, SCL_NODES_MAX);
	assert_int_equal(parse(&ns, over, &err), -1);
	assert_non_null(strstr(err.msg, "more than 4096 nodes"));
	free(max);
	free(over);
	scl_nodes_free(&ns);
}

static void
dump_round_trip(void **state)
{
	struct scl_nodes a, b;
	struct scl_error err;
	char *t = states(5, NULL, false), *d;

	(void)state;
	scl_nodes_init(&a);
	scl_nodes_init(&b);
	assert_int_equal(parse(&a, t, &err), 0);
	a.v[4].swarm = UINT64_MAX; /* not in a swarm: "ffffffffffffffff" */
	d = scl_node_list_dump(&a);
	assert_non_null(d);
	assert_non_null(strstr(d, "\"ffffffffffffffff\""));
	assert_int_equal(parse(&b, d, &err), 0);
	assert_true(scl_node_list_same(&a, &b));
	free(d);
	free(t);
	scl_nodes_free(&a);
	scl_nodes_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_shapes_and_every_field),
		cmocka_unit_test(refusals_name_the_node_and_keep_the_list),
		cmocka_unit_test(swarm_id_numbers_and_the_node_limit),
		cmocka_unit_test(dump_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
