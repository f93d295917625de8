/* SPDX-License-Identifier: MIT */
/*
 * Relay mode of snode-dataplane: loads the node identity and node table,
 * brings up port 0 with one queue per worker lcore, runs the worker loops
 * until SIGINT/SIGTERM, then stops the lcores, prints the final counters,
 * stops and closes the port. Destination layers are counted as
 * channel_full drops until the control channel exists (issue 5).
 */
#ifndef DP_RELAY_H
#define DP_RELAY_H

#include "args.h"

/* Exit status for main(): 0 after a clean stop, 1 on a startup error (one line on stderr). */
int dp_relay_run(const struct dp_args *args);

#endif
