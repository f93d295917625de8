/* SPDX-License-Identifier: MIT */
/* dataplane/ports.c: the port table built from the options and the route to a next hop
 * (longest matching subnet, else the default port), with each port's gateway MAC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ports.h"

static const uint8_t gw0[6] = {2, 0, 0, 0, 0, 0xa0}, gw2[6] = {2, 0, 0, 0, 0, 0xa2};

/* --ip 10.0.0.1/24 --gateway-mac gw0, port 1 10.0.1.1/24, port 2 10.0.0.0/16 with gw2 */
static void
build(struct dp_ports *ps, uint32_t mask)
{
	struct dp_port_ip pip[2] = {{1, 24, false, 0x0a000101, {0}},
				    {2, 16, true, 0x0a000202, {0}}};

	memcpy(pip[1].gateway_mac, gw2, 6);
	dp_ports_build(ps, mask, 0x0a000001, 24, gw0, pip, mask == 7 ? 2 : 0, 22030);
}

static void
routes(void **state)
{
	struct dp_ports ps;

	(void)state;
	build(&ps, 7);
	assert_int_equal(ps.n, 3);
	assert_int_equal(ps.def, 0);
	assert_int_equal(ps.p[1].iface.port_id, 1);
	assert_int_equal(ps.p[1].iface.ip, 0x0a000101);
	assert_int_equal(ps.p[2].iface.port, 22030);
	assert_int_equal(dp_ports_route(&ps, 0x0a000005), 0); /* 10.0.0.5: /24 beats /16 */
	assert_int_equal(dp_ports_route(&ps, 0x0a0001fe), 1); /* 10.0.1.254 */
	assert_int_equal(dp_ports_route(&ps, 0x0a000100), 1); /* the subnet's first address */
	assert_int_equal(dp_ports_route(&ps, 0x0a000201), 2); /* 10.0.2.1: only the /16 */
	assert_int_equal(dp_ports_route(&ps, 0x0a00ffff), 2); /* the /16's last address */
	assert_int_equal(dp_ports_route(&ps, 0x0a010001), 0); /* 10.1.0.1: no subnet, default */
	assert_int_equal(dp_ports_route(&ps, 0xc0a80001), 0);
	assert_memory_equal(dp_ports_gateway(&ps, 0x0a000201), gw2, 6);
	assert_memory_equal(dp_ports_gateway(&ps, 0xc0a80001), gw0, 6); /* default port's */
	assert_null(dp_ports_gateway(&ps, 0x0a000107));			/* port 1 has none */
	assert_true(dp_ports_has(&ps, 2));
	assert_false(dp_ports_has(&ps, 3));
	assert_false(dp_ports_has(&ps, 0xffff)); /* RTE_MBUF_PORT_INVALID */
}

static void
one_port_takes_everything(void **state)
{
	struct dp_ports ps;

	(void)state;
	build(&ps, 1);
	assert_int_equal(ps.n, 1);
	assert_int_equal(dp_ports_route(&ps, 0x0a000101), 0);
	assert_int_equal(dp_ports_route(&ps, 0x01020304), 0);
	assert_int_equal(dp_ports_netmask(0), 0);
	assert_int_equal(dp_ports_netmask(1), 0x80000000u);
	assert_int_equal(dp_ports_netmask(31), 0xfffffffeu);
	assert_int_equal(dp_ports_netmask(32), 0xffffffffu);
	/* the default port is the lowest of the mask */
	dp_ports_build(&ps, 0x6, 0x0a000001, 32, NULL, NULL, 0, 1);
	assert_int_equal(ps.def, 1);
	assert_int_equal(dp_ports_route(&ps, 0x0a000001), 1);
	assert_null(dp_ports_gateway(&ps, 0x0a000002));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes),
		cmocka_unit_test(one_port_takes_everything),
	};

	return cmocka_run_group_tests_name("dataplane/ports", tests, NULL, NULL);
}
