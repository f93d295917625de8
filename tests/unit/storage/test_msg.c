/* SPDX-License-Identifier: MIT */
/*
 * storage/msg.c against a real redis-server: store with dedup, arrival order,
 * last_hash paging, count and size budgets at their edges, expired messages
 * hidden, delete / delete_all / delete_before, the public outbox, bad input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store_sync.h"

#define T0  INT64_C(1700000000000) /* ms: message timestamps */
#define NOW (T0 + 1000)
#define DAY INT64_C(86400000)

static struct fixture fx;

static int
setup(void **state)
{
	(void)state;
	return fixture_up(&fx, "everysec", NULL);
}

static int
teardown(void **state)
{
	(void)state;
	fixture_down(&fx);
	return 0;
}

/* A fresh account per test so that tests do not see each other's messages. */
static void
fresh_pk(uint8_t pk[33])
{
	static uint8_t seed = 1;

	test_pubkey(pk, 0x05, seed++);
}

static void
put_n(const uint8_t *pk, int32_t ns, int n, size_t len, struct store_msg *ms, char (*bufs)[512])
{
	struct store_put_result r;
	int i;

	for (i = 0; i < n; i++) {
		memset(bufs[i], 'a' + i % 26, len);
		snprintf(bufs[i], 16, "%d", i); /* distinct data, hence distinct hashes */
		bufs[i][strlen(bufs[i])] = len > 15 ? 'x' : '\0';
		test_msg(&ms[i], pk, ns, bufs[i], len, T0 + i, T0 + DAY);
		assert_int_equal(sync_put(&fx, &ms[i], &r), 0);
		assert_false(r.already);
		assert_int_equal(r.expiry_ms, T0 + DAY);
	}
}

static void
store_then_retrieve(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	struct store_put_result r;
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct got g;
	static const uint8_t data[] = {0, 1, 2, 0xff, 0};

	(void)state;
	fresh_pk(pk);
	test_msg(&m, pk, 0, data, sizeof(data), T0, T0 + DAY);
	assert_int_equal(sync_put(&fx, &m, &r), 0);
	assert_false(r.already);
	assert_int_equal(r.expiry_ms, T0 + DAY);
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	assert_false(g.more);
	assert_string_equal(g.hash[0], m.hash);
	assert_int_equal(g.ts[0], T0);
	assert_int_equal(g.exp[0], T0 + DAY);
	assert_int_equal(g.len[0], sizeof(data));
	assert_memory_equal(g.data[0], data, sizeof(data)); /* binary safe */
	got_free(&g);
	/* other namespace, other account: nothing */
	q.ns = 5;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 0);
	q.ns = 0;
	fresh_pk(pk);
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 0);
}

static void
empty_message_is_stored(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct got g;

	(void)state;
	fresh_pk(pk);
	test_msg(&m, pk, 0, NULL, 0, T0, T0 + DAY);
	assert_int_equal(sync_put(&fx, &m, NULL), 0);
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.len[0], 0);
	got_free(&g);
}

static void
duplicate_raises_expiry_and_answers_already(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	struct store_put_result r;
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct got g;

	(void)state;
	fresh_pk(pk);
	test_msg(&m, pk, 3, "hello", 5, T0, T0 + DAY);
	assert_int_equal(sync_put(&fx, &m, &r), 0);
	assert_false(r.already);
	m.expiry_ms = T0 + 2 * DAY; /* later: raised */
	m.timestamp_ms = T0 + 5;
	assert_int_equal(sync_put(&fx, &m, &r), 0);
	assert_true(r.already);
	assert_int_equal(r.expiry_ms, T0 + 2 * DAY);
	m.expiry_ms = T0 + DAY / 2; /* earlier: kept */
	assert_int_equal(sync_put(&fx, &m, &r), 0);
	assert_true(r.already);
	assert_int_equal(r.expiry_ms, T0 + 2 * DAY);
	q.ns = 3;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1); /* stored once */
	assert_int_equal(g.exp[0], T0 + 2 * DAY);
	assert_int_equal(g.ts[0], T0); /* the first copy's timestamp stays */
	got_free(&g);
}

