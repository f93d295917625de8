/* SPDX-License-Identifier: MIT */
/*
 * Telemetry /snode/dp/arp: the ARP tables' counters summed over the ports, the
 * workers' arp_* drops and holds (frames waiting for their next hop), warming's
 * counters (arp_warm.h), and
 * every entry as "port ip mac state age_ms" (at most ENTRIES_SHOWN: telemetry replies are 16 KB at
 * most; `entries` counts them all). Entries are read through their seqlocks, so each line is
 * consistent; the counters are read without locks, as the other commands do.
 */
#include "arp.h"

#include <stdio.h>

#include <arpa/inet.h>
#include <rte_telemetry.h>

#include "loop.h"
#include "ports.h"

enum {
	ENTRIES_SHOWN = 128,
};

static const struct dp_arp *tel_arp;
static const struct dp_lcore *tel_lcores;
static unsigned tel_n;

static void
sum_tables(struct dp_arp_counters *c, uint64_t *entries)
{
	*entries = 0;
	for (unsigned p = 0; p < DP_PORTS_MAX; p++) {
		const struct dp_arp_table *t = tel_arp->t[p];

		if (t == NULL)
			continue;
		*entries += t->n;
		c->requests += t->c.requests;
		c->learned += t->c.learned;
		c->expired += t->c.expired;
		c->failed += t->c.failed;
		c->full += t->c.full;
		c->unsolicited += t->c.unsolicited;
	}
}

static uint64_t
drops(enum dp_drop_reason r)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < tel_n; i++)
		sum += tel_lcores[i].worker.stats.drops[r];
	return sum;
}

/* The workers' holds (arp_hold.h), read without locks as the counters are. */
static void
add_holds(struct rte_tel_data *d)
{
	uint64_t frames = 0, addrs = 0, held = 0, released = 0;

	for (unsigned i = 0; i < tel_n; i++) {
		const struct dp_arp_hold *h = &tel_lcores[i].worker.arp_hold;

		frames += h->nframes;
		addrs += h->naddrs;
		held += h->held;
		released += h->released;
	}
	rte_tel_data_add_dict_u64(d, "held", frames);
	rte_tel_data_add_dict_u64(d, "held_addresses", addrs);
	rte_tel_data_add_dict_u64(d, "held_total", held);
	rte_tel_data_add_dict_u64(d, "held_released", released);
	rte_tel_data_add_dict_u64(d, "hold_full", drops(DP_DROP_ARP_HOLD_FULL));
	rte_tel_data_add_dict_u64(d, "hold_failed", drops(DP_DROP_ARP_FAILED));
	rte_tel_data_add_dict_u64(d, "hold_timeout", drops(DP_DROP_ARP_HOLD_TIMEOUT));
}

/* Warming (arp_warm.h): the owner's counters, read without locks as the others are. */
static void
add_warm(struct rte_tel_data *d)
{
	const struct dp_arp_warm *wm = &tel_arp->warm;

	rte_tel_data_add_dict_u64(d, "warm", wm->on);
	rte_tel_data_add_dict_u64(d, "warm_tables", wm->tables);
	rte_tel_data_add_dict_u64(d, "warm_asked", wm->asked);
	rte_tel_data_add_dict_u64(d, "warm_known", wm->known);
	rte_tel_data_add_dict_u64(d, "warm_no_room", wm->no_room);
	rte_tel_data_add_dict_u64(d, "warm_left", wm->left);
}

static void
add_entries(struct rte_tel_data *list, uint64_t now_ns)
{
	unsigned shown = 0;

	for (unsigned p = 0; p < DP_PORTS_MAX; p++)
		for (unsigned i = 0; tel_arp->t[p] != NULL && i < DP_ARP_ENTRIES; i++) {
			struct dp_arp_view v;
			char line[96], ip[INET_ADDRSTRLEN];
			uint32_t be;

			dp_arp_table_read(tel_arp->t[p], i, &v);
			if (v.state == DP_ARP_FREE || shown == ENTRIES_SHOWN)
				continue;
			be = htonl(v.ip);
			inet_ntop(AF_INET, &be, ip, sizeof(ip));
			snprintf(line, sizeof(line), "%u %s %02x:%02x:%02x:%02x:%02x:%02x %s %llu",
				 p, ip, v.mac[0], v.mac[1], v.mac[2], v.mac[3], v.mac[4], v.mac[5],
				 dp_arp_state_name(v.state),
				 (unsigned long long)((now_ns - v.learned_ns) / 1000000));
			rte_tel_data_add_array_string(list, line);
			shown++;
		}
}

static int
cmd_arp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_arp_counters c = {0};
	struct rte_tel_data *list = rte_tel_data_alloc();
	uint64_t entries;

	(void)cmd;
	(void)params;
	if (list == NULL)
		return -1;
	sum_tables(&c, &entries);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "entries", entries);
	rte_tel_data_add_dict_u64(d, "requests", c.requests);
	rte_tel_data_add_dict_u64(d, "requests_sent", tel_arp->sent);
	rte_tel_data_add_dict_u64(d, "requests_tx_failed", tel_arp->tx_failed);
	rte_tel_data_add_dict_u64(d, "replies_learned", c.learned);
	rte_tel_data_add_dict_u64(d, "expired", c.expired);
	rte_tel_data_add_dict_u64(d, "failed", c.failed);
	rte_tel_data_add_dict_u64(d, "table_full", c.full);
	rte_tel_data_add_dict_u64(d, "unsolicited", drops(DP_DROP_ARP_UNSOLICITED));
	rte_tel_data_add_dict_u64(d, "bad", drops(DP_DROP_ARP_BAD));
	rte_tel_data_add_dict_u64(d, "busy", drops(DP_DROP_ARP_BUSY));
	rte_tel_data_add_dict_u64(d, "unresolved_drops", drops(DP_DROP_ARP_UNRESOLVED));
	add_holds(d);
	add_warm(d);
	rte_tel_data_start_array(list, RTE_TEL_STRING_VAL);
	add_entries(list, dp_loop_now_ns());
	rte_tel_data_add_dict_container(d, "table", list, 0);
	return 0;
}

int
dp_arp_telemetry_register(const struct dp_arp *a, const struct dp_lcore *lcores, unsigned n)
{
	tel_arp = a;
	tel_lcores = lcores;
	tel_n = n;
	return rte_telemetry_register_cmd("/snode/dp/arp", cmd_arp,
					  "ARP resolution of next hops: counters and entries "
					  "(port ip mac state age_ms)");
}
