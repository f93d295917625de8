/* SPDX-License-Identifier: MIT */
/* control/rpc_revoke.c and the revocation check of rpc_call.c: revoke,
 * unrevoke and revoked_subaccounts with their node signatures; a revoked
 * subaccount refused by store/retrieve/delete but not in an unrevocable
 * namespace; and libsession-util's group subaccount vector (retrieve in
 * namespace 999 at 1693340111000) admitted, then refused once revoked. */
#include "test_rpc_common.h"

#include "kat.h"
#include "rpc_fixture.h"

static struct rpc_fx fx;
static struct acct g, sub;
RPC_FX_HOOKS(fx)

static int
group_up(void **state)
{
	(void)state;
	acct_make(&g, 0x03);
	acct_make(&sub, 0x03);
	return fx_redis_up(&fx);
}

static void
make_token(uint8_t token[36], uint8_t flags, const uint8_t pk[32])
{
	token[0] = 0x03;
	token[1] = flags;
	token[2] = token[3] = 0;
	memcpy(token + 4, pk, 32);
}

/* revoke_subaccount / unrevoke_subaccount of tokens[0..n) by owner sk. */
static json_t *
change_params(const char *method, const char *pubkey, const uint8_t sk[64], const uint8_t *tokens,
	      size_t n)
{
	bool revoke = strcmp(method, "revoke_subaccount") == 0;
	uint8_t msg[64 + 36 * 60];
	json_t *list = json_array();
	size_t len;

	len = (size_t)snprintf((char *)msg, sizeof(msg), "%s%llu", method,
			       (unsigned long long)fx.now);
	for (size_t i = 0; i < n; i++) {
		char hex[73];
		memcpy(msg + len, tokens + 36 * i, 36);
		len += 36;
		/* Both encodings the server takes. */
		sodium_bin2hex(hex, sizeof(hex), tokens + 36 * i, 36);
		json_array_append_new(list, json_string(i % 2 ? hex : b64(tokens + 36 * i, 36)));
	}
	return json_pack("{sssIsoss}", "pubkey", pubkey, "timestamp", (json_int_t)fx.now,
			 revoke ? "revoke" : "unrevoke", list, "signature", sign_b64(sk, msg, len));
}

static void
expect_change_sig(json_t *mine, const char *pubkey, const uint8_t *tokens, size_t n)
{
	uint8_t msg[128 + 36 * 60];
	size_t len = (size_t)snprintf((char *)msg, sizeof(msg), "%s%llu", pubkey,
				      (unsigned long long)fx.now);

	if (n > 0) /* tokens may be NULL for an empty list */
		memcpy(msg + len, tokens, 36 * n);
	fx_check_sig(&fx, mine, msg, len + 36 * n);
}

static json_t *
listed(void)
{
	char msg[64];
	struct answer r;
	json_t *list;

	snprintf(msg, sizeof(msg), "revoked_subaccounts%llu", (unsigned long long)fx.now);
	fx_expect(&fx, 200, "revoked_subaccounts",
		  json_pack("{sssIss}", "pubkey", g.pubkey, "timestamp", (json_int_t)fx.now,
			    "signature", sign_str(g.sk, msg)),
		  &r);
	assert_int_equal(json_integer_value(json_object_get(r.j, "t")), fx.now);
	assert_non_null(json_object_get(r.j, "hf"));
	list = json_incref(json_object_get(r.j, "revoked_subaccounts"));
	answer_free(&r);
	return list;
}

