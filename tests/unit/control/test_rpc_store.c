/* SPDX-License-Identifier: MIT */
/* control/rpc_store.c: store and retrieve through the whole server against a
 * real redis-server: results and node signatures checked with libsodium,
 * duplicates, the quota answer, retrieve paging and budgets at their edges,
 * expired messages, and the upstream message-hash vector. */
#include "test_rpc_common.h"

#include "kat.h"
#include "rpc_fixture.h"
#include "rpc_store.h"

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

static void
ns_text(int ns, char *out, size_t cap)
{
	if (ns == 0)
		out[0] = '\0';
	else
		snprintf(out, cap, "%d", ns);
}

static void
add_auth(json_t *p, const struct acct *a, const char *msg)
{
	json_object_set_new(p, "signature", json_string(sign_str(a->sk, msg)));
	if (a->pubkey[1] == '5')
		json_object_set_new(p, "pubkey_ed25519", json_string(a->pk_ed_hex));
}

static json_t *
store_params(const struct acct *a, int ns, const void *data, size_t len, int64_t ttl, bool sign)
{
	json_t *p = json_pack("{sssIsIss}", "pubkey", a->pubkey, "timestamp", (json_int_t)fx.now,
			      "ttl", (json_int_t)ttl, "data", b64(data, len));
	char msg[64], n[12];

	if (ns != 0)
		json_object_set_new(p, "namespace", json_integer(ns));
	if (sign) {
		ns_text(ns, n, sizeof(n));
		snprintf(msg, sizeof(msg), "store%s%llu", n, (unsigned long long)fx.now);
		add_auth(p, a, msg);
	}
	return p;
}

static json_t *
retrieve_params(const struct acct *a, int ns)
{
	json_t *p = json_pack("{sssI}", "pubkey", a->pubkey, "timestamp", (json_int_t)fx.now);
	char msg[64], n[12];

	if (ns != 0)
		json_object_set_new(p, "namespace", json_integer(ns));
	ns_text(ns, n, sizeof(n));
	snprintf(msg, sizeof(msg), "retrieve%s%llu", n, (unsigned long long)fx.now);
	add_auth(p, a, msg);
	return p;
}

/* The expected hash, computed here with libsodium (SS computeMessageHash). */
static void
expect_hash(const char *pubkey_hex, int ns, const void *data, size_t len, char out[44])
{
	crypto_generichash_state h;
	uint8_t pk[33], d[32];
	char n[12], b[48];

	sodium_hex2bin(pk, 33, pubkey_hex, 66, NULL, NULL, NULL);
	ns_text(ns, n, sizeof(n));
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, pk, 33);
	crypto_generichash_update(&h, (const uint8_t *)n, strlen(n));
	crypto_generichash_update(&h, data, len);
	crypto_generichash_final(&h, d, 32);
	sodium_bin2base64(b, sizeof(b), d, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	memcpy(out, b, 44);
}

/* Stores data (unsigned, public inbox 0 unless ns given and signed); returns its hash. */
static void
put(const struct acct *a, int ns, const char *data, int64_t ttl, char hash[44])
{
	struct answer r;
	json_t *mine;

	fx_expect(&fx, 200, "store", store_params(a, ns, data, strlen(data), ttl, ns % 10 != 0),
		  &r);
	mine = fx_mine(&fx, r.j);
	snprintf(hash, 44, "%s", json_string_value(json_object_get(mine, "hash")));
	answer_free(&r);
}

/* ---- store ---- */

static void
test_store_result_and_signature(void **state)
{
	const char data[] = "hello storage";
	struct answer r;
	json_t *mine;
	char want[44];

	(void)state;
	expect_hash(g.pubkey, 0, data, strlen(data), want);
	fx_expect(&fx, 200, "store", store_params(&g, 0, data, strlen(data), 100000, false), &r);
	assert_true(r.json);
	mine = fx_mine(&fx, r.j);
	assert_string_equal(json_string_value(json_object_get(mine, "hash")), want);
	/* Backward-compatible top-level copy. */
	assert_string_equal(json_string_value(json_object_get(r.j, "hash")), want);
	assert_int_equal(json_integer_value(json_object_get(mine, "expiry")), fx.now + 100000);
	assert_int_equal(json_integer_value(json_object_get(mine, "t")), fx.now);
	assert_null(json_object_get(mine, "already"));
	fx_check_sig(&fx, mine, want, strlen(want));
	answer_free(&r);
}

