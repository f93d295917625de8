/* SPDX-License-Identifier: MIT */
/*
 * The catch-up tests' nodes (test_catchup.c, test_catchup_handoff.c): CU_N
 * snode-control instances in one process over the fixture's redis-server,
 * each with its identity, store (own key prefix), swarm view, direct_rpc and
 * catch-up; DIRECT cells between them go through a cell_queue delivered from
 * the event loop. A test binary has one such set: the globals below.
 */
#ifndef CATCHUP_NET_H
#define CATCHUP_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulk.h"
#include "catchup.h"
#include "cell_queue.h"
#include "direct_rpc.h"
#include "rpc_fixture.h"
#include "store.h"

enum {
	CU_N = 4,
	CU_DATA_SLOTS = 300, /* message bodies cu_msg keeps at once (by index) */
};

struct cu_node {
	struct snc_identity id;
	struct store *st;
	struct ctl_swarm_view *view;
	struct ctl_drpc *d;
	struct ctl_catchup *cu;
	bool down; /* cells to it are lost */
};

extern struct rpc_fx fx;
extern struct cu_node nodes[CU_N];
extern struct cell_queue *cells;
extern bool reach[CU_N]; /* what every node's "reachable" answers for node i */

/* The catch-up's "reachable": reach[] of the node whose key peer is. */
bool cu_reachable(void *arg, const uint8_t peer[32]);
/* The redis-server, the cell queue and CU_N fresh identities (the group setup's start). */
int cu_net_up(void);
/*
 * Node i on view (taken): a store under prefix tag, its direct_rpc, and a
 * catch-up from cc (cc's reachable, d, store, swarm and self are filled in
 * here) that answers the requests. No timer: the tests tick.
 */
void cu_node_up(int i, char tag, struct ctl_swarm_view *view, struct ctl_catchup_conf *cc);
/* The cmocka group teardown: every node, the queue, the redis-server. */
int cu_net_down(void **state);

/* A bulk put's answer (cu_on_put, the store's callback). */
struct cu_put_wait {
	bool done;
	int rc;
	size_t n;
	uint8_t codes[STORE_BULK_RECORDS_MAX];
};

void cu_on_put(void *arg, const struct store_status *st, const uint8_t *codes, size_t n);
/* Stores n records at node (asserts success). */
void cu_put(int node, const struct store_msg *m, size_t n);
/* Record i: account 05 + (i % 7 + 1) * 32, body "record <i>", timestamp now - i. */
void cu_msg(struct store_msg *m, int i, int32_t ns, int64_t expiry);

#endif
