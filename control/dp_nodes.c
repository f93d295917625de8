/* SPDX-License-Identifier: MIT */
#include "dp_nodes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chan_nodes.h"
#include "dp_channel.h"
#include "log.h"
#include "swarm_view_registry.h"

int
ctl_dp_nodes_encode(const struct ctl_registry *reg, const uint8_t self[32], uint64_t generation,
		    uint8_t **body, size_t *len)
{
	struct chan_nodes_hdr h = {0, generation};
	uint8_t *b;

	*body = NULL;
	*len = 0;
	if (reg->n > CHAN_NODES_MAX + 1)
		return -E2BIG;
	b = malloc(chan_nodes_body_len((uint32_t)reg->n));
	if (b == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < reg->n; i++) {
		const struct ctl_registry_node *nd = &reg->nodes[i];
		struct chan_node_entry e = {.ip = nd->ip, .port = nd->port};

		if (memcmp(nd->ed25519, self, 32) == 0)
			continue;
		if (h.count == CHAN_NODES_MAX) {
			free(b);
			return -E2BIG;
		}
		memcpy(e.ed25519, nd->ed25519, 32);
		memcpy(e.x25519, nd->x25519, 32);
		chan_nodes_encode_entry(&e, b, h.count++);
	}
	chan_nodes_encode_hdr(&h, b);
	*body = b;
	*len = chan_nodes_body_len(h.count);
	return 0;
}

int
ctl_dp_nodes_send(struct ctl_dp_nodes *n, const struct ctl_registry *reg)
{
	uint8_t *body;
	size_t len;
	int rc;

	if (!ctl_dp_channel_connected(n->channel))
		return -ENOTCONN; /* sent on connect */
	rc = ctl_dp_nodes_encode(reg, n->self, n->generation, &body, &len);
	if (rc == 0)
		rc = ctl_dp_channel_send_nodes(n->channel, body, len);
	free(body);
	if (rc != 0) {
		n->failed++;
		ctl_log(CTL_LOG_ERR,
			"node table generation %" PRIu64 " not sent to the dataplane: %s",
			n->generation, strerror(-rc));
		return rc;
	}
	n->sent++;
	ctl_log(CTL_LOG_INFO, "node table generation %" PRIu64 " sent to the dataplane: %zu nodes",
		n->generation, (len - CHAN_NODES_HDR_BYTES) / CHAN_NODES_ENTRY_BYTES);
	return 0;
}

static void
on_connect(void *arg)
{
	struct ctl_dp_nodes *n = arg;

	ctl_dp_nodes_send(n, ctl_swarm_view_registry_state(n->view));
}

static void
on_reload(void *arg, const struct ctl_registry *reg)
{
	struct ctl_dp_nodes *n = arg;

	n->generation++;
	ctl_dp_nodes_send(n, reg);
}

int
ctl_dp_nodes_start(struct ctl_dp_nodes *n, struct ctl_dp_channel *channel,
		   struct ctl_swarm_view *view, const uint8_t self[32])
{
	memset(n, 0, sizeof(*n));
	if (ctl_swarm_view_registry_state(view) == NULL)
		return -EINVAL;
	n->channel = channel;
	n->view = view;
	n->generation = 1;
	memcpy(n->self, self, 32);
	ctl_swarm_view_registry_on_reload(view, on_reload, n);
	ctl_dp_channel_on_connect(channel, on_connect, n);
	if (ctl_dp_channel_connected(channel))
		on_connect(n);
	return 0;
}
