/* SPDX-License-Identifier: MIT */
/*
 * The dataplane's node table from the registry (docs/channel.md, NODES):
 * every node the registry knows (active or decommissioned) except this one,
 * with its keys and cell address, sent whole when the channel connects and
 * again after every registry reload, so the dataplane relays to nodes that
 * registered after it started without a restart. The generation counts the
 * registry versions this process has loaded (1 at start). Only with a
 * registry (`registry =`): with a node list the dataplane keeps its file.
 */
#ifndef CTL_DP_NODES_H
#define CTL_DP_NODES_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

struct ctl_dp_channel;
struct ctl_swarm_view;

struct ctl_dp_nodes {
	struct ctl_dp_channel *channel;
	const struct ctl_swarm_view *view; /* a registry view */
	uint8_t self[32];
	uint64_t generation;
	uint64_t sent, failed; /* tables queued, tables not sent (logged) */
};

/*
 * A NODES body for reg without self: malloc'd into *body (free it), length
 * *len. 0 or -ENOMEM; -E2BIG when reg holds more than CHAN_NODES_MAX.
 */
int ctl_dp_nodes_encode(const struct ctl_registry *reg, const uint8_t self[32], uint64_t generation,
			uint8_t **body, size_t *len);

/* Hooks n to the channel's connects and the view's reloads. 0 or -EINVAL
 * (view is not a registry view). n must outlive both. */
int ctl_dp_nodes_start(struct ctl_dp_nodes *n, struct ctl_dp_channel *channel,
		       struct ctl_swarm_view *view, const uint8_t self[32]);

/* Sends the current table now (when connected); logs a failure. 0 or an error. */
int ctl_dp_nodes_send(struct ctl_dp_nodes *n, const struct ctl_registry *reg);

#endif
