/* SPDX-License-Identifier: MIT */
/*
 * snode-dataplane: EAL up, app options, then the requested mode: --self-check
 * (bring every port up and down) or the onion relay (relay.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "args.h"
#include "relay.h"
#include "dp.h"
#include "mempool.h"
#include "selfcheck.h"
#include "snc.h"

static int
run_self_check(void)
{
	uint16_t nb_ports = rte_eth_dev_count_avail();
	uint32_t n = dp_mempool_size(nb_ports, 1, 512, 512, (uint16_t)rte_lcore_count(), DP_BURST);
	struct rte_mempool *pool = dp_mempool_create("dp_selfcheck", n, (int)rte_socket_id());
	int rc;

	if (pool == NULL) {
		fprintf(stderr, "snode-dataplane: cannot create mbuf pool of %u: %s\n", n,
			rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	rc = dp_selfcheck_run(pool);
	rte_mempool_free(pool);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
	struct dp_args args;
	int consumed, rc;

	memset(&args, 0, sizeof(args));
	consumed = rte_eal_init(argc, argv);
	if (consumed < 0) {
		fprintf(stderr, "snode-dataplane: EAL init failed: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	argv[consumed] = argv[0];
	if (snc_init() != 0) {
		fprintf(stderr, "snode-dataplane: crypto init failed: %s\n", snc_init_error());
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	if (dp_args_parse(argc - consumed, argv + consumed, &args) != 0) {
		dp_args_free(&args);
		rte_eal_cleanup();
		return 2;
	}
	if (args.help) {
		dp_args_usage(argv[0]);
		rc = EXIT_SUCCESS;
	} else if (args.self_check) {
		rc = run_self_check();
	} else {
		rc = dp_relay_run(&args);
	}
	dp_args_free(&args);
	rte_eal_cleanup();
	return rc;
}
