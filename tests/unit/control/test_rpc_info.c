/* SPDX-License-Identifier: MIT */
/* control/rpc_info.c: info, get_swarm (and its alias) with every node field,
 * base32z against a real get_swarm answer, 421 for every account method on a
 * node outside the swarm (before any signature check), and the answers when
 * no swarm is known at all. */
#include "test_rpc_common.h"

#include "rpc_fixture.h"
#include "rpc_info.h"

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

static int
setup_no_swarm(void **state)
{
	struct fx_opts o = {.no_nodes = true};

	(void)state;
	return fx_server_up(&fx, &o);
}

static void
test_base32z(void **state)
{
	uint8_t pk[32], ff = 0xff;
	char out[64];

	(void)state;
	/* A real get_swarm answer (oxen storage server documentation): the
	 * address of the node whose legacy key is this. */
	sodium_hex2bin(pk, 32, "1636d40eea2639088b11affaed8ddcf8650377019d4385559cd6f205e645ea33",
		       64, NULL, NULL, NULL);
	rpc_info_base32z(pk, 32, out);
	assert_string_equal(out, "na5pedzkrahotnati97q5dqh9b1og7abuibakich453ym31f7e3o");
	assert_int_equal(strlen(out), CTL_RPC_BASE32Z_32);
	rpc_info_base32z(&ff, 1, out);
	assert_string_equal(out, "9h"); /* 11111 111(00) */
	rpc_info_base32z(&ff, 0, out);
	assert_string_equal(out, "");
}

static void
test_info(void **state)
{
	struct answer r;
	json_t *v;

	(void)state;
	fx_expect(&fx, 200, "info", json_object(), &r);
	v = json_object_get(r.j, "version");
	assert_int_equal(json_array_size(v), 3);
	assert_int_equal(json_integer_value(json_array_get(v, 0)), 2);
	assert_int_equal(json_integer_value(json_array_get(v, 1)), 11);
	assert_int_equal(json_integer_value(json_array_get(v, 2)), 3);
	assert_int_equal(json_integer_value(json_object_get(r.j, "timestamp")), fx.now);
	assert_int_equal(json_integer_value(json_object_get(r.j, "t")), fx.now);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(r.j, "hf"), 0)), 21);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(r.j, "hf"), 1)), 1);
	answer_free(&r);
}

/* oxend_request get_service_nodes through the RPC: the fixture's swarm, "t" and "hf";
 * ons_resolve is named as not served; other endpoints are refused. */
static void
test_oxend_request(void **state)
{
	struct answer r;
	json_t *states;

	(void)state;
	fx_expect(&fx, 200, "oxend_request",
		  json_pack("{sss{sbs{sbsb}}}", "endpoint", "get_service_nodes", "params",
			    "active_only", 1, "fields", "pubkey_ed25519", 1, "public_ip", 1),
		  &r);
	states = json_object_get(json_object_get(r.j, "result"), "service_node_states");
	assert_true(json_array_size(states) >= 1);
	assert_int_equal(json_object_size(json_array_get(states, 0)), 2);
	assert_int_equal(json_integer_value(json_object_get(r.j, "t")), fx.now);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(r.j, "hf"), 0)), 21);
	answer_free(&r);
	fx_expect_text(&fx, 400,
		       "oxend_request: ons_resolve needs oxend (ONS lives on the blockchain): not "
		       "served by snode",
		       "oxend_request", json_pack("{ss}", "endpoint", "ons_resolve"));
	fx_expect_text(&fx, 400,
		       "invalid request: oxend_request: endpoint get_block is not allowed",
		       "oxend_request", json_pack("{ss}", "endpoint", "get_block"));
}

/* The entry of this node in a swarm body, checking every field. */
static void
check_own_entry(json_t *snodes)
{
	char addr[64], x_hex[65];
	uint8_t x[32];
	json_t *e = NULL;

	for (size_t i = 0; i < json_array_size(snodes); i++)
		if (strcmp(json_string_value(
				   json_object_get(json_array_get(snodes, i), "pubkey_ed25519")),
			   fx.node_hex) == 0)
			e = json_array_get(snodes, i);
	assert_non_null(e);
	rpc_info_base32z(fx.node_pk, 32, addr);
	strcat(addr, ".snode");
	assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(x, fx.node_pk), 0);
	sodium_bin2hex(x_hex, sizeof(x_hex), x, 32);
	assert_int_equal(json_object_size(e), 9);
	assert_string_equal(json_string_value(json_object_get(e, "address")), addr);
	assert_string_equal(json_string_value(json_object_get(e, "ip")), "127.0.0.1");
	assert_string_equal(json_string_value(json_object_get(e, "port")), "22021");
	assert_int_equal(json_integer_value(json_object_get(e, "port_https")), 22021);
	assert_int_equal(json_integer_value(json_object_get(e, "port_omq")), 22030);
	assert_int_equal(json_integer_value(json_object_get(e, "port_quic")), 22030);
	assert_string_equal(json_string_value(json_object_get(e, "pubkey_legacy")), fx.node_hex);
	assert_string_equal(json_string_value(json_object_get(e, "pubkey_x25519")), x_hex);
}

