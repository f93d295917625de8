/* SPDX-License-Identifier: MIT */
/*
 * Application options, after EAL's and a "--":
 *   snode-dataplane [EAL options] -- [--self-check] [-h]
 * The relay options of issue 4 (-p, --config, -f, --ctl-sock,
 * --stats-interval) join this table when the relay lands.
 */
#ifndef DP_ARGS_H
#define DP_ARGS_H

#include <stdbool.h>

struct dp_args {
	bool self_check;
	bool help;
};

/* Returns 0, or -1 after printing a one-line reason on stderr. */
int dp_args_parse(int argc, char **argv, struct dp_args *args);

void dp_args_usage(const char *prog);

#endif
