/* SPDX-License-Identifier: MIT */
#include "catchup_net.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bulk.h"
#include "msg_hash.h"

struct rpc_fx fx;
struct cu_node nodes[CU_N];
struct cell_queue *cells;
bool reach[CU_N];
static char data[CU_DATA_SLOTS][32];

static void
deliver_to(void *arg, int i, const uint8_t from[32], const uint8_t *cell, size_t len)
{
	struct cu_node *to = &nodes[i];

	(void)arg;
	if (!to->down)
		ctl_drpc_on_cell(to->d, from, cell, len);
}

static int
send_cell(void *arg, const uint8_t peer[32], const uint8_t *cell, size_t len)
{
	struct cu_node *from = arg;
	int to = -1;

	for (int i = 0; i < CU_N; i++)
		if (memcmp(nodes[i].id.ed25519_pk, peer, 32) == 0)
			to = i;
	assert_true(to >= 0);
	cell_queue_push(cells, to, from->id.ed25519_pk, cell, len);
	return 0;
}

bool
cu_reachable(void *arg, const uint8_t peer[32])
{
	(void)arg;
	for (int i = 0; i < CU_N; i++)
		if (memcmp(nodes[i].id.ed25519_pk, peer, 32) == 0)
			return reach[i];
	return false;
}

int
cu_net_up(void)
{
	if (fx_redis_up(&fx) != 0)
		return -1;
	cells = cell_queue_new(fx.base, 16384, deliver_to, NULL);
	for (int i = 0; i < CU_N; i++) {
		memset(&nodes[i], 0, sizeof(nodes[i]));
		fx_identity(&nodes[i].id);
	}
	return 0;
}

void
cu_node_up(int i, char tag, struct ctl_swarm_view *view, struct ctl_catchup_conf *cc)
{
	struct cu_node *n = &nodes[i];
	struct ctl_drpc_conf dc = {.id = &n->id, .send = send_cell, .send_arg = n};

	n->st = fx_store_new(&fx, tag);
	n->view = view;
	assert_non_null(n->view);
	n->d = ctl_drpc_new(fx.base, &dc);
	assert_non_null(n->d);
	cc->reachable = cu_reachable;
	cc->d = n->d;
	cc->store = n->st;
	cc->swarm = n->view;
	cc->self = n->id.ed25519_pk;
	n->cu = ctl_catchup_new(NULL, cc);
	assert_non_null(n->cu);
	ctl_drpc_set_handler(n->d, ctl_catchup_on_request, n->cu);
}

int
cu_net_down(void **state)
{
	(void)state;
	for (int i = 0; i < CU_N; i++) {
		ctl_catchup_free(nodes[i].cu);
		ctl_drpc_free(nodes[i].d);
		store_free(nodes[i].st);
		ctl_swarm_view_free(nodes[i].view);
	}
	cell_queue_free(cells);
	fx_redis_down(&fx);
	return 0;
}

void
cu_on_put(void *arg, const struct store_status *st, const uint8_t *codes, size_t n)
{
	struct cu_put_wait *w = arg;

	w->rc = st->rc;
	w->n = n;
	if (codes != NULL)
		memcpy(w->codes, codes, n);
	w->done = true;
}

void
cu_put(int node, const struct store_msg *m, size_t n)
{
	struct cu_put_wait w = {0};

	assert_int_equal(store_bulk_put(nodes[node].st, m, n, (int64_t)fx_wall_ms(), cu_on_put, &w),
			 0);
	assert_true(redis_test_loop_until(fx.base, &w.done, FX_WAIT_MS));
	assert_int_equal(w.rc, 0);
}

void
cu_msg(struct store_msg *m, int i, int32_t ns, int64_t expiry)
{
	char *body = data[i % CU_DATA_SLOTS];

	memset(m, 0, sizeof(*m));
	m->pubkey[0] = 0x05;
	memset(m->pubkey + 1, (uint8_t)(i % 7 + 1), 32);
	snprintf(body, sizeof(data[0]), "record %d", i);
	m->data = (const uint8_t *)body;
	m->len = strlen(body);
	m->ns = ns;
	m->timestamp_ms = (int64_t)fx_wall_ms() - i;
	m->expiry_ms = expiry;
	snc_msg_hash_compute(m->pubkey, ns, m->data, m->len, m->hash);
}
