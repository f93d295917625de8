/* SPDX-License-Identifier: MIT */
/*
 * storage/expire.c against a real redis-server: expire in its three modes with
 * one or per-message expiries, expire_all (shorten only), get_expiries, and the
 * bounded sweep with its counters.
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

#define T0  INT64_C(1700000000000)
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

static void
fresh_pk(uint8_t pk[33])
{
	static uint8_t seed = 1;

	test_pubkey(pk, 0x03, seed++);
}

/* Three messages in ns with expiries T0 + (i+1) days; h[] their hashes. */
static void
three(const uint8_t *pk, int32_t ns, struct store_msg ms[3], const char *h[3])
{
	static const char *data[3] = {"one", "two", "three"};

	for (int i = 0; i < 3; i++) {
		test_msg(&ms[i], pk, ns, data[i], strlen(data[i]), T0, T0 + (i + 1) * DAY);
		assert_int_equal(sync_put(&fx, &ms[i], NULL), 0);
		h[i] = ms[i].hash;
	}
}

static int64_t
expiry_of(const uint8_t *pk, const char *h)
{
	struct hashes e;

	assert_int_equal(sync_expiries(&fx, pk, &h, 1, NOW, &e), 0);
	return e.n == 1 ? e.exp[0] : -1;
}

static void
expire_any_sets_both_ways(void **state)
{
	uint8_t pk[33];
	struct store_msg ms[3];
	const char *h[4];
	int64_t e = T0 + 2 * DAY + 5;
	struct store_expire_req req = {.hashes = h, .n = 4, .expiries_ms = &e, .n_expiries = 1};
	struct hashes upd, unch;

	(void)state;
	fresh_pk(pk);
	three(pk, 0, ms, h);
	h[3] = h[0]; /* repeated: reported once */
	req.pubkey = pk;
	req.now_ms = NOW;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), 0);
	assert_int_equal(upd.n, 3);
	assert_int_equal(unch.n, 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(upd.exp[i], e);
		if (i > 0)
			assert_true(strcmp(upd.hash[i - 1], upd.hash[i]) < 0);
	}
	assert_int_equal(expiry_of(pk, h[0]), e);
	assert_int_equal(expiry_of(pk, h[2]), e);
}

static void
expire_shorten_and_extend_only(void **state)
{
	uint8_t pk[33];
	struct store_msg ms[3];
	const char *h[3];
	int64_t e = T0 + 2 * DAY; /* == the second's expiry */
	struct store_expire_req req = {.hashes = h, .n = 3, .expiries_ms = &e, .n_expiries = 1};
	struct hashes upd, unch;

	(void)state;
	fresh_pk(pk);
	three(pk, 0, ms, h);
	req.pubkey = pk;
	req.now_ms = NOW;
	req.mode = STORE_EXPIRE_SHORTEN;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), 0);
	assert_int_equal(upd.n, 1); /* only the third was later */
	assert_string_equal(upd.hash[0], ms[2].hash);
	assert_int_equal(unch.n, 2); /* equal is not shorter */
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(unch.exp[i],
				 strcmp(unch.hash[i], ms[0].hash) == 0 ? T0 + DAY : T0 + 2 * DAY);
	req.mode = STORE_EXPIRE_EXTEND;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), 0);
	assert_int_equal(upd.n, 1); /* only the first was earlier */
	assert_string_equal(upd.hash[0], ms[0].hash);
	assert_int_equal(unch.n, 2);
	assert_int_equal(expiry_of(pk, h[0]), e);
	assert_int_equal(expiry_of(pk, h[1]), e);
	assert_int_equal(expiry_of(pk, h[2]), e);
}

static void
expire_per_message(void **state)
{
	uint8_t pk[33], other[33];
	struct store_msg ms[3];
	const char *h[3];
	int64_t e[3] = {T0 + 10 * DAY, T0 + 11 * DAY, T0 + 12 * DAY};
	struct store_expire_req req = {.hashes = h, .n = 3, .expiries_ms = e, .n_expiries = 3};
	struct hashes upd, unch;

	(void)state;
	fresh_pk(pk);
	fresh_pk(other);
	three(pk, 7, ms, h);
	req.pubkey = pk;
	req.now_ms = NOW;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), 0);
	assert_int_equal(upd.n, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(expiry_of(pk, h[i]), e[i]);
	/* another account cannot touch them */
	req.pubkey = other;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), 0);
	assert_int_equal(upd.n, 0);
	/* n_expiries neither 1 nor n */
	req.n_expiries = 2;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), -EINVAL);
	req.n_expiries = 3;
	req.n = 0;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), -EINVAL);
}

