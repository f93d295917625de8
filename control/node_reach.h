/* SPDX-License-Identifier: MIT */
/*
 * Wires reachability tests (reach.h) and uptime proofs (uptime.h) into
 * the running node: pings and proofs travel as peer_ping's signed DIRECT
 * messages, the known nodes are peer_ping's (the registry's or the node
 * list's), a node's HTTPS address is that of its latest uptime proof (else
 * its registry address with our own HTTPS port, as get_swarm reports it),
 * and "healthy" means our dataplane channel is up and Redis is connected.
 * Runs only with a dataplane and peers (node->pinging).
 */
#ifndef CTL_NODE_REACH_H
#define CTL_NODE_REACH_H

#include <stddef.h>

#include "config.h"
#include "identity.h"

struct ctl_node;

/* 0, or -1 with one line in err (no memory, libcurl). The keys were checked by
 * ctl_config_validate. */
int ctl_node_reach_start(struct ctl_node *n, const struct ctl_config *cfg,
			 const struct snc_identity *id, char *err, size_t errlen);
void ctl_node_reach_stop(struct ctl_node *n);

#endif
