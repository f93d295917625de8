/* SPDX-License-Identifier: MIT */
/* control/redis_ping.c: unusable and unreachable addresses are named in the
 * error. (A live redis-server answers in tests/cli/test_snode_control.sh.) */
#include "test_common_ctl.h"

#include "redis_ping.h"

static void
expect_ping(const char *addr, int want_rc, const char *want_prefix)
{
	char err[300];

	assert_int_equal(ctl_redis_ping(addr, 500, err, sizeof(err)), want_rc);
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0)
		fail_msg("err '%s' does not start with '%s'", err, want_prefix);
}

static void
bad_addresses(void **state)
{
	(void)state;
	expect_ping("", -EINVAL, "redis address is empty");
	expect_ping("localhost", -EINVAL,
		    "redis at localhost: expected a socket path or host:port");
	expect_ping("localhost:0", -EINVAL, "redis at localhost:0: bad port");
	expect_ping("localhost:70000", -EINVAL, "redis at localhost:70000: bad port");
	expect_ping("localhost:x", -EINVAL, "redis at localhost:x: bad port");
}

static void
unreachable(void **state)
{
	(void)state;
	expect_ping("/nonexistent/redis.sock", -ECONNREFUSED,
		    "redis at /nonexistent/redis.sock unreachable: ");
	/* port 1 on loopback: nothing listens there in a test environment */
	expect_ping("127.0.0.1:1", -ECONNREFUSED, "redis at 127.0.0.1:1 unreachable: ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_addresses),
		cmocka_unit_test(unreachable),
	};

	return cmocka_run_group_tests_name("redis_ping", tests, NULL, NULL);
}
