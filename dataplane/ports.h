/* SPDX-License-Identifier: MIT */
/*
 * This node's ports: each one's address, subnet and gateway MAC, and the
 * route to a next hop: the port whose subnet holds its address (the longest
 * prefix; the lowest port on a tie), else the default port (the lowest of the
 * mask, the one --ip names). Built once at start and read-only after, so
 * workers share it without locks; a route is a scan of at most 32 entries.
 */
#ifndef DP_PORTS_H
#define DP_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "args_config.h"
#include "pkt.h"

struct dp_port_addr {
	struct dp_iface iface; /* its DPDK port id, MAC, address, cell port */
	uint32_t net_mask;     /* host order */
	uint8_t prefix;
	uint16_t mtu; /* IP bytes a packet may have on this port (frag.h); 0: the worker's */
	bool have_gateway;
	uint8_t gateway_mac[6]; /* router for nodes snode-control names without a MAC */
};

struct dp_ports {
	uint32_t mask;			     /* ports in use */
	uint16_t def;			     /* default port */
	uint16_t n;			     /* ports in use */
	uint16_t ids[DP_PORTS_MAX];	     /* the ports in use, ascending */
	struct dp_port_addr p[DP_PORTS_MAX]; /* by port id */
};

/* Netmask (host order) of a prefix length 0..32. */
static inline uint32_t
dp_ports_netmask(uint8_t prefix)
{
	return prefix >= 32 ? 0xffffffffu : prefix == 0 ? 0 : ~(0xffffffffu >> prefix);
}

/* The port a datagram to ip (host order) leaves by. */
static inline uint16_t
dp_ports_route(const struct dp_ports *ps, uint32_t ip)
{
	uint16_t best = ps->def;
	int best_len = -1;

	for (uint16_t i = 0; i < ps->n; i++) {
		const struct dp_port_addr *a = &ps->p[ps->ids[i]];

		if (((ip ^ a->iface.ip) & a->net_mask) == 0 && (int)a->prefix > best_len) {
			best = ps->ids[i];
			best_len = a->prefix;
		}
	}
	return best;
}

/* True when port is one of ps's. */
static inline bool
dp_ports_has(const struct dp_ports *ps, uint16_t port)
{
	return port < DP_PORTS_MAX && (ps->mask >> port & 1) != 0;
}

/*
 * Fills ps from the checked options (dp_port_opts_check): mask, the default
 * port's --ip/LEN and --gateway-mac (NULL: none), --port-ip's entries. MACs
 * are left zero: the caller sets each port's from the device.
 */
void dp_ports_build(struct dp_ports *ps, uint32_t mask, uint32_t ip, uint8_t prefix,
		    const uint8_t *gateway_mac, const struct dp_port_ip *pip, unsigned npip,
		    uint16_t cell_port);

/* The gateway MAC of the port a datagram to ip leaves by, or NULL when that port
 * has none (node_update.h: the MAC of a node snode-control names). arg: dp_ports. */
const uint8_t *dp_ports_gateway(const void *arg, uint32_t ip);

#endif
