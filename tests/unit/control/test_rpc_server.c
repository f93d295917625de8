/* SPDX-License-Identifier: MIT */
/* control/rpc_server.c: construction errors, answers given before
 * ctl_rpc_handle returns, Redis stalling or dying under a request (one answer
 * each, late replies dropped), the server freed with requests in flight or
 * from inside done, re-entrant requests, and the counters. */
#include "test_rpc_common.h"

#include <signal.h>

#include "rpc_fixture.h"

static struct rpc_fx fx;
static struct acct g;

static int
group_up(void **state)
{
	(void)state;
	acct_make(&g, 0x03);
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
setup(void **state)
{
	struct fx_opts o = {.timeout_ms = 300};

	(void)state;
	if (fx.rt.pid == 0 && redis_test_restart(&fx.rt) != 0)
		return -1;
	return fx_server_up(&fx, &o);
}

static int
teardown(void **state)
{
	(void)state;
	fx_server_down(&fx);
	return 0;
}

static const char store_body_fmt[] =
	"{\"method\":\"store\",\"params\":{\"pubkey\":\"%s\",\"timestamp\":%llu,"
	"\"ttl\":100000,\"data\":\"AAAA\"}}";

static void
store_body(char *out, size_t cap)
{
	snprintf(out, cap, store_body_fmt, g.pubkey, (unsigned long long)fx.now);
}

static void
test_new_errors(void **state)
{
	struct ctl_rpc_server_conf conf = {0};
	char err[256];

	(void)state;
	assert_null(ctl_rpc_server_new(NULL, err, sizeof(err)));
	assert_string_equal(err, "rpc server: node key, store and swarm view are required");
	conf.ed25519_sk = fx.node_sk;
	conf.store = fx.st;
	assert_null(ctl_rpc_server_new(&conf, err, sizeof(err)));
	conf.swarm = fx.view;
	conf.store = NULL;
	assert_null(ctl_rpc_server_new(&conf, err, sizeof(err)));
	conf.store = fx.st;
	conf.ed25519_sk = NULL;
	assert_null(ctl_rpc_server_new(&conf, err, sizeof(err)));
	ctl_rpc_server_free(NULL);
}

static void
no_done(void *arg, int code, bool json, const char *body, size_t len)
{
	(void)arg;
	(void)code;
	(void)json;
	(void)body;
	(void)len;
	fail_msg("done must not be called");
}

static void
test_handle_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(ctl_rpc_handle(NULL, "{}", 2, no_done, NULL), -EINVAL);
	assert_int_equal(ctl_rpc_handle(fx.srv, "{}", 2, NULL, NULL), -EINVAL);
}

/* Answered inside ctl_rpc_handle: no loop run. */
static void
expect_sync(const char *body, size_t len, int code, const char *text)
{
	struct answer a;

	assert_int_equal(fx_start_len(&fx, body, len, &a), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.code, code);
	if (text != NULL) {
		assert_false(a.json);
		assert_string_equal(a.body, text);
	} else {
		assert_true(a.json);
	}
	answer_free(&a);
}

static void
test_sync_answers(void **state)
{
	static const char info[] = "{\"method\":\"info\",\"params\":{}}trailing garbage";

	(void)state;
	expect_sync("not json", 8, 400, "invalid json");
	expect_sync(NULL, 0, 400, "invalid json");
	expect_sync("{}", 2, 400, "invalid json: no `method` field");
	expect_sync("{\"method\":\"info\"}", 17, 400, "invalid json: no `params` field");
	expect_sync("{\"method\":\"ifelse\",\"params\":{}}", 31, 400, "no method ifelse");
	expect_sync("{\"method\":\"oxend_request\",\"params\":{}}", 38, 400,
		    "invalid request: oxend_request: missing or invalid 'endpoint'");
	/* Only len bytes are the body. */
	expect_sync(info, 29, 200, NULL);
	expect_sync(info, sizeof(info) - 1, 400, "invalid json");
}

static void
test_redis_stalls(void **state)
{
	struct ctl_rpc_server_stats st;
	struct answer a;
	char body[256];

	(void)state;
	store_body(body, sizeof(body));
	assert_int_equal(redis_test_kill(&fx.rt, SIGSTOP), 0);
	assert_int_equal(fx_start(&fx, body, &a), 0);
	assert_int_equal(a.calls, 0);
	ctl_rpc_server_stats(fx.srv, &st);
	assert_int_equal(st.in_flight, 1);
	fx_wait(&fx, &a);
	assert_int_equal(a.code, 503);
	assert_string_equal(a.body, "storage unavailable: Redis did not answer in time");
	assert_int_equal(redis_test_kill(&fx.rt, SIGCONT), 0);
	/* Whatever Redis sends late is not a second answer. */
	redis_test_loop_for(fx.base, 300);
	assert_int_equal(a.calls, 1);
	ctl_rpc_server_stats(fx.srv, &st);
	assert_int_equal(st.in_flight, 0);
	assert_int_equal(st.storage_unavailable, 1);
	assert_int_equal(st.requests, 1);
	answer_free(&a);
}

