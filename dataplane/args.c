/* SPDX-License-Identifier: MIT */
#include "args.h"

#include "args_file.h"
#include "arp_hold.h"
#include "frag.h"
#include "mempool.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct option dp_long_opts[] = {
	{"self-check", no_argument, NULL, 'S'},
	{"data-dir", required_argument, NULL, 'd'},
	{"nodes", required_argument, NULL, 'n'},
	{"gateway-mac", required_argument, NULL, 'g'},
	{"ip", required_argument, NULL, 'i'},
	{"cell-port", required_argument, NULL, 'c'},
	{"stats-interval", required_argument, NULL, 's'},
	{"channel", required_argument, NULL, 'C'},
	{"portmask", required_argument, NULL, 'P'},
	{"config", required_argument, NULL, 'L'},
	{"config-file", required_argument, NULL, 'F'},
	{"big-mbufs", required_argument, NULL, 'B'},
	{"mtu", required_argument, NULL, 'M'},
	{"port-ip", required_argument, NULL, 'A'},
	{"port-mtu", required_argument, NULL, 'U'},
	{"arp", required_argument, NULL, 'R'},
	{"arp-hold", required_argument, NULL, 'H'},
	{"arp-warm", required_argument, NULL, 'W'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Whole-string unsigned number within [min, max]. */
static int
parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A.B.C.D or A.B.C.D/LEN (LEN 1..32; 32 without one), non-zero. */
static int
parse_ip(const char *v, uint32_t *ip, uint8_t *prefix)
{
	char buf[16];
	const char *slash = strchr(v, '/');
	size_t len = slash != NULL ? (size_t)(slash - v) : strlen(v);
	unsigned long n = 32;
	struct in_addr in;

	if (len >= sizeof(buf) || (slash != NULL && parse_uint(slash + 1, 1, 32, &n) != 0))
		return -1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1 || in.s_addr == 0)
		return -1;
	*ip = ntohl(in.s_addr);
	*prefix = (uint8_t)n;
	return 0;
}

static int
bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "snode-dataplane: --%s '%s': %s\n", opt, val, want);
	return -1;
}

static int
take(struct dp_args *a, int c, const char *v)
{
	unsigned long n;
	const char *why = NULL;

	switch (c) {
	case 'S':
		a->self_check = true;
		return 0;
	case 'h':
		a->help = true;
		return 0;
	case 'd':
		a->data_dir = v;
		return 0;
	case 'n':
		a->nodes = v;
		return 0;
	case 'g':
		if (dp_parse_unicast_mac(v, a->gateway_mac) != 0)
			return bad("gateway-mac", v,
				   "expected a non-zero unicast MAC aa:bb:cc:dd:ee:ff");
		a->have_gateway = true;
		return 0;
	case 'C':
		if (v[0] == '\0' || strlen(v) >= DP_CHANNEL_PATH_MAX)
			return bad("channel", v,
				   "expected a socket path of 1..107 bytes, or 'none'");
		a->channel = v;
		return 0;
	case 'i':
		if (parse_ip(v, &a->ip, &a->ip_prefix) != 0)
			return bad("ip", v,
				   "expected a non-zero IPv4 address, /LEN 1..32 optional");
		return 0;
	case 'A':
		if (dp_parse_port_ip(v, a->pip, &a->npip, &why) != 0)
			return bad("port-ip", v, why);
		return 0;
	case 'c':
		if (parse_uint(v, 1, 65535, &n) != 0)
			return bad("cell-port", v, "expected 1..65535");
		a->cell_port = (uint16_t)n;
		return 0;
	case 's':
		if (parse_uint(v, 0, 86400, &n) != 0)
			return bad("stats-interval", v, "expected seconds, 0..86400");
		a->stats_interval = (unsigned)n;
		return 0;
	case 'B':
		if (parse_uint(v, 0, DP_BIG_MBUFS_MAX, &n) != 0)
			return bad("big-mbufs", v, "expected mbufs, 0..65536");
		a->big_mbufs = (uint32_t)n;
		return 0;
	case 'M':
		if (parse_uint(v, DP_MTU_MIN, DP_MTU_MAX, &n) != 0)
			return bad("mtu", v, "expected IP bytes, 576..9000");
		a->mtu = (uint16_t)n;
		return 0;
	case 'U':
		if (dp_parse_port_mtu(v, a->port_mtu, &why) != 0)
			return bad("port-mtu", v, why);
		return 0;
	case 'P':
		if (dp_parse_portmask(v, &a->portmask, &why) != 0)
			return bad("portmask", v, why);
		return 0;
	case 'L':
		if (dp_parse_config(v, a->lconf, &a->nlconf, &why) != 0)
			return bad("config", v, why);
		return 0;
	case 'R':
		if (strcmp(v, "gateway") != 0 && strcmp(v, "on-link") != 0)
			return bad("arp", v, "expected gateway or on-link");
		a->arp_on_link = strcmp(v, "on-link") == 0;
		return 0;
	case 'H':
		if (parse_uint(v, 0, DP_ARP_HOLD_FRAMES_MAX, &n) != 0)
			return bad("arp-hold", v, "expected frames, 0..16");
		a->arp_hold = (unsigned)n;
		return 0;
	case 'W':
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return bad("arp-warm", v, "expected on or off");
		a->arp_warm = strcmp(v, "on") == 0;
		return 0;
	case 'F':
		return 0; /* read before the rest (config_file) */
	default:
		return -1;
	}
}

