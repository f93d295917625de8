/* SPDX-License-Identifier: MIT */
/* storage/revoke.c against a real redis-server: add, check, list, cap at 50, unrevoke. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store_sync.h"

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

/* Token i: 03 | flags | 00 00 | 32 bytes naming i (with a 0 byte: binary safe). */
static void
token(uint8_t t[STORE_TOKEN_BYTES], int i)
{
	memset(t, 0, STORE_TOKEN_BYTES);
	t[0] = 0x03;
	t[1] = 0x07;
	t[4] = (uint8_t)i;
	t[5] = (uint8_t)(i >> 8);
	t[35] = 0xff;
}

static void
revoke_check_unrevoke(void **state)
{
	uint8_t pk[33], other[33], t[3][STORE_TOKEN_BYTES], list[4 * STORE_TOKEN_BYTES];
	uint64_t count;
	size_t n;
	bool revoked;

	(void)state;
	test_pubkey(pk, 0x03, 1);
	test_pubkey(other, 0x03, 2);
	for (int i = 0; i < 3; i++)
		token(t[i], i);
	assert_int_equal(sync_revoked(&fx, pk, list, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sync_revoke(&fx, pk, t[0], 2, &count), 0); /* t0, t1 */
	assert_int_equal(count, 2);
	assert_int_equal(sync_revoke_check(&fx, pk, t[1], &revoked), 0);
	assert_true(revoked);
	assert_int_equal(sync_revoke_check(&fx, pk, t[2], &revoked), 0);
	assert_false(revoked);
	assert_int_equal(sync_revoke_check(&fx, other, t[1], &revoked), 0);
	assert_false(revoked); /* per account */
	/* one differing byte is another token */
	t[1][35] ^= 1;
	assert_int_equal(sync_revoke_check(&fx, pk, t[1], &revoked), 0);
	assert_false(revoked);
	t[1][35] ^= 1;
	assert_int_equal(sync_revoked(&fx, pk, list, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(list, t[1], STORE_TOKEN_BYTES); /* newest first */
	assert_memory_equal(list + STORE_TOKEN_BYTES, t[0], STORE_TOKEN_BYTES);
	/* revoking again makes it the newest, without a duplicate */
	assert_int_equal(sync_revoke(&fx, pk, t[0], 1, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(sync_revoked(&fx, pk, list, 4, &n), 0);
	assert_memory_equal(list, t[0], STORE_TOKEN_BYTES);
	/* unrevoke counts only listed tokens */
	assert_int_equal(sync_unrevoke(&fx, pk, t[0], 3, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(sync_unrevoke(&fx, pk, t[0], 3, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(sync_revoke_check(&fx, pk, t[0], &revoked), 0);
	assert_false(revoked);
}

static void
newest_fifty_are_kept(void **state)
{
	enum {
		N = 53
	};
	uint8_t pk[33], t[N][STORE_TOKEN_BYTES], list[N * STORE_TOKEN_BYTES];
	uint64_t count;
	size_t n;
	bool revoked;
	int i;

	(void)state;
	test_pubkey(pk, 0x03, 3);
	for (i = 0; i < N; i++)
		token(t[i], 100 + i);
	/* 49 one by one, then the 50th: exactly at the cap nothing is dropped */
	for (i = 0; i < 50; i++) {
		assert_int_equal(sync_revoke(&fx, pk, t[i], 1, &count), 0);
		assert_int_equal(count, (uint64_t)i + 1);
	}
	assert_int_equal(sync_revoke_check(&fx, pk, t[0], &revoked), 0);
	assert_true(revoked);
	/* the 51st pushes out the oldest */
	assert_int_equal(sync_revoke(&fx, pk, t[50], 1, &count), 0);
	assert_int_equal(count, STORE_REVOKE_KEEP);
	assert_int_equal(sync_revoke_check(&fx, pk, t[0], &revoked), 0);
	assert_false(revoked);
	assert_int_equal(sync_revoke_check(&fx, pk, t[1], &revoked), 0);
	assert_true(revoked);
	/* a batch of two more: t1 and t2 go */
	assert_int_equal(sync_revoke(&fx, pk, t[51], 2, &count), 0);
	assert_int_equal(count, STORE_REVOKE_KEEP);
	assert_int_equal(sync_revoked(&fx, pk, list, N, &n), 0);
	assert_int_equal(n, STORE_REVOKE_KEEP);
	assert_memory_equal(list, t[52], STORE_TOKEN_BYTES);
	assert_memory_equal(list + 49 * STORE_TOKEN_BYTES, t[3], STORE_TOKEN_BYTES);
}

static void
bad_arguments(void **state)
{
	uint8_t pk[33], t[STORE_TOKEN_BYTES] = {0};
	uint64_t count;
	bool revoked;

	(void)state;
	test_pubkey(pk, 0x03, 4);
	assert_int_equal(sync_revoke(&fx, pk, t, 0, &count), -EINVAL);
	assert_int_equal(sync_revoke(&fx, pk, t, STORE_REVOKE_BATCH_MAX + 1, &count), -EINVAL);
	assert_int_equal(sync_unrevoke(&fx, pk, NULL, 1, &count), -EINVAL);
	assert_int_equal(sync_revoke_check(&fx, NULL, t, &revoked), -EINVAL);
	assert_int_equal(sync_revoke_check(&fx, pk, NULL, &revoked), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(revoke_check_unrevoke),
		cmocka_unit_test(newest_fifty_are_kept),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests_name("storage/revoke", tests, setup, teardown);
}
