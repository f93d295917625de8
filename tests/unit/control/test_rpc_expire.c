/* SPDX-License-Identifier: MIT */
/* control/rpc_expire.c: expire (any, shorten, extend, one expiry or one per
 * message, the 30-day clamp, a subaccount without Delete), expire_all and
 * get_expiries against a real redis-server, with the node signatures
 * re-built here from the facts doc's messages and verified with libsodium. */
#include "test_rpc_common.h"

#include "rpc_fixture.h"

#define DAY (24LL * 3600 * 1000)

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
put(const char *data, int64_t ttl, char hash[44])
{
	struct answer r;

	fx_expect(&fx, 200, "store",
		  json_pack("{sssIsIss}", "pubkey", g.pubkey, "timestamp", (json_int_t)fx.now,
			    "ttl", (json_int_t)ttl, "data",
			    b64((const uint8_t *)data, strlen(data))),
		  &r);
	snprintf(hash, 44, "%s", json_string_value(json_object_get(r.j, "hash")));
	answer_free(&r);
}

static void
cat_u64(char *s, uint64_t v)
{
	sprintf(s + strlen(s), "%llu", (unsigned long long)v);
}

/* expire params: hashes[0..n), expiries[0..ne), mode "" / "shorten" / "extend". */
static json_t *
expire_params(char hashes[][44], size_t n, const uint64_t *exps, size_t ne, const char *mode)
{
	json_t *p = json_pack("{ss}", "pubkey", g.pubkey), *msgs = json_array(), *e;
	char *msg = calloc(1, 64 + 24 * ne + 44 * n), *end;

	assert_non_null(msg);
	strcpy(msg, "expire");
	strcat(msg, mode);
	for (size_t i = 0; i < ne; i++)
		cat_u64(msg, exps[i]);
	end = msg + strlen(msg);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(msgs, json_string(hashes[i]));
		memcpy(end, hashes[i], 43);
		end += 43;
	}
	if (ne == 1) {
		e = json_integer((json_int_t)exps[0]);
	} else {
		e = json_array();
		for (size_t i = 0; i < ne; i++)
			json_array_append_new(e, json_integer((json_int_t)exps[i]));
	}
	json_object_set_new(p, "messages", msgs);
	json_object_set_new(p, "expiry", e);
	if (mode[0] != '\0')
		json_object_set_new(p, mode, json_true());
	json_object_set_new(p, "signature", json_string(sign_str(g.sk, msg)));
	free(msg);
	return p;
}

static void
expect_updated(json_t *mine, const char *a, const char *b)
{
	json_t *u = json_object_get(mine, "updated");

	assert_int_equal(json_array_size(u), b != NULL ? 2 : a != NULL ? 1 : 0);
	if (a != NULL)
		assert_string_equal(json_string_value(json_array_get(u, 0)), a);
	if (b != NULL)
		assert_string_equal(json_string_value(json_array_get(u, 1)), b);
}

static void
sorted2(char h[2][44], const char **lo, const char **hi)
{
	bool first = strcmp(h[0], h[1]) < 0;

	*lo = first ? h[0] : h[1];
	*hi = first ? h[1] : h[0];
}