static void
test_store_signed_namespace_05(void **state)
{
	struct answer r;
	json_t *mine;
	char want[44];

	(void)state;
	expect_hash(s05.pubkey, 3, "cfg", 3, want);
	fx_expect(&fx, 200, "store", store_params(&s05, 3, "cfg", 3, 100000, true), &r);
	mine = fx_mine(&fx, r.j);
	assert_string_equal(json_string_value(json_object_get(mine, "hash")), want);
	fx_check_sig(&fx, mine, want, strlen(want));
	answer_free(&r);
}

static void
test_store_duplicate_raises_expiry(void **state)
{
	struct answer r;
	json_t *mine;

	(void)state;
	fx_expect(&fx, 200, "store", store_params(&g, 0, "dup", 3, 100000, false), &r);
	answer_free(&r);
	fx_expect(&fx, 200, "store", store_params(&g, 0, "dup", 3, 200000, false), &r);
	mine = fx_mine(&fx, r.j);
	assert_true(json_is_true(json_object_get(mine, "already")));
	assert_int_equal(json_integer_value(json_object_get(mine, "expiry")), fx.now + 200000);
	answer_free(&r);
	/* A shorter TTL keeps the later expiry. */
	fx_expect(&fx, 200, "store", store_params(&g, 0, "dup", 3, 50000, false), &r);
	mine = fx_mine(&fx, r.j);
	assert_true(json_is_true(json_object_get(mine, "already")));
	assert_int_equal(json_integer_value(json_object_get(mine, "expiry")), fx.now + 200000);
	answer_free(&r);
}

static void
test_store_upstream_hash_vector(void **state)
{
	json_t *kat = kat_load("message_hash.json"),
	       *v = json_array_get(json_object_get(kat, "vectors"), 0);
	struct answer r;
	json_t *p, *mine;

	(void)state;
	p = json_pack("{sssIsIss}", "pubkey", kat_str(v, "pubkey"), "timestamp", (json_int_t)fx.now,
		      "ttl", (json_int_t)100000, "data", kat_str(v, "data_b64"));
	fx_expect(&fx, 200, "store", p, &r);
	mine = fx_mine(&fx, r.j);
	assert_string_equal(json_string_value(json_object_get(mine, "hash")),
			    kat_str(v, "expected_hash_b64"));
	answer_free(&r);
	json_decref(kat);
}

static void
test_store_full(void **state)
{
	struct fx_opts o = {.account_bytes_max = 10};
	struct ctl_rpc_server_stats stats;
	struct answer r;
	json_t *mine;

	(void)state;
	fx_server_down(&fx);
	assert_int_equal(fx_server_up(&fx, &o), 0);
	/* Exactly at the quota is allowed; one byte over is refused. */
	fx_expect(&fx, 200, "store", store_params(&g, 0, "0123456789", 10, 100000, false), &r);
	answer_free(&r);
	fx_expect(&fx, 500, "store", store_params(&g, 0, "x", 1, 100000, false), &r);
	assert_true(r.json);
	mine = fx_mine(&fx, r.j);
	assert_true(json_is_true(json_object_get(mine, "failed")));
	assert_true(json_is_true(json_object_get(mine, "query_failure")));
	assert_int_equal(json_integer_value(json_object_get(mine, "t")), fx.now);
	assert_null(json_object_get(mine, "hash"));
	assert_null(json_object_get(mine, "signature"));
	assert_null(json_object_get(r.j, "hash"));
	answer_free(&r);
	ctl_rpc_server_stats(fx.srv, &stats);
	assert_int_equal(stats.store_full, 1);
}

static void
test_store_errors(void **state)
{
	json_t *p;

	(void)state;
	fx_expect_text(&fx, 401, "store: signature required to store to namespace 1", "store",
		       store_params(&g, 1, "x", 1, 100000, false));
	fx_expect_text(&fx, 403, "Provided expiry/TTL is not valid.", "store",
		       store_params(&g, 0, "x", 1, 9999, false));
	fx_expect_text(&fx, 403, "Provided expiry/TTL is not valid.", "store",
		       store_params(&g, 0, "x", 1, 14LL * 24 * 3600 * 1000 + 1, false));
	p = store_params(&g, 0, "x", 1, 100000, false);
	json_object_set_new(p, "timestamp", json_integer((json_int_t)fx.now + 10001));
	fx_expect_text(&fx, 406, "Timestamp error: check your clock", "store", p);
	p = store_params(&g, 1, "x", 1, 100000, true);
	json_object_set_new(p, "signature", json_string(sign_bad(g.sk, "store11700000000000")));
	fx_expect_text(&fx, 401, "store signature verification failed", "store", p);
	p = store_params(&g, 0, "x", 1, 100000, false);
	json_object_set_new(p, "data", json_string("not base64!"));
	fx_expect_text(&fx, 400, "invalid request: Invalid 'data' value: not base64 encoded",
		       "store", p);
}