static void
expired_messages_are_not_extended(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	const char *h;
	int64_t e = T0 + DAY;
	struct store_expire_req req = {.hashes = &h, .n = 1, .expiries_ms = &e, .n_expiries = 1};
	struct hashes upd, unch, got;

	(void)state;
	fresh_pk(pk);
	test_msg(&m, pk, 0, "gone", 4, T0, NOW); /* expiry == now: expired */
	assert_int_equal(sync_put(&fx, &m, NULL), 0);
	h = m.hash;
	req.pubkey = pk;
	req.now_ms = NOW;
	assert_int_equal(sync_expire(&fx, &req, &upd, &unch), 0);
	assert_int_equal(upd.n, 0);
	assert_int_equal(sync_expiries(&fx, pk, &h, 1, NOW, &got), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(sync_expiries(&fx, pk, &h, 1, NOW - 1, &got), 0);
	assert_int_equal(got.n, 1);
}

static void
expire_all_shortens_only(void **state)
{
	uint8_t pk[33];
	struct store_msg a[3], b[3];
	const char *ha[3], *hb[3];
	struct ns_hashes r;

	(void)state;
	fresh_pk(pk);
	three(pk, 0, a, ha);
	three(pk, -5, b, hb);
	assert_int_equal(sync_expire_all(&fx, pk, 0, T0 + 2 * DAY, &r), 0);
	assert_int_equal(r.n_ns, 1);
	assert_int_equal(r.ns[0], 0);
	assert_int_equal(r.total, 1); /* only the third; equal is not later */
	assert_string_equal(r.list[0].hash[0], a[2].hash);
	assert_int_equal(expiry_of(pk, ha[0]), T0 + DAY); /* never extended */
	assert_int_equal(expiry_of(pk, ha[2]), T0 + 2 * DAY);
	assert_int_equal(sync_expire_all(&fx, pk, STORE_NS_ALL, T0 + DAY + 1, &r), 0);
	assert_int_equal(r.n_ns, 2);
	assert_int_equal(r.ns[0], -5);
	assert_int_equal(r.list[0].n, 2);
	assert_int_equal(r.ns[1], 0);
	assert_int_equal(r.list[1].n, 2);
	assert_int_equal(expiry_of(pk, hb[2]), T0 + DAY + 1);
	assert_int_equal(sync_expire_all(&fx, pk, 40000, T0, &r), -ERANGE);
}

static void
get_expiries_filters_and_sorts(void **state)
{
	uint8_t pk[33];
	struct store_msg ms[3];
	const char *h[5];
	struct hashes got;

	(void)state;
	fresh_pk(pk);
	three(pk, 1, ms, h);
	h[3] = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"; /* unknown: left out */
	h[4] = h[1];
	assert_int_equal(sync_expiries(&fx, pk, h, 5, NOW, &got), 0);
	assert_int_equal(got.n, 3);
	assert_true(strcmp(got.hash[0], got.hash[1]) < 0);
	assert_true(strcmp(got.hash[1], got.hash[2]) < 0);
	h[0] = "bad";
	assert_int_equal(sync_expiries(&fx, pk, h, 5, NOW, &got), -EINVAL);
}

static void
sweep_is_bounded_and_keeps_counters(void **state)
{
	uint8_t pk[33];
	struct store_msg m;
	struct store_usage before, after;
	struct store_msg_query q = {.pubkey = pk};
	char data[8][8];
	uint64_t removed = 0;
	bool more = false;
	struct got g;
	int i;

	(void)state;
	fresh_pk(pk);
	/* clear what earlier tests left so that counts are exact */
	for (i = 0; i < 100; i++) {
		assert_int_equal(sync_sweep(&fx, INT64_C(1) << 50, 1000, &removed, &more), 0);
		if (!more)
			break;
	}
	assert_int_equal(sync_usage(&fx, &before), 0);
	assert_int_equal(before.messages, 0);
	assert_int_equal(before.accounts, 0);
	assert_int_equal(before.bytes, 0);
	for (i = 0; i < 8; i++) {
		snprintf(data[i], sizeof(data[i]), "m%d", i);
		test_msg(&m, pk, 0, data[i], strlen(data[i]), T0, T0 + 100 + i % 2 * 1000);
		assert_int_equal(sync_put(&fx, &m, NULL), 0);
	}
	assert_int_equal(sync_usage(&fx, &before), 0);
	assert_int_equal(before.messages, 8);
	assert_int_equal(before.bytes, 16);
	assert_int_equal(before.accounts, 1);
	/* 4 expire at T0+100: a sweep of 3 leaves more */
	assert_int_equal(sync_sweep(&fx, T0 + 100, 3, &removed, &more), 0);
	assert_int_equal(removed, 3);
	assert_true(more);
	assert_int_equal(sync_sweep(&fx, T0 + 100, 3, &removed, &more), 0);
	assert_int_equal(removed, 1);
	assert_false(more);
	assert_int_equal(sync_sweep(&fx, T0 + 100, 3, &removed, &more), 0);
	assert_int_equal(removed, 0);
	assert_int_equal(sync_usage(&fx, &after), 0);
	assert_int_equal(after.messages, 4);
	assert_int_equal(after.bytes, 8);
	q.now_ms = T0;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	assert_int_equal(g.n, 4);
	got_free(&g);
	assert_int_equal(sync_sweep(&fx, T0 + 1100, STORE_SWEEP_MAX, &removed, &more), 0);
	assert_int_equal(removed, 4);
	assert_int_equal(sync_usage(&fx, &after), 0);
	assert_int_equal(after.messages, 0);
	assert_int_equal(after.bytes, 0);
	assert_int_equal(after.accounts, 0);
	assert_int_equal(sync_sweep(&fx, T0, 0, &removed, &more), -EINVAL);
	assert_int_equal(sync_sweep(&fx, T0, STORE_SWEEP_MAX + 1, &removed, &more), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expire_any_sets_both_ways),
		cmocka_unit_test(expire_shorten_and_extend_only),
		cmocka_unit_test(expire_per_message),
		cmocka_unit_test(expired_messages_are_not_extended),
		cmocka_unit_test(expire_all_shortens_only),
		cmocka_unit_test(get_expiries_filters_and_sorts),
		cmocka_unit_test(sweep_is_bounded_and_keeps_counters),
	};

	return cmocka_run_group_tests_name("storage/expire", tests, setup, teardown);
}
