/* SPDX-License-Identifier: MIT */
#include "node.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "expire.h"
#include "http_onion.h"
#include "http_server.h"
#include "log.h"
#include "node_reach.h"
#include "node_stats.h"
#include "onion_proxy.h"
#include "stats_socket.h"
#include "rpc_server.h"
#include "snode_version.h"
#include "store.h"
#include "swarm_view.h"
#include "swarm_view_registry.h"
#include "vote_service.h"
#include "stest_report_service.h"
#include "storage_test_service.h"

static void
store_log(void *arg, enum store_log_level level, const char *line)
{
	(void)arg;
	ctl_log(level == STORE_LOG_ERR	     ? CTL_LOG_ERR
		: level == STORE_LOG_WARNING ? CTL_LOG_WARNING
					     : CTL_LOG_INFO,
		"storage: %s", line);
}

static int
open_store(struct ctl_node *n, const struct ctl_config *cfg, char *err, size_t errlen)
{
	struct store_config sc = {.redis = {.log = store_log}};
	char host[CTL_CONFIG_ADDR_MAX];
	const char *colon = strrchr(cfg->redis, ':');

	if (cfg->redis[0] == '/') {
		sc.redis.unix_path = cfg->redis;
	} else {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - cfg->redis), cfg->redis);
		sc.redis.host = host;
		sc.redis.port = atoi(colon + 1);
	}
	if (store_check(&sc, err, errlen) != 0)
		return -1;
	n->store = store_new(n->base, &sc, err, errlen);
	return n->store != NULL ? 0 : -1;
}

/* get_swarm's port_https: the RPC listener's port. */
static uint16_t
https_port(const struct ctl_config *cfg)
{
	const char *colon = strrchr(cfg->listen, ':');

	return colon != NULL ? (uint16_t)atoi(colon + 1) : CTL_SWARM_VIEW_HTTPS_PORT;
}

static int
open_swarm_view(struct ctl_node *n, const struct ctl_config *cfg, const struct snc_identity *id,
		char *err, size_t errlen)
{
	struct ctl_swarm_node self = {.https_port = https_port(cfg)};

	if (cfg->registry[0] != '\0') { /* many swarms, from the replayed registry */
		n->swarm = ctl_swarm_view_registry_load(cfg->registry, id->ed25519_pk,
							https_port(cfg), err, errlen);
		if (n->swarm == NULL)
			return -1;
		if (ctl_swarm_view_registry_watch(n->swarm, n->base) != 0) {
			snprintf(err, errlen, "registry %s: cannot start its timer", cfg->registry);
			return -1;
		}
		return 0;
	}
	if (cfg->nodes[0] != '\0') {
		n->swarm = ctl_swarm_view_load(cfg->nodes, id->ed25519_pk, https_port(cfg), err,
					       errlen);
		return n->swarm != NULL ? 0 : -1;
	}
	memcpy(self.ed25519, id->ed25519_pk, 32);
	memcpy(self.x25519, id->x25519_pk, 32);
	ctl_log(CTL_LOG_WARNING, "no node list (nodes =): this node alone is the swarm");
	n->swarm = ctl_swarm_view_single(&self, 1, id->ed25519_pk, err, errlen);
	return n->swarm != NULL ? 0 : -1;
}

static void schedule_sweep(struct ctl_node *n, int ms);

static void
on_swept(void *arg, const struct store_status *st, uint64_t removed, bool more)
{
	struct ctl_node *n = arg;

	n->swept += removed;
	schedule_sweep(n, st->rc == 0 && more ? 0 : CTL_SWEEP_INTERVAL_MS);
}

static void
sweep(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_node *n = arg;
	struct timespec ts;

	(void)fd;
	(void)what;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (store_expire_sweep(n->store, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
			       CTL_SWEEP_BATCH, on_swept, n) != 0)
		schedule_sweep(n, CTL_SWEEP_INTERVAL_MS); /* not connected: next time */
}

static void
schedule_sweep(struct ctl_node *n, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	evtimer_add(n->sweep, &tv);
}

