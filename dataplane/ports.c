/* SPDX-License-Identifier: MIT */
#include "ports.h"

#include <string.h>

static void
set_port(struct dp_ports *ps, uint16_t port, uint32_t ip, uint8_t prefix, const uint8_t *gateway,
	 uint16_t cell_port)
{
	struct dp_port_addr *a = &ps->p[port];

	a->iface.port_id = port;
	a->iface.ip = ip;
	a->iface.port = cell_port;
	a->prefix = prefix;
	a->net_mask = dp_ports_netmask(prefix);
	a->have_gateway = gateway != NULL;
	if (gateway != NULL)
		memcpy(a->gateway_mac, gateway, 6);
}

void
dp_ports_build(struct dp_ports *ps, uint32_t mask, uint32_t ip, uint8_t prefix,
	       const uint8_t *gateway_mac, const struct dp_port_ip *pip, unsigned npip,
	       uint16_t cell_port)
{
	memset(ps, 0, sizeof(*ps));
	ps->mask = mask;
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (mask >> p & 1)
			ps->ids[ps->n++] = p;
	ps->def = ps->ids[0];
	set_port(ps, ps->def, ip, prefix, gateway_mac, cell_port);
	for (unsigned i = 0; i < npip; i++)
		set_port(ps, pip[i].port, pip[i].ip, pip[i].prefix,
			 pip[i].have_gateway ? pip[i].gateway_mac : NULL, cell_port);
}

const uint8_t *
dp_ports_gateway(const void *arg, uint32_t ip)
{
	const struct dp_ports *ps = arg;
	const struct dp_port_addr *a = &ps->p[dp_ports_route(ps, ip)];

	return a->have_gateway ? a->gateway_mac : NULL;
}
