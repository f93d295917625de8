/* SPDX-License-Identifier: MIT */
#include "args_mtu.h"

#include <stdio.h>
#include <string.h>

static void
skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* A decimal number of 1..5 digits in [min, max] at *p (spaces around). */
static int
number(const char **p, unsigned min, unsigned max, uint16_t *out)
{
	unsigned v = 0;
	int digits = 0;

	skip_space(p);
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		if (++digits > 5)
			return -1;
	}
	skip_space(p);
	if (digits == 0 || v < min || v > max)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int
entry(const char **p, uint16_t *port, uint16_t *mtu, const char **why)
{
	if (**p != '(')
		return (*why = "expected (port,MTU)"), -1;
	(*p)++;
	if (number(p, 0, DP_PORTS_MAX - 1, port) != 0 || *(*p)++ != ',')
		return (*why = "port: expected a number 0..31, then ','"), -1;
	if (number(p, DP_MTU_MIN, DP_MTU_MAX, mtu) != 0 || *(*p)++ != ')')
		return (*why = "MTU: expected IP bytes 576..9000, then ')'"), -1;
	return 0;
}

int
dp_parse_port_mtu(const char *s, uint16_t mtu[DP_PORTS_MAX], const char **why)
{
	uint16_t got[DP_PORTS_MAX] = {0};
	const char *p = s;

	skip_space(&p);
	for (;;) {
		uint16_t port, m;

		if (entry(&p, &port, &m, why) != 0)
			return -1;
		if (got[port] != 0)
			return (*why = "a port appears twice"), -1;
		got[port] = m;
		skip_space(&p);
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return (*why = "expected ',' between entries"), -1;
		skip_space(&p);
	}
	memcpy(mtu, got, sizeof(got)); /* a later --port-mtu replaces an earlier one */
	return 0;
}

int
dp_port_mtu_check(const uint16_t mtu[DP_PORTS_MAX], uint32_t mask, char *msg, unsigned msglen)
{
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		if (mtu[p] != 0 && !(mask >> p & 1))
			return snprintf(msg, msglen,
					"--port-mtu: port %u is not in the port mask 0x%x", p,
					mask),
			       -1;
	return 0;
}