static int
open_rpc(struct ctl_node *n, const struct ctl_config *cfg, const struct snc_identity *id, char *err,
	 size_t errlen)
{
	struct ctl_rpc_server_conf rc = {
		.ed25519_sk = id->ed25519_sk,
		.store = n->store,
		.swarm = n->swarm,
		.testnet = cfg->testnet,
		.version = {SNODE_VERSION_MAJOR, SNODE_VERSION_MINOR, SNODE_VERSION_PATCH},
		.hf = {CTL_HF_MAJOR, CTL_HF_MINOR},
		.https_port = https_port(cfg)};

	n->rpc = ctl_rpc_server_new(&rc, err, errlen);
	return n->rpc != NULL ? 0 : -1;
}

/* The other nodes of the node list, to ping over DIRECT (the list was checked
 * when the swarm view loaded it). */
static size_t
load_peers(const char *path, const uint8_t self[32], struct ctl_peer *out, size_t cap)
{
	char line[CTL_SWARM_VIEW_LINE_MAX];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	while (f != NULL && n < cap && fgets(line, sizeof(line), f) != NULL) {
		struct ctl_swarm_node node;
		const char *why;
		char *hash = strchr(line, '#');

		if (hash != NULL)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t")] == '\0' ||
		    ctl_swarm_view_parse_line(line, 0, &node, &why) != 0 ||
		    memcmp(node.ed25519, self, 32) == 0)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(out[n++].ed25519, node.ed25519, 32);
	}
	if (f != NULL)
		fclose(f);
	return n;
}

/* Every other node the registry knows (active or decommissioned); on_registry_reload
 * keeps the set current. */
static size_t
registry_peers(const struct ctl_swarm_view *v, const uint8_t self[32], struct ctl_peer *out,
	       size_t cap)
{
	const struct ctl_registry *reg = ctl_swarm_view_registry_state(v);
	size_t n = 0;

	for (size_t i = 0; reg != NULL && i < reg->n && n < cap; i++) {
		if (memcmp(reg->nodes[i].ed25519, self, 32) == 0)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(out[n++].ed25519, reg->nodes[i].ed25519, 32);
	}
	return n;
}

/* The registry changed: ping whom it now lists (new nodes are reachable for catch-up and
 * hand-off as soon as they answer; gone ones are no longer pinged). */
static void
on_registry_reload(void *arg, const struct ctl_registry *reg)
{
	struct ctl_node *n = arg;
	struct ctl_peer *peers = calloc(CTL_PING_PEERS_MAX, sizeof(*peers));
	size_t count;

	(void)reg;
	if (peers == NULL || !n->pinging) {
		free(peers);
		return;
	}
	count = registry_peers(n->swarm, n->ping.id.ed25519_pk, peers, CTL_PING_PEERS_MAX);
	if (ctl_peer_ping_set_peers(&n->ping, peers, count) != 0)
		ctl_log(CTL_LOG_WARNING, "registry reload: cannot update the pinged nodes (kept)");
	else
		ctl_log(CTL_LOG_INFO, "registry reload: pinging %zu node(s)", count);
	free(peers);
}

static int
start_ping(struct ctl_node *n, const struct ctl_config *cfg, const struct snc_identity *id,
	   char *err, size_t errlen)
{
	struct ctl_peer *peers = calloc(CTL_PING_PEERS_MAX, sizeof(*peers));
	size_t count;
	int rc;

	if (peers == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* the node list when there is one, else the registry's nodes */
	if (cfg->nodes[0] != '\0')
		count = load_peers(cfg->nodes, id->ed25519_pk, peers, CTL_PING_PEERS_MAX);
	else
		count = registry_peers(n->swarm, id->ed25519_pk, peers, CTL_PING_PEERS_MAX);
	rc = ctl_peer_ping_start(&n->ping, n->base, n->channel, id, peers, count,
				 (uint64_t)cfg->ping_interval_s * 1000);
	free(peers);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start peer pings: %s", strerror(-rc));
		return -1;
	}
	n->pinging = true;
	if (cfg->nodes[0] == '\0' &&
	    ctl_swarm_view_registry_on_reload(n->swarm, on_registry_reload, n) != 0) {
		snprintf(err, errlen, "cannot follow registry reloads for the pings");
		return -1;
	}
	return 0;
}

