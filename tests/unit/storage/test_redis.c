/* SPDX-License-Identifier: MIT */
/*
 * storage/redis.c against a real redis-server: connect and script load,
 * prefixes kept apart, NOSCRIPT fallback, Redis down (clear error, no crash)
 * and back (reconnect), a stopped Redis (timeout), the schema version, the
 * synchronous startup check, configuration errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "keys.h"
#include "store_sync.h"

#define T0  INT64_C(1700000000000)
#define DAY INT64_C(86400000)

static struct fixture fx;

static int
setup(void **state)
{
	struct store_config cfg = {.redis = {.timeout_ms = 500, .reconnect_max_ms = 200}};

	(void)state;
	return fixture_up(&fx, "everysec", &cfg);
}

static int
teardown(void **state)
{
	(void)state;
	fixture_down(&fx);
	return 0;
}

/* A plain command on our server, for the test's own inspection. */
static redisReply *
command(const char *fmt, ...)
{
	redisContext *c = redisConnectUnix(fx.rt.sock);
	redisReply *r = NULL;
	va_list ap;

	if (c != NULL && c->err == 0) {
		va_start(ap, fmt);
		r = redisvCommand(c, fmt, ap);
		va_end(ap);
	}
	redisFree(c);
	return r;
}

static void
ok_command(const char *cmd)
{
	redisReply *r = command(cmd);

	assert_non_null(r);
	assert_int_not_equal(r->type, REDIS_REPLY_ERROR);
	freeReplyObject(r);
}

static int
put_one(uint8_t seed)
{
	uint8_t pk[33];
	struct store_msg m;

	test_pubkey(pk, 0x05, seed);
	test_msg(&m, pk, 0, "x", 1, T0, T0 + DAY);
	return sync_put(&fx, &m, NULL);
}

static void
ready_and_schema_written(void **state)
{
	redisReply *r;

	(void)state;
	assert_true(store_is_ready(fx.st));
	assert_string_equal(store_last_error(fx.st), "");
	r = command("GET %s%s", STORE_KEYS_PREFIX_DEFAULT, STORE_KEYS_SCHEMA);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_STRING);
	assert_int_equal(atoi(r->str), STORE_KEYS_SCHEMA_VERSION);
	freeReplyObject(r);
	assert_int_equal(put_one(1), 0);
}

static void
prefixes_are_separate_stores(void **state)
{
	struct store_config cfg = {.redis = {.prefix = "other:"}};
	struct store *second = fixture_store(&fx, &cfg);
	struct store *first = fx.st;
	struct store_usage u1, u2;

	(void)state;
	assert_non_null(second);
	assert_true(fixture_wait_ready(&fx, second, SYNC_WAIT_MS));
	assert_int_equal(sync_usage(&fx, &u1), 0);
	fx.st = second;
	assert_int_equal(sync_usage(&fx, &u2), 0);
	assert_int_equal(u2.messages, 0);
	assert_int_equal(put_one(2), 0);
	assert_int_equal(sync_usage(&fx, &u2), 0);
	assert_int_equal(u2.messages, 1);
	fx.st = first;
	assert_int_equal(sync_usage(&fx, &u2), 0);
	assert_int_equal(u2.messages, u1.messages);
	store_free(second);
}

static void
script_flush_falls_back_to_eval(void **state)
{
	(void)state;
	ok_command("SCRIPT FLUSH");
	assert_int_equal(put_one(3), 0);
	assert_true(store_is_ready(fx.st));
}

static void
redis_error_is_reported(void **state)
{
	uint8_t pk[33];
	struct store_msg_query q = {.pubkey = pk, .now_ms = T0};
	struct got g;
	redisReply *r;
	char key[200];

	(void)state;
	/* a key of the wrong type makes the script fail inside Redis */
	test_pubkey(pk, 0x05, 4);
	snprintf(key, sizeof(key), "%si:", STORE_KEYS_PREFIX_DEFAULT);
	for (int i = 0; i < 33; i++)
		snprintf(key + strlen(key), 3, "%02x", pk[i]);
	strcat(key, ":0");
	r = command("SET %s notazset", key);
	freeReplyObject(r);
	assert_int_equal(sync_get(&fx, &q, &g), -EIO);
	assert_non_null(strstr(fx.status.text, "retrieve failed"));
	assert_non_null(strstr(fx.status.text, "WRONGTYPE"));
	r = command("DEL %s", key);
	freeReplyObject(r);
}

static void
down_fails_clearly_then_reconnects(void **state)
{
	int n_log = fx.n_log;

	(void)state;
	assert_int_equal(redis_test_kill(&fx.rt, SIGKILL), 0);
	redis_test_loop_for(fx.base, 100); /* let the disconnect be seen */
	assert_false(store_is_ready(fx.st));
	assert_int_equal(put_one(5), -ENOTCONN);
	assert_non_null(strstr(store_last_error(fx.st), "connect"));
	/* retries while down are not logged one by one */
	redis_test_loop_for(fx.base, 600);
	assert_int_equal(fx.n_log, n_log + 1);
	assert_non_null(strstr(fx.log[n_log], "connection lost"));
	assert_int_equal(redis_test_restart(&fx.rt), 0);
	assert_true(fixture_wait_ready(&fx, fx.st, SYNC_WAIT_MS));
	assert_int_equal(put_one(5), 0);
	assert_int_equal(fx.n_log, n_log + 2);
	assert_non_null(strstr(fx.log[n_log + 1], "connected"));
}

