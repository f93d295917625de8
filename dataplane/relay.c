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
#include <rte_mempool.h>
#include <sodium.h>

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
	uint16_t mtu;		      /* IP bytes per packet on port 0: bigger cells fragment */
	struct dp_lcore *lcores;
	unsigned nb_lcores;
	bool port_up;
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

static int
init_lcore(struct relay *r, unsigned i, unsigned lcore, uint16_t queue,
	   const struct dp_worker_conf *conf, const struct dp_iface *iface)
{
	r->lcores[i].port = 0;
	r->lcores[i].queue = queue;
	r->lcores[i].swap = &r->swap;
	r->lcores[i].tid = i;
	if (dp_worker_init(&r->lcores[i].worker, lcore, conf, iface, &r->keys, &r->nodes,
			   dp_loop_now_ns()) != 0 ||
	    dp_reply_init(&r->lcores[i].worker, r->pool) != 0)
		return fail("cannot allocate worker tables");
	r->lcores[i].worker.big_pool = r->big_pool;
	r->lcores[i].worker.mtu = r->mtu;
	return dp_test_rng_apply(&r->lcores[i].worker, r->lcores[i].port) == 0 ? 0 : 1;
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

/* The lcores and their queues: --config's, else one queue per worker lcore, or the
 * main lcore alone when EAL gave no workers. */
static int
init_lcores(const struct dp_args *a, struct relay *r, const struct dp_worker_conf *conf,
	    const struct dp_iface *iface)
{
	unsigned lcore, i = 0;

	for (i = 0; i < a->nlconf; i++)
		if (init_lcore(r, i, a->lconf[i].lcore, a->lconf[i].queue, conf, iface) != 0)
			return 1;
	if (a->nlconf > 0)
		return 0;
	if (rte_lcore_count() == 1)
		return init_lcore(r, 0, rte_get_main_lcore(), 0, conf, iface);
	RTE_LCORE_FOREACH_WORKER (lcore) {
		if (init_lcore(r, i, lcore, (uint16_t)i, conf, iface) != 0)
			return 1;
		i++;
	}
	return 0;
}

/* One queue per worker lcore (or as --config says) on port 0. */
static int
setup_port_and_workers(const struct dp_args *a, struct relay *r)
{
	struct dp_worker_conf conf;
	struct dp_iface iface = {.ip = a->ip, .port = a->cell_port};
	uint32_t nb_mbufs;

	if (rte_eth_dev_count_avail() == 0)
		return fail("no ports (add --vdev ... in software mode, or -a PCI)");
	if (check_config_lcores(a) != 0)
		return 1;
	r->nb_lcores = a->nlconf > 0	       ? a->nlconf
		       : rte_lcore_count() > 1 ? rte_lcore_count() - 1
					       : 1;
	r->lcores = calloc(r->nb_lcores, sizeof(*r->lcores));
	if (dp_node_swap_init(&r->swap, &r->nodes, r->nb_lcores) != 0)
		return fail("cannot allocate the node table's RCU state");
	r->swap_up = true;
	nb_mbufs = dp_mempool_size(1, (uint16_t)r->nb_lcores, RELAY_DESC, RELAY_DESC,
				   (uint16_t)rte_lcore_count(), DP_BURST);
	r->pool = dp_mempool_create("dp_relay", nb_mbufs, (int)rte_socket_id());
	if (r->lcores == NULL || r->pool == NULL)
		return fail("cannot allocate the mbuf pool or lcore state");
	if (a->big_mbufs > 0) {
		r->big_pool = dp_mempool_big_create("dp_big", a->big_mbufs, (int)rte_socket_id());
		if (r->big_pool == NULL)
			return fail("cannot allocate the --big-mbufs pool (about 64 KB each: "
				    "raise EAL -m or lower --big-mbufs)");
	} else {
		DP_LOG(WARNING, "--big-mbufs 0: medium and large cells are dropped");
	}
	if (dp_port_configure(0,
			      &(struct dp_port_conf){(uint16_t)r->nb_lcores, (uint16_t)r->nb_lcores,
						     RELAY_DESC, RELAY_DESC},
			      r->pool) != 0 ||
	    dp_port_start(0) != 0)
		return fail("port 0 did not start (see the log line above)");
	r->port_up = true;
	rte_eth_promiscuous_enable(0);
	rte_eth_macaddr_get(0, &iface.mac);
	r->mtu = a->mtu;
	if (r->mtu == 0 && rte_eth_dev_get_mtu(0, &r->mtu) != 0)
		r->mtu = RTE_ETHER_MTU;
	if (r->mtu < DP_FRAG_MTU_MIN || r->mtu > DP_FRAG_MTU_MAX)
		r->mtu = r->mtu < DP_FRAG_MTU_MIN ? DP_FRAG_MTU_MIN : DP_FRAG_MTU_MAX;
	DP_LOG(INFO, "port 0 MTU %u: larger cells leave as IPv4 fragments", r->mtu);
	dp_worker_conf_defaults(&conf);
	return init_lcores(a, r, &conf, &iface);
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
	if (r->port_up)
		dp_port_shutdown(0);
	for (unsigned i = 0; r->lcores != NULL && i < r->nb_lcores; i++)
		dp_worker_free(&r->lcores[i].worker);
	dp_handoff_free(&r->handoff);
	free(r->lcores);
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

int
dp_relay_run(const struct dp_args *a)
{
	struct relay r;
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
		DP_LOG(INFO, "relaying on port 0 with %u lcore(s), %u known nodes, cell port %u",
		       r.nb_lcores, r.swap.st.size, a->cell_port);
		run_workers(a, &r);
		print_stats(&r, "final");
	}
	teardown(&r);
	return rc;
}
