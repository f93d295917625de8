/* SPDX-License-Identifier: MIT */
/*
 * l3fwd's port options: --portmask (hex mask of the ports to use) and
 * --config "(port,queue,lcore),..." (which lcore polls which rx/tx queue).
 * --port-ip "(port,A.B.C.D/LEN[,MAC]),..." gives the ports other than the
 * default one (the lowest of the mask, whose address is --ip) their address,
 * subnet and gateway MAC. Syntax and ranges here; how they fit together
 * (dp_port_opts_check) here too; the ports and lcores against EAL in relay.c.
 */
#ifndef DP_ARGS_CONFIG_H
#define DP_ARGS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

enum {
	DP_PORTS_MAX = 32,    /* RTE_MAX_ETHPORTS of Debian's DPDK 22.11 (relay.c asserts it) */
	DP_QUEUES_MAX = 1024, /* RTE_MAX_QUEUES_PER_PORT */
	DP_LCORES_MAX = 128,  /* RTE_MAX_LCORE */
	DP_CONFIG_MAX = 128,  /* (port,queue,lcore) entries: one lcore each at most */
};

struct dp_lcore_conf {
	uint16_t port, queue, lcore;
};

/* One --port-ip entry: a port's address, its subnet's prefix length and the
 * MAC of the router on it (for the nodes snode-control names without a MAC). */
struct dp_port_ip {
	uint16_t port;
	uint8_t prefix; /* 1..32 */
	bool have_gateway;
	uint32_t ip; /* host order, non-zero */
	uint8_t gateway_mac[6];
};

/* Hex digits with an optional 0x, non-zero, no bit at or above DP_PORTS_MAX.
 * 0, or -1 with *why set. */
int dp_parse_portmask(const char *s, uint32_t *mask, const char **why);

/*
 * "(port,queue,lcore)" entries separated by ',', spaces and tabs allowed
 * between tokens; decimal numbers below DP_PORTS_MAX, DP_QUEUES_MAX,
 * DP_LCORES_MAX; at most DP_CONFIG_MAX entries; no (port,queue) twice.
 * 0 with out[0..*n), or -1 with *why set.
 */
int dp_parse_config(const char *s, struct dp_lcore_conf out[DP_CONFIG_MAX], unsigned *n,
		    const char **why);

/*
 * "(port,A.B.C.D/LEN[,aa:bb:cc:dd:ee:ff])" entries separated by ',', spaces
 * and tabs allowed between tokens: port below DP_PORTS_MAX, each port once, a
 * non-zero address, LEN 1..32, a non-zero unicast MAC. At most DP_PORTS_MAX
 * entries. 0 with out[0..*n), or -1 with *why set.
 */
int dp_parse_port_ip(const char *s, struct dp_port_ip out[DP_PORTS_MAX], unsigned *n,
		     const char **why);

/* aa:bb:cc:dd:ee:ff exactly (hex either case), unicast and not all zero: 0 or -1. */
int dp_parse_unicast_mac(const char *s, uint8_t mac[6]);

/* The port options together (args.h's fields). */
struct dp_port_opts {
	uint32_t portmask; /* 0: not given */
	const struct dp_lcore_conf *lconf;
	unsigned nlconf;
	const struct dp_port_ip *pip;
	unsigned npip;
	uint32_t ip; /* --ip: the default port's address */
	uint8_t prefix;
};

/*
 * How they fit: the mask is --portmask, else the ports --config names, else
 * port 0; the default port is its lowest. Every --config port is in the mask
 * and every port of the mask has entries (queues 0..n-1, no lcore polling two
 * queues of one port); every port of the mask but the default has one
 * --port-ip entry, no other port has one; no two ports share an address or a
 * subnet. 0 with *mask set, or -1 with a one-line reason in msg.
 */
int dp_port_opts_check(const struct dp_port_opts *o, uint32_t *mask, char *msg, unsigned msglen);

#endif
