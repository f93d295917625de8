/* SPDX-License-Identifier: MIT */
/* delete, delete_all, delete_before handlers (see rpc_delete.h). */
#include "rpc_delete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc_sign.h"

static json_t *
hash_array(const struct store_hash_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < l->n; i++)
		if (json_array_append_new(a, json_string(l->hashes[i])) != 0) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

/* ---- delete ------------------------------------------------------------ */

static json_t *
deleted_result(struct rpc_req *r, const struct ctl_rpc_call *c, const struct store_hash_list *l)
{
	const struct ctl_rpc_hashes *h = &c->p.del.msgs;
	struct rpc_sigmsg m;
	json_t *mine = json_object();

	if (mine == NULL || json_object_set_new(mine, "deleted", hash_array(l)) != 0) {
		json_decref(mine);
		return NULL;
	}
	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, c->acct.pubkey, r->srv->testnet);
	for (size_t i = 0; i < h->n; i++)
		rpc_sign_msg_str(&m, h->hashes[i]);
	for (size_t i = 0; i < l->n; i++)
		rpc_sign_msg_add(&m, l->hashes[i], STORE_HASH_LEN);
	if (rpc_sign_put(r->srv, &m, mine) != 0) {
		json_decref(mine);
		return NULL;
	}
	return rpc_sign_swarm(r->srv, mine, r->now_ms);
}

static void
on_deleted(void *arg, const struct store_status *st, const struct store_hash_list *deleted)
{
	struct rpc_req *r = arg;
	const struct ctl_rpc_call *c;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0) {
		rpc_call_failed(r, st->rc);
		return;
	}
	c = rpc_call_current(r);
	/* required: 404 unless some swarm member (only us, for now) deleted one. */
	rpc_call_done(r, c->p.del.required && deleted->n == 0 ? 404 : 200,
		      deleted_result(r, c, deleted), NULL);
}

void
rpc_delete_msgs(struct rpc_req *r, struct ctl_rpc_call *c)
{
	rpc_call_op(r, store_msg_delete(r->srv->store, c->acct.pubkey, c->p.del.msgs.hashes,
					c->p.del.msgs.n, on_deleted, r));
}

/* ---- per namespace ----------------------------------------------------- */

static int
cmp_hash(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The signed message: every hash of every namespace, sorted together. */
static int
sign_ns(struct rpc_req *r, const struct ctl_rpc_call *c, const struct store_ns_result *res,
	json_t *mine)
{
	const char **all = calloc(res->total + 1, sizeof(*all));
	struct rpc_sigmsg m;
	size_t k = 0;

	if (all == NULL)
		return -1;
	for (size_t i = 0; i < res->n_ns; i++)
		for (size_t j = 0; j < res->ns[i].list.n && k < res->total; j++)
			all[k++] = res->ns[i].list.hashes[j];
	qsort(all, k, sizeof(*all), cmp_hash);
	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, c->acct.pubkey, r->srv->testnet);
	rpc_sign_msg_u64(&m, c->p.ns_time.time_ms);
	for (size_t i = 0; i < k; i++)
		rpc_sign_msg_add(&m, all[i], STORE_HASH_LEN);
	free(all);
	return rpc_sign_put(r->srv, &m, mine);
}

static json_t *
ns_lists(const struct store_ns_result *res)
{
	json_t *o = json_object();
	char ns[12];

	for (size_t i = 0; o != NULL && i < res->n_ns; i++) {
		snprintf(ns, sizeof(ns), "%d", (int)res->ns[i].ns);
		if (json_object_set_new(o, ns, hash_array(&res->ns[i].list)) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

static json_t *
ns_result(struct rpc_req *r, const struct ctl_rpc_call *c, const char *key,
	  const struct store_ns_result *res)
{
	static const struct store_hash_list none = {0};
	json_t *mine = json_object(), *v;

	if (mine == NULL)
		return NULL;
	if (c->p.ns_time.ns == CTL_RPC_NS_ALL)
		v = ns_lists(res);
	else
		v = hash_array(res->n_ns > 0 ? &res->ns[0].list : &none);
	if (json_object_set_new(mine, key, v) != 0 || sign_ns(r, c, res, mine) != 0) {
		json_decref(mine);
		return NULL;
	}
	return rpc_sign_swarm(r->srv, mine, r->now_ms);
}

void
rpc_delete_ns_done(struct rpc_req *r, const struct store_status *st, const char *key,
		   const struct store_ns_result *res)
{
	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0)
		rpc_call_failed(r, st->rc);
	else
		rpc_call_done(r, 200, ns_result(r, rpc_call_current(r), key, res), NULL);
}

static void
on_ns_deleted(void *arg, const struct store_status *st, const struct store_ns_result *res)
{
	rpc_delete_ns_done(arg, st, "deleted", res);
}

void
rpc_delete_ns(struct rpc_req *r, struct ctl_rpc_call *c)
{
	const struct ctl_rpc_ns_time *p = &c->p.ns_time;
	struct store *st = r->srv->store;

	if (c->method == CTL_RPC_DELETE_ALL)
		rpc_call_op(r, store_msg_delete_all(st, c->acct.pubkey, p->ns, on_ns_deleted, r));
	else
		rpc_call_op(r, store_msg_delete_before(st, c->acct.pubkey, p->ns,
						       (int64_t)p->time_ms, on_ns_deleted, r));
}
