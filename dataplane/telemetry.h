/* SPDX-License-Identifier: MIT */
/*
 * DPDK telemetry commands of the relay, read with dpdk-telemetry.py -f PREFIX:
 *   /snode/dp/stats       totals over all worker lcores
 *   /snode/dp/drops       drops by reason (every reason, zeros included)
 *   /snode/dp/lcore,N     one worker's counters and circuit count
 *   /snode/dp/circuits    circuits per worker lcore
 *   /snode/dp/channel     the control channel (docs/channel.md)
 *   /snode/dp/nodes       the node table: size, generation, tables received,
 *                         applied, refused by reason, what the last one left out
 * Callbacks run on the telemetry thread and read per-lcore counters without
 * locks (see stats.h).
 */
#ifndef DP_TELEMETRY_H
#define DP_TELEMETRY_H

#include "loop.h"

struct dp_node_swap;

/* Registers the commands over these lcores and node swap (which must outlive the
 * process's telemetry thread: the relay keeps them until exit). 0 or a negative errno. */
int dp_telemetry_register(struct dp_lcore *lcores, unsigned n, const struct dp_node_swap *swap);

/* /snode/dp/ports: each port's address, subnet, MTU, MACs and the lcores' rx/tx counts
 * on it (ports and lcores outlive the telemetry thread too). 0 or a negative errno. */
int dp_telemetry_register_ports(const struct dp_ports *ports, struct dp_lcore *lcores, unsigned n);

#endif
