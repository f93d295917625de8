/* SPDX-License-Identifier: MIT */
/*
 * The worker lcore loop: rx burst from each (port, queue) it polls -> ARP / framing / cell checks
 * -> split by kind -> CREATE stage as one batch -> tx burst. Idle lcores back off into short sleeps
 * (up to DP_IDLE_SLEEP_MAX_US) so a dozen test nodes can share two cores; any packet returns the
 * loop to full polling.
 */
#ifndef DP_LOOP_H
#define DP_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "worker.h"

enum {
	DP_IDLE_POLLS = 256,	     /* empty polls before the first sleep */
	DP_IDLE_SLEEP_MAX_US = 1000, /* longest idle sleep (microseconds) */
	DP_AGE_BUDGET = 64,	     /* circuit slots aged per loop iteration */
	DP_LCORE_RXQ_MAX = 128,	     /* (port, queue) pairs of one lcore: every --config entry */
};

/* How often a lone lcore serves the control channel's socket (200 us). */
#define DP_CHANNEL_SERVICE_NS 200000ull

struct dp_channel;
struct dp_node_swap;

/* Set by SIGINT/SIGTERM; every loop returns soon after. */
extern volatile bool dp_force_quit;

/* One rx queue an lcore polls. */
struct dp_rxq {
	uint16_t port, queue;
};

struct dp_lcore {
	struct dp_worker worker;
	uint16_t port;	/* the default port (worker.ports: any port, worker.txq) */
	uint16_t queue; /* this lcore's tx queue on port */
	struct dp_rxq rx[DP_LCORE_RXQ_MAX]; /* the rx queues it polls, in --config's order */
	unsigned nrx;
	struct dp_channel *channel; /* replies to send; NULL without a channel */
	bool serve_channel;	    /* this lcore also runs dp_channel_service */
	struct dp_node_swap *swap;  /* node table updates (node_swap.h); NULL: fixed table */
	unsigned tid;		    /* this lcore's QSBR thread id in swap */
};

/* Runs until dp_force_quit; arg is a struct dp_lcore. Returns 0. */
int dp_loop_run(void *arg);

/* One burst received on port (exposed for tests): consumes every mbuf; transmits
 * on (port, txq), or where each datagram's headers say with a port table (tx.h). */
void dp_loop_burst(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts,
		   uint16_t n, uint64_t now_ns);

/* The same without counting rx: for cells another lcore received and handed over. */
void dp_loop_process(struct dp_worker *w, uint16_t port, uint16_t txq, struct rte_mbuf **pkts,
		     uint16_t n, uint64_t now_ns);

/* Transmits what the worker queued in w->tx; what the PMD refuses is counted tx_full. */
void dp_loop_flush(struct dp_worker *w, uint16_t port, uint16_t txq);

/* Monotonic nanoseconds from the TSC. */
uint64_t dp_loop_now_ns(void);

#endif
