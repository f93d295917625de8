/* SPDX-License-Identifier: MIT */
#include "relay.h"

#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <sodium.h>

#include "arp.h"
#include "channel.h"
#include "frag.h"
#include "handoff.h"
#include "identity.h"
#include "log.h"
#include "loop.h"
#include "mempool.h"
#include "node_swap.h"
#include "port.h"
#include "reply.h"
#include "telemetry.h"
#include "test_rng.h"

enum {
	RELAY_NODES_MAX = 1 << 16, /* node table capacity */
	RELAY_DESC = 1024,	   /* rx/tx descriptors per queue */
};

struct relay {
	struct snc_node_keys keys;
	uint8_t ed25519_pk[32];
	struct dp_channel *channel;
	struct dp_handoff handoff;  /* REPLY cells between worker lcores (two or more) */
	struct dp_node_table nodes; /* the --nodes file (or empty): the MAC source */
	struct dp_node_swap swap;   /* the table workers use, replaced by snode-control */
	bool swap_up;
	const uint8_t *gateway_mac; /* --gateway-mac or NULL */
	struct rte_mempool *pool;
	struct rte_mempool *big_pool; /* medium and large cells; NULL with --big-mbufs 0 */
	struct dp_ports ports;	      /* addresses and routes of the ports in use (ports.h) */
	struct dp_arp arp;	      /* ARP resolution of on-link next hops (arp.h) */
	bool arp_up;
	uint32_t ports_up; /* ports configured: stopped and closed at exit */
	struct dp_lcore *lcores;
	unsigned nb_lcores;
};

static void
on_signal(int sig)
{
	(void)sig;
	dp_force_quit = true;
}

static int
fail(const char *msg)
{
	fprintf(stderr, "snode-dataplane: %s\n", msg);
	return 1;
}

static const char *
data_dir(const struct dp_args *a)
{
	if (a->data_dir != NULL)
		return a->data_dir;
	return getenv("SNODE_DATA_DIR") ? getenv("SNODE_DATA_DIR") : "/var/lib/snode";
}

static int
load_keys(const struct dp_args *a, struct relay *r)
{
	char path[PATH_MAX], err[PATH_MAX + 128];
	struct snc_identity id;

	snprintf(path, sizeof(path), "%s/%s", data_dir(a), SNC_IDENTITY_FILE);
	if (snc_identity_load(path, &id, err, sizeof(err)) != 0)
		return fail(err);
	memcpy(r->keys.x25519_sk, id.x25519_sk, 32);
	memcpy(r->keys.x25519_pk, id.x25519_pk, 32);
	memcpy(r->ed25519_pk, id.ed25519_pk, 32);
	snc_identity_wipe(&id);
	snprintf(err, sizeof(err), "out of memory for the node table");
	if (dp_node_table_init(&r->nodes, RELAY_NODES_MAX, r->keys.x25519_sk, r->keys.x25519_pk) !=
		    0 ||
	    (a->nodes != NULL && dp_node_table_load(&r->nodes, a->nodes, err, sizeof(err)) != 0))
		return fail(err);
	r->gateway_mac = a->have_gateway ? a->gateway_mac : NULL;
	return 0;
}

_Static_assert(DP_PORTS_MAX == RTE_MAX_ETHPORTS && DP_LCORES_MAX == RTE_MAX_LCORE &&
		       DP_QUEUES_MAX == RTE_MAX_QUEUES_PER_PORT,
	       "args_config.h's limits are this DPDK build's");

/* Worker i on its lcore: tx queue i on every port (l3fwd's layout), its rx queues set by the
 * caller. */
static int
init_lcore(struct relay *r, unsigned i, unsigned lcore, const struct dp_worker_conf *conf)
{
	struct dp_lcore *lc = &r->lcores[i];

	lc->port = r->ports.def;
	lc->queue = (uint16_t)i;
	lc->swap = &r->swap;
	lc->tid = i;
	if (dp_worker_init(&lc->worker, lcore, conf, &r->ports.p[r->ports.def].iface, &r->keys,
			   &r->nodes, dp_loop_now_ns()) != 0 ||
	    dp_reply_init(&lc->worker, r->pool) != 0)
		return fail("cannot allocate worker tables");
	lc->worker.ports = &r->ports;
	for (uint16_t k = 0; k < r->ports.n; k++)
		lc->worker.txq[r->ports.ids[k]] = (uint16_t)i;
	lc->worker.big_pool = r->big_pool;
	lc->worker.mtu = r->ports.p[r->ports.def].mtu; /* frag.h: for ports not in the table */
	for (uint16_t k = 0; k < r->ports.n; k++)
		if (dp_test_rng_apply(&lc->worker, r->ports.ids[k]) != 0)
			return 1;
	return 0;
}

