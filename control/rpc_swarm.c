/* SPDX-License-Identifier: MIT */
/* Replication hooks of the storage RPC (see rpc_swarm.h). */
#include "rpc_swarm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc_sign.h"

bool
rpc_swarm_recursive(enum ctl_rpc_method m)
{
	switch (m) {
	case CTL_RPC_STORE:
	case CTL_RPC_DELETE:
	case CTL_RPC_DELETE_ALL:
	case CTL_RPC_DELETE_BEFORE:
	case CTL_RPC_EXPIRE:
	case CTL_RPC_EXPIRE_ALL:
	case CTL_RPC_REVOKE_SUBACCOUNT:
	case CTL_RPC_UNREVOKE_SUBACCOUNT:
		return true;
	default:
		return false;
	}
}

bool
rpc_swarm_forwarder_ok(struct rpc_req *r, const struct ctl_rpc_call *c)
{
	struct ctl_swarm sw;

	if (ctl_swarm_view_swarm_of(r->srv->swarm, c->acct.pubkey, &sw) == 0)
		for (size_t i = 0; i < sw.n; i++)
			if (memcmp(sw.nodes[i].ed25519, r->forwarder, 32) == 0)
				return true;
	r->srv->stats.forward_rejected++;
	rpc_call_done(r, 403, NULL, "forwarding node is not a member of this swarm");
	return false;
}

/* The params object of the running call: the request's, or the subrequest's. */
static json_t *
call_params(const struct rpc_req *r)
{
	json_t *reqs;

	if (r->req.method != CTL_RPC_BATCH && r->req.method != CTL_RPC_SEQUENCE)
		return r->req.root;
	reqs = json_object_get(r->req.root, "requests");
	return json_object_get(json_array_get(reqs, r->cur), "params");
}

static void
on_peers(void *arg, json_t *peers)
{
	struct rpc_req *r = arg;
	int code;
	json_t *body;

	r->fan = NULL;
	r->peers = peers;
	if (!r->local_done)
		return; /* this node's own result comes later */
	body = rpc_swarm_merged(r, &code);
	rpc_call_finish(r, code, body, body != NULL ? NULL : "request failed");
}

void
rpc_swarm_fan_start(struct rpc_req *r, const struct ctl_rpc_call *c)
{
	const struct ctl_rpc_forwarder *f = r->srv->fwd;
	json_t *msg;
	char *body;

	if (f == NULL || r->forwarded || !rpc_swarm_recursive(c->method))
		return;
	msg = json_pack("{sssO}", "method", ctl_rpc_params_method_name(c->method), "params",
			call_params(r));
	body = msg != NULL ? json_dumps(msg, JSON_COMPACT) : NULL;
	json_decref(msg);
	if (body == NULL)
		return; /* out of memory: this node alone answers */
	r->fan = f->start(f->arg, c->acct.pubkey, body, strlen(body), on_peers, r);
	free(body);
	if (r->fan != NULL) {
		r->fanning = true;
		r->srv->stats.fanouts++;
	}
}

bool
rpc_swarm_hold(struct rpc_req *r, int code, json_t *json, const char *text)
{
	r->local_done = true;
	r->local_code = code;
	r->local_json = json;
	r->local_text = json == NULL ? strdup(text) : NULL;
	return r->fan != NULL;
}

/* True when some node's entry has a non-empty "deleted" (delete's "required"). */
static bool
any_deleted(json_t *swarm)
{
	const char *k;
	json_t *v;

	json_object_foreach(swarm, k, v)
	{
		if (json_array_size(json_object_get(v, "deleted")) > 0)
			return true;
	}
	return false;
}

static bool
any_ok(json_t *swarm)
{
	const char *k;
	json_t *v;

	json_object_foreach(swarm, k, v)
	{
		if (json_object_get(v, "failed") == NULL)
			return true;
	}
	return false;
}

/* This node's result as a swarm entry: a failed text answer becomes
 * {"failed": true, "code", "reason"}, the shape of a failed peer. */
static json_t *
local_body(struct rpc_req *r)
{
	char code[12];
	json_t *mine;

	if (r->local_json != NULL && json_is_object(json_object_get(r->local_json, "swarm"))) {
		json_t *j = r->local_json;

		r->local_json = NULL;
		return j;
	}
	snprintf(code, sizeof(code), "%d", r->local_code);
	mine = json_pack("{sbssss}", "failed", 1, "code", code, "reason",
			 r->local_text != NULL ? r->local_text : "request failed");
	return rpc_sign_swarm(r->srv, mine, r->now_ms);
}

json_t *
rpc_swarm_merged(struct rpc_req *r, int *code)
{
	json_t *body = local_body(r), *swarm;
	const struct ctl_rpc_call *c = rpc_call_current(r);

	r->fanning = false;
	r->local_done = false;
	swarm = json_object_get(body, "swarm");
	if (swarm == NULL || json_object_update(swarm, r->peers) != 0) {
		json_decref(body);
		body = NULL;
	}
	if (body == NULL)
		*code = 500;
	else if (c->method == CTL_RPC_DELETE && c->p.del.required)
		*code = any_deleted(swarm) ? 200 : 404;
	else
		*code = any_ok(swarm) ? 200 : 500;
	rpc_swarm_free(r);
	return body;
}

void
rpc_swarm_unwrap(struct rpc_req *r, int *code, json_t **json)
{
	json_t *mine = json_object_get(json_object_get(*json, "swarm"), r->srv->own_hex);

	if (mine == NULL)
		return;
	json_incref(mine);
	json_decref(*json);
	*json = mine;
	*code = 200; /* the entry router decides on 404/500 from every entry */
}

void
rpc_swarm_cancel(struct rpc_req *r)
{
	if (r->fan != NULL && r->srv != NULL && r->srv->fwd != NULL)
		r->srv->fwd->cancel(r->srv->fwd->arg, r->fan);
	r->fan = NULL;
}

void
rpc_swarm_free(struct rpc_req *r)
{
	json_decref(r->peers);
	json_decref(r->local_json);
	free(r->local_text);
	r->peers = r->local_json = NULL;
	r->local_text = NULL;
	r->local_done = false;
}