/* A config file's key: a long option that takes a value, each once. */
struct file_state {
	struct dp_args *a;
	uint32_t seen; /* by index in dp_long_opts */
};

static int
set_from_file(void *arg, const char *key, const char *value, const char **why)
{
	struct file_state *fs = arg;

	for (unsigned i = 0; dp_long_opts[i].name != NULL; i++) {
		const struct option *o = &dp_long_opts[i];

		if (strcmp(o->name, key) != 0)
			continue;
		if (o->has_arg != required_argument || o->val == 'F')
			return (*why = "not a config file key"), -1;
		if (fs->seen & (1u << i))
			return (*why = "key given twice"), -1;
		fs->seen |= 1u << i;
		return take(fs->a, o->val, value) == 0 ? 0 : (*why = "bad value (above)", -1);
	}
	return (*why = "unknown key"), -1;
}

/* The path of --config-file in argv, if any; -1 (reported) when given twice. */
static int
find_config_file(int argc, char **argv, const char **path)
{
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *p = NULL;

		if (strcmp(argv[i], "--config-file") == 0 && i + 1 < argc)
			p = argv[++i];
		else if (strncmp(argv[i], "--config-file=", 14) == 0)
			p = argv[i] + 14;
		else if (strcmp(argv[i], "--config-file") == 0)
			break; /* no value: getopt reports it */
		if (p != NULL && *path != NULL) {
			fprintf(stderr, "snode-dataplane: --config-file given twice\n");
			return -1;
		}
		if (p != NULL)
			*path = p;
	}
	return 0;
}

/* Applies the config file's options (before the command line's, which override them). */
static int
config_file(const char *path, struct dp_args *a)
{
	char err[600];
	struct file_state fs = {a, 0};

	if (dp_args_file_read(path, &a->file_text, err, sizeof(err)) != 0 ||
	    dp_args_file_parse(a->file_text, path, set_from_file, &fs, err, sizeof(err)) != 0) {
		fprintf(stderr, "snode-dataplane: --config-file %s\n", err);
		return -1;
	}
	return 0;
}

/* --portmask, --config, --port-ip and --port-mtu together (args_config.h, args_mtu.h). */
static int
check_ports(struct dp_args *a)
{
	char msg[256];
	struct dp_port_opts o = {a->portmask, a->lconf, a->nlconf,   a->pip,
				 a->npip,     a->ip,	a->ip_prefix};

	if (dp_port_opts_check(&o, &a->ports, msg, sizeof(msg)) != 0 ||
	    dp_port_mtu_check(a->port_mtu, a->ports, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "snode-dataplane: %s\n", msg);
		return -1;
	}
	return 0;
}

void
dp_args_free(struct dp_args *args)
{
	free(args->file_text);
	args->file_text = NULL;
}

int
dp_args_parse(int argc, char **argv, struct dp_args *args)
{
	const char *file;
	int c;

	memset(args, 0, sizeof(*args));
	args->cell_port = DP_DEFAULT_CELL_PORT;
	args->big_mbufs = DP_BIG_MBUFS_DEFAULT;
	args->arp_hold = DP_ARP_HOLD_FRAMES_DEFAULT;
	args->arp_warm = true;
	args->ip_prefix = 32;
	if (find_config_file(argc, argv, &file) != 0)
		return -1;
	if (file != NULL && config_file(file, args) != 0)
		return -1;
	optind = 0; /* glibc: 0 also resets getopt's state, which a parse that stopped inside a
		     * "-hh" cluster leaves pointing into that (maybe freed) argv */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", dp_long_opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			fprintf(stderr, "snode-dataplane: unknown option or missing value: '%s'\n",
				argv[optind - 1]);
			return -1;
		}
		if (take(args, c, optarg) != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "snode-dataplane: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!args->self_check && !args->help &&
	    (args->ip == 0 || (args->nodes == NULL && !args->have_gateway &&
			       args->ip_prefix == 32 && args->npip == 0))) {
		fprintf(stderr,
			"snode-dataplane: relay mode needs --ip and --nodes, --gateway-mac or a "
			"subnet (--ip A.B.C.D/LEN, --port-ip) whose next hops ARP resolves "
			"(or --self-check; --help for usage)\n");
		return -1;
	}
	return check_ports(args);
}

