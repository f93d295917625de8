/* SPDX-License-Identifier: MIT */
#include "args_config.h"

#include <arpa/inet.h>
#include <ctype.h>
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
dp_parse_unicast_mac(const char *s, uint8_t mac[6])
{
	unsigned m[6];
	int used = 0;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &used) != 6 ||
	    used != 17)
		return -1;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	if ((mac[0] & 1) || memcmp(mac, "\0\0\0\0\0\0", 6) == 0)
		return -1;
	return 0;
}

/* Copies the next token of at most max-1 bytes made of chars in set into buf. */
static int
token(const char **p, const char *set, char *buf, size_t max)
{
	size_t n = 0;

	skip_space(p);
	while (**p != '\0' && strchr(set, **p) != NULL) {
		if (n + 1 >= max)
			return -1;
		buf[n++] = *(*p)++;
	}
	buf[n] = '\0';
	skip_space(p);
	return n > 0 ? 0 : -1;
}

static int
port_ip_addr(const char **p, struct dp_port_ip *e)
{
	char buf[16];
	struct in_addr in;
	uint16_t prefix;

	if (token(p, "0123456789.", buf, sizeof(buf)) != 0 || inet_pton(AF_INET, buf, &in) != 1 ||
	    in.s_addr == 0 || *(*p)++ != '/' || number(p, 33, &prefix) != 0 || prefix == 0)
		return -1;
	e->ip = ntohl(in.s_addr);
	e->prefix = (uint8_t)prefix;
	return 0;
}

static int
port_ip_entry(const char **p, struct dp_port_ip *e, const char **why)
{
	char mac[18];

	memset(e, 0, sizeof(*e));
	if (**p != '(')
		return (*why = "expected (port,A.B.C.D/LEN[,MAC])"), -1;
	(*p)++;
	if (number(p, DP_PORTS_MAX, &e->port) != 0 || *(*p)++ != ',')
		return (*why = "port: expected a number 0..31, then ','"), -1;
	if (port_ip_addr(p, e) != 0)
		return (*why = "address: expected a non-zero A.B.C.D/LEN, LEN 1..32"), -1;
	if (**p == ',') {
		(*p)++;
		if (token(p, "0123456789abcdefABCDEF:", mac, sizeof(mac)) != 0 ||
		    dp_parse_unicast_mac(mac, e->gateway_mac) != 0)
			return (*why = "gateway: expected a non-zero unicast MAC "
				       "aa:bb:cc:dd:ee:ff"),
			       -1;
		e->have_gateway = true;
	}
	if (*(*p)++ != ')')
		return (*why = "expected ')' after the address or gateway MAC"), -1;
	return 0;
}

int
dp_parse_port_ip(const char *s, struct dp_port_ip out[DP_PORTS_MAX], unsigned *n, const char **why)
{
	const char *p = s;

	*n = 0;
	skip_space(&p);
	for (;;) {
		struct dp_port_ip e;

		if (*n == DP_PORTS_MAX)
			return (*why = "more than 32 (port,address) entries"), -1;
		if (port_ip_entry(&p, &e, why) != 0)
			return -1;
		for (unsigned i = 0; i < *n; i++)
			if (out[i].port == e.port)
				return (*why = "a port appears twice"), -1;
		out[(*n)++] = e;
		skip_space(&p);
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return (*why = "expected ',' between entries"), -1;
		skip_space(&p);
	}
}

static uint32_t
netmask(uint8_t prefix)
{
	return prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
}

/* --config against the mask: every entry on a port of it, every port polled,
 * queues 0..n-1 per port. An lcore may poll several queues of one port (as
 * l3fwd allows): its loop takes a burst from each in turn. */
static int
check_config(const struct dp_port_opts *o, uint32_t mask, char *msg, unsigned msglen)
{
	unsigned nq[DP_PORTS_MAX] = {0};

	for (unsigned i = 0; i < o->nlconf; i++) {
		const struct dp_lcore_conf *c = &o->lconf[i];

		if (!(mask >> c->port & 1))
			return snprintf(msg, msglen,
					"--config (%u,%u,%u): port %u is not in the port "
					"mask 0x%x",
					c->port, c->queue, c->lcore, c->port, mask),
			       -1;
		nq[c->port]++;
	}
	for (unsigned i = 0; i < o->nlconf; i++)
		if (o->lconf[i].queue >= nq[o->lconf[i].port])
			return snprintf(msg, msglen,
					"--config: port %u's queues must be 0..%u, one "
					"each (queue %u)",
					o->lconf[i].port, nq[o->lconf[i].port] - 1,
					o->lconf[i].queue),
			       -1;
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		if ((mask >> p & 1) && o->nlconf > 0 && nq[p] == 0)
			return snprintf(msg, msglen,
					"--config: port %u is in the port mask 0x%x but "
					"no entry polls it",
					p, mask),
			       -1;
	return 0; /* distinct queues per port (dp_parse_config), all below n: 0..n-1 */
}

/* --port-ip against the mask, and the subnets apart. */
static int
check_port_ip(const struct dp_port_opts *o, uint32_t mask, unsigned def, char *msg, unsigned msglen)
{
	uint32_t named = 0;

	for (unsigned i = 0; i < o->npip; i++) {
		const struct dp_port_ip *e = &o->pip[i];
		uint32_t m = netmask(e->prefix);

		if (e->port == def)
			return snprintf(msg, msglen,
					"--port-ip: port %u is the default port (the "
					"lowest of the mask): its address is --ip",
					def),
			       -1;
		if (!(mask >> e->port & 1))
			return snprintf(msg, msglen,
					"--port-ip: port %u is not in the port mask 0x%x", e->port,
					mask),
			       -1;
		if (e->ip == o->ip || (e->prefix == o->prefix && ((e->ip ^ o->ip) & m) == 0))
			return snprintf(msg, msglen,
					"--port-ip: port %u has the address or subnet "
					"of --ip",
					e->port),
			       -1;
		for (unsigned j = 0; j < i; j++)
			if (o->pip[j].ip == e->ip ||
			    (o->pip[j].prefix == e->prefix && ((o->pip[j].ip ^ e->ip) & m) == 0))
				return snprintf(msg, msglen,
						"--port-ip: ports %u and %u have the same "
						"address or subnet",
						o->pip[j].port, e->port),
				       -1;
		named |= 1u << e->port;
	}
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		if ((mask >> p & 1) && p != def && !(named >> p & 1))
			return snprintf(msg, msglen,
					"port %u has no address: give it one with "
					"--port-ip \"(%u,A.B.C.D/LEN)\"",
					p, p),
			       -1;
	return 0;
}

int
dp_port_opts_check(const struct dp_port_opts *o, uint32_t *mask, char *msg, unsigned msglen)
{
	uint32_t m = o->portmask, named = 0;
	unsigned def = 0;

	for (unsigned i = 0; i < o->nlconf; i++)
		named |= 1u << o->lconf[i].port;
	if (m == 0)
		m = named;
	if (m == 0)
		m = 1;
	while (!(m >> def & 1))
		def++;
	if (check_config(o, m, msg, msglen) != 0 || check_port_ip(o, m, def, msg, msglen) != 0)
		return -1;
	*mask = m;
	return 0;
}
