/* SPDX-License-Identifier: MIT */
/*
 * One call's way through the server (see rpc_call.h): admission with
 * rpc_auth, the revocation list when a subaccount needs it, the method's
 * handler, and how store failures are answered:
 *
 *   Redis not connected / no answer in time   503 "storage unavailable: ..."
 *   too many hashes or tokens for the store    400 "invalid request: ..."
 *   out of memory                              500 "request failed"
 *   Redis error or an unexpected answer        500 "storage error"
 *
 * (a full store is the store handler's: 500 with the reference's JSON).
 */
#include "rpc_call.h"

#include <errno.h>
#include <stdlib.h>

#include "revoke.h"
#include "rpc_auth.h"
#include "rpc_batch.h"
#include "rpc_delete.h"
#include "rpc_expire.h"
#include "rpc_info.h"
#include "rpc_oxend.h"
#include "rpc_revoke.h"
#include "rpc_store.h"
#include "rpc_swarm.h"

struct ctl_rpc_call *
rpc_call_current(struct rpc_req *r)
{
	return &r->req.calls[r->cur];
}

void
rpc_call_op(struct rpc_req *r, int rc)
{
	if (rc == 0)
		r->busy = true;
	else
		rpc_call_failed(r, rc);
}

bool
rpc_call_op_end(struct rpc_req *r)
{
	r->busy = false;
	if (r->srv != NULL)
		return true;
	rpc_server_req_free(r); /* answered 503 when the server went away */
	return false;
}

void
rpc_call_failed(struct rpc_req *r, int rc)
{
	struct ctl_rpc_server_stats *st = &r->srv->stats;

	switch (rc) {
	case -ENOTCONN:
		st->storage_unavailable++;
		rpc_call_done(r, 503, NULL, "storage unavailable: not connected to Redis");
		break;
	case -ETIMEDOUT:
		st->storage_unavailable++;
		rpc_call_done(r, 503, NULL, "storage unavailable: Redis did not answer in time");
		break;
	case -EINVAL:
		/* The decoder checked every form; only counts remain (e.g. more
		 * hashes than one store operation takes). */
		rpc_call_done(r, 400, NULL, "invalid request: too many items for one request");
		break;
	case -ENOMEM:
		rpc_call_oom(r);
		break;
	default:
		st->storage_errors++;
		rpc_call_done(r, 500, NULL, "storage error");
		break;
	}
}

void
rpc_call_oom(struct rpc_req *r)
{
	rpc_call_done(r, 500, NULL, "request failed");
}

void
rpc_call_done(struct rpc_req *r, int code, json_t *json, const char *text)
{
	if (json == NULL && text == NULL) {
		code = 500;
		text = "request failed";
	}
	if (r->fanning) { /* the swarm peers' results go in too */
		if (rpc_swarm_hold(r, code, json, text))
			return;
		json = rpc_swarm_merged(r, &code);
		text = json != NULL ? NULL : "request failed";
	}
	rpc_call_finish(r, code, json, text);
}

void
rpc_call_finish(struct rpc_req *r, int code, json_t *json, const char *text)
{
	json_t *body;

	if (r->forwarded)
		rpc_swarm_unwrap(r, &code, &json);
	if (r->results == NULL) {
		rpc_server_answer(r, code, json, text);
		return;
	}
	if (rpc_batch_add(r, code, json, text) != 0) {
		rpc_server_answer(r, 500, NULL, "request failed");
		return;
	}
	if (rpc_batch_continues(r, code)) {
		r->cur++;
		rpc_call_start(r);
		return;
	}
	body = rpc_batch_body(r);
	rpc_server_answer(r, 200, body, body != NULL ? NULL : "request failed");
}

static bool
owns(void *arg, const uint8_t *pubkey)
{
	const struct ctl_rpc_server *s = arg;

	return ctl_swarm_view_serves(s->swarm, pubkey);
}

/* ctl_rpc_auth_check; answers and returns false when the call is refused. */
static bool
admit(struct rpc_req *r, struct ctl_rpc_call *c, const uint8_t *revoked, size_t n_revoked)
{
	struct ctl_rpc_auth_ctx ctx = {
		.now_ms = r->now_ms,
		.forwarded = r->forwarded,
		.owns = owns,
		.owns_arg = r->srv,
		.ed_x_cache = r->srv->ed_x_cache,
	};
	struct ctl_rpc_status st;

	if (ctl_rpc_auth_check(&ctx, c, revoked, n_revoked, &st) == 0)
		return true;
	if (st.code == 421)
		rpc_info_misdirected(r, c);
	else
		rpc_call_done(r, st.code, NULL, st.text);
	return false;
}

static void
dispatch(struct rpc_req *r, struct ctl_rpc_call *c)
{
	/* admitted: the peers get it first, as the reference sends before it stores */
	rpc_swarm_fan_start(r, c);
	switch (c->method) {
	case CTL_RPC_STORE:
		rpc_store_put(r, c);
		break;
	case CTL_RPC_RETRIEVE:
		rpc_store_retrieve(r, c);
		break;
	case CTL_RPC_DELETE:
		rpc_delete_msgs(r, c);
		break;
	case CTL_RPC_DELETE_ALL:
	case CTL_RPC_DELETE_BEFORE:
		rpc_delete_ns(r, c);
		break;
	case CTL_RPC_EXPIRE:
		rpc_expire_msgs(r, c);
		break;
	case CTL_RPC_EXPIRE_ALL:
		rpc_expire_all(r, c);
		break;
	case CTL_RPC_GET_EXPIRIES:
		rpc_expire_get(r, c);
		break;
	case CTL_RPC_REVOKE_SUBACCOUNT:
	case CTL_RPC_UNREVOKE_SUBACCOUNT:
		rpc_revoke_change(r, c);
		break;
	case CTL_RPC_REVOKED_SUBACCOUNTS:
		rpc_revoke_list(r, c);
		break;
	default:
		rpc_call_done(r, 400, NULL, "invalid request: not a single call");
		break;
	}
}

static void
on_revoked(void *arg, const struct store_status *st, const uint8_t *tokens, size_t n)
{
	struct rpc_req *r = arg;
	struct ctl_rpc_call *c;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0) {
		rpc_call_failed(r, st->rc);
		return;
	}
	/* The first check passed without the list; this one adds the tokens. */
	c = rpc_call_current(r);
	if (admit(r, c, tokens, n))
		dispatch(r, c);
}

void
rpc_call_start(struct rpc_req *r)
{
	struct ctl_rpc_call *c = rpc_call_current(r);

	r->now_ms = r->srv->now_ms(r->srv->now_arg);
	if (c->method == CTL_RPC_INFO) {
		rpc_info_run(r);
		return;
	}
	if (c->method == CTL_RPC_GET_SWARM) {
		rpc_info_get_swarm(r, c);
		return;
	}
	if (c->method == CTL_RPC_OXEND_REQUEST) {
		rpc_oxend_run(r, c);
		return;
	}
	/* Checked without the revocation list first: everything but a revoked
	 * token is decided there, so a bad request costs no Redis round trip
	 * and gets the reference's answer (406, 421...) even with Redis down. */
	if (r->forwarded && !rpc_swarm_forwarder_ok(r, c))
		return;
	if (!admit(r, c, NULL, 0))
		return;
	if (ctl_rpc_auth_needs_revocations(c))
		rpc_call_op(r, store_revoke_list(r->srv->store, c->acct.pubkey, on_revoked, r));
	else
		dispatch(r, c);
}