static void
check_swarm_body(json_t *body, size_t n)
{
	json_t *snodes = json_object_get(body, "snodes");

	assert_int_equal(json_array_size(snodes), n);
	assert_string_equal(json_string_value(json_object_get(body, "swarm")), "0");
	assert_int_equal(json_integer_value(json_object_get(body, "t")), fx.now);
	assert_non_null(json_object_get(body, "hf"));
	/* Ascending by key, as the reference's std::set of legacy keys. */
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(json_string_value(json_object_get(json_array_get(snodes, i - 1),
								     "pubkey_legacy")),
				   json_string_value(json_object_get(json_array_get(snodes, i),
								     "pubkey_legacy"))) < 0);
}

static void
test_get_swarm(void **state)
{
	struct answer r;

	(void)state;
	fx_expect(&fx, 200, "get_swarm", json_pack("{ss}", "pubkey", g.pubkey), &r);
	check_swarm_body(r.j, 3);
	check_own_entry(json_object_get(r.j, "snodes"));
	answer_free(&r);
	fx_expect(&fx, 200, "get_snodes_for_pubkey", json_pack("{ss}", "pubKey", g.pubkey), &r);
	check_swarm_body(r.j, 3);
	answer_free(&r);
	fx_expect_text(&fx, 400, "invalid request: Pubkey must be 66 hex digits/33 bytes long",
		       "get_swarm", json_pack("{ss}", "pubkey", "05abc"));
}

static void
test_get_swarm_testnet(void **state)
{
	struct fx_opts o = {.testnet = true};
	struct answer r;

	(void)state;
	fx_server_down(&fx);
	assert_int_equal(fx_server_up(&fx, &o), 0);
	/* 64 hex digits: a testnet Session ID without prefix. */
	fx_expect(&fx, 200, "get_swarm", json_pack("{ss}", "pubkey", g.pubkey + 2), &r);
	check_swarm_body(r.j, 3);
	answer_free(&r);
}

/* Syntactically valid params of every account-scoped method (the signature
 * does not verify: 421 must come first). */
static json_t *
any_params(const char *method)
{
	const char *sig = sign_str(g.sk, "not the message");
	const char *hash = "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs";
	json_t *p = json_pack("{sssssI}", "pubkey", g.pubkey, "signature", sig, "timestamp",
			      (json_int_t)fx.now);

	if (strcmp(method, "store") == 0) {
		json_object_set_new(p, "ttl", json_integer(100000));
		json_object_set_new(p, "data", json_string("AAAA"));
	} else if (strcmp(method, "delete") == 0 || strcmp(method, "get_expiries") == 0) {
		json_object_set_new(p, "messages", json_pack("[s]", hash));
	} else if (strcmp(method, "expire") == 0) {
		json_object_set_new(p, "messages", json_pack("[s]", hash));
		json_object_set_new(p, "expiry", json_integer((json_int_t)fx.now + 1000));
	} else if (strcmp(method, "delete_before") == 0) {
		json_object_set_new(p, "before", json_integer((json_int_t)fx.now));
	} else if (strcmp(method, "expire_all") == 0) {
		json_object_set_new(p, "expiry", json_integer((json_int_t)fx.now));
	} else if (strcmp(method, "revoke_subaccount") == 0) {
		json_object_set_new(p, "revoke",
				    json_string(b64((const uint8_t *)"012345678901234567"
								     "890123456789012345",
						    36)));
	} else if (strcmp(method, "unrevoke_subaccount") == 0) {
		json_object_set_new(p, "unrevoke",
				    json_string(b64((const uint8_t *)"01234567890123456789012345"
								     "6789012345",
						    36)));
	}
	return p;
}

static const char *const account_methods[] = {
	"store",
	"retrieve",
	"delete",
	"delete_all",
	"delete_before",
	"expire",
	"expire_all",
	"get_expiries",
	"revoke_subaccount",
	"unrevoke_subaccount",
	"revoked_subaccounts",
};

static void
test_misdirected(void **state)
{
	struct answer r;

	(void)state;
	for (size_t i = 0; i < sizeof(account_methods) / sizeof(account_methods[0]); i++) {
		fx_expect(&fx, 421, account_methods[i], any_params(account_methods[i]), &r);
		assert_true(r.json);
		check_swarm_body(r.j, 2);
		answer_free(&r);
	}
	/* Not account-scoped: answered as usual. */
	fx_expect(&fx, 200, "info", json_object(), &r);
	answer_free(&r);
	fx_expect(&fx, 200, "get_swarm", json_pack("{ss}", "pubkey", g.pubkey), &r);
	check_swarm_body(r.j, 2);
	answer_free(&r);
}

static void
test_no_swarm(void **state)
{
	struct answer r;

	(void)state;
	fx_expect_text(&fx, 500, "No swarms known!", "retrieve", any_params("retrieve"));
	fx_expect(&fx, 200, "get_swarm", json_pack("{ss}", "pubkey", g.pubkey), &r);
	assert_int_equal(json_array_size(json_object_get(r.j, "snodes")), 0);
	assert_string_equal(json_string_value(json_object_get(r.j, "swarm")), "ffffffffffffffff");
	answer_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base32z),
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oxend_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_swarm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_swarm_testnet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misdirected, setup_outsider, teardown),
		cmocka_unit_test_setup_teardown(test_no_swarm, setup_no_swarm, teardown),
	};

	return cmocka_run_group_tests_name("rpc_info", tests, group_up, group_down);
}
