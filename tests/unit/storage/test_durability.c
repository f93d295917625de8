/* SPDX-License-Identifier: MIT */
/*
 * Durability: redis-server with appendfsync always is killed with SIGKILL while
 * a stream of stores is in flight, then restarted on the same directory. Every
 * store that was acknowledged must be retrievable, and the usage counters must
 * agree with what is stored (each script's writes are all in the AOF or none).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store_sync.h"

#define T0  INT64_C(1700000000000)
#define DAY INT64_C(86400000)

enum {
	STREAM_MAX = 500,  /* stores issued at most */
	IN_FLIGHT = 8,	   /* stores outstanding at once */
	KILL_AFTER = 200,  /* acknowledgements before the kill */
	STREAM_MS = 20000, /* ms: the whole stream */
};

static struct fixture fx;

struct stream {
	uint8_t pk[33];
	struct store_msg msgs[STREAM_MAX];
	char data[STREAM_MAX][24];
	bool acked[STREAM_MAX];
	int issued, acks, failures, outstanding;
	bool killed, finished;
};

static struct stream s;

static int
setup(void **state)
{
	struct store_config cfg = {.redis = {.timeout_ms = 3000, .reconnect_max_ms = 100}};

	(void)state;
	return fixture_up(&fx, "always", &cfg);
}

static int
teardown(void **state)
{
	(void)state;
	fixture_down(&fx);
	return 0;
}

static void pump(void);

static void
put_cb(void *arg, const struct store_status *st, const struct store_put_result *res)
{
	int i = (int)(intptr_t)arg;

	s.outstanding--;
	if (st->rc == 0 && res != NULL && !res->already) {
		s.acked[i] = true;
		s.acks++;
	} else {
		s.failures++;
	}
	if (!s.killed && s.acks >= KILL_AFTER) {
		/* mid-stream: IN_FLIGHT - 1 other stores are outstanding right now */
		assert_int_equal(redis_test_kill(&fx.rt, SIGKILL), 0);
		s.killed = true;
	}
	pump();
}

/* Keeps IN_FLIGHT stores outstanding until the kill, then lets them drain. */
static void
pump(void)
{
	while (!s.killed && s.outstanding < IN_FLIGHT && s.issued < STREAM_MAX) {
		int i = s.issued++;

		if (store_msg_put(fx.st, &s.msgs[i], put_cb, (void *)(intptr_t)i) != 0) {
			s.failures++;
			continue;
		}
		s.outstanding++;
	}
	if ((s.killed || s.issued == STREAM_MAX) && s.outstanding == 0)
		s.finished = true;
}

static void
acknowledged_stores_survive_kill_9(void **state)
{
	struct store_msg_query q = {.pubkey = s.pk, .now_ms = T0};
	struct store_usage u;
	static struct got g;
	int i, found = 0, in_flight_at_kill;
	size_t k;

	(void)state;
	test_pubkey(s.pk, 0x05, 0x77);
	for (i = 0; i < STREAM_MAX; i++) {
		snprintf(s.data[i], sizeof(s.data[i]), "durable-%d", i);
		test_msg(&s.msgs[i], s.pk, 0, s.data[i], strlen(s.data[i]), T0, T0 + DAY);
	}
	pump();
	assert_true(redis_test_loop_until(fx.base, &s.finished, STREAM_MS));
	assert_true(s.killed);
	in_flight_at_kill = s.issued - s.acks;
	printf("# issued %d, acknowledged %d, failed %d\n", s.issued, s.acks, s.failures);
	assert_true(s.acks >= KILL_AFTER);
	assert_true(in_flight_at_kill >= 1); /* the kill did hit a running stream */
	assert_false(store_is_ready(fx.st));

	assert_int_equal(redis_test_restart(&fx.rt), 0);
	assert_true(fixture_wait_ready(&fx, fx.st, SYNC_WAIT_MS));
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_false(g.more);
	for (i = 0; i < STREAM_MAX; i++) {
		if (!s.acked[i])
			continue;
		for (k = 0; k < g.n; k++)
			if (strcmp(g.hash[k], s.msgs[i].hash) == 0)
				break;
		if (k == g.n)
			printf("# acknowledged store %d is missing\n", i);
		else
			found++;
	}
	assert_int_equal(found, s.acks);
	/* nothing beyond what was issued, and the order is the issue order */
	assert_true(g.n >= (size_t)s.acks && g.n <= (size_t)s.issued);
	for (k = 0; k < g.n; k++)
		assert_string_equal(g.hash[k], s.msgs[k].hash);
	assert_int_equal(sync_usage(&fx, &u), 0);
	assert_int_equal(u.messages, g.n);
	assert_int_equal(u.accounts, 1);
	got_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(acknowledged_stores_survive_kill_9),
	};

	return cmocka_run_group_tests_name("storage/durability", tests, setup, teardown);
}