/* --config's lcores against EAL's: enabled, and the main lcore only when it is alone. */
static int
check_config_lcores(const struct dp_args *a)
{
	char msg[160];

	for (unsigned i = 0; i < a->nlconf; i++) {
		unsigned lc = a->lconf[i].lcore;

		if (!rte_lcore_is_enabled(lc))
			snprintf(msg, sizeof(msg),
				 "--config: lcore %u is not in EAL's lcore list (-l / --lcores)",
				 lc);
		else if (lc == rte_get_main_lcore() && rte_lcore_count() > 1)
			snprintf(msg, sizeof(msg),
				 "--config: lcore %u is the main lcore, which serves the control "
				 "channel; give the queues to worker lcores",
				 lc);
		else
			continue;
		return fail(msg);
	}
	return 0;
}

/* The mask's ports exist (EAL probed them: --vdev, -a). */
static int
check_ports_exist(const struct dp_args *a)
{
	char msg[160];

	if (rte_eth_dev_count_avail() == 0)
		return fail("no ports (add --vdev ... in software mode, or -a PCI)");
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		if ((a->ports >> p & 1) && !rte_eth_dev_is_valid_port((uint16_t)p)) {
			snprintf(msg, sizeof(msg),
				 "port %u (port mask 0x%x) does not exist: EAL has %u port(s) "
				 "(--vdev / -a)",
				 p, a->ports, rte_eth_dev_count_avail());
			return fail(msg);
		}
	return 0;
}

/* The lcores: --config's in order of first mention, else every EAL worker (or the
 * main lcore alone); lcore_of[i] is worker i's lcore. Returns how many. */
static unsigned
plan_lcores(const struct dp_args *a, unsigned lcore_of[RTE_MAX_LCORE])
{
	unsigned n = 0, lcore;

	for (unsigned i = 0; i < a->nlconf; i++) {
		unsigned j = 0;

		while (j < n && lcore_of[j] != a->lconf[i].lcore)
			j++;
		if (j == n)
			lcore_of[n++] = a->lconf[i].lcore;
	}
	if (a->nlconf > 0)
		return n;
	if (rte_lcore_count() == 1) {
		lcore_of[0] = rte_get_main_lcore();
		return 1;
	}
	RTE_LCORE_FOREACH_WORKER (lcore)
		lcore_of[n++] = lcore;
	return n;
}

/* Each lcore's rx queues: --config's entries, else queue = its rank on every port. */
static void
plan_rx(const struct dp_args *a, struct relay *r, const unsigned *lcore_of)
{
	for (unsigned i = 0; i < r->nb_lcores; i++) {
		struct dp_lcore *lc = &r->lcores[i];

		for (unsigned k = 0; k < a->nlconf; k++)
			if (a->lconf[k].lcore == lcore_of[i])
				lc->rx[lc->nrx++] =
					(struct dp_rxq){a->lconf[k].port, a->lconf[k].queue};
		for (uint16_t k = 0; a->nlconf == 0 && k < r->ports.n; k++)
			lc->rx[lc->nrx++] = (struct dp_rxq){r->ports.ids[k], (uint16_t)i};
	}
}

/* The port's MTU once started: --port-mtu's, else --mtu, else the device's own
 * (clamped to what args_mtu.h allows). */
static uint16_t
port_mtu(const struct dp_args *a, uint16_t port)
{
	uint16_t mtu = a->port_mtu[port] != 0 ? a->port_mtu[port] : a->mtu;

	if (mtu == 0 && rte_eth_dev_get_mtu(port, &mtu) != 0)
		mtu = RTE_ETHER_MTU;
	return mtu < DP_MTU_MIN ? DP_MTU_MIN : mtu > DP_MTU_MAX ? DP_MTU_MAX : mtu;
}

