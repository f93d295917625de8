/* SPDX-License-Identifier: MIT */
/*
 * One worker lcore's state: everything it owns (circuits, replay filter, rate
 * limits, counters, scratch buffers), so the fast path takes no locks. Shared
 * read-only: this node's keys and the node table.
 */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <stdint.h>

#include "arp_hold.h"
#include "cell.h"
#include "circuit.h"
#include "dp.h"
#include "node_table.h"
#include "onion_layer.h"
#include "onion_route.h"
#include "payload.h"
#include "pkt.h"
#include "ports.h"
#include "ratelimit.h"
#include "reasm.h"
#include "replay.h"
#include "rng.h"
#include "stats.h"

struct rte_mbuf;
struct rte_mempool;
struct dp_worker;
struct dp_reply_queue;
struct dp_handoff;
struct dp_data_table;
struct dp_arp;

/* A layer for which this node is the destination (or the exit to a server). */
struct dp_delivery {
	const struct dp_circuit *circuit; /* where the reply goes back */
	enum snc_route_kind kind;	  /* DESTINATION or PROXY */
	const struct snc_route *route;
	const uint8_t *plaintext; /* the whole peeled layer: [N][blob]{json} */
	uint32_t plaintext_len;
	struct snc_payload payload; /* views into plaintext */
};

/* Takes the layer (and the mbuf m, which it may reuse or must free) and returns
 * DP_DROP_NONE; or returns the drop reason and leaves m to the caller. */
typedef enum dp_drop_reason (*dp_deliver_fn)(struct dp_worker *w, const struct dp_delivery *d,
					     struct rte_mbuf *m, void *arg);

/* A DIRECT cell from node `from` (body: the opaque DIRECT message): takes m
 * and returns DP_DROP_NONE, or returns the reason and leaves m to the caller. */
typedef enum dp_drop_reason (*dp_direct_fn)(struct dp_worker *w, const struct dp_node *from,
					    const uint8_t *body, uint32_t len, struct rte_mbuf *m,
					    void *arg);

/* A REPLY cell (unmasked, checked) on a circuit whose previous hop is the HTTP entry
 * (entry.h): takes m and returns DP_DROP_NONE, or returns the reason and leaves m. */
typedef enum dp_drop_reason (*dp_entry_reply_fn)(struct dp_worker *w, uint64_t id,
						 const struct dp_cell *cell, struct rte_mbuf *m,
						 void *arg);

struct dp_worker_conf {
	uint32_t circuits; /* circuit table capacity */
	uint64_t circuit_ttl_ns;
	uint32_t replay_log2_bits;
	uint64_t replay_window_ns;
	uint32_t ratelimit_sources; /* power of two */
	uint32_t ratelimit_burst;
	uint32_t ratelimit_rate;
};

/* One worker's traffic on one port (telemetry /snode/dp/ports sums the lcores). */
struct dp_port_counters {
	uint64_t rx;	     /* packets received on the port */
	uint64_t tx;	     /* datagrams the port took */
	uint64_t tx_refused; /* datagrams its tx queue refused (dropped, or retried by replies) */
};

struct dp_worker {
	unsigned lcore;
	struct dp_iface iface;	      /* the default port's; the only one when ports is NULL */
	const struct dp_ports *ports; /* every port's address and the routes; NULL: iface alone */
	uint16_t txq[DP_PORTS_MAX];   /* this worker's tx queue on each port */
	struct dp_port_counters port_stats[DP_PORTS_MAX];
	const struct snc_node_keys *keys;
	const struct dp_node_table *nodes;
	struct dp_circuit_table circuits;
	struct dp_replay replay;
	struct dp_ratelimit ratelimit;
	struct dp_stats stats;
	dp_deliver_fn deliver;
	void *deliver_arg;
	struct dp_rng rng; /* padding, labels, nonces: AES-CTR keystream, no syscalls (rng.h) */
	struct rte_mbuf *tx[DP_BURST];
	uint16_t ntx;
	/* Peeled layers of one burst: DP_BURST slots of a large cell each (2 MB,
	 * malloc'd at init) so every class peels without allocating. */
	uint8_t (*scratch)[DP_CELL_LARGE];
	struct rte_mempool *big_pool;	/* medium/large cells (mempool.h); NULL: small only */
	struct dp_reasm reasm;		/* IPv4 datagrams being reassembled (reasm.h) */
	uint16_t mtu;			/* MTU of ports without one in ports.h; 0: none */
	uint16_t ip_id;			/* IP id of the next datagram sent as fragments */
	struct dp_reply_queue *replies; /* replies being sent (reply.h); NULL: none */
	struct dp_data_table *data;	/* requests being reassembled (data.h); from init */
	struct dp_handoff *handoff; /* REPLY cells for other lcores (handoff.h); NULL: one worker */
	dp_direct_fn direct;	    /* DIRECT cells in (the channel); NULL: channel_down */
	void *direct_arg;
	dp_entry_reply_fn entry_reply; /* REPLY cells for the HTTP entry; NULL: channel_down */
	void *entry_arg;
	struct dp_arp *arp;	     /* ARP resolution of next hops (arp.h); NULL: none */
	struct dp_arp_hold arp_hold; /* frames waiting for their next hop's MAC (arp_hold.h) */
};

/* Defaults: 262,144 circuits for 30 s, 2^24-bit replay filters over 60 s, 600/300 buckets. */
void dp_worker_conf_defaults(struct dp_worker_conf *conf);

int dp_worker_init(struct dp_worker *w, unsigned lcore, const struct dp_worker_conf *conf,
		   const struct dp_iface *iface, const struct snc_node_keys *keys,
		   const struct dp_node_table *nodes, uint64_t now_ns);
void dp_worker_free(struct dp_worker *w);

/* The iface a datagram to ip (host order) leaves from: its port's (ports.h). */
static inline const struct dp_iface *
dp_worker_out(const struct dp_worker *w, uint32_t ip)
{
	return w->ports != NULL ? &w->ports->p[dp_ports_route(w->ports, ip)].iface : &w->iface;
}

/* The iface of a port (one a packet came in on, or a circuit's previous hop is
 * behind); the default one for a port that is not this node's. */
static inline const struct dp_iface *
dp_worker_port(const struct dp_worker *w, uint16_t port)
{
	return w->ports != NULL && dp_ports_has(w->ports, port) ? &w->ports->p[port].iface
								: &w->iface;
}

/* Fills buf with keystream bytes (cell padding) and returns a fresh label for this lcore. */
void dp_worker_random(struct dp_worker *w, uint8_t *buf, size_t len);
uint64_t dp_worker_new_label(struct dp_worker *w);

#endif