static void
test_revoke_unrevoke_list(void **state)
{
	uint8_t tokens[3 * 36];
	struct answer r;
	json_t *mine, *list;

	(void)state;
	randombytes_buf(tokens, sizeof(tokens));
	fx_expect(&fx, 200, "revoke_subaccount",
		  change_params("revoke_subaccount", g.pubkey, g.sk, tokens, 2), &r);
	mine = fx_mine(&fx, r.j);
	assert_int_equal(json_object_size(mine), 1); /* "signature" only */
	expect_change_sig(mine, g.pubkey, tokens, 2);
	answer_free(&r);
	/* Newest first: the later token of one request counts as newer. */
	list = listed();
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_array_get(list, 0)), b64(tokens + 36, 36));
	assert_string_equal(json_string_value(json_array_get(list, 1)), b64(tokens, 36));
	json_decref(list);
	/* Unrevoke one listed and one never revoked: count 1. */
	memcpy(tokens + 36, tokens + 72, 36);
	fx_expect(&fx, 200, "unrevoke_subaccount",
		  change_params("unrevoke_subaccount", g.pubkey, g.sk, tokens, 2), &r);
	mine = fx_mine(&fx, r.j);
	assert_int_equal(json_integer_value(json_object_get(mine, "count")), 1);
	expect_change_sig(mine, g.pubkey, tokens, 2);
	answer_free(&r);
	list = listed();
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
}

static void
test_revoke_empty_list(void **state)
{
	struct answer r;

	(void)state;
	fx_expect(&fx, 200, "revoke_subaccount",
		  change_params("revoke_subaccount", g.pubkey, g.sk, NULL, 0), &r);
	expect_change_sig(fx_mine(&fx, r.j), g.pubkey, NULL, 0);
	answer_free(&r);
	fx_expect(&fx, 200, "unrevoke_subaccount",
		  change_params("unrevoke_subaccount", g.pubkey, g.sk, NULL, 0), &r);
	assert_int_equal(json_integer_value(json_object_get(fx_mine(&fx, r.j), "count")), 0);
	answer_free(&r);
}

static void
test_revoke_errors(void **state)
{
	uint8_t tokens[51 * 36];
	json_t *p;

	(void)state;
	randombytes_buf(tokens, sizeof(tokens));
	p = change_params("revoke_subaccount", g.pubkey, sub.sk, tokens, 1);
	fx_expect_text(&fx, 401, "revoke_subaccount signature verification failed",
		       "revoke_subaccount", p);
	p = change_params("unrevoke_subaccount", g.pubkey, sub.sk, tokens, 1);
	fx_expect_text(&fx, 401, "unrevoke_subaccount signature verification failed",
		       "unrevoke_subaccount", p);
	fx_expect_text(&fx, 400,
		       "invalid request: invalid revoke: cannot revoke more than 50 subaccounts "
		       "at once",
		       "revoke_subaccount",
		       change_params("revoke_subaccount", g.pubkey, g.sk, tokens, 51));
	p = change_params("revoke_subaccount", g.pubkey, g.sk, tokens, 50);
	fx.now += 60001;
	fx_expect_text(&fx, 406, "revoke_subaccount timestamp too far from current time",
		       "revoke_subaccount", p);
	fx.now -= 60001;
}

/* A subaccount-signed request of sub for g with token. */
static void
sub_auth(json_t *p, const uint8_t token[36], const char *msg)
{
	json_object_set_new(p, "subaccount", json_string(b64(token, 36)));
	json_object_set_new(p, "subaccount_sig", json_string(sign_b64(g.sk, token, 36)));
	json_object_set_new(p, "signature", json_string(sign_str(sub.sk, msg)));
}

static int
sub_store(const uint8_t token[36], int ns, char hash[44])
{
	json_t *p = json_pack("{sssIsIsssi}", "pubkey", g.pubkey, "timestamp", (json_int_t)fx.now,
			      "ttl", (json_int_t)100000, "data", "AAAA", "namespace", ns);
	struct answer r;
	char msg[64];
	int code;

	snprintf(msg, sizeof(msg), "store%d%llu", ns, (unsigned long long)fx.now);
	sub_auth(p, token, msg);
	fx_call_json(&fx, "store", p, &r);
	code = r.code;
	if (code == 200 && hash != NULL)
		snprintf(hash, 44, "%s", json_string_value(json_object_get(r.j, "hash")));
	answer_free(&r);
	return code;
}

