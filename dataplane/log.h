/* SPDX-License-Identifier: MIT */
/*
 * Dataplane logging through rte_log under the type user.snode.dp, so that
 * operators tune it with --log-level=user.snode.dp:debug. Per-packet events
 * never log: they count (see stats).
 */
#ifndef DP_LOG_H
#define DP_LOG_H

#include <rte_log.h>

extern int dp_logtype;

#define DP_LOG(level, fmt, ...)                                                                    \
	rte_log(RTE_LOG_##level, dp_logtype, "snode-dp: " fmt "\n", ##__VA_ARGS__)

#endif