static int
send_cell(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len)
{
	return ctl_dp_channel_send_direct(arg, peer, cell, len);
}

/* ctl_catchup_reachable_fn: the peer answered our pings (unknown peers: no). */
static bool
peer_reachable(void *arg, const uint8_t peer[32])
{
	const struct ctl_peer_ping *p = arg;

	for (size_t i = 0; i < p->n; i++)
		if (memcmp(p->peers[i].ed25519, peer, 32) == 0)
			return p->peers[i].reachable;
	return false;
}

/* Catch-up pages go through the replicator's request handler. */
static int
start_catchup(struct ctl_node *n, const struct snc_identity *id)
{
	struct ctl_catchup_conf cc = {.d = n->drpc,
				      .store = n->store,
				      .swarm = n->swarm,
				      .self = id->ed25519_pk,
				      .reachable = peer_reachable,
				      .reachable_arg = &n->ping};

	n->catchup = ctl_catchup_new(n->base, &cc);
	if (n->catchup == NULL)
		return -1;
	ctl_replicate_set_bulk(n->repl, ctl_catchup_on_request, n->catchup);
	return 0;
}

/* DIRECT requests and swarm replication; the channel's DIRECT cells go to the
 * request layer, which hands whole messages (pings) on to peer_ping. */
static int
start_replication(struct ctl_node *n, const struct snc_identity *id, char *err, size_t errlen)
{
	struct ctl_drpc_conf dc = {.id = id, .send = send_cell, .send_arg = n->channel};

	if (n->pinging) {
		dc.whole = ctl_peer_ping_on_direct;
		dc.whole_arg = &n->ping;
	}
	n->drpc = ctl_drpc_new(n->base, &dc);
	if (n->drpc != NULL)
		n->repl = ctl_replicate_new(n->base, n->drpc, n->swarm, n->rpc, id->ed25519_pk, 0);
	if (n->repl == NULL || (n->pinging && start_catchup(n, id) != 0)) {
		snprintf(err, errlen, "cannot start swarm replication: out of memory");
		return -1;
	}
	ctl_dp_channel_on_direct(n->channel, ctl_drpc_on_cell, n->drpc);
	return 0;
}