static void
test_expire_one(void **state)
{
	char h[3][44] = {"", "", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, msg[512];
	uint64_t e = fx.now + 50000;
	const char *lo, *hi;
	struct answer r;
	json_t *mine;

	(void)state;
	put("one", 100000, h[0]);
	put("two", 100000, h[1]);
	fx_expect(&fx, 200, "expire", expire_params(h, 3, &e, 1, ""), &r);
	mine = fx_mine(&fx, r.j);
	sorted2(h, &lo, &hi);
	expect_updated(mine, lo, hi);
	assert_int_equal(json_integer_value(json_object_get(mine, "expiry")), e);
	assert_null(json_object_get(mine, "unchanged"));
	/* PUBKEY_HEX || expiry || requested (request order) || updated (sorted). */
	snprintf(msg, sizeof(msg), "%s%llu%s%s%s%s%s", g.pubkey, (unsigned long long)e, h[0], h[1],
		 h[2], lo, hi);
	fx_check_sig(&fx, mine, msg, strlen(msg));
	answer_free(&r);
}

static void
test_expire_clamped(void **state)
{
	char h[1][44], msg[256];
	uint64_t e = fx.now + 40 * DAY, applied = fx.now + 30 * DAY;
	struct answer r;
	json_t *mine;

	(void)state;
	put("long", 100000, h[0]);
	fx_expect(&fx, 200, "expire", expire_params(h, 1, &e, 1, ""), &r);
	mine = fx_mine(&fx, r.j);
	expect_updated(mine, h[0], NULL);
	/* Applied (and signed): now + 30 days, not what was asked. */
	assert_int_equal(json_integer_value(json_object_get(mine, "expiry")), applied);
	snprintf(msg, sizeof(msg), "%s%llu%s%s", g.pubkey, (unsigned long long)applied, h[0], h[0]);
	fx_check_sig(&fx, mine, msg, strlen(msg));
	answer_free(&r);
}

static void
test_expire_shorten_extend(void **state)
{
	char h[2][44], msg[512];
	uint64_t e = fx.now + 50000;
	struct answer r;
	json_t *mine, *u;

	(void)state;
	put("later", 100000, h[0]);
	put("sooner", 20000, h[1]);
	fx_expect(&fx, 200, "expire", expire_params(h, 2, &e, 1, "shorten"), &r);
	mine = fx_mine(&fx, r.j);
	expect_updated(mine, h[0], NULL);
	u = json_object_get(mine, "unchanged");
	assert_int_equal(json_object_size(u), 1);
	assert_int_equal(json_integer_value(json_object_get(u, h[1])), fx.now + 20000);
	/* ... || updated || hash+expiry of each unchanged. */
	snprintf(msg, sizeof(msg), "%s%llu%s%s%s%s%llu", g.pubkey, (unsigned long long)e, h[0],
		 h[1], h[0], h[1], (unsigned long long)(fx.now + 20000));
	fx_check_sig(&fx, mine, msg, strlen(msg));
	answer_free(&r);
	/* Now h0 is at now+50000; extending to now+60000 moves h0 and h1. */
	e = fx.now + 60000;
	fx_expect(&fx, 200, "expire", expire_params(h, 2, &e, 1, "extend"), &r);
	mine = fx_mine(&fx, r.j);
	assert_int_equal(json_array_size(json_object_get(mine, "updated")), 2);
	assert_int_equal(json_object_size(json_object_get(mine, "unchanged")), 0);
	answer_free(&r);
	/* Extending to an earlier time changes nothing: both unchanged. */
	e = fx.now + 30000;
	fx_expect(&fx, 200, "expire", expire_params(h, 2, &e, 1, "extend"), &r);
	mine = fx_mine(&fx, r.j);
	expect_updated(mine, NULL, NULL);
	u = json_object_get(mine, "unchanged");
	assert_int_equal(json_integer_value(json_object_get(u, h[0])), fx.now + 60000);
	assert_int_equal(json_integer_value(json_object_get(u, h[1])), fx.now + 60000);
	answer_free(&r);
}

static void
test_expire_many(void **state)
{
	char h[2][44], msg[512];
	uint64_t e[2];
	const char *lo, *hi;
	struct answer r;
	json_t *mine, *ex;

	(void)state;
	put("alpha", 100000, h[0]);
	put("beta", 100000, h[1]);
	e[0] = fx.now + 30000;
	e[1] = fx.now + 40000;
	fx_expect(&fx, 200, "expire", expire_params(h, 2, e, 2, ""), &r);
	mine = fx_mine(&fx, r.j);
	sorted2(h, &lo, &hi);
	expect_updated(mine, lo, hi);
	/* "expiry": the applied ones, in the order of "updated". */
	ex = json_object_get(mine, "expiry");
	assert_int_equal(json_array_size(ex), 2);
	assert_int_equal(json_integer_value(json_array_get(ex, 0)), lo == h[0] ? e[0] : e[1]);
	assert_int_equal(json_integer_value(json_array_get(ex, 1)), lo == h[0] ? e[1] : e[0]);
	snprintf(msg, sizeof(msg), "%s%llu%llu%s%s%s%s", g.pubkey,
		 (unsigned long long)(lo == h[0] ? e[0] : e[1]),
		 (unsigned long long)(lo == h[0] ? e[1] : e[0]), h[0], h[1], lo, hi);
	fx_check_sig(&fx, mine, msg, strlen(msg));
	answer_free(&r);
}

/* A token of g for sub with flags, and its subaccount_sig. */
static void
sub_auth(json_t *p, uint8_t flags, const char *msg)
{
	uint8_t token[36] = {0x03, flags, 0, 0};

	memcpy(token + 4, sub.pk, 32);
	json_object_set_new(p, "subaccount", json_string(b64(token, 36)));
	json_object_set_new(p, "subaccount_sig", json_string(sign_b64(g.sk, token, 36)));
	json_object_set_new(p, "signature", json_string(sign_str(sub.sk, msg)));
}

static void
test_expire_subaccount_without_delete(void **state)
{
	char h[1][44], msg[256];
	uint64_t e;
	struct answer r;
	json_t *p, *mine;

	(void)state;
	put("member", 100000, h[0]);
	/* Write only: shortening is refused outright ... */
	e = fx.now + 50000;
	p = expire_params(h, 1, &e, 1, "shorten");
	snprintf(msg, sizeof(msg), "expireshorten%llu%s", (unsigned long long)e, h[0]);
	sub_auth(p, 0x02, msg);
	fx_expect_text(&fx, 400,
		       "expire: shorten parameter cannot be used with this subaccount token "
		       "(missing delete access)",
		       "expire", p);
	/* ... and a plain expire may only extend (and reports no "unchanged"). */
	p = expire_params(h, 1, &e, 1, "");
	snprintf(msg, sizeof(msg), "expire%llu%s", (unsigned long long)e, h[0]);
	sub_auth(p, 0x02, msg);
	fx_expect(&fx, 200, "expire", p, &r);
	mine = fx_mine(&fx, r.j);
	expect_updated(mine, NULL, NULL);
	assert_null(json_object_get(mine, "unchanged"));
	answer_free(&r);
	e = fx.now + 200000;
	p = expire_params(h, 1, &e, 1, "");
	snprintf(msg, sizeof(msg), "expire%llu%s", (unsigned long long)e, h[0]);
	sub_auth(p, 0x02, msg);
	fx_expect(&fx, 200, "expire", p, &r);
	expect_updated(fx_mine(&fx, r.j), h[0], NULL);
	answer_free(&r);
	/* With Delete it may shorten. */
	e = fx.now + 50000;
	p = expire_params(h, 1, &e, 1, "");
	snprintf(msg, sizeof(msg), "expire%llu%s", (unsigned long long)e, h[0]);
	sub_auth(p, 0x06, msg);
	fx_expect(&fx, 200, "expire", p, &r);
	expect_updated(fx_mine(&fx, r.j), h[0], NULL);
	answer_free(&r);
}

static void
test_expire_errors(void **state)
{
	char h[1][44] = {"4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs"};
	uint64_t e = fx.now - 60001;
	json_t *p;

	(void)state;
	fx_expect_text(&fx, 401, "expire: timestamp should be >= current time", "expire",
		       expire_params(h, 1, &e, 1, ""));
	e = fx.now + 1000;
	p = expire_params(h, 1, &e, 1, "");
	json_object_set_new(p, "signature", json_string(sign_bad(g.sk, "expire")));
	fx_expect_text(&fx, 401, "expire: signature verification failed", "expire", p);
}

static void
test_expire_too_many(void **state)
{
	enum {
		N = 100001
	}; /* one more than the store takes in one call */
	char(*h)[44] = calloc(N, 44);
	uint64_t e = fx.now + 1000;

	(void)state;
	assert_non_null(h);
	for (size_t i = 0; i < N; i++)
		snprintf(h[i], 44, "%043zu", i);
	fx_expect_text(&fx, 400, "invalid request: too many items for one request", "expire",
		       expire_params(h, N, &e, 1, ""));
	free(h);
}

/* ---- expire_all ---- */

static void
test_expire_all(void **state)
{
	char h[2][44], msg[256];
	uint64_t e = fx.now + 50000;
	struct answer r;
	json_t *p, *mine;

	(void)state;
	put("later", 100000, h[0]);
	put("sooner", 20000, h[1]);
	snprintf(msg, sizeof(msg), "expire_all%llu", (unsigned long long)e);
	p = json_pack("{sssIss}", "pubkey", g.pubkey, "expiry", (json_int_t)e, "signature",
		      sign_str(g.sk, msg));
	fx_expect(&fx, 200, "expire_all", p, &r);
	mine = fx_mine(&fx, r.j);
	/* Only shortens: the later one. */
	expect_updated(mine, h[0], NULL);
	snprintf(msg, sizeof(msg), "%s%llu%s", g.pubkey, (unsigned long long)e, h[0]);
	fx_check_sig(&fx, mine, msg, strlen(msg));
	answer_free(&r);
	/* "all": per namespace. */
	e = fx.now + 10000;
	snprintf(msg, sizeof(msg), "expire_allall%llu", (unsigned long long)e);
	p = json_pack("{sssssIss}", "pubkey", g.pubkey, "namespace", "all", "expiry", (json_int_t)e,
		      "signature", sign_str(g.sk, msg));
	fx_expect(&fx, 200, "expire_all", p, &r);
	mine = fx_mine(&fx, r.j);
	assert_int_equal(json_array_size(json_object_get(json_object_get(mine, "updated"), "0")),
			 2);
	answer_free(&r);
	e = fx.now - 60001;
	snprintf(msg, sizeof(msg), "expire_all%llu", (unsigned long long)e);
	p = json_pack("{sssIss}", "pubkey", g.pubkey, "expiry", (json_int_t)e, "signature",
		      sign_str(g.sk, msg));
	fx_expect_text(&fx, 406, "expire_all timestamp should be >= current time", "expire_all", p);
}

/* ---- get_expiries ---- */

static json_t *
get_params(const char *const *hashes, size_t n)
{
	json_t *p = json_pack("{sssI}", "pubkey", g.pubkey, "timestamp", (json_int_t)fx.now);
	json_t *msgs = json_array();
	char msg[1024];

	snprintf(msg, sizeof(msg), "get_expiries%llu", (unsigned long long)fx.now);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(msgs, json_string(hashes[i]));
		strcat(msg, hashes[i]);
	}
	json_object_set_new(p, "messages", msgs);
	json_object_set_new(p, "signature", json_string(sign_str(g.sk, msg)));
	return p;
}

