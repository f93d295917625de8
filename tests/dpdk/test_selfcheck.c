/* SPDX-License-Identifier: MIT */
/* dataplane/selfcheck.c on real EAL with two software ports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "eal_test.h"
#include "mempool.h"
#include "selfcheck.h"

/* dp_selfcheck_run prints operator lines on stdout, which is this test's TAP stream. */
static int
selfcheck_quietly(struct rte_mempool *pool)
{
	int saved, devnull, rc;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, STDOUT_FILENO);
	rc = dp_selfcheck_run(pool);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(devnull);
	close(saved);
	return rc;
}

static void
passes_on_null_and_ring_and_returns_every_mbuf(void **state)
{
	struct rte_mempool *pool = dp_mempool_create("test_sc", 2048, SOCKET_ID_ANY);

	(void)state;
	assert_non_null(pool);
	assert_int_equal(selfcheck_quietly(pool), 0);
	/* Every port is closed and nothing leaked. */
	assert_int_equal(rte_eth_dev_count_avail(), 0);
	assert_int_equal(rte_mempool_avail_count(pool), 2048);
	rte_mempool_free(pool);
}

static void
fails_when_no_port_is_left(void **state)
{
	struct rte_mempool *pool = dp_mempool_create("test_sc2", 1024, SOCKET_ID_ANY);

	(void)state;
	assert_int_equal(selfcheck_quietly(pool), -1);
	rte_mempool_free(pool);
}

int
main(void)
{
	const char *const vdevs[] = {"net_null0", "net_ring0", NULL};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passes_on_null_and_ring_and_returns_every_mbuf),
		cmocka_unit_test(fails_when_no_port_is_left),
	};
	int rc;

	if (eal_test_init("selfcheck", vdevs) != 0) {
		printf("not ok 1 - EAL init\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("dpdk/selfcheck", tests, NULL, NULL);
	eal_test_cleanup();
	return rc;
}