void
dp_args_usage(const char *prog)
{
	printf("usage: %s [EAL options] -- --self-check\n"
	       "       %s [EAL options] -- --ip A.B.C.D [--nodes FILE] [--gateway-mac MAC]\n"
	       "                 [--data-dir DIR] [--cell-port N] [--stats-interval SECONDS]\n"
	       "                 [--channel PATH] [--portmask HEX]\n"
	       "                 [--config \"(port,queue,lcore),...\"] [--config-file FILE]\n"
	       "                 [--big-mbufs N] [--mtu N] [--port-ip "
	       "\"(P,A.B.C.D/LEN[,MAC]),...\"]\n"
	       "                 [--port-mtu \"(P,MTU),...\"]\n"
	       "                 [--arp gateway|on-link] [--arp-hold N] [--arp-warm on|off]\n"
	       "  --self-check         start, exercise, stop and close every port, then exit\n"
	       "  --ip A.B.C.D[/LEN]   this node's IPv4 address (and subnet) on the default\n"
	       "                       port: the lowest of the mask, port 0 by default\n"
	       "  --nodes FILE         node table at start: ed25519 x25519 ip:port mac per line;\n"
	       "                       its MACs stay in use for its nodes after snode-control\n"
	       "                       sends the registry's table\n"
	       "  --gateway-mac MAC    next-hop MAC of the nodes snode-control names that FILE\n"
	       "                       does not list (without it they are left out)\n"
	       "  --data-dir DIR       node identity (default $SNODE_DATA_DIR or /var/lib/snode)\n"
	       "  --cell-port N        UDP port of cells (default %d)\n"
	       "  --stats-interval S   one stats line every S seconds (default 0: off)\n"
	       "  --channel PATH       socket snode-control connects to (default DATA-DIR/%s;\n"
	       "                       'none': no control plane, deliveries are dropped)\n"
	       "  --portmask HEX       ports to use, as l3fwd -p (default: the ports --config\n"
	       "                       names, else 0x1)\n"
	       "  --config (P,Q,L),... which lcore polls which rx queue, as l3fwd (each port's\n"
	       "                       queues 0..n-1, one per lcore; default: every worker\n"
	       "                       lcore polls queue = its rank on every port)\n"
	       "  --port-ip (P,A.B.C.D/LEN[,MAC]),...  address, subnet and gateway MAC of each\n"
	       "                       port of the mask but the default one; a next hop\n"
	       "                       leaves through the port whose subnet holds it, else\n"
	       "                       the default port\n"
	       "  --big-mbufs N        mbufs of 64 KB for medium and large cells (default %d,\n"
	       "                       about 64 KB each; 0: medium and large are dropped)\n"
	       "  --mtu N              IP bytes a packet may have on every port (576..9000;\n"
	       "                       default: each port's own MTU): bigger cells leave as\n"
	       "                       IPv4 fragments; from 2031, scattered rx on the port\n"
	       "  --port-mtu (P,MTU),... the MTU of some ports (576..9000), over --mtu\n"
	       "  --arp MODE           gateway (default): a next hop on a port's subnet gets\n"
	       "                       the port's gateway MAC if it has one, else ARP's;\n"
	       "                       on-link: ARP's even when the port has a gateway MAC\n"
	       "  --arp-hold N         frames each worker holds per next hop ARP is resolving\n"
	       "                       (0..16, default %d; 16 hops, 32 frames a worker at\n"
	       "                       most; 0: dropped, arp_unresolved)\n"
	       "  --arp-warm on|off    on (default): ask ARP for a new node table's on-link\n"
	       "                       nodes before cells go to them (8 a port per 10 ms);\n"
	       "                       off: each at its first cell\n"
	       "  --config-file FILE   the options above as 'key = value' lines ('#' comments);\n"
	       "                       the command line overrides them\n"
	       "  -h, --help           this text\n"
	       "software mode example:\n"
	       "  %s --no-huge -m 256 --no-pci --vdev net_null0 --file-prefix sn0 -- "
	       "--self-check\n",
	       prog, prog, DP_DEFAULT_CELL_PORT, DP_DEFAULT_CHANNEL, DP_BIG_MBUFS_DEFAULT,
	       DP_ARP_HOLD_FRAMES_DEFAULT, prog);
}
