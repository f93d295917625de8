/* SPDX-License-Identifier: MIT */
/* control/rpc_batch.c: batch runs every subrequest, sequence stops after the
 * first non-2xx, results carry JSON bodies or error texts, the 20-subrequest
 * limit at its edge, no nesting, and a 421 inside a batch. */
#include "test_rpc_common.h"

#include "rpc_fixture.h"

static struct rpc_fx fx;
static struct acct g;
RPC_FX_HOOKS(fx)

static int
group_up(void **state)
{
	(void)state;
	acct_make(&g, 0x03);
	return fx_redis_up(&fx);
}

static int
setup_outsider(void **state)
{
	struct fx_opts o = {.not_member = true};

	(void)state;
	return fx_server_up(&fx, &o);
}

static json_t *
sub(const char *method, json_t *params)
{
	return json_pack("{ssso}", "method", method, "params", params);
}

static json_t *
store_sub(const char *data)
{
	return sub("store", json_pack("{sssIsIss}", "pubkey", g.pubkey, "timestamp",
				      (json_int_t)fx.now, "ttl", (json_int_t)100000, "data",
				      b64((const uint8_t *)data, strlen(data))));
}

static json_t *
unsigned_retrieve(void)
{
	return sub("retrieve", json_pack("{ss}", "pubkey", g.pubkey));
}

static json_t *
signed_retrieve(void)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "retrieve%llu", (unsigned long long)fx.now);
	return sub("retrieve", json_pack("{sssIss}", "pubkey", g.pubkey, "timestamp",
					 (json_int_t)fx.now, "signature", sign_str(g.sk, msg)));
}

static json_t *
results_of(struct answer *r, size_t n)
{
	json_t *res = json_object_get(r->j, "results");

	assert_int_equal(r->code, 200);
	assert_true(r->json);
	assert_int_equal(json_object_size(r->j), 1);
	assert_int_equal(json_array_size(res), n);
	return res;
}

static int
code_at(json_t *res, size_t i)
{
	return (int)json_integer_value(json_object_get(json_array_get(res, i), "code"));
}

static json_t *
body_at(json_t *res, size_t i)
{
	return json_object_get(json_array_get(res, i), "body");
}

static void
test_batch_runs_all(void **state)
{
	struct answer r;
	json_t *res;

	(void)state;
	fx_call_json(&fx, "batch",
		     json_pack("{s[oooo]}", "requests", sub("info", json_object()),
			       store_sub("in batch"), unsigned_retrieve(), signed_retrieve()),
		     &r);
	res = results_of(&r, 4);
	assert_int_equal(code_at(res, 0), 200);
	assert_non_null(json_object_get(body_at(res, 0), "version"));
	assert_int_equal(code_at(res, 1), 200);
	assert_non_null(json_object_get(body_at(res, 1), "hash"));
	/* An error's body is its text, as a JSON string. */
	assert_int_equal(code_at(res, 2), 401);
	assert_string_equal(json_string_value(body_at(res, 2)),
			    "retrieve: request signature required");
	/* The store before it is visible to the retrieve after it. */
	assert_int_equal(code_at(res, 3), 200);
	assert_int_equal(json_array_size(json_object_get(body_at(res, 3), "messages")), 1);
	answer_free(&r);
}

static void
test_sequence_stops(void **state)
{
	struct answer r;
	json_t *res;

	(void)state;
	fx_call_json(&fx, "sequence",
		     json_pack("{s[ooo]}", "requests", store_sub("first"), unsigned_retrieve(),
			       store_sub("never")),
		     &r);
	res = results_of(&r, 2);
	assert_int_equal(code_at(res, 0), 200);
	assert_int_equal(code_at(res, 1), 401);
	answer_free(&r);
	/* "never" was not stored. */
	fx_call_json(&fx, "sequence", json_pack("{s[o]}", "requests", signed_retrieve()), &r);
	res = results_of(&r, 1);
	assert_int_equal(json_array_size(json_object_get(body_at(res, 0), "messages")), 1);
	answer_free(&r);
}

static void
test_sequence_all_ok(void **state)
{
	struct answer r;
	json_t *res;

	(void)state;
	fx_call_json(&fx, "sequence",
		     json_pack("{s[ooo]}", "requests", store_sub("a"), store_sub("b"),
			       signed_retrieve()),
		     &r);
	res = results_of(&r, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(code_at(res, i), 200);
	assert_int_equal(json_array_size(json_object_get(body_at(res, 2), "messages")), 2);
	answer_free(&r);
}

static json_t *
n_infos(size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, sub("info", json_object()));
	return json_pack("{so}", "requests", a);
}

static void
test_batch_limit(void **state)
{
	struct answer r;

	(void)state;
	fx_call_json(&fx, "batch", n_infos(20), &r);
	results_of(&r, 20);
	answer_free(&r);
	fx_expect_text(&fx, 400,
		       "invalid request: Invalid batch request: subrequest limit exceeded", "batch",
		       n_infos(21));
	fx_expect_text(&fx, 400,
		       "invalid request: Invalid batch request: subrequest limit exceeded",
		       "sequence", n_infos(21));
	fx_expect_text(&fx, 400,
		       "invalid request: Invalid batch request: no valid \"requests\" field",
		       "batch", n_infos(0));
}

static void
test_batch_no_nesting(void **state)
{
	static const char meta[] =
		"invalid request: Invalid batch subrequest: subrequests may not contain "
		"meta-requests";

	(void)state;
	fx_expect_text(&fx, 400, meta, "batch",
		       json_pack("{s[o]}", "requests", sub("batch", n_infos(1))));
	fx_expect_text(&fx, 400, meta, "sequence",
		       json_pack("{s[o]}", "requests", sub("sequence", n_infos(1))));
	fx_expect_text(&fx, 400, meta, "batch",
		       json_pack("{s[o]}", "requests", sub("ifelse", json_object())));
	/* A malformed subrequest fails the whole batch. */
	fx_expect_text(&fx, 400, "invalid request: Required field 'pubkey' missing", "batch",
		       json_pack("{s[oo]}", "requests", sub("info", json_object()),
				 sub("retrieve", json_object())));
}

static void
test_batch_misdirected(void **state)
{
	struct answer r;
	json_t *res;

	(void)state;
	fx_call_json(&fx, "batch",
		     json_pack("{s[oo]}", "requests", store_sub("x"), sub("info", json_object())),
		     &r);
	res = results_of(&r, 2);
	assert_int_equal(code_at(res, 0), 421);
	assert_string_equal(json_string_value(json_object_get(body_at(res, 0), "swarm")), "0");
	assert_int_equal(code_at(res, 1), 200);
	answer_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch_runs_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_all_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_no_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_misdirected, setup_outsider, teardown),
	};

	return cmocka_run_group_tests_name("rpc_batch", tests, group_up, group_down);
}
