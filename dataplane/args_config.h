/* SPDX-License-Identifier: MIT */
/*
 * l3fwd's port options: --portmask (hex mask of the ports to use) and
 * --config "(port,queue,lcore),..." (which lcore polls which rx/tx queue).
 * Syntax and ranges only; what this build can run (port 0, one queue per
 * lcore, queues 0..n-1) is checked by dp_lcore_conf_check, and the lcores
 * against EAL by the relay.
 */
#ifndef DP_ARGS_CONFIG_H
#define DP_ARGS_CONFIG_H

#include <stdint.h>

enum {
	DP_PORTS_MAX = 32,    /* RTE_MAX_ETHPORTS of Debian's DPDK 22.11 (relay.c asserts it) */
	DP_QUEUES_MAX = 1024, /* RTE_MAX_QUEUES_PER_PORT */
	DP_LCORES_MAX = 128,  /* RTE_MAX_LCORE */
	DP_CONFIG_MAX = 128,  /* (port,queue,lcore) entries: one lcore each at most */
};

struct dp_lcore_conf {
	uint16_t port, queue, lcore;
};

/* Hex digits with an optional 0x, non-zero, no bit at or above DP_PORTS_MAX.
 * 0, or -1 with *why set. */
int dp_parse_portmask(const char *s, uint32_t *mask, const char **why);

/*
 * "(port,queue,lcore)" entries separated by ',', spaces and tabs allowed
 * between tokens; decimal numbers below DP_PORTS_MAX, DP_QUEUES_MAX,
 * DP_LCORES_MAX; at most DP_CONFIG_MAX entries; no (port,queue) twice.
 * 0 with out[0..*n), or -1 with *why set.
 */
int dp_parse_config(const char *s, struct dp_lcore_conf out[DP_CONFIG_MAX], unsigned *n,
		    const char **why);

/*
 * What this build runs: port 0 only (in the mask too, when one is given), one
 * queue per lcore, port 0's queues exactly 0..n-1. 0, or -1 with a reason in
 * msg (naming what is not built).
 */
int dp_lcore_conf_check(const struct dp_lcore_conf *c, unsigned n, uint32_t portmask, char *msg,
			unsigned msglen);

#endif