static void
test_get_expiries(void **state)
{
	char h[2][44];
	const char *ask[4];
	struct answer r;
	json_t *e;
	json_t *p;

	(void)state;
	put("a", 100000, h[0]);
	put("b", 20000, h[1]);
	ask[0] = h[0];
	ask[1] = "not a hash at all";
	ask[2] = h[1];
	ask[3] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	fx_expect(&fx, 200, "get_expiries", get_params(ask, 4), &r);
	e = json_object_get(r.j, "expiries");
	assert_int_equal(json_object_size(e), 2);
	assert_int_equal(json_integer_value(json_object_get(e, h[0])), fx.now + 100000);
	assert_int_equal(json_integer_value(json_object_get(e, h[1])), fx.now + 20000);
	/* The reference adds no "t"/"hf" here. */
	assert_int_equal(json_object_size(r.j), 1);
	answer_free(&r);
	/* Only strings that cannot be hashes: answered without Redis. */
	fx_expect(&fx, 200, "get_expiries", get_params(&ask[1], 1), &r);
	assert_int_equal(json_object_size(json_object_get(r.j, "expiries")), 0);
	answer_free(&r);
	p = get_params(ask, 1);
	json_object_set_new(p, "signature", json_string(sign_bad(g.sk, "get_expiries")));
	fx_expect_text(&fx, 401, "get_expiries signature verification failed", "get_expiries", p);
	fx.now += 60001;
	p = get_params(ask, 1);
	fx.now -= 60001;
	fx_expect_text(&fx, 406, "get_expiries timestamp too far from current time", "get_expiries",
		       p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expire_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_clamped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_shorten_extend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_subaccount_without_delete, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_expire_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_expiries, setup, teardown),
	};

	return cmocka_run_group_tests_name("rpc_expire", tests, group_up, group_down);
}
