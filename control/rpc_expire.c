/* SPDX-License-Identifier: MIT */
/* expire, expire_all, get_expiries handlers (see rpc_expire.h). */
#include "rpc_expire.h"

#include <stdlib.h>
#include <string.h>

#include "expire.h"
#include "msg_hash.h"
#include "rpc_delete.h"
#include "rpc_sign.h"

/* ---- expire ------------------------------------------------------------ */

static int
by_hash(const void *a, const void *b)
{
	return strcmp(((const struct store_hash_expiry *)a)->hash,
		      ((const struct store_hash_expiry *)b)->hash);
}

/* "expiry" and its part of the signed message. */
static json_t *
expiry_part(const struct ctl_rpc_expire *e, const struct store_expire_result *res,
	    struct rpc_sigmsg *m)
{
	json_t *a;

	/* One expiry given: the one applied, even when nothing was updated.
	 * Several: those applied to the updated messages, in hash order. */
	if (e->n_expiries == 1) {
		rpc_sign_msg_u64(m, e->applied[0]);
		return json_integer((json_int_t)e->applied[0]);
	}
	a = json_array();
	for (size_t i = 0; a != NULL && i < res->n_updated; i++) {
		rpc_sign_msg_i64(m, res->updated[i].expiry_ms);
		if (json_array_append_new(a, json_integer(res->updated[i].expiry_ms)) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

/* "unchanged" ({hash: expiry}) and its part of the signed message. */
static json_t *
unchanged_part(const struct store_expire_result *res, struct rpc_sigmsg *m)
{
	struct store_hash_expiry *u = calloc(res->n_unchanged + 1, sizeof(*u));
	json_t *o = json_object();

	if (u == NULL || o == NULL) {
		free(u);
		json_decref(o);
		return NULL;
	}
	memcpy(u, res->unchanged, res->n_unchanged * sizeof(*u));
	qsort(u, res->n_unchanged, sizeof(*u), by_hash);
	for (size_t i = 0; o != NULL && i < res->n_unchanged; i++) {
		rpc_sign_msg_str(m, u[i].hash);
		rpc_sign_msg_i64(m, u[i].expiry_ms);
		if (json_object_set_new(o, u[i].hash, json_integer(u[i].expiry_ms)) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	free(u);
	return o;
}

static json_t *
expire_result(struct rpc_req *r, const struct ctl_rpc_call *c,
	      const struct store_expire_result *res)
{
	const struct ctl_rpc_expire *e = &c->p.expire;
	json_t *mine = json_object(), *updated = json_array();
	struct rpc_sigmsg m;
	int rc;

	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, c->acct.pubkey, r->srv->testnet);
	rc = mine == NULL || updated == NULL ||
	     json_object_set_new(mine, "expiry", expiry_part(e, res, &m)) != 0;
	for (size_t i = 0; i < e->msgs.n; i++)
		rpc_sign_msg_str(&m, e->msgs.hashes[i]);
	for (size_t i = 0; rc == 0 && i < res->n_updated; i++) {
		rpc_sign_msg_str(&m, res->updated[i].hash);
		rc = json_array_append_new(updated, json_string(res->updated[i].hash));
	}
	if (rc == 0)
		rc = json_object_set(mine, "updated", updated);
	/* The request's flags, not the forced extend-only of a subaccount. */
	if (rc == 0 && e->mode != CTL_RPC_EXPIRE_ANY)
		rc = json_object_set_new(mine, "unchanged", unchanged_part(res, &m));
	json_decref(updated);
	if (rc == 0)
		rc = rpc_sign_put(r->srv, &m, mine);
	else
		rpc_sign_msg_free(&m);
	if (rc != 0) {
		json_decref(mine);
		return NULL;
	}
	return rpc_sign_swarm(r->srv, mine, r->now_ms);
}

static void
on_expired(void *arg, const struct store_status *st, const struct store_expire_result *res)
{
	struct rpc_req *r = arg;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0)
		rpc_call_failed(r, st->rc);
	else
		rpc_call_done(r, 200, expire_result(r, rpc_call_current(r), res), NULL);
}

void
rpc_expire_msgs(struct rpc_req *r, struct ctl_rpc_call *c)
{
	const struct ctl_rpc_expire *e = &c->p.expire;
	struct store_expire_req q = {
		.pubkey = c->acct.pubkey,
		.mode = e->extend_only			    ? STORE_EXPIRE_EXTEND
			: e->mode == CTL_RPC_EXPIRE_SHORTEN ? STORE_EXPIRE_SHORTEN
							    : STORE_EXPIRE_ANY,
		.hashes = e->msgs.hashes,
		.n = e->msgs.n,
		/* applied[] is at most now + 30 days: it fits int64. */
		.expiries_ms = (const int64_t *)e->applied,
		.n_expiries = e->n_expiries,
		.now_ms = (int64_t)r->now_ms,
	};

	rpc_call_op(r, store_expire_set(r->srv->store, &q, on_expired, r));
}

/* ---- expire_all -------------------------------------------------------- */

static void
on_all_expired(void *arg, const struct store_status *st, const struct store_ns_result *res)
{
	rpc_delete_ns_done(arg, st, "updated", res);
}

void
rpc_expire_all(struct rpc_req *r, struct ctl_rpc_call *c)
{
	const struct ctl_rpc_ns_time *p = &c->p.ns_time;

	rpc_call_op(r, store_expire_all(r->srv->store, c->acct.pubkey, p->ns, (int64_t)p->time_ms,
					on_all_expired, r));
}

/* ---- get_expiries ------------------------------------------------------ */

static void
on_expiries(void *arg, const struct store_status *st, size_t n,
	    const struct store_hash_expiry *exps)
{
	struct rpc_req *r = arg;
	json_t *map;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0) {
		rpc_call_failed(r, st->rc);
		return;
	}
	map = json_object();
	for (size_t i = 0; map != NULL && i < n; i++)
		if (json_object_set_new(map, exps[i].hash, json_integer(exps[i].expiry_ms)) != 0) {
			json_decref(map);
			map = NULL;
		}
	rpc_call_done(r, 200, map != NULL ? json_pack("{so}", "expiries", map) : NULL, NULL);
}

void
rpc_expire_get(struct rpc_req *r, struct ctl_rpc_call *c)
{
	const struct ctl_rpc_hashes *h = &c->p.get_expiries.msgs;
	const char **valid = calloc(h->n + 1, sizeof(*valid));
	size_t n = 0;

	if (valid == NULL) {
		rpc_call_oom(r);
		return;
	}
	/* The server looks these up unchecked; a string that is no hash names
	 * no message, and the store refuses it, so it is left out here. */
	for (size_t i = 0; i < h->n; i++)
		if (snc_msg_hash_is_valid(h->hashes[i], strlen(h->hashes[i])))
			valid[n++] = h->hashes[i];
	if (n == 0)
		rpc_call_done(r, 200, json_pack("{s{}}", "expiries"), NULL);
	else
		rpc_call_op(r, store_expire_get(r->srv->store, c->acct.pubkey, valid, n,
						(int64_t)r->now_ms, on_expiries, r));
	free(valid);
}
