/* SPDX-License-Identifier: MIT */
/*
 * control/rpc_oxend.c and json_rpc.c: the node list clients bootstrap from
 * (oxend_request get_service_nodes, POST /json_rpc get_n_service_nodes), from
 * a real registry file: every node with oxend's field names, active_only
 * (a decommissioned node), limit at its edges (a random subset of distinct
 * nodes), the fields filter, a node-list view, the query's bad values, and
 * JSON-RPC's envelopes and error codes.
 */
#include "test_common_ctl.h"

#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "json_rpc.h"
#include "log.h"
#include "rpc_call.h"
#include "rpc_oxend.h"
#include "swarm_view.h"
#include "swarm_view_registry.h"

static char dir[64], path[128];
static uint8_t ed[4][32], x[4][32];
static const uint16_t hf[2] = {19, 4};

/* Four nodes at height 1, node 3 decommissioned at height 2. */
static struct ctl_swarm_view *
registry_view(void)
{
	FILE *f = fopen(path, "w");
	char e[65], xx[65], err[256];
	struct ctl_swarm_view *v;

	assert_non_null(f);
	fputs("option unverified-records\n", f);
	for (int i = 0; i < 4; i++) {
		memset(ed[i], 0x10 * (i + 1), 32);
		crypto_scalarmult_base(x[i], ed[i]); /* any distinct keys */
		sodium_bin2hex(e, sizeof(e), ed[i], 32);
		sodium_bin2hex(xx, sizeof(xx), x[i], 32);
		fprintf(f, "register %s %s 10.0.0.%d:22030 1\n", e, xx, i + 1);
	}
	fprintf(f, "block 1 %064d\n", 7);
	sodium_bin2hex(e, sizeof(e), ed[3], 32);
	fprintf(f, "decommission %s 2 -\nblock 2 %064d\n", e, 8);
	fclose(f);
	v = ctl_swarm_view_registry_load(path, ed[0], 22021, err, sizeof(err));
	assert_non_null(v);
	return v;
}

static int
setup(void **state)
{
	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/registry", dir);
	ctl_log_set_output(tmpfile(), false);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static json_t *
states(json_t *result)
{
	json_t *s = json_object_get(result, "service_node_states");

	assert_true(json_is_array(s));
	return s;
}

static void
every_node_with_oxends_fields(void **state)
{
	struct ctl_swarm_view *v = registry_view();
	struct ctl_sn_query q = {.fields = CTL_SN_ALL};
	json_t *r = ctl_sn_result(v, 22021, hf, &q), *n;
	char e[65];

	(void)state;
	assert_non_null(r);
	assert_int_equal(json_array_size(states(r)), 4);
	assert_int_equal(json_integer_value(json_object_get(r, "height")), 2);
	assert_string_equal(json_string_value(json_object_get(r, "block_hash")),
			    "0000000000000000000000000000000000000000000000000000000000000008");
	assert_string_equal(json_string_value(json_object_get(r, "status")), "OK");
	n = json_array_get(states(r), 0); /* ascending Ed25519: node 0 */
	sodium_bin2hex(e, sizeof(e), ed[0], 32);
	assert_string_equal(json_string_value(json_object_get(n, "pubkey_ed25519")), e);
	assert_string_equal(json_string_value(json_object_get(n, "service_node_pubkey")), e);
	assert_string_equal(json_string_value(json_object_get(n, "public_ip")), "10.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(n, "storage_port")), 22021);
	assert_int_equal(json_integer_value(json_object_get(n, "storage_lmq_port")), 22030);
	assert_int_equal(json_integer_value(json_object_get(n, "swarm_id")), 0);
	assert_string_equal(json_string_value(json_object_get(n, "swarm")), "0");
	assert_true(json_is_true(json_object_get(n, "active")));
	assert_int_equal(json_integer_value(json_object_get(n, "registration_height")), 1);
	n = json_array_get(states(r), 3); /* decommissioned: no swarm, not active */
	assert_true(json_is_false(json_object_get(n, "active")));
	assert_null(json_object_get(n, "swarm_id")); /* 2^64-1: beyond jansson's integers */
	assert_string_equal(json_string_value(json_object_get(n, "swarm")), "ffffffffffffffff");
	json_decref(r);
	q.active_only = true;
	r = ctl_sn_result(v, 22021, hf, &q);
	assert_int_equal(json_array_size(states(r)), 3);
	json_decref(r);
	ctl_swarm_view_free(v);
}

static void
limit_takes_a_random_subset_of_distinct_nodes(void **state)
{
	struct ctl_swarm_view *v = registry_view();
	struct ctl_sn_query q = {.fields = CTL_SN_PUBKEY_ED25519, .limit = 2};
	bool seen_other_order = false;

	(void)state;
	for (int round = 0; round < 50; round++) {
		json_t *r = ctl_sn_result(v, 22021, hf, &q), *a, *b;

		assert_int_equal(json_array_size(states(r)), 2);
		a = json_object_get(json_array_get(states(r), 0), "pubkey_ed25519");
		b = json_object_get(json_array_get(states(r), 1), "pubkey_ed25519");
		assert_string_not_equal(json_string_value(a), json_string_value(b));
		seen_other_order |= strcmp(json_string_value(a), json_string_value(b)) > 0;
		json_decref(r);
	}
	assert_true(seen_other_order); /* 50 sorted draws of 2 of 4: 1 in 2^50 */
	q.limit = 4;
	json_t *r = ctl_sn_result(v, 22021, hf, &q);
	assert_int_equal(json_array_size(states(r)), 4);
	json_decref(r);
	ctl_swarm_view_free(v);
}

static void
fields_and_their_bad_values(void **state)
{
	struct ctl_sn_query q;
	char why[96];
	json_t *p;

	(void)state;
	p = json_loads("{\"active_only\":true,\"limit\":20,\"fields\":{\"public_ip\":true,"
		       "\"storage_port\":true,\"pubkey_x25519\":true,\"pubkey_ed25519\":true,"
		       "\"quorumnet_port\":true,\"active\":false}}",
		       0, NULL);
	assert_int_equal(ctl_sn_query_parse(p, &q, why, sizeof(why)), 0);
	assert_true(q.active_only);
	assert_int_equal(q.limit, 20);
	assert_int_equal(q.fields, CTL_SN_PUBLIC_IP | CTL_SN_STORAGE_PORT | CTL_SN_PUBKEY_X25519 |
					   CTL_SN_PUBKEY_ED25519);
	json_decref(p);
	assert_int_equal(ctl_sn_query_parse(NULL, &q, why, sizeof(why)), 0);
	assert_int_equal(q.fields, CTL_SN_ALL);
	assert_int_equal(q.limit, 0);
	static const struct {
		const char *json;
		int rc;
		uint32_t limit;
	} cases[] = {
		{"{\"limit\":-1}", 0, 0},
		{"{\"limit\":0}", 0, 0},
		{"{\"limit\":4096}", 0, 4096},
		{"{\"limit\":4097}", -EINVAL, 0},
		{"{\"limit\":-2}", -EINVAL, 0},
		{"{\"limit\":\"5\"}", -EINVAL, 0},
		{"{\"active_only\":1}", -EINVAL, 0},
		{"{\"fields\":[\"public_ip\"]}", -EINVAL, 0},
		{"{\"fields\":{\"public_ip\":1}}", -EINVAL, 0},
		{"[]", -EINVAL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		assert_int_equal(ctl_sn_query_parse(p, &q, why, sizeof(why)), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(q.limit, cases[i].limit);
		json_decref(p);
	}
}

static void
a_node_list_view_gives_its_one_swarm(void **state)
{
	struct ctl_swarm_node nodes[2] = {0};
	struct ctl_sn_query q = {.fields = CTL_SN_ALL};
	struct ctl_swarm_view *v;
	char err[128];
	json_t *r;

	(void)state;
	for (int i = 0; i < 2; i++) {
		memset(nodes[i].ed25519, i + 1, 32);
		memset(nodes[i].x25519, i + 3, 32);
		nodes[i].ip = 0x0a000001 + (uint32_t)i;
		nodes[i].port = 22030;
	}
	v = ctl_swarm_view_single(nodes, 2, nodes[0].ed25519, err, sizeof(err));
	assert_non_null(v);
	r = ctl_sn_result(v, 443, hf, &q);
	assert_int_equal(json_array_size(states(r)), 2);
	assert_int_equal(json_integer_value(json_object_get(r, "height")), 0);
	assert_string_equal(json_string_value(json_object_get(r, "block_hash")), "");
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(states(r), 1), "storage_port")),
		443);
	json_decref(r);
	ctl_swarm_view_free(v);
}

static json_t *
json_rpc(const struct ctl_rpc_server *s, const char *body)
{
	char *text = ctl_json_rpc(s, body, strlen(body));
	json_t *o;

	assert_non_null(text);
	o = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "jsonrpc")), "2.0");
	return o;
}