/* Configures and starts one port: its rx queues (--config's count, else one per
 * lcore), one tx queue per lcore and, an MTU over 1500, that MTU on the device (a
 * smaller one only limits what the port sends: it still takes its peers' 1500-byte
 * frames); its MAC and MTU into the port table. */
static int
start_port(const struct dp_args *a, struct relay *r, uint16_t port)
{
	uint16_t nrx = 0, mtu = a->port_mtu[port] != 0 ? a->port_mtu[port] : a->mtu;
	char msg[96];

	if (mtu <= RTE_ETHER_MTU)
		mtu = 0; /* the device's default: 1500 */

	for (unsigned k = 0; k < a->nlconf; k++)
		nrx += a->lconf[k].port == port;
	if (a->nlconf == 0)
		nrx = (uint16_t)r->nb_lcores;
	snprintf(msg, sizeof(msg), "port %u did not start (see the log line above)", port);
	if (dp_port_configure_mtu(
		    port,
		    &(struct dp_port_conf){nrx, (uint16_t)r->nb_lcores, RELAY_DESC, RELAY_DESC},
		    r->pool, mtu) != 0)
		return fail(msg);
	r->ports_up |= 1u << port;
	if (dp_port_start(port) != 0)
		return fail(msg);
	rte_eth_promiscuous_enable(port);
	rte_eth_macaddr_get(port, &r->ports.p[port].iface.mac);
	r->ports.p[port].mtu = port_mtu(a, port);
	DP_LOG(INFO, "port %u: MTU %u, larger cells leave as IPv4 fragments", port,
	       r->ports.p[port].mtu);
	if (r->big_pool == NULL &&
	    r->ports.p[port].mtu + RTE_ETHER_HDR_LEN >
		    rte_pktmbuf_data_room_size(r->pool) - RTE_PKTMBUF_HEADROOM)
		DP_LOG(WARNING,
		       "port %u: --big-mbufs 0 with MTU %u: frames over an mbuf are "
		       "dropped (seg_nombuf)",
		       port, r->ports.p[port].mtu);
	return 0;
}

/* ARP for on-link next hops, owned by worker 0; each node's MAC is chosen by it
 * (its port's gateway, or ARP: arp.h). */
static int
open_arp(const struct dp_args *a, struct relay *r)
{
	if (dp_arp_init(&r->arp, &r->ports, r->lcores[0].worker.lcore, r->pool, a->arp_on_link,
			"dp_arp") != 0)
		return fail("cannot allocate the ARP tables");
	r->arp_up = true;
	r->arp.warm.on = a->arp_warm; /* the --nodes table at start, then each new one */
	for (unsigned i = 0; i < r->nb_lcores; i++) {
		r->lcores[i].worker.arp = &r->arp;
		dp_arp_hold_init(&r->lcores[i].worker.arp_hold, a->arp_hold);
	}
	r->swap.gateway_for = dp_arp_next_hop_mac;
	r->swap.gateway_arg = &r->arp;
	return 0;
}

/* The pools: small cells sized from the queues, big cells from --big-mbufs. */
static int
create_pools(const struct dp_args *a, struct relay *r)
{
	/* and what each worker may hold while ARP resolves (arp_hold.h) */
	uint32_t nb_mbufs = dp_mempool_size(r->ports.n, (uint16_t)r->nb_lcores, RELAY_DESC,
					    RELAY_DESC, (uint16_t)rte_lcore_count(), DP_BURST) +
			    r->nb_lcores * DP_ARP_HOLD_CAP;

	r->pool = dp_mempool_create("dp_relay", nb_mbufs, (int)rte_socket_id());
	if (r->pool == NULL)
		return fail("cannot allocate the mbuf pool");
	if (a->big_mbufs > 0) {
		r->big_pool = dp_mempool_big_create("dp_big", a->big_mbufs, (int)rte_socket_id());
		if (r->big_pool == NULL)
			return fail("cannot allocate the --big-mbufs pool (about 64 KB each: "
				    "raise EAL -m or lower --big-mbufs)");
	} else {
		DP_LOG(WARNING, "--big-mbufs 0: medium and large cells are dropped");
	}
	return 0;
}

/* The ports of the mask, one tx queue per worker lcore on each and the rx queues
 * --config gives (or one per worker on each port). */