/* ---- retrieve ---- */

static json_t *
messages_of(struct answer *r)
{
	json_t *m = json_object_get(r->j, "messages");

	assert_true(json_is_array(m));
	assert_int_equal(json_integer_value(json_object_get(r->j, "t")), fx.now);
	assert_non_null(json_object_get(r->j, "hf"));
	return m;
}

static void
test_retrieve_fields(void **state)
{
	struct answer r;
	json_t *m, *e;
	char h[44];

	(void)state;
	put(&g, 0, "first message", 100000, h);
	fx_expect(&fx, 200, "retrieve", retrieve_params(&g, 0), &r);
	m = messages_of(&r);
	assert_int_equal(json_array_size(m), 1);
	e = json_array_get(m, 0);
	assert_string_equal(json_string_value(json_object_get(e, "hash")), h);
	assert_int_equal(json_integer_value(json_object_get(e, "timestamp")), fx.now);
	/* "expiration", as the reference code sends it (facts doc O6). */
	assert_int_equal(json_integer_value(json_object_get(e, "expiration")), fx.now + 100000);
	assert_null(json_object_get(e, "expiry"));
	assert_string_equal(json_string_value(json_object_get(e, "data")),
			    b64((const uint8_t *)"first message", 13));
	assert_true(json_is_false(json_object_get(r.j, "more")));
	answer_free(&r);
}

/* Stores n messages of 30 bytes (cost 100 + 40 each) into g's inbox. */
static void
put_many(int n, char hashes[][44])
{
	char data[31];

	for (int i = 0; i < n; i++) {
		snprintf(data, sizeof(data), "message number %015d", i);
		put(&g, 0, data, 100000, hashes[i]);
	}
}

static size_t
page(json_t *extra, const char *last, bool *more, char hashes[][44], size_t first_index)
{
	json_t *p = retrieve_params(&g, 0), *m;
	struct answer r;
	size_t n;

	if (last != NULL)
		json_object_set_new(p, "last_hash", json_string(last));
	if (extra != NULL) {
		json_object_update(p, extra);
		json_decref(extra);
	}
	fx_expect(&fx, 200, "retrieve", p, &r);
	m = messages_of(&r);
	n = json_array_size(m);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(
			json_string_value(json_object_get(json_array_get(m, i), "hash")),
			hashes[first_index + i]);
	*more = json_is_true(json_object_get(r.j, "more"));
	answer_free(&r);
	return n;
}

static void
test_retrieve_paging(void **state)
{
	char h[5][44];
	bool more;

	(void)state;
	put_many(5, h);
	assert_int_equal(page(json_pack("{si}", "max_count", 2), NULL, &more, h, 0), 2);
	assert_true(more);
	assert_int_equal(page(json_pack("{si}", "max_count", 2), h[1], &more, h, 2), 2);
	assert_true(more);
	assert_int_equal(page(json_pack("{si}", "max_count", 2), h[3], &more, h, 4), 1);
	assert_false(more);
	/* The last hash: nothing after it. */
	assert_int_equal(page(NULL, h[4], &more, h, 5), 0);
	assert_false(more);
	/* An unknown last_hash starts from the beginning. */
	assert_int_equal(page(NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &more, h, 0), 5);
}

static void
test_retrieve_count_edges(void **state)
{
	char h[3][44];
	bool more;

	(void)state;
	put_many(3, h);
	assert_int_equal(page(json_pack("{si}", "max_count", 1), NULL, &more, h, 0), 1);
	assert_true(more);
	assert_int_equal(page(json_pack("{si}", "max_count", 3), NULL, &more, h, 0), 3);
	assert_false(more);
	/* 0 means "not given"; negative means no count limit. */
	assert_int_equal(page(json_pack("{si}", "max_count", 0), NULL, &more, h, 0), 3);
	assert_int_equal(page(json_pack("{si}", "max_count", -1), NULL, &more, h, 0), 3);
	assert_false(more);
}

