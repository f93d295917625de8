/* SPDX-License-Identifier: MIT */
/*
 * storage/bulk.c against a real redis-server: a paged scan returns every live
 * message once the cursor is back at 0 (fields intact, expired ones left out,
 * page sizes bounded); inserting the copies into another store keeps
 * namespace, timestamp and expiry; the merge rules (present, expiry raised
 * never lowered, expired, public outbox, quotas at their edge); drop; bad
 * input refused.
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

#include "bulk.h"
#include "store_sync.h"

#define T0  INT64_C(1700000000000)
#define NOW (T0 + 1000)
#define DAY INT64_C(86400000)

enum {
	N_SRC = 60,
	PAGE = 7
};

static struct fixture fx;
static struct store *dst;		/* prefix "dst:" */
static struct store *quota;		/* prefix "q:", account quota 100 bytes */
static struct store_msg src[N_SRC + 2]; /* what the source store holds */
static char src_data[N_SRC + 2][64];
static const int32_t ns_of[4] = {-2, 0, 1, 42}; /* no public outbox among them */

struct wait {
	bool done;
	struct store_status st;
	uint64_t next, removed;
	size_t n;
	struct store_msg recs[STORE_BULK_RECORDS_MAX];
	uint8_t data[STORE_BULK_RECORDS_MAX][64];
	uint8_t codes[STORE_BULK_RECORDS_MAX];
};

static struct wait w;

static void
scan_cb(void *arg, const struct store_status *st, uint64_t next, const struct store_bulk_page *page)
{
	struct wait *x = arg;
	const struct store_msg *recs = page != NULL ? page->recs : NULL;
	size_t n = page != NULL ? page->n : 0;

	x->st = *st;
	x->next = next;
	x->n = n;
	for (size_t i = 0; i < n && i < STORE_BULK_RECORDS_MAX; i++) {
		x->recs[i] = recs[i];
		assert_true(recs[i].len <= sizeof(x->data[i]));
		memcpy(x->data[i], recs[i].data, recs[i].len);
		x->recs[i].data = x->data[i];
	}
	x->done = true;
}

static void
put_cb(void *arg, const struct store_status *st, const uint8_t *codes, size_t n)
{
	struct wait *x = arg;

	x->st = *st;
	x->n = n;
	if (codes != NULL)
		memcpy(x->codes, codes, n);
	x->done = true;
}

static void
drop_cb(void *arg, const struct store_status *st, uint64_t removed)
{
	struct wait *x = arg;

	x->st = *st;
	x->removed = removed;
	x->done = true;
}

static int
finish(int rc)
{
	if (rc != 0)
		return rc;
	assert_true(redis_test_loop_until(fx.base, &w.done, SYNC_WAIT_MS));
	return w.st.rc;
}

static int
scan(struct store *st, uint64_t cursor, uint32_t max, uint64_t bytes, int64_t now)
{
	memset(&w, 0, sizeof(w));
	return finish(store_bulk_scan(st, cursor, max, bytes, now, scan_cb, &w));
}

static int
put(struct store *st, const struct store_msg *recs, size_t n, int64_t now)
{
	memset(&w, 0, sizeof(w));
	return finish(store_bulk_put(st, recs, n, now, put_cb, &w));
}

static int
drop(struct store *st, const struct store_msg *recs, size_t n)
{
	memset(&w, 0, sizeof(w));
	return finish(store_bulk_drop(st, recs, n, drop_cb, &w));
}

static struct store *
second(const char *prefix, uint64_t account_max)
{
	struct store_config c = {.redis = {.prefix = prefix}, .account_bytes_max = account_max};
	struct store *st = fixture_store(&fx, &c);

	assert_non_null(st);
	assert_true(fixture_wait_ready(&fx, st, SYNC_WAIT_MS));
	return st;
}

