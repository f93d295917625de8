/* SPDX-License-Identifier: MIT */
#include "telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_ether.h>
#include <rte_telemetry.h>

#include "channel.h"
#include "node_swap.h"

static struct dp_lcore *tel_lcores;
static unsigned tel_n;
static const struct dp_node_swap *tel_swap;
static const struct dp_ports *tel_ports;

static void
sum_stats(struct dp_stats *out)
{
	const struct dp_stats *per[RTE_MAX_LCORE];

	for (unsigned i = 0; i < tel_n; i++)
		per[i] = &tel_lcores[i].worker.stats;
	dp_stats_sum(per, tel_n, out);
}

static void
add_counters(struct rte_tel_data *d, const struct dp_stats *s)
{
	uint64_t drops = 0;

	for (int r = 0; r < DP_DROP_COUNT; r++)
		drops += s->drops[r];
	rte_tel_data_add_dict_u64(d, "rx", s->rx);
	rte_tel_data_add_dict_u64(d, "tx", s->tx);
	rte_tel_data_add_dict_u64(d, "create_relayed", s->create_relayed);
	rte_tel_data_add_dict_u64(d, "create_delivered", s->create_delivered);
	rte_tel_data_add_dict_u64(d, "arp_replies", s->arp_replies);
	rte_tel_data_add_dict_u64(d, "replies", s->replies);
	rte_tel_data_add_dict_u64(d, "reply_cells", s->reply_cells);
	rte_tel_data_add_dict_u64(d, "reply_relayed", s->reply_relayed);
	rte_tel_data_add_dict_u64(d, "reply_nombuf", s->reply_nombuf);
	rte_tel_data_add_dict_u64(d, "reply_tx_busy", s->reply_tx_busy);
	rte_tel_data_add_dict_u64(d, "data_relayed", s->data_relayed);
	rte_tel_data_add_dict_u64(d, "data_delivered", s->data_delivered);
	rte_tel_data_add_dict_u64(d, "handoff_out", s->handoff_out);
	rte_tel_data_add_dict_u64(d, "handoff_in", s->handoff_in);
	rte_tel_data_add_dict_u64(d, "direct_in", s->direct_in);
	rte_tel_data_add_dict_u64(d, "direct_out", s->direct_out);
	rte_tel_data_add_dict_u64(d, "entry_out", s->entry_out);
	rte_tel_data_add_dict_u64(d, "entry_replies", s->entry_replies);
	rte_tel_data_add_dict_u64(d, "frags_in", s->frags_in);
	rte_tel_data_add_dict_u64(d, "reassembled", s->reassembled);
	rte_tel_data_add_dict_u64(d, "fragmented", s->fragmented);
	rte_tel_data_add_dict_u64(d, "tx_frags", s->tx_frags);
	rte_tel_data_add_dict_u64(d, "frag_tx_nombuf", s->frag_tx_nombuf);
	rte_tel_data_add_dict_u64(d, "rx_linearized", s->rx_linearized);
	rte_tel_data_add_dict_u64(d, "drops", drops);
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_stats s;

	(void)cmd;
	(void)params;
	sum_stats(&s);
	rte_tel_data_start_dict(d);
	add_counters(d, &s);
	rte_tel_data_add_dict_u64(d, "lcores", tel_n);
	return 0;
}

static int
cmd_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_stats s;

	(void)cmd;
	(void)params;
	sum_stats(&s);
	rte_tel_data_start_dict(d);
	for (int r = 1; r < DP_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(d, dp_drop_label(r), s.drops[r]);
	return 0;
}

static int
cmd_lcore(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char *end = NULL;
	unsigned long id;

	(void)cmd;
	if (params == NULL || params[0] < '0' || params[0] > '9')
		return -EINVAL;
	id = strtoul(params, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	for (unsigned i = 0; i < tel_n; i++) {
		if (tel_lcores[i].worker.lcore != id)
			continue;
		rte_tel_data_start_dict(d);
		add_counters(d, &tel_lcores[i].worker.stats);
		rte_tel_data_add_dict_u64(d, "queue", tel_lcores[i].queue);
		rte_tel_data_add_dict_u64(d, "circuits",
					  dp_circuit_count(&tel_lcores[i].worker.circuits));
		return 0;
	}
	return -ENOENT;
}

static int
cmd_circuits(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char name[16];

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < tel_n; i++) {
		snprintf(name, sizeof(name), "lcore%u", tel_lcores[i].worker.lcore);
		rte_tel_data_add_dict_u64(d, name,
					  dp_circuit_count(&tel_lcores[i].worker.circuits));
	}
	return 0;
}

static int
cmd_channel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_channel *ch = tel_n > 0 ? tel_lcores[0].channel : NULL;
	struct dp_channel_stats s;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	if (ch == NULL) {
		rte_tel_data_add_dict_string(d, "channel", "none");
		return 0;
	}
	dp_channel_stats(ch, &s);
	rte_tel_data_add_dict_u64(d, "connected", s.connected);
	rte_tel_data_add_dict_u64(d, "connections", s.connections);
	rte_tel_data_add_dict_u64(d, "hello_mismatch", s.hello_mismatch);
	rte_tel_data_add_dict_u64(d, "requests_sent", s.requests_sent);
	rte_tel_data_add_dict_u64(d, "requests_lost", s.requests_lost);
	rte_tel_data_add_dict_u64(d, "replies", s.replies);
	rte_tel_data_add_dict_u64(d, "replies_orphaned", s.replies_orphaned);
	rte_tel_data_add_dict_u64(d, "reply_ring_full", s.reply_ring_full);
	rte_tel_data_add_dict_u64(d, "reply_no_room", s.reply_no_room);
	rte_tel_data_add_dict_u64(d, "bad_messages", s.bad_messages);
	rte_tel_data_add_dict_u64(d, "directs", s.directs);
	rte_tel_data_add_dict_u64(d, "direct_too_big", s.direct_too_big);
	rte_tel_data_add_dict_u64(d, "entries", s.entries);
	rte_tel_data_add_dict_u64(d, "node_tables", s.node_tables);
	rte_tel_data_add_dict_u64(d, "request_segs", s.request_segs);
	rte_tel_data_add_dict_u64(d, "reply_segs", s.reply_segs);
	return 0;
}

