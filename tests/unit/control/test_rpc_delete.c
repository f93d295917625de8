/* SPDX-License-Identifier: MIT */
/* control/rpc_delete.c: delete, delete_all and delete_before against a real
 * redis-server; results, sorting, "required" -> 404, per-namespace and "all"
 * shapes, and node signatures re-built here from the facts doc's messages
 * and verified with libsodium; the refusals (401/406). */
#include "test_rpc_common.h"

#include "rpc_fixture.h"

static struct rpc_fx fx;
static struct acct g, s05;
RPC_FX_HOOKS(fx)

static int
group_up(void **state)
{
	(void)state;
	acct_make(&g, 0x03);
	acct_make(&s05, 0x05);
	return fx_redis_up(&fx);
}

/* Stores data for a in ns (signed when the namespace needs it) with timestamp
 * now + dt; returns the hash. */
static void
put(const struct acct *a, int ns, const char *data, int64_t dt, char hash[44])
{
	uint64_t ts = fx.now + (uint64_t)dt;
	json_t *p = json_pack("{sssIsIss}", "pubkey", a->pubkey, "timestamp", (json_int_t)ts, "ttl",
			      (json_int_t)100000, "data", b64((const uint8_t *)data, strlen(data)));
	struct answer r;
	char msg[64];

	json_object_set_new(p, "namespace", json_integer(ns));
	if (ns % 10 != 0) {
		snprintf(msg, sizeof(msg), "store%d%llu", ns, (unsigned long long)ts);
		json_object_set_new(p, "signature", json_string(sign_str(a->sk, msg)));
		if (a->pubkey[1] == '5')
			json_object_set_new(p, "pubkey_ed25519", json_string(a->pk_ed_hex));
	}
	fx_expect(&fx, 200, "store", p, &r);
	snprintf(hash, 44, "%s", json_string_value(json_object_get(fx_mine(&fx, r.j), "hash")));
	answer_free(&r);
}

static void
auth(json_t *p, const struct acct *a, const char *msg)
{
	json_object_set_new(p, "signature", json_string(sign_str(a->sk, msg)));
	if (a->pubkey[1] == '5')
		json_object_set_new(p, "pubkey_ed25519", json_string(a->pk_ed_hex));
}

static int
cmp(const void *x, const void *y)
{
	return strcmp(x, y);
}

/* Asserts list == want (sorted copy of want[0..n)). */
static void
expect_list(json_t *list, char want[][44], size_t n)
{
	char sorted[8][44];

	memcpy(sorted, want, n * 44);
	qsort(sorted, n, 44, cmp);
	assert_true(json_is_array(list));
	assert_int_equal(json_array_size(list), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(list, i)), sorted[i]);
}

/* PUBKEY_HEX || middle || sorted hashes, checked against mine's signature. */
static void
expect_sig(json_t *mine, const char *pubkey_hex, const char *middle, char hashes[][44], size_t n)
{
	char msg[1024], sorted[8][44];

	memcpy(sorted, hashes, n * 44);
	qsort(sorted, n, 44, cmp);
	snprintf(msg, sizeof(msg), "%s%s", pubkey_hex, middle);
	for (size_t i = 0; i < n; i++)
		strcat(msg, sorted[i]);
	fx_check_sig(&fx, mine, msg, strlen(msg));
}