static void
order_is_arrival_not_timestamp(void **state)
{
	uint8_t pk[33];
	struct store_msg a, b, c;
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct got g;

	(void)state;
	fresh_pk(pk);
	test_msg(&a, pk, 0, "a", 1, T0 + 30, T0 + DAY);
	test_msg(&b, pk, 0, "b", 1, T0 + 10, T0 + DAY);
	test_msg(&c, pk, 0, "c", 1, T0 + 20, T0 + DAY);
	assert_int_equal(sync_put(&fx, &a, NULL), 0);
	assert_int_equal(sync_put(&fx, &b, NULL), 0);
	assert_int_equal(sync_put(&fx, &c, NULL), 0);
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.hash[0], a.hash);
	assert_string_equal(g.hash[1], b.hash);
	assert_string_equal(g.hash[2], c.hash);
	got_free(&g);
}

static void
last_hash_pages(void **state)
{
	uint8_t pk[33];
	static struct store_msg ms[10];
	static char bufs[10][512];
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW, .max_count = 4};
	struct got g;
	int page, seen = 0;

	(void)state;
	fresh_pk(pk);
	put_n(pk, 0, 10, 20, ms, bufs);
	for (page = 0; page < 5; page++) {
		assert_int_equal(sync_get(&fx, &q, &g), 0);
		for (size_t i = 0; i < g.n; i++)
			assert_string_equal(g.hash[i], ms[seen + (int)i].hash);
		seen += (int)g.n;
		assert_int_equal(g.more, seen < 10);
		if (g.n > 0)
			q.last_hash = ms[seen - 1].hash;
		got_free(&g);
		if (seen == 10)
			break;
	}
	assert_int_equal(seen, 10);
	assert_int_equal(page, 2); /* 4 + 4 + 2 */
	/* after the newest: nothing, no more */
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 0);
	assert_false(g.more);
	/* an unknown last_hash starts from the beginning (as the reference server) */
	q.last_hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.hash[0], ms[0].hash);
	got_free(&g);
}

static void
count_budget_edges(void **state)
{
	uint8_t pk[33];
	static struct store_msg ms[3];
	static char bufs[3][512];
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct got g;

	(void)state;
	fresh_pk(pk);
	put_n(pk, 0, 3, 10, ms, bufs);
	q.max_count = 3; /* exactly all: no more */
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 3);
	assert_false(g.more);
	got_free(&g);
	q.max_count = 2; /* one short: more */
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 2);
	assert_true(g.more);
	got_free(&g);
	q.max_count = 1;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	assert_true(g.more);
	got_free(&g);
}

static void
size_budget_edges(void **state)
{
	uint8_t pk[33];
	static struct store_msg ms[3];
	static char bufs[3][512];
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct got g;
	/* 30 bytes -> 40 base64 characters: each message costs 140 */
	const uint64_t cost = STORE_MSG_OVERHEAD + 40;

	(void)state;
	fresh_pk(pk);
	put_n(pk, 0, 3, 30, ms, bufs);
	q.max_size = 3 * cost; /* exactly three */
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 3);
	assert_false(g.more);
	got_free(&g);
	q.max_size = 3 * cost - 1; /* one byte short of the third */
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 2);
	assert_true(g.more);
	got_free(&g);
	q.max_size = 1; /* smaller than one message: the first is still returned */
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	assert_true(g.more);
	got_free(&g);
	/* 31 bytes pad up to 44 characters */
	fresh_pk(pk);
	put_n(pk, 0, 2, 31, ms, bufs);
	q.max_size = 2 * (STORE_MSG_OVERHEAD + 44);
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 2);
	got_free(&g);
	q.max_size--;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	assert_true(g.more);
	got_free(&g);
}

static void
expired_messages_are_hidden(void **state)
{
	uint8_t pk[33];
	struct store_msg a, b;
	struct store_msg_query q = {.pubkey = pk};
	struct got g;

	(void)state;
	fresh_pk(pk);
	test_msg(&a, pk, 0, "a", 1, T0, T0 + 100);
	test_msg(&b, pk, 0, "b", 1, T0, T0 + 200);
	assert_int_equal(sync_put(&fx, &a, NULL), 0);
	assert_int_equal(sync_put(&fx, &b, NULL), 0);
	q.now_ms = T0 + 100; /* expiry == now counts as expired */
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.hash[0], b.hash);
	got_free(&g);
	q.now_ms = T0 + 99;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 2);
	got_free(&g);
}