/* N_SRC live messages over 3 accounts and 4 namespaces, plus one expired. */
static int
setup(void **state)
{
	struct store_put_result r;
	uint8_t pk[33];

	(void)state;
	if (fixture_up(&fx, "everysec", NULL) != 0)
		return -1;
	for (int i = 0; i < N_SRC + 1; i++) {
		test_pubkey(pk, 0x05, (uint8_t)(1 + i % 3));
		snprintf(src_data[i], sizeof(src_data[i]), "message %d", i);
		test_msg(&src[i], pk, ns_of[i % 4], src_data[i], strlen(src_data[i]), T0 + i,
			 i == N_SRC ? NOW - 1 : T0 + DAY + i);
		if (sync_put(&fx, &src[i], &r) != 0)
			return -1;
	}
	dst = second("dst:", 0);
	quota = second("q:", 100);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_free(dst);
	store_free(quota);
	fixture_down(&fx);
	return 0;
}

static int
find(const struct store_msg *m)
{
	for (int i = 0; i < N_SRC + 1; i++)
		if (strcmp(src[i].hash, m->hash) == 0)
			return i;
	return -1;
}

/* Pages of PAGE records until the cursor is 0: each live message at least once, intact. */
static void
test_scan_pages_whole_store(void **state)
{
	int seen[N_SRC + 1] = {0};
	uint64_t cursor = 0;
	int pages = 0;

	(void)state;
	do {
		assert_int_equal(scan(fx.st, cursor, PAGE, 1 << 20, NOW), 0);
		/* a page stops between two SCAN steps of one bucket each */
		assert_true(w.n <= PAGE + 4);
		for (size_t i = 0; i < w.n; i++) {
			int k = find(&w.recs[i]);

			assert_true(k >= 0);
			seen[k]++;
			assert_memory_equal(w.recs[i].pubkey, src[k].pubkey, 33);
			assert_int_equal(w.recs[i].ns, src[k].ns);
			assert_int_equal(w.recs[i].timestamp_ms, src[k].timestamp_ms);
			assert_int_equal(w.recs[i].expiry_ms, src[k].expiry_ms);
			assert_int_equal(w.recs[i].len, src[k].len);
			assert_memory_equal(w.recs[i].data, src[k].data, src[k].len);
		}
		cursor = w.next;
		pages++;
	} while (cursor != 0 && pages < 1000);
	assert_int_equal(cursor, 0);
	assert_true(pages >= N_SRC / (PAGE + 4));
	for (int k = 0; k < N_SRC; k++)
		assert_int_equal(seen[k], 1); /* no rehash during this scan: exactly once */
	assert_int_equal(seen[N_SRC], 0);     /* expired: left out */
}

/* max_bytes stops a page: with 1 byte, a page ends after the step that read data. */
static void
test_scan_byte_budget(void **state)
{
	(void)state;
	assert_int_equal(scan(fx.st, 0, STORE_BULK_RECORDS_MAX, 1, NOW), 0);
	assert_true(w.n >= 1 && w.n <= 4);
	assert_int_not_equal(w.next, 0);
	/* a huge budget and the record limit at its maximum: one page holds everything */
	assert_int_equal(scan(fx.st, 0, STORE_BULK_RECORDS_MAX, UINT64_C(1) << 40, NOW), 0);
	assert_int_equal(w.n, N_SRC);
	assert_int_equal(w.next, 0);
}

