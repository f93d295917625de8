/* SPDX-License-Identifier: MIT */
/*
 * Every counter of a running snode-control as one JSON object, one member per
 * part (docs/control.md "Counters"): what the stats socket serves and the
 * periodic stats line logs. Counters only: no keys, no message data.
 */
#ifndef CTL_NODE_STATS_H
#define CTL_NODE_STATS_H

#include <jansson.h>

struct ctl_node;

/* A new object (the caller decrefs), NULL when out of memory. Parts that are
 * not running (no dataplane, no HTTP entry, ...) are absent. */
json_t *ctl_node_stats(const struct ctl_node *n);

#endif