static void
delete_by_hash(void **state)
{
	uint8_t pk[33], other[33];
	static struct store_msg ms[4];
	static char bufs[4][512];
	struct store_msg theirs;
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct hashes d;
	struct got g;
	const char *req[5];

	(void)state;
	fresh_pk(pk);
	fresh_pk(other);
	put_n(pk, 0, 4, 10, ms, bufs);
	test_msg(&theirs, other, 0, "t", 1, T0, T0 + DAY);
	assert_int_equal(sync_put(&fx, &theirs, NULL), 0);
	req[0] = ms[2].hash;
	req[1] = ms[0].hash;
	req[2] = theirs.hash; /* another account's: untouched */
	req[3] = ms[0].hash;  /* twice: reported once */
	req[4] = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
	assert_int_equal(sync_delete(&fx, pk, req, 5, &d), 0);
	assert_int_equal(d.n, 2);
	/* sorted */
	assert_true(strcmp(d.hash[0], d.hash[1]) < 0);
	assert_true((strcmp(d.hash[0], ms[0].hash) == 0 && strcmp(d.hash[1], ms[2].hash) == 0) ||
		    (strcmp(d.hash[0], ms[2].hash) == 0 && strcmp(d.hash[1], ms[0].hash) == 0));
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.hash[0], ms[1].hash);
	assert_string_equal(g.hash[1], ms[3].hash);
	got_free(&g);
	q.pubkey = other;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	got_free(&g);
	/* nothing left to delete */
	assert_int_equal(sync_delete(&fx, pk, req, 2, &d), 0);
	assert_int_equal(d.n, 0);
}

static void
delete_all_one_and_all_namespaces(void **state)
{
	uint8_t pk[33];
	static struct store_msg m0[2], m5[2], mneg[1];
	static char b0[2][512], b5[2][512], bneg[1][512];
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	struct ns_hashes d;
	struct got g;

	(void)state;
	fresh_pk(pk);
	put_n(pk, 0, 2, 10, m0, b0);
	put_n(pk, 5, 2, 10, m5, b5);
	put_n(pk, -30, 1, 10, mneg, bneg);
	assert_int_equal(sync_delete_all(&fx, pk, 5, &d), 0);
	assert_int_equal(d.n_ns, 1);
	assert_int_equal(d.ns[0], 5);
	assert_int_equal(d.list[0].n, 2);
	assert_int_equal(d.total, 2);
	assert_true(strcmp(d.list[0].hash[0], d.list[0].hash[1]) < 0);
	q.ns = 5;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(sync_delete_all(&fx, pk, STORE_NS_ALL, &d), 0);
	assert_int_equal(d.n_ns, 2);
	assert_int_equal(d.ns[0], -30); /* ascending */
	assert_int_equal(d.list[0].n, 1);
	assert_string_equal(d.list[0].hash[0], mneg[0].hash);
	assert_int_equal(d.ns[1], 0);
	assert_int_equal(d.list[1].n, 2);
	assert_int_equal(d.total, 3);
	assert_int_equal(sync_delete_all(&fx, pk, STORE_NS_ALL, &d), 0);
	assert_int_equal(d.total, 0);
	assert_int_equal(d.n_ns, 0);
}

static void
delete_before_is_inclusive(void **state)
{
	uint8_t pk[33];
	static struct store_msg ms[4];
	static char bufs[4][512];
	struct ns_hashes d;

	(void)state;
	fresh_pk(pk);
	put_n(pk, 2, 4, 10, ms, bufs); /* timestamps T0 .. T0+3 */
	assert_int_equal(sync_delete_before(&fx, pk, 2, T0 + 1, &d), 0);
	assert_int_equal(d.total, 2); /* T0 and T0+1 */
	assert_int_equal(d.ns[0], 2);
	assert_int_equal(sync_delete_before(&fx, pk, STORE_NS_ALL, T0 + 1, &d), 0);
	assert_int_equal(d.total, 0);
	assert_int_equal(sync_delete_before(&fx, pk, STORE_NS_ALL, T0 + 3, &d), 0);
	assert_int_equal(d.total, 2);
}