static void
test_scan_empty_and_bad_args(void **state)
{
	(void)state;
	assert_int_equal(scan(quota, 0, 10, 1000, NOW), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(w.next, 0);
	assert_int_equal(store_bulk_scan(fx.st, 0, 0, 10, NOW, scan_cb, &w), -EINVAL);
	assert_int_equal(
		store_bulk_scan(fx.st, 0, STORE_BULK_RECORDS_MAX + 1, 10, NOW, scan_cb, &w),
		-EINVAL);
	assert_int_equal(store_bulk_scan(fx.st, 0, 1, 10, NOW, NULL, &w), -EINVAL);
}

/* A copy into another store: inserted once, present after; retrieve sees the original fields. */
static void
test_put_copies_keep_fields(void **state)
{
	struct store_msg_query q = {.pubkey = src[0].pubkey, .ns = src[0].ns, .now_ms = NOW};
	struct got g;

	(void)state;
	assert_int_equal(put(dst, src, N_SRC, NOW), 0);
	assert_int_equal(w.n, N_SRC);
	for (int i = 0; i < N_SRC; i++)
		assert_int_equal(w.codes[i], STORE_BULK_INSERTED);
	assert_int_equal(put(dst, src, N_SRC, NOW), 0);
	for (int i = 0; i < N_SRC; i++)
		assert_int_equal(w.codes[i], STORE_BULK_PRESENT);
	/* read back through the normal retrieve of the destination */
	struct store *keep = fx.st;
	fx.st = dst;
	assert_int_equal(sync_get(&fx, &q, &g), 0);
	fx.st = keep;
	assert_int_equal(g.n, N_SRC / 12); /* account 1 (i%3==0), ns -2 (i%4==0): i%12==0 */
	for (size_t i = 0; i < g.n; i++) {
		int k = (int)i * 12;

		assert_string_equal(g.hash[i], src[k].hash);
		assert_int_equal(g.ts[i], src[k].timestamp_ms);
		assert_int_equal(g.exp[i], src[k].expiry_ms);
		assert_memory_equal(g.data[i], src[k].data, src[k].len);
	}
	got_free(&g);
}

/* A later expiry raises the stored one; an earlier one never lowers it; expired: not inserted. */
static void
test_put_expiry_rules(void **state)
{
	struct store_msg m[3];
	uint8_t pk[33];

	(void)state;
	test_pubkey(pk, 0x05, 77);
	test_msg(&m[0], pk, 0, "e", 1, T0, T0 + DAY);
	assert_int_equal(put(dst, m, 1, NOW), 0);
	assert_int_equal(w.codes[0], STORE_BULK_INSERTED);
	m[0].expiry_ms = T0 + 2 * DAY;
	m[1] = m[0];
	m[1].expiry_ms = T0 + DAY / 2; /* the same message, shorter: ignored */
	test_msg(&m[2], pk, 0, "gone", 4, T0, NOW);
	assert_int_equal(put(dst, m, 3, NOW), 0);
	assert_int_equal(w.codes[0], STORE_BULK_RAISED);
	assert_int_equal(w.codes[1], STORE_BULK_PRESENT);
	assert_int_equal(w.codes[2], STORE_BULK_EXPIRED); /* expiry == now is expired */
	const char *h[2] = {m[0].hash, m[2].hash};
	struct hashes out;
	struct store *keep = fx.st;
	fx.st = dst;
	assert_int_equal(sync_expiries(&fx, pk, h, 2, NOW, &out), 0);
	fx.st = keep;
	assert_int_equal(out.n, 1);
	assert_int_equal(out.exp[0], T0 + 2 * DAY);
}

/* Public outbox (ns -1... -ns%20==1: -21): the newest by timestamp stays. */
static void
test_put_outbox(void **state)
{
	struct store_msg m[3];
	uint8_t pk[33];

	(void)state;
	test_pubkey(pk, 0x05, 78);
	test_msg(&m[0], pk, -21, "new", 3, T0 + 50, T0 + DAY);
	test_msg(&m[1], pk, -21, "old", 3, T0 + 10, T0 + DAY);
	test_msg(&m[2], pk, -21, "newest", 6, T0 + 60, T0 + DAY);
	assert_int_equal(put(dst, m, 3, NOW), 0);
	assert_int_equal(w.codes[0], STORE_BULK_INSERTED);
	assert_int_equal(w.codes[1], STORE_BULK_SUPERSEDED);
	assert_int_equal(w.codes[2], STORE_BULK_INSERTED); /* replaces "new" */
	const char *h[3] = {m[0].hash, m[1].hash, m[2].hash};
	struct hashes out;
	struct store *keep = fx.st;
	fx.st = dst;
	assert_int_equal(sync_expiries(&fx, pk, h, 3, NOW, &out), 0);
	fx.st = keep;
	assert_int_equal(out.n, 1);
	assert_string_equal(out.hash[0], m[2].hash);
}

/* Account quota 100 bytes: exactly 100 fits, one byte more is refused. */
static void
test_put_quota_edge(void **state)
{
	static char a[60], b[40], c[1];
	struct store_msg m[3];
	uint8_t pk[33];

	(void)state;
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	memset(c, 'c', sizeof(c));
	test_pubkey(pk, 0x05, 79);
	test_msg(&m[0], pk, 0, a, sizeof(a), T0, T0 + DAY);
	test_msg(&m[1], pk, 0, b, sizeof(b), T0, T0 + DAY);
	test_msg(&m[2], pk, 0, c, sizeof(c), T0, T0 + DAY);
	assert_int_equal(put(quota, m, 3, NOW), 0);
	assert_int_equal(w.codes[0], STORE_BULK_INSERTED);
	assert_int_equal(w.codes[1], STORE_BULK_INSERTED); /* 100 of 100 */
	assert_int_equal(w.codes[2], STORE_BULK_ACCOUNT_FULL);
}

/* Drop removes what is there and counts it; usage follows. */
static void
test_drop(void **state)
{
	struct store_usage u0, u1;
	struct store *keep = fx.st;

	(void)state;
	fx.st = dst;
	assert_int_equal(sync_usage(&fx, &u0), 0);
	fx.st = keep;
	assert_int_equal(drop(dst, src, 10), 0);
	assert_int_equal(w.removed, 10);
	assert_int_equal(drop(dst, src, 10), 0);
	assert_int_equal(w.removed, 0);
	fx.st = dst;
	assert_int_equal(sync_usage(&fx, &u1), 0);
	fx.st = keep;
	assert_int_equal(u1.messages, u0.messages - 10);
}

static void
test_bad_input(void **state)
{
	static struct store_msg many[STORE_BULK_RECORDS_MAX + 1];
	struct store_msg m = src[0];

	(void)state;
	assert_int_equal(store_bulk_put(dst, src, 0, NOW, put_cb, &w), -EINVAL);
	m.hash[0] = '!';
	assert_int_equal(store_bulk_put(dst, &m, 1, NOW, put_cb, &w), -EINVAL);
	assert_int_equal(store_bulk_drop(dst, &m, 1, drop_cb, &w), -EINVAL);
	m = src[0];
	m.ns = STORE_NS_MAX + 1;
	assert_int_equal(store_bulk_put(dst, &m, 1, NOW, put_cb, &w), -ERANGE);
	m = src[0];
	m.len = STORE_DATA_MAX + 1;
	assert_int_equal(store_bulk_put(dst, &m, 1, NOW, put_cb, &w), -EINVAL);
	/* STORE_BULK_RECORDS_MAX records are one page; one more is refused */
	for (size_t i = 0; i < STORE_BULK_RECORDS_MAX + 1; i++)
		many[i] = src[i % N_SRC];
	assert_int_equal(store_bulk_put(dst, many, STORE_BULK_RECORDS_MAX + 1, NOW, put_cb, &w),
			 -EINVAL);
	assert_int_equal(put(dst, many, STORE_BULK_RECORDS_MAX, NOW), 0);
	assert_int_equal(w.n, STORE_BULK_RECORDS_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_pages_whole_store),
		cmocka_unit_test(test_scan_byte_budget),
		cmocka_unit_test(test_scan_empty_and_bad_args),
		cmocka_unit_test(test_put_copies_keep_fields),
		cmocka_unit_test(test_put_expiry_rules),
		cmocka_unit_test(test_put_outbox),
		cmocka_unit_test(test_put_quota_edge),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