static int
setup_port_and_workers(const struct dp_args *a, struct relay *r)
{
	struct dp_worker_conf conf;
	unsigned lcore_of[RTE_MAX_LCORE];

	if (check_ports_exist(a) != 0 || check_config_lcores(a) != 0)
		return 1;
	dp_ports_build(&r->ports, a->ports, a->ip, a->ip_prefix,
		       a->have_gateway ? a->gateway_mac : NULL, a->pip, a->npip, a->cell_port);
	r->nb_lcores = plan_lcores(a, lcore_of);
	r->lcores = calloc(r->nb_lcores, sizeof(*r->lcores));
	if (r->lcores == NULL)
		return fail("cannot allocate the lcore state");
	if (dp_node_swap_init(&r->swap, &r->nodes, r->nb_lcores) != 0)
		return fail("cannot allocate the node table's RCU state");
	r->swap_up = true;
	if (create_pools(a, r) != 0)
		return 1;
	for (uint16_t k = 0; k < r->ports.n; k++)
		if (start_port(a, r, r->ports.ids[k]) != 0)
			return 1;
	dp_worker_conf_defaults(&conf);
	plan_rx(a, r, lcore_of);
	for (unsigned i = 0; i < r->nb_lcores; i++)
		if (init_lcore(r, i, lcore_of[i], &conf) != 0)
			return 1;
	return open_arp(a, r);
}

/* A node table from snode-control (docs/channel.md, NODES): built and published here. */
static void
on_nodes(void *arg, const uint8_t *body, size_t len)
{
	struct relay *r = arg;
	enum dp_nodes_reject why = dp_node_swap_apply(&r->swap, body, len, r->gateway_mac,
						      r->ed25519_pk, RELAY_NODES_MAX);
	const struct dp_node_update_stats *l = &r->swap.st.last;

	if (why != DP_NODES_OK)
		DP_LOG(WARNING, "node table from snode-control refused (%s): keeping %u nodes",
		       dp_nodes_reject_name(why), r->swap.st.size);
	else
		DP_LOG(INFO,
		       "node table generation %" PRIu64 ": %u nodes (%u sent; left out: "
		       "%u without MAC, %u bad key, %u duplicate address)",
		       l->generation, r->swap.st.size, l->count, l->no_mac, l->bad_key,
		       l->duplicate);
}

/* The control channel: every worker delivers into it; the main lcore serves its
 * socket, or the only lcore does between bursts. */
static int
open_channel(const struct dp_args *a, struct relay *r)
{
	char path[PATH_MAX], err[PATH_MAX + 128];

	if (a->channel != NULL && strcmp(a->channel, "none") == 0) {
		DP_LOG(WARNING, "no control channel (--channel none): deliveries are dropped");
		return 0;
	}
	if (a->channel != NULL)
		snprintf(path, sizeof(path), "%s", a->channel);
	else
		snprintf(path, sizeof(path), "%s/%s", data_dir(a), DP_DEFAULT_CHANNEL);
	r->channel = dp_channel_new(path, r->ed25519_pk, err, sizeof(err));
	if (r->channel == NULL)
		return fail(err);
	for (unsigned i = 0; i < r->nb_lcores; i++) {
		if (dp_channel_attach(r->channel, &r->lcores[i].worker) != 0)
			return fail("cannot attach a worker to the control channel");
		r->lcores[i].channel = r->channel;
	}
	r->lcores[0].serve_channel = rte_lcore_count() == 1;
	dp_channel_on_nodes(r->channel, on_nodes, r);
	DP_LOG(INFO, "control channel listening on %s", path);
	return 0;
}

/* With several workers, a REPLY that RSS gives to the wrong one is handed over. */
static int
open_handoff(struct relay *r)
{
	unsigned lcores[RTE_MAX_LCORE];

	if (r->nb_lcores < 2)
		return 0;
	for (unsigned i = 0; i < r->nb_lcores; i++)
		lcores[i] = r->lcores[i].worker.lcore;
	if (dp_handoff_init(&r->handoff, lcores, r->nb_lcores) != 0)
		return fail("cannot create the lcore handoff rings");
	for (unsigned i = 0; i < r->nb_lcores; i++)
		r->lcores[i].worker.handoff = &r->handoff;
	return 0;
}

