/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the dataplane's option parsers (dataplane/args*.c, no DPDK) on
 * any bytes: the input split at NUL bytes as an argv for dp_args_parse
 * (without --config-file, which would open files), the whole input as a
 * --config, a --port-ip and a --port-mtu value, and as a config file's text. Whatever they accept
 * must hold their limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "args_file.h"
#include "arp_hold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	ARGS_MAX = 32
};

static int
set_any(void *arg, const char *key, const char *value, const char **why)
{
	(void)arg;
	if (strlen(key) == 0 || strlen(value) == 0 || strchr(key, '\n') || strchr(value, '#'))
		abort();
	*why = "rejected";
	return value[0] == 'x' ? -1 : 0;
}

static void
as_argv(char *text, size_t size)
{
	char *argv[ARGS_MAX + 2];
	int argc = 0;
	struct dp_args a;

	argv[argc++] = (char *)"dp";
	for (size_t off = 0; off < size && argc < ARGS_MAX;) {
		char *tok = text + off;

		off += strlen(tok) + 1;
		if (strncmp(tok, "--config-file", 13) != 0)
			argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (dp_args_parse(argc, argv, &a) == 0 && !a.self_check && !a.help) {
		unsigned def = 0;

		if (a.nlconf > DP_CONFIG_MAX || a.npip > DP_PORTS_MAX || a.ports == 0 ||
		    (a.portmask != 0 && a.portmask != a.ports))
			abort();
		while (!(a.ports >> def & 1))
			def++;
		for (unsigned i = 0; i < a.nlconf; i++)
			if (!(a.ports >> a.lconf[i].port & 1) || a.lconf[i].queue >= a.nlconf)
				abort();
		for (unsigned i = 0; i < a.npip; i++)
			if (!(a.ports >> a.pip[i].port & 1) || a.pip[i].port == def ||
			    a.pip[i].prefix < 1 || a.pip[i].prefix > 32 || a.pip[i].ip == 0)
				abort();
		for (unsigned p = 0; p < DP_PORTS_MAX; p++)
			if (a.port_mtu[p] != 0 && !(a.ports >> p & 1))
				abort(); /* an MTU for a port not in use */
		if (a.arp_hold > DP_ARP_HOLD_FRAMES_MAX)
			abort();
		if ((a.mtu != 0 && (a.mtu < DP_MTU_MIN || a.mtu > DP_MTU_MAX)) || a.ip_prefix < 1 ||
		    a.ip_prefix > 32 || (unsigned)__builtin_popcount(a.ports) != a.npip + 1)
			abort(); /* every port but the default has its address */
	}
	dp_args_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256];
	struct dp_lcore_conf c[DP_CONFIG_MAX];
	struct dp_port_ip pip[DP_PORTS_MAX];
	uint16_t pmtu[DP_PORTS_MAX];
	const char *why;
	unsigned n;
	uint32_t mask;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (dp_parse_config(text, c, &n, &why) == 0)
		for (unsigned i = 0; i < n; i++)
			if (n > DP_CONFIG_MAX || c[i].port >= DP_PORTS_MAX ||
			    c[i].queue >= DP_QUEUES_MAX || c[i].lcore >= DP_LCORES_MAX)
				abort();
	if (dp_parse_portmask(text, &mask, &why) == 0 && mask == 0)
		abort();
	if (dp_parse_port_ip(text, pip, &n, &why) == 0)
		for (unsigned i = 0; i < n; i++)
			if (n > DP_PORTS_MAX || pip[i].port >= DP_PORTS_MAX || pip[i].ip == 0 ||
			    pip[i].prefix == 0 || pip[i].prefix > 32 ||
			    (pip[i].have_gateway && (pip[i].gateway_mac[0] & 1)))
				abort();
	if (dp_parse_port_mtu(text, pmtu, &why) == 0)
		for (unsigned i = 0; i < DP_PORTS_MAX; i++)
			if (pmtu[i] != 0 && (pmtu[i] < DP_MTU_MIN || pmtu[i] > DP_MTU_MAX))
				abort();
	if (memchr(data, '\0', size) == NULL)
		(void)dp_args_file_parse(text, "fuzz", set_any, NULL, err, sizeof(err));
	memcpy(text, data, size);
	as_argv(text, size);
	free(text);
	return 0;
}