static void
test_delete(void **state)
{
	static const char gone[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	char h[3][44], del[2][44], req[256];
	struct answer r;
	json_t *p, *mine;

	(void)state;
	put(&g, 0, "one", 0, h[0]);
	put(&g, 0, "two", 0, h[1]);
	put(&g, 0, "three", 0, h[2]);
	p = json_pack("{sss[sss]}", "pubkey", g.pubkey, "messages", h[2], gone, h[0]);
	snprintf(req, sizeof(req), "delete%s%s%s", h[2], gone, h[0]);
	auth(p, &g, req);
	fx_expect(&fx, 200, "delete", p, &r);
	mine = fx_mine(&fx, r.j);
	memcpy(del[0], h[2], 44);
	memcpy(del[1], h[0], 44);
	expect_list(json_object_get(mine, "deleted"), del, 2);
	/* Requested in request order, then the deleted ones sorted. */
	snprintf(req, sizeof(req), "%s%s%s", h[2], gone, h[0]);
	expect_sig(mine, g.pubkey, req, del, 2);
	answer_free(&r);
}

static void
test_delete_required(void **state)
{
	char h[1][44], req[128];
	struct answer r;
	json_t *p, *mine;

	(void)state;
	put(&g, 0, "only", 0, h[0]);
	snprintf(req, sizeof(req), "delete%s", h[0]);
	p = json_pack("{sss[s]sb}", "pubkey", g.pubkey, "messages", h[0], "required", 1);
	auth(p, &g, req);
	fx_expect(&fx, 200, "delete", p, &r);
	expect_list(json_object_get(fx_mine(&fx, r.j), "deleted"), h, 1);
	answer_free(&r);
	/* Nothing left to delete: 404 with the same body shape. */
	p = json_pack("{sss[s]sb}", "pubkey", g.pubkey, "messages", h[0], "required", 1);
	auth(p, &g, req);
	fx_expect(&fx, 404, "delete", p, &r);
	assert_true(r.json);
	mine = fx_mine(&fx, r.j);
	expect_list(json_object_get(mine, "deleted"), h, 0);
	expect_sig(mine, g.pubkey, h[0], h, 0);
	answer_free(&r);
	/* Without required the same is a 200. */
	p = json_pack("{sss[s]}", "pubkey", g.pubkey, "messages", h[0]);
	auth(p, &g, req);
	fx_expect(&fx, 200, "delete", p, &r);
	answer_free(&r);
}

static void
test_delete_all_one_ns(void **state)
{
	char h[3][44], keep[1][44], req[128], ts[24];
	struct answer r;
	json_t *p, *mine;

	(void)state;
	put(&s05, 0, "a", 0, h[0]);
	put(&s05, 0, "b", 0, h[1]);
	put(&s05, 1, "c", 0, keep[0]);
	snprintf(ts, sizeof(ts), "%llu", (unsigned long long)fx.now);
	snprintf(req, sizeof(req), "delete_all%s", ts);
	p = json_pack("{sssI}", "pubkey", s05.pubkey, "timestamp", (json_int_t)fx.now);
	auth(p, &s05, req);
	fx_expect(&fx, 200, "delete_all", p, &r);
	mine = fx_mine(&fx, r.j);
	expect_list(json_object_get(mine, "deleted"), h, 2);
	expect_sig(mine, s05.pubkey, ts, h, 2);
	answer_free(&r);
	/* Namespace 1 is untouched: deleting it now finds its message. */
	snprintf(req, sizeof(req), "delete_all1%s", ts);
	p = json_pack("{sssisI}", "pubkey", s05.pubkey, "namespace", 1, "timestamp",
		      (json_int_t)fx.now);
	auth(p, &s05, req);
	fx_expect(&fx, 200, "delete_all", p, &r);
	expect_list(json_object_get(fx_mine(&fx, r.j), "deleted"), keep, 1);
	answer_free(&r);
}

static void
test_delete_all_all(void **state)
{
	char h[4][44], req[128], ts[24];
	struct answer r;
	json_t *p, *mine, *d;

	(void)state;
	put(&g, 0, "zero", 0, h[0]);
	put(&g, 1, "one", 0, h[1]);
	put(&g, -10, "minus ten", 0, h[2]);
	put(&g, 1, "one again", 0, h[3]);
	snprintf(ts, sizeof(ts), "%llu", (unsigned long long)fx.now);
	snprintf(req, sizeof(req), "delete_allall%s", ts);
	p = json_pack("{sssssI}", "pubkey", g.pubkey, "namespace", "all", "timestamp",
		      (json_int_t)fx.now);
	auth(p, &g, req);
	fx_expect(&fx, 200, "delete_all", p, &r);
	mine = fx_mine(&fx, r.j);
	d = json_object_get(mine, "deleted");
	assert_true(json_is_object(d));
	assert_int_equal(json_object_size(d), 3);
	expect_list(json_object_get(d, "0"), &h[0], 1);
	expect_list(json_object_get(d, "-10"), &h[2], 1);
	{
		char ones[2][44];
		memcpy(ones[0], h[1], 44);
		memcpy(ones[1], h[3], 44);
		expect_list(json_object_get(d, "1"), ones, 2);
	}
	/* Signed over every hash, sorted across namespaces. */
	expect_sig(mine, g.pubkey, ts, h, 4);
	answer_free(&r);
	/* Nothing left: an empty object. */
	p = json_pack("{sssssI}", "pubkey", g.pubkey, "namespace", "all", "timestamp",
		      (json_int_t)fx.now);
	auth(p, &g, req);
	fx_expect(&fx, 200, "delete_all", p, &r);
	mine = fx_mine(&fx, r.j);
	assert_int_equal(json_object_size(json_object_get(mine, "deleted")), 0);
	expect_sig(mine, g.pubkey, ts, h, 0);
	answer_free(&r);
}

static void
test_delete_before(void **state)
{
	char h[3][44], req[128], before[24];
	struct answer r;
	json_t *p, *mine;
	uint64_t b = fx.now - 1000;

	(void)state;
	put(&g, 0, "old", -5000, h[0]);
	put(&g, 0, "edge", -1000, h[1]);
	put(&g, 0, "new", 0, h[2]);
	snprintf(before, sizeof(before), "%llu", (unsigned long long)b);
	/* timestamp <= before goes. */
	snprintf(req, sizeof(req), "delete_before%s", before);
	p = json_pack("{sssI}", "pubkey", g.pubkey, "before", (json_int_t)b);
	auth(p, &g, req);
	fx_expect(&fx, 200, "delete_before", p, &r);
	mine = fx_mine(&fx, r.j);
	expect_list(json_object_get(mine, "deleted"), h, 2);
	expect_sig(mine, g.pubkey, before, h, 2);
	answer_free(&r);
	/* "all": a namespace object. */
	snprintf(before, sizeof(before), "%llu", (unsigned long long)fx.now);
	snprintf(req, sizeof(req), "delete_beforeall%s", before);
	p = json_pack("{sssssI}", "pubkey", g.pubkey, "namespace", "all", "before",
		      (json_int_t)fx.now);
	auth(p, &g, req);
	fx_expect(&fx, 200, "delete_before", p, &r);
	mine = fx_mine(&fx, r.j);
	expect_list(json_object_get(json_object_get(mine, "deleted"), "0"), &h[2], 1);
	expect_sig(mine, g.pubkey, before, &h[2], 1);
	answer_free(&r);
}

static void
test_testnet_pubkey_hex(void **state)
{
	struct fx_opts o = {.testnet = true};
	char pubkey[67], req[128], ts[24], h[1][44];
	struct answer r;
	json_t *p, *mine;

	(void)state;
	fx_server_down(&fx);
	assert_int_equal(fx_server_up(&fx, &o), 0);
	/* A testnet 00 account: PUBKEY_HEX omits the 00 (SS prefixed_hex). */
	snprintf(pubkey, sizeof(pubkey), "00%s", g.pk_ed_hex);
	p = json_pack("{sssIsIss}", "pubkey", pubkey, "timestamp", (json_int_t)fx.now, "ttl",
		      (json_int_t)100000, "data", "AAAA");
	fx_expect(&fx, 200, "store", p, &r);
	snprintf(h[0], 44, "%s", json_string_value(json_object_get(r.j, "hash")));
	answer_free(&r);
	snprintf(ts, sizeof(ts), "%llu", (unsigned long long)fx.now);
	snprintf(req, sizeof(req), "delete_all%s", ts);
	p = json_pack("{sssIss}", "pubkey", pubkey, "timestamp", (json_int_t)fx.now, "signature",
		      sign_str(g.sk, req));
	fx_expect(&fx, 200, "delete_all", p, &r);
	mine = fx_mine(&fx, r.j);
	expect_list(json_object_get(mine, "deleted"), h, 1);
	expect_sig(mine, g.pk_ed_hex, ts, h, 1);
	answer_free(&r);
}

static void
test_delete_errors(void **state)
{
	const char *hash = "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs";
	char req[128];
	json_t *p;

	(void)state;
	snprintf(req, sizeof(req), "delete%s", hash);
	p = json_pack("{sss[s]ss}", "pubkey", g.pubkey, "messages", hash, "signature",
		      sign_bad(g.sk, req));
	fx_expect_text(&fx, 401, "delete_msgs signature verification failed", "delete", p);
	snprintf(req, sizeof(req), "delete_all%llu", (unsigned long long)(fx.now - 60001));
	p = json_pack("{sssIss}", "pubkey", g.pubkey, "timestamp", (json_int_t)(fx.now - 60001),
		      "signature", sign_str(g.sk, req));
	fx_expect_text(&fx, 406, "delete_all timestamp too far from current time", "delete_all", p);
	snprintf(req, sizeof(req), "delete_before%llu", (unsigned long long)(fx.now + 60001));
	p = json_pack("{sssIss}", "pubkey", g.pubkey, "before", (json_int_t)(fx.now + 60001),
		      "signature", sign_str(g.sk, req));
	fx_expect_text(&fx, 401, "delete_before timestamp too far in the future", "delete_before",
		       p);
	snprintf(req, sizeof(req), "delete_before%llu", (unsigned long long)fx.now);
	p = json_pack("{sssIss}", "pubkey", g.pubkey, "before", (json_int_t)fx.now, "signature",
		      sign_bad(g.sk, req));
	fx_expect_text(&fx, 401, "delete_before signature verification failed", "delete_before", p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_all_one_ns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_all_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_testnet_pubkey_hex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_errors, setup, teardown),
	};

	return cmocka_run_group_tests_name("rpc_delete", tests, group_up, group_down);
}