static bool timeout_done;
static struct store_status timeout_status;

static void
timeout_cb(void *arg, const struct store_status *st, const struct store_usage *u)
{
	(void)arg;
	(void)u;
	timeout_status = *st;
	timeout_done = true;
}

static void
stopped_redis_times_out_and_recovers(void **state)
{
	(void)state;
	assert_int_equal(redis_test_kill(&fx.rt, SIGSTOP), 0);
	timeout_done = false;
	assert_int_equal(store_quota_usage(fx.st, timeout_cb, NULL), 0);
	assert_false(timeout_done); /* never from inside the call */
	assert_true(redis_test_loop_until(fx.base, &timeout_done, 3000));
	assert_int_equal(timeout_status.rc, -ETIMEDOUT);
	assert_non_null(strstr(timeout_status.text, "no answer to usage within 500 ms"));
	assert_false(store_is_ready(fx.st));
	assert_int_equal(redis_test_kill(&fx.rt, SIGCONT), 0);
	assert_true(fixture_wait_ready(&fx, fx.st, SYNC_WAIT_MS));
	assert_int_equal(put_one(6), 0);
}

static void
schema_mismatch_is_refused(void **state)
{
	struct store_config cfg = {.redis = {.prefix = "old:", .timeout_ms = 500}};
	struct store *st;
	char err[256];

	(void)state;
	ok_command("SET old:schema 0");
	st = fixture_store(&fx, &cfg);
	assert_non_null(st);
	redis_test_loop_for(fx.base, 300);
	assert_false(store_is_ready(st));
	assert_non_null(strstr(store_last_error(st), "schema version 0"));
	store_free(st);
	cfg.redis.unix_path = fx.rt.sock;
	assert_int_equal(store_check(&cfg, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "schema version 0 under prefix \"old:\""));
}

static void
startup_check(void **state)
{
	struct store_config cfg = {.redis = {.unix_path = fx.rt.sock}};
	char err[256] = "";

	(void)state;
	assert_int_equal(store_check(&cfg, err, sizeof(err)), 0);
	cfg.redis.prefix = "fresh:"; /* no schema yet: fine */
	assert_int_equal(store_check(&cfg, err, sizeof(err)), 0);
	ok_command("CONFIG SET maxmemory-policy allkeys-lru");
	assert_int_equal(store_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "maxmemory-policy is allkeys-lru"));
	ok_command("CONFIG SET maxmemory-policy noeviction");
	ok_command("CONFIG SET appendonly no");
	assert_int_equal(store_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "appendonly is off"));
	ok_command("CONFIG SET appendonly yes");
	cfg.redis.unix_path = "/nonexistent/redis.sock";
	assert_int_equal(store_check(&cfg, err, sizeof(err)), -ECONNREFUSED);
	assert_non_null(strstr(err, "unix:/nonexistent/redis.sock: cannot connect"));
}

static void
bad_configuration(void **state)
{
	struct store_config cfg = {0};
	char err[256] = "", longp[64];

	(void)state;
	assert_null(store_new(fx.base, &cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "neither a unix socket nor a valid host:port"));
	cfg.redis.host = "127.0.0.1";
	cfg.redis.port = 70000;
	assert_null(store_new(fx.base, &cfg, err, sizeof(err)));
	cfg.redis.unix_path = fx.rt.sock;
	memset(longp, 'p', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	cfg.redis.prefix = longp;
	assert_null(store_new(fx.base, &cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "longer than 32"));
	assert_null(store_new(NULL, &cfg, err, sizeof(err)));
}

static void
unreachable_at_start_then_appears(void **state)
{
	struct store_config cfg = {.redis = {.reconnect_max_ms = 100}};
	struct redis_test late;
	char err[256];
	struct store *st;

	(void)state;
	/* a socket path in a directory of our own where nothing listens yet */
	assert_int_equal(redis_test_start(&late, "everysec"), 0);
	assert_int_equal(redis_test_kill(&late, SIGKILL), 0);
	cfg.redis.unix_path = late.sock;
	cfg.redis.log = NULL;
	st = store_new(fx.base, &cfg, err, sizeof(err));
	assert_non_null(st);
	redis_test_loop_for(fx.base, 200);
	assert_false(store_is_ready(st));
	assert_int_equal(redis_test_restart(&late), 0);
	assert_true(fixture_wait_ready(&fx, st, SYNC_WAIT_MS));
	store_free(st);
	redis_test_stop(&late);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ready_and_schema_written),
		cmocka_unit_test(prefixes_are_separate_stores),
		cmocka_unit_test(script_flush_falls_back_to_eval),
		cmocka_unit_test(redis_error_is_reported),
		cmocka_unit_test(down_fails_clearly_then_reconnects),
		cmocka_unit_test(stopped_redis_times_out_and_recovers),
		cmocka_unit_test(schema_mismatch_is_refused),
		cmocka_unit_test(startup_check),
		cmocka_unit_test(bad_configuration),
		cmocka_unit_test(unreachable_at_start_then_appears),
	};

	return cmocka_run_group_tests_name("storage/redis", tests, setup, teardown);
}
