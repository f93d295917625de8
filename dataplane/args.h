/* SPDX-License-Identifier: MIT */
/*
 * Application options, after EAL's and a "--":
 *   snode-dataplane [EAL options] -- --self-check
 *   snode-dataplane [EAL options] -- --ip A.B.C.D [--nodes FILE] [--gateway-mac MAC]
 *                   [--data-dir DIR] [--cell-port N] [--stats-interval SECONDS]
 *                   [--channel PATH] [--portmask HEX] [--config "(port,queue,lcore),..."]
 *                   [--config-file FILE] [--big-mbufs N] [--mtu N]
 *                   [--port-ip "(port,A.B.C.D/LEN[,MAC]),..."] [--port-mtu "(port,MTU),..."]
 *                   [--arp gateway|on-link] [--arp-hold N] [--arp-warm on|off]
 * (at least one of --nodes and --gateway-mac: docs/channel.md, NODES; the
 * config file holds the same options as key = value lines, args_file.h).
 * Relay mode serves the ports of the mask (port 0 by default) with one rx/tx
 * queue per worker lcore per port (the main lcore works too when EAL gives it
 * no workers). The default port (the lowest of the mask) has --ip and
 * --gateway-mac; the others have --port-ip's entries.
 */
#ifndef DP_ARGS_H
#define DP_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "args_config.h"
#include "args_mtu.h"

enum {
	DP_DEFAULT_CELL_PORT = 22030,
	DP_CHANNEL_PATH_MAX = 108, /* sun_path */
};

/* The control channel's socket, in the data directory unless --channel says otherwise. */
#define DP_DEFAULT_CHANNEL "dp.sock"

struct dp_args {
	bool self_check;
	bool help;
	const char *data_dir;	/* node identity; default $SNODE_DATA_DIR or /var/lib/snode */
	const char *nodes;	/* node table file; NULL: start with an empty table */
	bool have_gateway;	/* gateway_mac given */
	uint8_t gateway_mac[6]; /* next hop of nodes snode-control names that the file does not */
	uint32_t ip;		/* the default port's IPv4 address, host order; 0 = not given */
	uint8_t ip_prefix;	/* --ip's /LEN: its subnet (default 32) */
	uint16_t cell_port;
	unsigned stats_interval; /* seconds; 0 = off */
	const char *channel;	 /* socket path, "none", or NULL for DATA-DIR/dp.sock */
	uint32_t portmask;	 /* --portmask; 0 = not given (port 0) */
	uint32_t ports;		 /* the mask in use (dp_port_opts_check), set by dp_args_parse */
	struct dp_port_ip pip[DP_PORTS_MAX]; /* --port-ip */
	unsigned npip;
	struct dp_lcore_conf lconf[DP_CONFIG_MAX]; /* --config */
	unsigned nlconf;			   /* 0 = not given: every worker lcore */
	uint32_t big_mbufs; /* mbufs of the medium/large pool (mempool.h); 0: none */
	uint16_t mtu;	    /* --mtu: IP bytes per packet on every port; 0: each port's own */
	bool arp_on_link;   /* --arp on-link: ARP on-link next hops even with a gateway MAC */
	unsigned arp_hold;  /* --arp-hold: frames held per resolving address (arp_hold.h) */
	bool arp_warm;	    /* --arp-warm on: ARP for new tables' on-link nodes (arp_warm.h) */
	char *file_text;    /* the --config-file's text: its values point into it */
	/* --port-mtu, by port, over --mtu; 0: not given */
	uint16_t port_mtu[DP_PORTS_MAX];
};

/* Returns 0, or -1 after printing a one-line reason on stderr. Free with
 * dp_args_free either way. */
int dp_args_parse(int argc, char **argv, struct dp_args *args);

void dp_args_free(struct dp_args *args);

void dp_args_usage(const char *prog);

#endif