static void
public_outbox_keeps_one(void **state)
{
	uint8_t pk[33];
	struct store_msg a, b;
	struct store_put_result r;
	struct store_msg_query q = {.pubkey = pk, .ns = -21, .now_ms = NOW};
	struct got g;

	(void)state;
	fresh_pk(pk);
	test_msg(&a, pk, -21, "first", 5, T0, T0 + DAY);
	test_msg(&b, pk, -21, "second", 6, T0 + 1, T0 + DAY);
	assert_int_equal(sync_put(&fx, &a, NULL), 0);
	assert_int_equal(sync_put(&fx, &b, NULL), 0);
	assert_int_equal(sync_put(&fx, &b, &r), 0); /* the same hash again: kept */
	assert_true(r.already);
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.hash[0], b.hash);
	got_free(&g);
	/* -1 is an outbox too; -11 is not */
	q.ns = -11;
	test_msg(&a, pk, -11, "first", 5, T0, T0 + DAY);
	test_msg(&b, pk, -11, "second", 6, T0 + 1, T0 + DAY);
	assert_int_equal(sync_put(&fx, &a, NULL), 0);
	assert_int_equal(sync_put(&fx, &b, NULL), 0);
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 2);
	got_free(&g);
}

static void
bad_arguments_are_refused(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	struct store_msg_query q = {.pubkey = pk, .now_ms = NOW};
	static uint8_t big[STORE_DATA_MAX + 1];
	const char *bad[1] = {"short"};
	struct got g;
	struct hashes d;
	struct ns_hashes nd;

	(void)state;
	fresh_pk(pk);
	test_msg(&m, pk, 0, big, STORE_DATA_MAX + 1, T0, T0 + DAY);
	assert_int_equal(sync_put(&fx, &m, NULL), -EINVAL);
	test_msg(&m, pk, 0, big, STORE_DATA_MAX, T0, T0 + DAY); /* exactly the limit: stored */
	assert_int_equal(sync_put(&fx, &m, NULL), 0);
	test_msg(&m, pk, 0, "x", 1, T0, T0 + DAY);
	m.ns = 40000;
	assert_int_equal(sync_put(&fx, &m, NULL), -ERANGE);
	m.ns = 0;
	m.hash[10] = '\0';
	assert_int_equal(sync_put(&fx, &m, NULL), -EINVAL);
	q.last_hash = "not-a-hash";
	assert_int_equal(sync_get(&fx, &q, &g), -EINVAL);
	q.last_hash = NULL;
	q.ns = -40000;
	assert_int_equal(sync_get(&fx, &q, &g), -ERANGE);
	assert_int_equal(sync_delete(&fx, pk, bad, 1, &d), -EINVAL);
	assert_int_equal(sync_delete(&fx, pk, bad, 0, &d), -EINVAL);
	assert_int_equal(sync_delete_all(&fx, pk, 32768, &nd), -ERANGE);
	assert_int_equal(sync_delete_before(&fx, pk, -32769, T0, &nd), -ERANGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_then_retrieve),
		cmocka_unit_test(empty_message_is_stored),
		cmocka_unit_test(duplicate_raises_expiry_and_answers_already),
		cmocka_unit_test(order_is_arrival_not_timestamp),
		cmocka_unit_test(last_hash_pages),
		cmocka_unit_test(count_budget_edges),
		cmocka_unit_test(size_budget_edges),
		cmocka_unit_test(expired_messages_are_hidden),
		cmocka_unit_test(delete_by_hash),
		cmocka_unit_test(delete_all_one_and_all_namespaces),
		cmocka_unit_test(delete_before_is_inclusive),
		cmocka_unit_test(public_outbox_keeps_one),
		cmocka_unit_test(bad_arguments_are_refused),
	};

	return cmocka_run_group_tests_name("storage/msg", tests, setup, teardown);
}