static void
print_stats(const struct relay *r, const char *when)
{
	const struct dp_stats *per[RTE_MAX_LCORE];
	struct dp_stats sum;
	char line[1024];

	for (unsigned i = 0; i < r->nb_lcores; i++)
		per[i] = &r->lcores[i].worker.stats;
	dp_stats_sum(per, r->nb_lcores, &sum);
	dp_stats_format(&sum, line, sizeof(line));
	printf("snode-dp %s: %s\n", when, line);
	fflush(stdout);
}

static void
run_workers(const struct dp_args *a, struct relay *r)
{
	uint64_t interval_ns = (uint64_t)a->stats_interval * 1000000000ull;
	uint64_t last = dp_loop_now_ns();

	if (rte_lcore_count() == 1) {
		dp_loop_run(&r->lcores[0]);
		return;
	}
	for (unsigned i = 0; i < r->nb_lcores; i++)
		rte_eal_remote_launch(dp_loop_run, &r->lcores[i], r->lcores[i].worker.lcore);
	while (!dp_force_quit) {
		if (r->channel != NULL)
			dp_channel_service(r->channel, 1);
		else
			usleep(1000);
		dp_node_swap_reclaim(&r->swap);
		if (interval_ns > 0 && dp_loop_now_ns() - last >= interval_ns) {
			print_stats(r, "stats");
			last = dp_loop_now_ns();
		}
	}
	rte_eal_mp_wait_lcore();
}

static void
teardown(struct relay *r)
{
	dp_channel_free(r->channel);
	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		if (r->ports_up >> p & 1)
			dp_port_shutdown((uint16_t)p);
	for (unsigned i = 0; r->lcores != NULL && i < r->nb_lcores; i++)
		dp_worker_free(&r->lcores[i].worker);
	dp_handoff_free(&r->handoff);
	free(r->lcores);
	if (r->arp_up)
		dp_arp_free(&r->arp);
	if (r->pool != NULL) /* every mbuf back: anything else is a leak (tests check this line) */
		DP_LOG(INFO, "mbufs in use at exit: %u of %u", rte_mempool_in_use_count(r->pool),
		       r->pool->size);
	rte_mempool_free(r->pool);
	if (r->big_pool != NULL)
		DP_LOG(INFO, "big pool at exit: %u of %u mbufs in use",
		       rte_mempool_in_use_count(r->big_pool), r->big_pool->size);
	rte_mempool_free(r->big_pool);
	if (r->swap_up)
		dp_node_swap_free(&r->swap); /* the tables it built; the file's is next */
	dp_node_table_free(&r->nodes);
	sodium_memzero(&r->keys, sizeof(r->keys));
}

/* "0" or "0,1,...": the ports in use (the first is the default). */
static const char *
port_list(const struct dp_ports *ps, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (uint16_t k = 0; k < ps->n && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u", k ? "," : "", ps->ids[k]);
	return buf;
}

int
dp_relay_run(const struct dp_args *a)
{
	struct relay r;
	char list[DP_PORTS_MAX * 3 + 1];
	int rc;

	memset(&r, 0, sizeof(r));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = load_keys(a, &r);
	if (rc == 0)
		rc = setup_port_and_workers(a, &r);
	if (rc == 0)
		rc = open_channel(a, &r);
	if (rc == 0)
		rc = open_handoff(&r);
	if (rc == 0) {
		if (dp_telemetry_register(r.lcores, r.nb_lcores, &r.swap) != 0)
			DP_LOG(WARNING, "telemetry commands /snode/dp/* not registered");
		if (dp_telemetry_register_ports(&r.ports, r.lcores, r.nb_lcores) != 0)
			DP_LOG(WARNING, "telemetry command /snode/dp/ports not registered");
		if (dp_arp_telemetry_register(&r.arp, r.lcores, r.nb_lcores) != 0)
			DP_LOG(WARNING, "telemetry command /snode/dp/arp not registered");
		DP_LOG(INFO, "relaying on port %s with %u lcore(s), %u known nodes, cell port %u",
		       port_list(&r.ports, list, sizeof(list)), r.nb_lcores, r.swap.st.size,
		       a->cell_port);
		run_workers(a, &r);
		print_stats(&r, "final");
	}
	teardown(&r);
	return rc;
}
