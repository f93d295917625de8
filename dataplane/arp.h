/* SPDX-License-Identifier: MIT */
/*
 * ARP resolution of next hops (docs/dataplane-options.md, "Next-hop MACs").
 *
 * Which MAC a node snode-control names gets (dp_arp_next_hop_mac, used when a
 * node table is built, node_update.h): a --nodes line's MAC first; else, for
 * an address on the subnet of the port that reaches it (on-link), ARP when
 * that port has no gateway MAC or --arp on-link is given; else the port's
 * gateway MAC; else none (left out: last_no_mac). "Resolve by ARP" is the
 * all-zero MAC in the node table (a --nodes line may give it too).
 *
 * The path of a packet to such a node: the stage writes the frame with the
 * zero MAC; dp_arp_resolve_tx, just before the burst leaves (loop.c's
 * flush), fills in the MAC from the port's table (arp_table.h, lock-free
 * reads) or, while the address resolves, keeps the frame in the worker's hold
 * (arp_hold.h: --arp-hold frames per address, 16 addresses, 32 frames a
 * worker) and, for an address not in the table, asks the ARP owner. Each
 * loop iteration (dp_arp_service) and each flush while it holds any, the worker looks its held
 * addresses up: resolved, their frames leave in their order before any newer
 * frame to them; gone from the table after 3 unanswered requests
 * (arp_failed) or held 3.5 s (arp_hold_timeout), they are dropped; a frame
 * over a bound is dropped (arp_hold_full). So the first cells to a peer not
 * yet resolved are late by one ARP round trip, not lost; and with warming
 * (arp_warm.h) the owner asks for a new node table's on-link nodes before
 * cells go to them, so most first cells find the MAC.
 *
 * The owner is one worker lcore (worker 0, the one that usually polls rx
 * queue 0): the only writer of the tables, it sends every request through
 * its own tx queues. Other workers reach it through one multi-producer ring
 * (1,024 16-byte messages: "want ip on port P", "P says ip is at MAC"), so
 * nothing on a worker locks, allocates or calls the kernel. ARP replies are
 * learned only for addresses with a request outstanding and only when sent
 * to this port's MAC and address; requests addressed to us are answered
 * (pkt.h) but never learned from: an on-link host could otherwise fill the
 * table with addresses no node has, or replace a MAC we rely on, just by
 * asking us a question. Gratuitous replies are refused the same way.
 */
#ifndef DP_ARP_H
#define DP_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "arp_table.h"
#include "arp_warm.h"
#include "args_config.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_ring;
struct dp_iface;
struct dp_ports;
struct dp_worker;

enum {
	DP_ARP_RING = 1024,	   /* messages to the owner */
	DP_ARP_TICK_NS = 10000000, /* the owner's retry/expiry pass: every 10 ms */
	DP_ARP_ASK_MAX = 32,	   /* requests per port per pass (the rest wait a pass) */
};

struct dp_arp {
	struct dp_arp_table *t[DP_PORTS_MAX]; /* NULL: the port has no subnet, resolves nothing */
	const struct dp_ports *ports;
	struct rte_ring *ring; /* to the owner */
	struct rte_mempool *pool;
	unsigned owner; /* the lcore that writes the tables and sends requests */
	bool on_link;	/* --arp on-link: ARP on-link hops even when the port has a gateway */
	uint64_t last_tick_ns;
	uint64_t sent;	    /* requests that left (owner) */
	uint64_t tx_failed; /* requests not sent: no mbuf, or the tx queue refused (owner) */
	uint8_t room[DP_PORTS_MAX]; /* owner: requests warming may still send in this pass */
	struct dp_arp_warm warm;    /* owner: a new node table's on-link nodes (arp_warm.h) */
};

/* Tables for the ports of ps with a subnet (prefix below 32), the owner's ring
 * (name: unique per process). 0 or -ENOMEM. */
int dp_arp_init(struct dp_arp *a, const struct dp_ports *ps, unsigned owner_lcore,
		struct rte_mempool *pool, bool on_link, const char *name);
void dp_arp_free(struct dp_arp *a);

/* True when ip is a host of port p's subnet other than p's own address, and p
 * has a table. */
bool dp_arp_on_link(const struct dp_arp *a, uint16_t p, uint32_t ip);

/* Owner: one broadcast request for ip out of port p, through w's tx queue
 * (counted sent, or tx_failed). */
void dp_arp_request(struct dp_worker *w, uint16_t p, uint32_t ip);

/* node_update.h's gateway_for (arg: a dp_arp): the MAC a node at ip gets when
 * no --nodes line names it; the zero MAC means "resolve by ARP". */
const uint8_t *dp_arp_next_hop_mac(const void *arg, uint32_t ip);

/* Any worker, on rx: true when m was an ARP frame it took (a reply sent to the
 * owner, or dropped and counted); false for anything else, requests included. */
bool dp_arp_input(struct dp_worker *w, struct rte_mbuf *m, const struct dp_iface *in);

/* Any worker, before w->tx leaves: first sends the held frames whose address
 * resolved; then fills in the MAC of frames to the zero MAC, holds those
 * still resolving (taken out of w->tx), drops and counts the rest. */
void dp_arp_resolve_tx(struct dp_worker *w);

/* Every loop iteration of every worker: the owner takes the ring, then does
 * retries, refreshes and expiry every DP_ARP_TICK_NS, and then the next slice
 * of warming (arp_warm.h, with a->warm.on); then each worker sends,
 * or drops, what it holds (as above). Returns messages taken plus frames sent. */
unsigned dp_arp_service(struct dp_worker *w, uint64_t now_ns);

/* Frees the worker's held frames (dp_worker_free: nothing leaks at exit). */
void dp_arp_hold_free(struct dp_worker *w);

/* Telemetry /snode/dp/arp over a (its tables) and the lcores (their arp_* drops). */
struct dp_lcore;
int dp_arp_telemetry_register(const struct dp_arp *a, const struct dp_lcore *lcores, unsigned n);

#endif