static int
error_code(json_t *o)
{
	return (int)json_integer_value(json_object_get(json_object_get(o, "error"), "code"));
}

static void
json_rpc_envelopes_and_errors(void **state)
{
	struct ctl_rpc_server s = {.https_port = 22021, .hf = {19, 4}};
	struct ctl_swarm_view *v = registry_view();
	json_t *o;

	(void)state;
	s.swarm = v;
	o = json_rpc(&s, "{\"jsonrpc\":\"2.0\",\"id\":\"0\",\"method\":\"get_n_service_nodes\","
			 "\"params\":{\"active_only\":true,\"fields\":{\"public_ip\":true}}}");
	assert_string_equal(json_string_value(json_object_get(o, "id")), "0");
	json_t *st = states(json_object_get(o, "result"));
	assert_int_equal(json_array_size(st), 3);
	assert_int_equal(json_object_size(json_array_get(st, 0)), 1); /* public_ip only */
	json_decref(o);
	o = json_rpc(&s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"get_service_nodes\"}");
	assert_int_equal(json_array_size(states(json_object_get(o, "result"))), 4);
	json_decref(o);
	o = json_rpc(&s, "{\"id\":1,\"method\":\"ons_resolve\",\"params\":{}}");
	assert_int_equal(error_code(o), -32601);
	json_decref(o);
	o = json_rpc(&s, "{\"id\":1,\"method\":\"get_n_service_nodes\",\"params\":{\"limit\":-9}}");
	assert_int_equal(error_code(o), -32602);
	json_decref(o);
	o = json_rpc(&s, "not json");
	assert_int_equal(error_code(o), -32700);
	assert_true(json_is_null(json_object_get(o, "id")));
	json_decref(o);
	o = json_rpc(&s, "[1,2]");
	assert_int_equal(error_code(o), -32600);
	json_decref(o);
	o = json_rpc(&s, "{\"id\":1,\"method\":5}");
	assert_int_equal(error_code(o), -32600);
	json_decref(o);
	ctl_swarm_view_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_node_with_oxends_fields),
		cmocka_unit_test(limit_takes_a_random_subset_of_distinct_nodes),
		cmocka_unit_test(fields_and_their_bad_values),
		cmocka_unit_test(a_node_list_view_gives_its_one_swarm),
		cmocka_unit_test(json_rpc_envelopes_and_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
