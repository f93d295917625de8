/* SPDX-License-Identifier: MIT */
/*
 * storage/quota.c (and the quota check in the store script) against a real
 * redis-server: per-account and total limits at their edges, "store full" text
 * and throttled logging, bytes given back by delete, dedup and outbox replace.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store_sync.h"

#define T0  INT64_C(1700000000000)
#define DAY INT64_C(86400000)

enum {
	ACCOUNT_MAX = 100, /* bytes */
	TOTAL_MAX = 250,   /* bytes */
	LOG_EVERY = 3,
};

static struct fixture fx;
static uint8_t zeros[200];

static int
setup(void **state)
{
	struct store_config cfg = {
		.account_bytes_max = ACCOUNT_MAX,
		.total_bytes_max = TOTAL_MAX,
		.full_log_every = LOG_EVERY,
	};

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

/* A message of len bytes whose content (hence hash) is set by tag. */
static int
put(const uint8_t *pk, int32_t ns, size_t len, uint8_t tag, struct store_msg *m)
{
	static uint8_t buf[16][200];
	static int next;
	uint8_t *b = buf[next++ % 16];

	memset(b, 0, len);
	if (len > 0)
		b[0] = tag;
	test_msg(m, pk, ns, b, len, T0, T0 + DAY);
	return sync_put(&fx, m, NULL);
}

static void
account_limit_edge(void **state)
{
	uint8_t pk[33];
	struct store_msg m, big;
	struct hashes d;
	const char *h;
	struct store_usage u;

	(void)state;
	test_pubkey(pk, 0x05, 1);
	assert_int_equal(put(pk, 0, 60, 1, &m), 0);
	assert_int_equal(put(pk, 0, 41, 2, &big), -ENOSPC); /* 101: one byte over */
	assert_string_equal(fx.status.text, "store full: the account holds 60 of 100 bytes");
	assert_int_equal(put(pk, 0, 40, 3, &big), 0); /* exactly 100 */
	assert_int_equal(put(pk, 0, 1, 4, &big), -ENOSPC);
	/* a duplicate needs no room */
	assert_int_equal(sync_put(&fx, &m, NULL), 0);
	/* an empty message fits even in a full account */
	assert_int_equal(put(pk, 0, 0, 0, &big), 0);
	/* deleting gives the bytes back */
	h = m.hash;
	assert_int_equal(sync_delete(&fx, pk, &h, 1, &d), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(put(pk, 0, 60, 5, &m), 0);
	assert_int_equal(sync_usage(&fx, &u), 0);
	assert_int_equal(u.bytes, 100);
	assert_int_equal(u.messages, 3);
	(void)zeros;
}

static void
total_limit_edge(void **state)
{
	uint8_t a[33], b[33], c[33];
	struct store_msg m;
	struct store_usage u;
	struct ns_hashes d;

	(void)state;
	test_pubkey(a, 0x05, 1); /* holds 100 from the previous test */
	test_pubkey(b, 0x05, 2);
	test_pubkey(c, 0x05, 3);
	assert_int_equal(sync_usage(&fx, &u), 0);
	assert_int_equal(u.bytes, 100);
	assert_int_equal(put(b, 0, 100, 1, &m), 0);
	assert_int_equal(put(c, 0, 51, 1, &m), -ENOSPC); /* 251 */
	assert_string_equal(fx.status.text, "store full: the node holds 200 of 250 bytes");
	assert_int_equal(put(c, 0, 50, 1, &m), 0); /* exactly 250 */
	assert_int_equal(put(c, 0, 1, 2, &m), -ENOSPC);
	assert_int_equal(sync_usage(&fx, &u), 0);
	assert_int_equal(u.bytes, TOTAL_MAX);
	assert_int_equal(u.accounts, 3);
	assert_int_equal(sync_delete_all(&fx, b, STORE_NS_ALL, &d), 0);
	assert_int_equal(sync_usage(&fx, &u), 0);
	assert_int_equal(u.bytes, 150);
	assert_int_equal(u.accounts, 2);
}

static void
outbox_replacement_frees_room_first(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	struct store_usage u;

	(void)state;
	test_pubkey(pk, 0x03, 9);
	assert_int_equal(put(pk, -1, 90, 1, &m), 0);
	/* 90 + 95 would be over 100, but the outbox drops the 90 first */
	assert_int_equal(put(pk, -1, 95, 2, &m), 0);
	assert_int_equal(put(pk, -1, 101, 3, &m), -ENOSPC);
	assert_int_equal(sync_usage(&fx, &u), 0);
	assert_int_equal(u.bytes, 150 + 95);
}

static void
full_is_logged_once_per_n(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	int before = fx.n_log, i;
	uint64_t count_before = fx.st->full_count;

	(void)state;
	test_pubkey(pk, 0x05, 1); /* full */
	for (i = 0; i < 2 * LOG_EVERY; i++)
		assert_int_equal(put(pk, 0, 10, (uint8_t)(20 + i), &m), -ENOSPC);
	assert_int_equal(fx.st->full_count, count_before + 2 * LOG_EVERY);
	assert_int_equal(fx.n_log - before, 2);
	assert_non_null(strstr(fx.log[fx.n_log - 1], "store full"));
	assert_non_null(strstr(fx.log[fx.n_log - 1], "logged 1 in 3"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(account_limit_edge),
		cmocka_unit_test(total_limit_edge),
		cmocka_unit_test(outbox_replacement_frees_room_first),
		cmocka_unit_test(full_is_logged_once_per_n),
	};

	return cmocka_run_group_tests_name("storage/quota", tests, setup, teardown);
}
