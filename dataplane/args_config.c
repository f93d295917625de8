/* SPDX-License-Identifier: MIT */
#include "args_config.h"

#include <stdio.h>
#include <string.h>

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
dp_parse_portmask(const char *s, uint32_t *mask, const char **why)
{
	uint64_t v = 0;
	size_t i = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0;

	if (s[i] == '\0')
		return (*why = "expected a hex port mask such as 0x1"), -1;
	for (; s[i] != '\0'; i++) {
		int d = hexval(s[i]);

		if (d < 0)
			return (*why = "expected a hex port mask such as 0x1"), -1;
		v = v << 4 | (uint64_t)d;
		if (v >> DP_PORTS_MAX)
			return (*why = "names a port at or above 32 (RTE_MAX_ETHPORTS)"), -1;
	}
	if (v == 0)
		return (*why = "names no port"), -1;
	*mask = (uint32_t)v;
	return 0;
}

static void
skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* A decimal number below limit at *p (spaces around). */
static int
number(const char **p, unsigned limit, uint16_t *out)
{
	unsigned v = 0;
	int digits = 0;

	skip_space(p);
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		if (++digits > 5 || v >= limit)
			return -1;
	}
	skip_space(p);
	if (digits == 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int
entry(const char **p, struct dp_lcore_conf *e, const char **why)
{
	if (**p != '(')
		return (*why = "expected (port,queue,lcore)"), -1;
	(*p)++;
	if (number(p, DP_PORTS_MAX, &e->port) != 0 || *(*p)++ != ',')
		return (*why = "port: expected a number 0..31, then ','"), -1;
	if (number(p, DP_QUEUES_MAX, &e->queue) != 0 || *(*p)++ != ',')
		return (*why = "queue: expected a number 0..1023, then ','"), -1;
	if (number(p, DP_LCORES_MAX, &e->lcore) != 0 || *(*p)++ != ')')
		return (*why = "lcore: expected a number 0..127, then ')'"), -1;
	return 0;
}

int
dp_parse_config(const char *s, struct dp_lcore_conf out[DP_CONFIG_MAX], unsigned *n,
		const char **why)
{
	const char *p = s;

	*n = 0;
	skip_space(&p);
	for (;;) {
		struct dp_lcore_conf e;

		if (*n == DP_CONFIG_MAX)
			return (*why = "more than 128 (port,queue,lcore) entries"), -1;
		if (entry(&p, &e, why) != 0)
			return -1;
		for (unsigned i = 0; i < *n; i++)
			if (out[i].port == e.port && out[i].queue == e.queue)
				return (*why = "a (port,queue) pair appears twice"), -1;
		out[(*n)++] = e;
		skip_space(&p);
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return (*why = "expected ',' between entries"), -1;
		skip_space(&p);
	}
}

int
dp_lcore_conf_check(const struct dp_lcore_conf *c, unsigned n, uint32_t portmask, char *msg,
		    unsigned msglen)
{
	if (portmask != 0 && portmask != 1) {
		snprintf(msg, msglen,
			 "--portmask 0x%x: relaying on ports other than port 0 is not built "
			 "(multi-port relaying); use 0x1",
			 portmask);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (c[i].port != 0) {
			snprintf(msg, msglen,
				 "--config (%u,%u,%u): relaying on ports other than port 0 is not "
				 "built (multi-port relaying)",
				 c[i].port, c[i].queue, c[i].lcore);
			return -1;
		}
		for (unsigned j = 0; j < i; j++)
			if (c[j].lcore == c[i].lcore) {
				snprintf(msg, msglen,
					 "--config: lcore %u has two queues; one queue per lcore "
					 "(several queues per lcore are not built)",
					 c[i].lcore);
				return -1;
			}
		if (c[i].queue >= n) {
			snprintf(msg, msglen,
				 "--config: port 0's queues must be 0..%u, one each (queue %u)",
				 n - 1, c[i].queue);
			return -1;
		}
	}
	return 0; /* n distinct queues (dp_parse_config), all below n: exactly 0..n-1 */
}
