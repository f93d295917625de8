/* SPDX-License-Identifier: MIT */
/* control/rpc_call.c: the order of the pipeline (admission before any Redis
 * round trip, 421 first), the revocation fetch and its failures, and how a
 * store failure is answered (503 unreachable, 500 Redis error). */
#include "test_rpc_common.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include "rpc_fixture.h"

static struct rpc_fx fx;
static struct acct g, sub;

static int
group_up(void **state)
{
	(void)state;
	acct_make(&g, 0x03);
	acct_make(&sub, 0x03);
	return fx_redis_up(&fx);
}

static int
group_down(void **state)
{
	(void)state;
	fx_redis_down(&fx);
	return 0;
}

static int
setup_opts(const struct fx_opts *o)
{
	if (fx.rt.pid == 0 && redis_test_restart(&fx.rt) != 0)
		return -1;
	return fx_server_up(&fx, o);
}

static int
setup(void **state)
{
	(void)state;
	return setup_opts(NULL);
}

static int
setup_outsider(void **state)
{
	struct fx_opts o = {.not_member = true};

	(void)state;
	return setup_opts(&o);
}

static int
teardown(void **state)
{
	(void)state;
	fx_server_down(&fx);
	return 0;
}

/* Kills our redis-server and runs the loop until the store noticed. */
static void
redis_down(void)
{
	assert_int_equal(redis_test_kill(&fx.rt, SIGKILL), 0);
	for (int i = 0; i < 200 && store_is_ready(fx.st); i++)
		redis_test_loop_for(fx.base, 10);
	assert_false(store_is_ready(fx.st));
}

/* A store to namespace 1 signed by sub through a token of g (flags RWD). */
static json_t *
sub_store(uint64_t sig_ts)
{
	uint8_t token[36] = {0x03, 0x07, 0, 0};
	char msg[64];
	json_t *p;

	memcpy(token + 4, sub.pk, 32);
	snprintf(msg, sizeof(msg), "store1%llu", (unsigned long long)sig_ts);
	p = json_pack("{sssIsIsssisIssssss}", "pubkey", g.pubkey, "timestamp", (json_int_t)fx.now,
		      "ttl", (json_int_t)100000, "data", "AAAA", "namespace", 1, "sig_timestamp",
		      (json_int_t)sig_ts, "subaccount", b64(token, 36), "subaccount_sig",
		      sign_b64(g.sk, token, 36), "signature", sign_str(sub.sk, msg));
	return p;
}

static void
test_subaccount_store_fetches_revocations(void **state)
{
	struct answer r;

	(void)state;
	fx_expect(&fx, 200, "store", sub_store(fx.now), &r);
	answer_free(&r);
}

static void
test_admission_before_redis(void **state)
{
	struct ctl_rpc_server_stats st;

	(void)state;
	redis_down();
	/* Refused on its own merits: no Redis needed, the reference's answer. */
	fx_expect_text(&fx, 406, "store signature timestamp too far from current time", "store",
		       sub_store(fx.now - 60001));
	fx_expect_text(&fx, 401, "retrieve: request signature required", "retrieve",
		       json_pack("{ss}", "pubkey", g.pubkey));
	/* Admissible, but the revocation list cannot be read. */
	fx_expect_text(&fx, 503, "storage unavailable: not connected to Redis", "store",
		       sub_store(fx.now));
	ctl_rpc_server_stats(fx.srv, &st);
	assert_int_equal(st.storage_unavailable, 1);
}

static void
test_misdirected_without_redis(void **state)
{
	struct answer r;

	(void)state;
	redis_down();
	fx_expect(&fx, 421, "store", sub_store(fx.now), &r);
	assert_true(r.json);
	answer_free(&r);
}

/* Makes <prefix><kind>:<acct><suffix> a string so scripts touching it fail. */
static void
poison(const char *kind, const char *acct, const char *suffix)
{
	struct timeval tv = {.tv_sec = 2, .tv_usec = 0};
	redisContext *c = redisConnectUnixWithTimeout(fx.rt.sock, tv);
	redisReply *reply;
	char key[256];

	assert_non_null(c);
	assert_int_equal(c->err, 0);
	snprintf(key, sizeof(key), "t%d:%s:%s%s", fx.n_prefix, kind, acct, suffix);
	reply = redisCommand(c, "SET %s %s", key, "poison");
	assert_non_null(reply);
	freeReplyObject(reply);
	redisFree(c);
}

static void
test_redis_error_is_500(void **state)
{
	struct ctl_rpc_server_stats st;
	char msg[64];

	(void)state;
	/* The revocation list key holds a string: ZRANGE fails. */
	poison("r", g.pubkey, "");
	fx_expect_text(&fx, 500, "storage error", "store", sub_store(fx.now));
	/* So does the namespace index of retrieve. */
	poison("i", g.pubkey, ":0");
	snprintf(msg, sizeof(msg), "retrieve%llu", (unsigned long long)fx.now);
	fx_expect_text(&fx, 500, "storage error", "retrieve",
		       json_pack("{sssIss}", "pubkey", g.pubkey, "timestamp", (json_int_t)fx.now,
				 "signature", sign_str(g.sk, msg)));
	ctl_rpc_server_stats(fx.srv, &st);
	assert_int_equal(st.storage_errors, 2);
	assert_int_equal(st.storage_unavailable, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_subaccount_store_fetches_revocations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_admission_before_redis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misdirected_without_redis, setup_outsider,
						teardown),
		cmocka_unit_test_setup_teardown(test_redis_error_is_500, setup, teardown),
	};

	return cmocka_run_group_tests_name("rpc_call", tests, group_up, group_down);
}