/* The HTTP(S) entry: /storage_rpc/v1, /onion_req/v2 (through the channel), /ping_test/v1. */
static int
open_http(struct ctl_node *n, const struct ctl_config *cfg, const struct snc_identity *id,
	  char *err, size_t errlen)
{
	struct ctl_onion_entry_conf oc = {.base = n->base,
					  .ed25519_sk = id->ed25519_sk,
					  .rpc = n->rpc,
					  .channel = n->channel,
					  .proxy = n->proxy,
					  .timeout_ms = cfg->onion_timeout_s * 1000};
	struct ctl_http_conf hc = {.base = n->base,
				   .data_dir = cfg->data_dir,
				   .https_listen = cfg->listen,
				   .http_listen = cfg->http_listen,
				   .rate_burst = cfg->rate_burst,
				   .rate_per_s = cfg->rate_per_s,
				   .timeout_s = cfg->http_timeout_s,
				   .ed25519_pk = id->ed25519_pk,
				   .rpc = n->rpc};

	if (strcmp(cfg->listen, "none") == 0 && strcmp(cfg->http_listen, "none") == 0)
		return 0;
	n->onion = ctl_onion_entry_new(&oc);
	if (n->onion == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	hc.onion = n->onion;
	n->http = ctl_http_new(&hc, err, errlen);
	if (n->http == NULL)
		return -1;
	/* the bound ports: with port 0 the kernel chose them (tests read this line) */
	ctl_log(CTL_LOG_NOTICE, "HTTP entry: https port %u, http port %u (0: off)",
		ctl_http_port(n->http, 1), ctl_http_port(n->http, 0));
	return 0;
}

/* The exit's proxy to HTTP(S) servers, for cells and for the HTTP entry alike. */
static int
open_proxy(struct ctl_node *n, const struct ctl_config *cfg, char *err, size_t errlen)
{
	struct ctl_proxy_conf pc = {.base = n->base,
				    .timeout_ms = cfg->proxy_timeout_s * 1000,
				    .allow_private = cfg->proxy_private,
				    .tls_no_verify = !cfg->proxy_tls_verify};

	n->proxy = ctl_proxy_new(&pc, err, errlen);
	return n->proxy != NULL ? 0 : -1;
}

static char *
stats_text(void *arg)
{
	json_t *o = ctl_node_stats(arg);
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return text;
}

static void
log_stats(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_node *n = arg;
	struct timeval tv = {n->stats_interval_s, 0};
	char *text = stats_text(n);

	(void)fd;
	(void)what;
	if (text != NULL)
		ctl_log(CTL_LOG_NOTICE, "stats %s", text);
	free(text);
	evtimer_add(n->stats_timer, &tv);
}

/* The counters: on a local socket, and as a log line every stats-interval. */
static int
open_stats(struct ctl_node *n, const struct ctl_config *cfg, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	struct timeval tv = {cfg->stats_interval_s, 0};

	if (strcmp(cfg->stats_socket, "none") != 0) {
		if (cfg->stats_socket[0] != '\0')
			snprintf(path, sizeof(path), "%s", cfg->stats_socket);
		else
			snprintf(path, sizeof(path), "%s/control.sock", cfg->data_dir);
		n->stats = ctl_stats_socket_new(n->base, path, stats_text, n, err, errlen);
		if (n->stats == NULL)
			return -1;
	}
	n->stats_interval_s = cfg->stats_interval_s;
	if (cfg->stats_interval_s == 0)
		return 0;
	n->stats_timer = evtimer_new(n->base, log_stats, n);
	if (n->stats_timer == NULL || evtimer_add(n->stats_timer, &tv) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Storage-proof tests need the registry (pairs, block hashes) and the node-to-node requests. */
static int
start_storage_tests(struct ctl_node *n, const struct ctl_config *cfg, const struct snc_identity *id,
		    char *err, size_t errlen)
{
	struct ctl_stest_service_conf sc = {
		.base = n->base,
		.d = n->drpc,
		.repl = n->repl,
		.swarm = n->swarm,
		.store = n->store,
		.self = id->ed25519_pk,
		.c = cfg->stest,
		.on_result = ctl_srep_service_on_result,
	};
	struct ctl_srep_service_conf rc = {
		.d = n->drpc,
		.repl = n->repl,
		.swarm = n->swarm,
		.id = id,
		.pairs = cfg->stest.pairs,
		.failures = cfg->stest.failures,
	};

	if (cfg->registry[0] == '\0' || n->repl == NULL || !cfg->stest.enabled)
		return 0;
	/* the reports first: every test's result goes to them */
	n->sreport = ctl_srep_service_start(&rc, err, errlen);
	if (n->sreport == NULL)
		return -1;
	sc.on_result_arg = n->sreport;
	n->stest = ctl_stest_service_start(&sc, err, errlen);
	return n->stest != NULL ? 0 : -1;
}

/* Quorum votes need the registry (quorums) and the peer pings (reachability). */
static int
start_votes(struct ctl_node *n, const struct ctl_config *cfg, const struct snc_identity *id,
	    char *err, size_t errlen)
{
	struct ctl_vote_service_conf vc = {
		.base = n->base,
		.d = n->drpc,
		.repl = n->repl,
		.swarm = n->swarm,
		.ping = &n->ping,
		.reach = n->reach,
		.uptime = n->uptime,
		.id = id,
		.registry = cfg->registry,
		.data_dir = cfg->data_dir,
		.interval_ms = (uint64_t)cfg->vote_interval_s * 1000,
		.fail_after_ms = (uint64_t)cfg->vote_fail_after_s * 1000,
		.stest = ctl_stest_service_results(n->stest),
		.sreport = ctl_srep_service_table(n->sreport),
	};

	if (cfg->registry[0] == '\0' || !n->pinging || !cfg->quorum_votes)
		return 0;
	n->votes = ctl_vote_service_start(&vc, err, errlen);
	return n->votes != NULL ? 0 : -1;
}

int
ctl_node_start(struct ctl_node *n, struct event_base *base, const struct ctl_config *cfg,
	       const struct snc_identity *id, char *err, size_t errlen)
{
	memset(n, 0, sizeof(*n));
	n->base = base;
	if (open_store(n, cfg, err, errlen) != 0 || open_swarm_view(n, cfg, id, err, errlen) != 0 ||
	    open_rpc(n, cfg, id, err, errlen) != 0)
		return -1;
	n->sweep = evtimer_new(base, sweep, n);
	if (n->sweep == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	schedule_sweep(n, CTL_SWEEP_INTERVAL_MS);
	if (open_proxy(n, cfg, err, errlen) != 0 || open_stats(n, cfg, err, errlen) != 0)
		return -1;
	n->dest.rpc = n->rpc;
	n->dest.proxy = n->proxy;
	if (cfg->dp_socket[0] == '\0')
		return open_http(n, cfg, id, err, errlen);
	n->channel = ctl_dp_channel_new(base, cfg->dp_socket, id->ed25519_pk,
					ctl_onion_dest_on_request, &n->dest);
	n->dest.channel = n->channel;
	if (n->channel == NULL) {
		snprintf(err, errlen, "dp-socket %s: cannot create the channel", cfg->dp_socket);
		return -1;
	}
	/* with a registry the dataplane's node table follows it (docs/channel.md, NODES) */
	if (cfg->registry[0] != '\0' &&
	    ctl_dp_nodes_start(&n->dp_nodes, n->channel, n->swarm, id->ed25519_pk) != 0) {
		snprintf(err, errlen, "registry %s: cannot follow it for the dataplane",
			 cfg->registry);
		return -1;
	}
	if (open_http(n, cfg, id, err, errlen) != 0)
		return -1;
	if ((cfg->nodes[0] != '\0' || cfg->registry[0] != '\0') &&
	    start_ping(n, cfg, id, err, errlen) != 0)
		return -1;
	if (start_replication(n, id, err, errlen) != 0)
		return -1;
	if (ctl_node_reach_start(n, cfg, id, err, errlen) != 0 ||
	    start_storage_tests(n, cfg, id, err, errlen) != 0)
		return -1;
	return start_votes(n, cfg, id, err, errlen);
}

void
ctl_node_stop(struct ctl_node *n)
{
	ctl_stats_socket_free(n->stats);
	if (n->stats_timer != NULL)
		event_free(n->stats_timer);
	/* the RPC first: its 503 answers go out on the channel while it still exists */
	ctl_rpc_server_free(n->rpc);
	ctl_vote_service_stop(n->votes);
	ctl_stest_service_stop(n->stest);
	ctl_srep_service_stop(n->sreport);
	if (n->repl != NULL)
		ctl_replicate_set_bulk(n->repl, NULL, NULL);
	ctl_catchup_free(n->catchup);
	ctl_replicate_free(n->repl);
	/* then the proxied and relayed onion requests (503), then what carried the answers */
	ctl_proxy_free(n->proxy);
	ctl_onion_entry_free(n->onion);
	ctl_node_reach_stop(n); /* before the HTTP entry and the pings it uses */
	ctl_http_free(n->http);
	if (n->pinging)
		ctl_peer_ping_stop(&n->ping);
	ctl_drpc_free(n->drpc);
	ctl_dp_channel_free(n->channel);
	if (n->sweep != NULL)
		event_free(n->sweep);
	ctl_swarm_view_free(n->swarm);
	ctl_vote_service_free(n->votes); /* after the view: it is one of its reload listeners */
	store_free(n->store);
	ctl_stest_service_free(n->stest); /* after the store and direct_rpc: their last callbacks */
	ctl_srep_service_free(n->sreport); /* after direct_rpc: its last callbacks */
	memset(n, 0, sizeof(*n));
}