static int
sub_retrieve(const uint8_t token[36], int ns, char *text)
{
	json_t *p = json_pack("{sssIsi}", "pubkey", g.pubkey, "timestamp", (json_int_t)fx.now,
			      "namespace", ns);
	struct answer r;
	char msg[64];
	int code;

	snprintf(msg, sizeof(msg), "retrieve%d%llu", ns, (unsigned long long)fx.now);
	sub_auth(p, token, msg);
	fx_call_json(&fx, "retrieve", p, &r);
	code = r.code;
	if (text != NULL)
		snprintf(text, 128, "%s", r.body);
	answer_free(&r);
	return code;
}

static void
revoke(const uint8_t token[36], const char *method)
{
	struct answer r;

	fx_expect(&fx, 200, method, change_params(method, g.pubkey, g.sk, token, 1), &r);
	answer_free(&r);
}

static void
test_revoked_subaccount_refused(void **state)
{
	uint8_t token[36];
	char h[44], text[128], msg[128];
	json_t *p;

	(void)state;
	make_token(token, 0x07, sub.pk);
	assert_int_equal(sub_store(token, 1, h), 200);
	assert_int_equal(sub_store(token, -11, NULL), 200);
	assert_int_equal(sub_retrieve(token, 1, NULL), 200);
	revoke(token, "revoke_subaccount");
	assert_int_equal(sub_store(token, 1, NULL), 401);
	assert_int_equal(sub_retrieve(token, 1, text), 401);
	assert_string_equal(text, "retrieve signature verification failed");
	snprintf(msg, sizeof(msg), "delete%s", h);
	p = json_pack("{sss[s]}", "pubkey", g.pubkey, "messages", h);
	sub_auth(p, token, msg);
	fx_expect_text(&fx, 401, "delete_msgs signature verification failed", "delete", p);
	/* Unrevocable namespaces (-11) still let it read. */
	assert_int_equal(sub_retrieve(token, -11, NULL), 200);
	/* Another token of the same member is not affected: whole 36 bytes compare. */
	token[1] = 0x03;
	assert_int_equal(sub_retrieve(token, 1, NULL), 200);
	token[1] = 0x07;
	revoke(token, "unrevoke_subaccount");
	assert_int_equal(sub_retrieve(token, 1, NULL), 200);
}

static void
test_upstream_group_subaccount(void **state)
{
	json_t *kat = kat_load("signatures.json");
	json_t *v = json_array_get(json_object_get(kat, "vectors"), 0);
	uint8_t seed[32], pk[32], sk[64], token[36];
	struct answer r;
	json_t *p;

	(void)state;
	assert_string_equal(kat_str(v, "name"), "group_subaccount_retrieve");
	kat_hex(v, "group_ed25519_seed", seed, 32, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
	kat_hex(v, "subaccount", token, 36, 36);
	fx.now = 1693340111000ULL; /* the vector's timestamp */
	p = json_pack("{sssisIssssss}", "pubkey", kat_str(v, "group_id"), "namespace", 999,
		      "timestamp", (json_int_t)fx.now, "subaccount", kat_str(v, "subaccount_b64"),
		      "subaccount_sig", kat_str(v, "subaccount_sig_b64"), "signature",
		      kat_str(v, "signature_b64"));
	fx_expect(&fx, 200, "retrieve", json_deep_copy(p), &r);
	assert_int_equal(json_array_size(json_object_get(r.j, "messages")), 0);
	answer_free(&r);
	/* 60 s later the same request is still inside the window (its edge)... */
	fx.now += 60000;
	fx_expect(&fx, 200, "retrieve", json_deep_copy(p), &r);
	answer_free(&r);
	/* ... and revoked by the group key it is refused. */
	fx_expect(&fx, 200, "revoke_subaccount",
		  change_params("revoke_subaccount", kat_str(v, "group_id"), sk, token, 1), &r);
	answer_free(&r);
	fx_expect_text(&fx, 401, "retrieve signature verification failed", "retrieve", p);
	json_decref(kat);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_revoke_unrevoke_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoke_empty_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoke_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked_subaccount_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upstream_group_subaccount, setup, teardown),
	};

	return cmocka_run_group_tests_name("rpc_revoke", tests, group_up, group_down);
}