/* Read on the telemetry thread while the main lcore may write: each value is a
 * plain aligned load, a table's figures may mix two updates (as for stats). */
static int
cmd_nodes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dp_node_swap_stats *s = &tel_swap->st;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "size", s->size);
	rte_tel_data_add_dict_u64(d, "generation", s->generation);
	rte_tel_data_add_dict_u64(d, "received", s->received);
	rte_tel_data_add_dict_u64(d, "applied", s->applied);
	for (int r = 1; r < DP_NODES_REJECT_COUNT; r++) {
		char name[32];

		snprintf(name, sizeof(name), "rejected_%s", dp_nodes_reject_name(r));
		rte_tel_data_add_dict_u64(d, name, s->rejected[r]);
	}
	rte_tel_data_add_dict_u64(d, "freed", s->freed);
	rte_tel_data_add_dict_u64(d, "pending", s->pending);
	rte_tel_data_add_dict_u64(d, "last_count", s->last.count);
	rte_tel_data_add_dict_u64(d, "last_no_mac", s->last.no_mac);
	rte_tel_data_add_dict_u64(d, "last_bad_key", s->last.bad_key);
	rte_tel_data_add_dict_u64(d, "last_duplicate", s->last.duplicate);
	rte_tel_data_add_dict_u64(d, "last_keys_reused", s->last.keys_reused);
	rte_tel_data_add_dict_u64(d, "last_keys_computed", s->last.keys_computed);
	return 0;
}

int
dp_telemetry_register(struct dp_lcore *lcores, unsigned n, const struct dp_node_swap *swap)
{
	int rc;

	tel_lcores = lcores;
	tel_n = n;
	tel_swap = swap;
	rc = rte_telemetry_register_cmd("/snode/dp/stats", cmd_stats,
					"Relay totals over all worker lcores. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/snode/dp/drops", cmd_drops,
						"Drops by reason. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/snode/dp/lcore", cmd_lcore,
						"One worker's counters. Parameter: lcore id");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/snode/dp/circuits", cmd_circuits,
						"Circuits per worker lcore. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/snode/dp/channel", cmd_channel,
						"The control channel's counters. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/snode/dp/nodes", cmd_nodes,
						"The node table and its updates. No parameters");
	return rc;
}

/* One port's figures, its counters summed over the lcores. */
static struct rte_tel_data *
port_dict(uint16_t port)
{
	const struct dp_port_addr *a = &tel_ports->p[port];
	struct rte_tel_data *d = rte_tel_data_alloc();
	struct in_addr in = {htonl(a->iface.ip)};
	char ip[INET_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint64_t rx = 0, tx = 0, refused = 0;

	if (d == NULL)
		return NULL;
	for (unsigned i = 0; i < tel_n; i++) {
		rx += tel_lcores[i].worker.port_stats[port].rx;
		tx += tel_lcores[i].worker.port_stats[port].tx;
		refused += tel_lcores[i].worker.port_stats[port].tx_refused;
	}
	rte_tel_data_start_dict(d);
	inet_ntop(AF_INET, &in, ip, sizeof(ip));
	rte_tel_data_add_dict_string(d, "ip", ip);
	rte_tel_data_add_dict_u64(d, "prefix", a->prefix);
	rte_ether_format_addr(mac, sizeof(mac), &a->iface.mac);
	rte_tel_data_add_dict_string(d, "mac", mac);
	if (a->have_gateway) {
		rte_ether_format_addr(mac, sizeof(mac),
				      (const struct rte_ether_addr *)a->gateway_mac);
		rte_tel_data_add_dict_string(d, "gateway_mac", mac);
	}
	rte_tel_data_add_dict_u64(d, "default", port == tel_ports->def);
	rte_tel_data_add_dict_u64(d, "mtu", a->mtu);
	rte_tel_data_add_dict_u64(d, "rx", rx);
	rte_tel_data_add_dict_u64(d, "tx", tx);
	rte_tel_data_add_dict_u64(d, "tx_refused", refused);
	return d;
}

static int
cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char name[16];

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (uint16_t k = 0; k < tel_ports->n; k++) {
		struct rte_tel_data *p = port_dict(tel_ports->ids[k]);

		snprintf(name, sizeof(name), "port%u", tel_ports->ids[k]);
		if (p != NULL && rte_tel_data_add_dict_container(d, name, p, 0) != 0)
			rte_tel_data_free(p);
	}
	return 0;
}

int
dp_telemetry_register_ports(const struct dp_ports *ports, struct dp_lcore *lcores, unsigned n)
{
	tel_ports = ports;
	tel_lcores = lcores;
	tel_n = n;
	return rte_telemetry_register_cmd("/snode/dp/ports", cmd_ports,
					  "Each port's address and rx/tx counts. No parameters");
}
