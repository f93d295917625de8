/* SPDX-License-Identifier: MIT */
/*
 * `snode-dataplane ... -- --self-check`: proves that EAL, the mbuf pool and
 * every probed port work on this machine (start, one rx and tx burst, stop,
 * close), then exits. Used by the README's main job and by the dpdk test suite.
 */
#ifndef DP_SELFCHECK_H
#define DP_SELFCHECK_H

struct rte_mempool;

/* Returns 0 when at least one port exists and every port passed; prints one line per port. */
int dp_selfcheck_run(struct rte_mempool *pool);

#endif
