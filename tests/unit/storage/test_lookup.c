/* SPDX-License-Identifier: MIT */
/*
 * storage/lookup.c against a real redis-server: messages come back by
 * (account, hash) with their namespace and exact data, in the order asked;
 * an unknown hash, a hash under another account and an expired message are
 * absent, and with one absent key nothing is found (all or nothing); the limits (0 and
 * STORE_LOOKUP_MAX + 1 keys, a malformed hash) are refused without a callback; STORE_LOOKUP_MAX
 * keys at once work.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookup.h"
#include "store_sync.h"

#define T0  INT64_C(1700000000000)
#define NOW (T0 + 1000)
#define DAY INT64_C(86400000)

static struct fixture fx;
static struct store_msg m[3];
static const char *data[3] = {"first", "", "third, in namespace -10"};

struct wait {
	bool done;
	struct store_status st;
	size_t n;
	struct store_lookup_item items[STORE_LOOKUP_MAX];
	uint8_t buf[STORE_LOOKUP_MAX][64];
};

static struct wait w;

static void
lookup_cb(void *arg, const struct store_status *st, const struct store_lookup_item *items, size_t n)
{
	struct wait *x = arg;

	x->st = *st;
	x->n = n;
	for (size_t i = 0; i < n; i++) {
		x->items[i] = items[i];
		assert_true(items[i].len <= sizeof(x->buf[i]));
		if (items[i].len > 0)
			memcpy(x->buf[i], items[i].data, items[i].len);
		x->items[i].data = x->buf[i];
	}
	x->done = true;
}

static int
run(const struct store_lookup_key *keys, size_t n, int64_t now)
{
	int rc;

	memset(&w, 0, sizeof(w));
	rc = store_msg_lookup(fx.st, keys, n, now, lookup_cb, &w);
	if (rc != 0)
		return rc;
	assert_true(redis_test_loop_until(fx.base, &w.done, SYNC_WAIT_MS));
	return w.st.rc;
}

static void
key_of(struct store_lookup_key *k, const struct store_msg *msg)
{
	memcpy(k->pubkey, msg->pubkey, 33);
	memcpy(k->hash, msg->hash, STORE_HASH_BUF);
}

static int
setup(void **state)
{
	struct store_put_result r;
	uint8_t pk[33];
	const int32_t ns[3] = {0, 5, -10};

	(void)state;
	if (fixture_up(&fx, "everysec", NULL) != 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		test_pubkey(pk, 0x05, (uint8_t)(1 + i));
		test_msg(&m[i], pk, ns[i], data[i], strlen(data[i]), T0 + i,
			 i == 1 ? NOW + 10 : T0 + DAY);
		if (sync_put(&fx, &m[i], &r) != 0)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fixture_down(&fx);
	return 0;
}

static void
test_found_in_order(void **state)
{
	struct store_lookup_key k[3];

	(void)state;
	key_of(&k[0], &m[2]);
	key_of(&k[1], &m[0]);
	key_of(&k[2], &m[1]);
	assert_int_equal(run(k, 3, NOW), 0);
	assert_int_equal(w.n, 3);
	assert_true(w.items[0].found && w.items[1].found && w.items[2].found);
	assert_int_equal(w.items[0].ns, -10);
	assert_int_equal(w.items[0].len, strlen(data[2]));
	assert_memory_equal(w.items[0].data, data[2], strlen(data[2]));
	assert_int_equal(w.items[1].ns, 0);
	assert_memory_equal(w.items[1].data, "first", 5);
	assert_int_equal(w.items[2].ns, 5);
	assert_int_equal(w.items[2].len, 0); /* empty data is a message too */
}

static void
test_absent(void **state)
{
	struct store_lookup_key k[4];

	(void)state;
	key_of(&k[0], &m[0]);
	key_of(&k[1], &m[0]);
	k[1].hash[0] = k[1].hash[0] == 'A' ? 'B' : 'A'; /* an unknown hash */
	key_of(&k[2], &m[0]);
	memcpy(k[2].pubkey, m[2].pubkey, 33); /* m[0]'s hash under another account */
	key_of(&k[3], &m[1]);
	assert_int_equal(run(k, 4, NOW + 10), 0); /* m[1] expires at NOW + 10: expired */
	assert_int_equal(w.n, 4);
	/* all or nothing: m[0] is there, but with the others absent nothing is found */
	for (int i = 0; i < 4; i++)
		assert_false(w.items[i].found);
	/* each absent key alone next to m[0] (found alone in test_found_in_order) */
	for (int i = 1; i < 4; i++) {
		struct store_lookup_key two[2] = {k[0], k[i]};

		assert_int_equal(run(two, 2, NOW + 10), 0);
		assert_false(w.items[0].found || w.items[1].found);
	}
	assert_int_equal(run(k, 1, NOW + 10), 0);
	assert_true(w.items[0].found);
}

static void
test_limits(void **state)
{
	static struct store_lookup_key k[STORE_LOOKUP_MAX + 1];

	(void)state;
	for (int i = 0; i <= STORE_LOOKUP_MAX; i++)
		key_of(&k[i], &m[i % 3]);
	assert_int_equal(store_msg_lookup(fx.st, k, 0, NOW, lookup_cb, &w), -EINVAL);
	assert_int_equal(store_msg_lookup(fx.st, k, STORE_LOOKUP_MAX + 1, NOW, lookup_cb, &w),
			 -EINVAL);
	assert_int_equal(store_msg_lookup(NULL, k, 1, NOW, lookup_cb, &w), -EINVAL);
	assert_int_equal(run(k, STORE_LOOKUP_MAX, NOW), 0);
	assert_int_equal(w.n, STORE_LOOKUP_MAX);
	for (int i = 0; i < STORE_LOOKUP_MAX; i++)
		assert_true(w.items[i].found);
	k[0].hash[5] = '*'; /* not base64 */
	assert_int_equal(store_msg_lookup(fx.st, k, 1, NOW, lookup_cb, &w), -EINVAL);
	k[0].hash[5] = '\0'; /* short */
	assert_int_equal(store_msg_lookup(fx.st, k, 1, NOW, lookup_cb, &w), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_in_order),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
