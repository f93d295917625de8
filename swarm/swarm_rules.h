/* SPDX-License-Identifier: MIT */
/*
 * The swarm constants of oxen-core's service_node_rules.h. They are consensus:
 * every node must use these exact values or it computes different swarms than
 * the network. Header only.
 */
#ifndef SWARM_RULES_H
#define SWARM_RULES_H

enum {
	SWARM_RULES_MIN_SIZE = 5,     /* nodes; below this a swarm is starving (MIN_SWARM_SIZE) */
	SWARM_RULES_IDEAL_MARGIN = 2, /* nodes of excess left per swarm (IDEAL_SWARM_MARGIN) */
	SWARM_RULES_NEW_SIZE = 7,     /* nodes in a new swarm (NEW_SWARM_SIZE, IDEAL_SWARM_SIZE) */
	SWARM_RULES_EXCESS_BASE = 5,  /* nodes; excess counts members above this (EXCESS_BASE) */
	SWARM_RULES_MAX_SIZE = 10,    /* nodes (MAX_SWARM_SIZE; defined upstream, never used) */
	SWARM_RULES_FILL_PERCENTILE = 25,  /* percent; new nodes join the smallest quarter */
	SWARM_RULES_STEAL_PERCENTILE = 75, /* percent; Robin Hood takes above this */
	SWARM_RULES_DISSOLVE_PERCENTILE =
		0, /* percent; a dissolved swarm's nodes go to the smallest */
};

#endif