static void
test_redis_dies_mid_request(void **state)
{
	struct answer a;
	char body[256];

	(void)state;
	store_body(body, sizeof(body));
	assert_int_equal(redis_test_kill(&fx.rt, SIGSTOP), 0);
	assert_int_equal(fx_start(&fx, body, &a), 0);
	redis_test_loop_for(fx.base, 20); /* the request is on the wire */
	assert_int_equal(a.calls, 0);
	assert_int_equal(redis_test_kill(&fx.rt, SIGKILL), 0);
	fx_wait(&fx, &a);
	assert_int_equal(a.code, 503);
	assert_false(a.json);
	assert_string_equal(a.body, "storage unavailable: not connected to Redis");
	redis_test_loop_for(fx.base, 200);
	assert_int_equal(a.calls, 1);
	answer_free(&a);
	/* While it is down, requests are answered at once. */
	assert_int_equal(fx_start(&fx, body, &a), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.code, 503);
	answer_free(&a);
	assert_int_equal(redis_test_restart(&fx.rt), 0);
}

static void
test_free_with_requests_in_flight(void **state)
{
	struct answer a, b;
	char body[256], msg[64], rbody[512];

	(void)state;
	store_body(body, sizeof(body));
	snprintf(msg, sizeof(msg), "retrieve%llu", (unsigned long long)fx.now);
	snprintf(rbody, sizeof(rbody),
		 "{\"method\":\"retrieve\",\"params\":{\"pubkey\":\"%s\",\"timestamp\":%llu,"
		 "\"signature\":\"%s\"}}",
		 g.pubkey, (unsigned long long)fx.now, sign_str(g.sk, msg));
	assert_int_equal(redis_test_kill(&fx.rt, SIGSTOP), 0);
	assert_int_equal(fx_start(&fx, body, &a), 0);
	assert_int_equal(fx_start(&fx, rbody, &b), 0);
	redis_test_loop_for(fx.base, 20);
	ctl_rpc_server_free(fx.srv);
	fx.srv = NULL;
	/* Both answered before ctl_rpc_server_free returned. */
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(a.code, 503);
	assert_string_equal(a.body, "server shutting down");
	assert_string_equal(b.body, "server shutting down");
	assert_int_equal(redis_test_kill(&fx.rt, SIGCONT), 0);
	/* Redis now answers both operations: dropped, nothing called. */
	redis_test_loop_for(fx.base, 300);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	answer_free(&a);
	answer_free(&b);
}

struct freeing {
	struct answer a;
	struct answer *other;
};

static void
free_in_done(void *arg, int code, bool json, const char *body, size_t len)
{
	struct freeing *f = arg;

	fx_on_done(&f->a, code, json, body, len);
	/* The other request is still waiting on Redis: answered right here. */
	assert_int_equal(f->other->calls, 0);
	ctl_rpc_server_free(fx.srv);
	fx.srv = NULL;
	assert_int_equal(f->other->calls, 1);
}

static void
test_free_from_done(void **state)
{
	static const char info[] = "{\"method\":\"info\",\"params\":{}}";
	struct freeing f = {0};
	struct answer b;
	char body[256];

	(void)state;
	store_body(body, sizeof(body));
	assert_int_equal(redis_test_kill(&fx.rt, SIGSTOP), 0);
	assert_int_equal(fx_start(&fx, body, &b), 0);
	f.other = &b;
	assert_int_equal(ctl_rpc_handle(fx.srv, info, sizeof(info) - 1, free_in_done, &f), 0);
	assert_int_equal(f.a.calls, 1);
	assert_int_equal(f.a.code, 200);
	assert_int_equal(b.code, 503);
	assert_int_equal(redis_test_kill(&fx.rt, SIGCONT), 0);
	redis_test_loop_for(fx.base, 300);
	assert_int_equal(b.calls, 1);
	answer_free(&f.a);
	answer_free(&b);
}

struct chain {
	struct answer a, b;
};

static void
start_in_done(void *arg, int code, bool json, const char *body, size_t len)
{
	struct chain *c = arg;

	fx_on_done(&c->a, code, json, body, len);
	assert_int_equal(fx_start(&fx, "{\"method\":\"info\",\"params\":{}}", &c->b), 0);
}

static void
test_request_from_done(void **state)
{
	struct chain c = {0};
	char body[256];

	(void)state;
	store_body(body, sizeof(body));
	assert_int_equal(ctl_rpc_handle(fx.srv, body, strlen(body), start_in_done, &c), 0);
	fx_wait(&fx, &c.a);
	assert_int_equal(c.a.code, 200);
	assert_int_equal(c.b.calls, 1);
	assert_int_equal(c.b.code, 200);
	answer_free(&c.a);
	answer_free(&c.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redis_stalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redis_dies_mid_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_with_requests_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_from_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_from_done, setup, teardown),
	};

	return cmocka_run_group_tests_name("rpc_server", tests, group_up, group_down);
}