static void
test_retrieve_size_edges(void **state)
{
	char h[3][44];
	bool more;

	(void)state;
	put_many(3, h);
	/* Each message costs 100 + 40: 280 holds two, 279 one. */
	assert_int_equal(page(json_pack("{si}", "max_size", 280), NULL, &more, h, 0), 2);
	assert_true(more);
	assert_int_equal(page(json_pack("{si}", "max_size", 279), NULL, &more, h, 0), 1);
	assert_true(more);
	/* The first message always comes back. */
	assert_int_equal(page(json_pack("{si}", "max_size", 1), NULL, &more, h, 0), 1);
	/* -k: 7,800,000 / k; -27857 gives 280 bytes, -27858 gives 279. */
	assert_int_equal(page(json_pack("{si}", "max_size", -27857), NULL, &more, h, 0), 2);
	assert_int_equal(page(json_pack("{si}", "max_size", -27858), NULL, &more, h, 0), 1);
	/* Both limits: the tighter wins. */
	assert_int_equal(
		page(json_pack("{sisi}", "max_size", 280, "max_count", 1), NULL, &more, h, 0), 1);
}

static void
test_retrieve_expired_hidden(void **state)
{
	char h[2][44];
	bool more;

	(void)state;
	put(&g, 0, "short lived", 10000, h[0]);
	put(&g, 0, "long lived", 100000, h[1]);
	fx.now += 9999;
	assert_int_equal(page(NULL, NULL, &more, h, 0), 2);
	/* Expiry == now counts as gone. */
	fx.now += 1;
	assert_int_equal(page(NULL, NULL, &more, h, 1), 1);
	assert_false(more);
}

static void
test_retrieve_errors(void **state)
{
	json_t *p;
	struct answer r;

	(void)state;
	fx_expect_text(&fx, 401, "retrieve: request signature required", "retrieve",
		       json_pack("{ss}", "pubkey", g.pubkey));
	/* Legacy closed groups (-10) need no signature. */
	fx_expect(&fx, 200, "retrieve", json_pack("{sssi}", "pubkey", g.pubkey, "namespace", -10),
		  &r);
	assert_int_equal(json_array_size(messages_of(&r)), 0);
	answer_free(&r);
	p = retrieve_params(&g, 0);
	json_object_set_new(p, "signature", json_string(sign_bad(g.sk, "retrieve1700000000000")));
	fx_expect_text(&fx, 401, "retrieve signature verification failed", "retrieve", p);
	p = retrieve_params(&g, 0);
	fx.now += 60001;
	fx_expect_text(&fx, 406, "retrieve timestamp too far from current time", "retrieve", p);
	fx.now -= 60001;
}

/* ---- limits ---- */

static void
limits(bool has_count, int64_t count, bool has_size, int64_t size, uint32_t want_count,
       uint64_t want_size)
{
	struct ctl_rpc_retrieve p = {.has_max_count = has_count,
				     .max_count = count,
				     .has_max_size = has_size,
				     .max_size = size};
	uint32_t c;
	uint64_t s;

	rpc_store_retrieve_limits(&p, &c, &s);
	assert_int_equal(c, want_count);
	assert_int_equal(s, want_size);
}

static void
test_retrieve_limits(void **state)
{
	(void)state;
	limits(false, 0, false, 0, 0, 1560000);	 /* default: -5 */
	limits(true, 0, true, 0, 0, 1560000);	 /* zeros count as absent */
	limits(true, 10, false, 0, 10, 7800000); /* count only: the full size */
	limits(true, -3, false, 0, 0, 7800000);	 /* negative count: no count limit */
	limits(true, 4294967296LL, false, 0, UINT32_MAX, 7800000);
	limits(false, 0, true, -1, 0, 7800000);
	limits(false, 0, true, -2, 0, 3900000);
	limits(false, 0, true, 7800000, 0, 7800000);
	limits(false, 0, true, 7800001, 0, 7800000); /* clamped */
	limits(false, 0, true, 1, 0, 1);
	limits(false, 0, true, -7800000, 0, 1);
	limits(false, 0, true, -7800001, 0, 1); /* 0 would mean "no limit" */
	limits(false, 0, true, INT64_MIN, 0, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_result_and_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_signed_namespace_05, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_duplicate_raises_expiry, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store_upstream_hash_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrieve_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrieve_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrieve_count_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrieve_size_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrieve_expired_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrieve_errors, setup, teardown),
		cmocka_unit_test(test_retrieve_limits),
	};

	return cmocka_run_group_tests_name("rpc_store", tests, group_up, group_down);
}
