/* SPDX-License-Identifier: MIT */
/* revoke_subaccount, unrevoke_subaccount, revoked_subaccounts (see rpc_revoke.h). */
#include "rpc_revoke.h"

#include <sodium.h>

#include "revoke.h"
#include "rpc_sign.h"

static json_t *
change_result(struct rpc_req *r, const struct ctl_rpc_call *c, uint64_t count)
{
	const struct ctl_rpc_tokens *t = &c->p.tokens;
	json_t *mine = json_object();
	struct rpc_sigmsg m;

	if (mine == NULL)
		return NULL;
	if (c->method == CTL_RPC_UNREVOKE_SUBACCOUNT &&
	    json_object_set_new(mine, "count", json_integer((json_int_t)count)) != 0) {
		json_decref(mine);
		return NULL;
	}
	rpc_sign_msg_init(&m);
	rpc_sign_msg_pubkey(&m, c->acct.pubkey, r->srv->testnet);
	rpc_sign_msg_u64(&m, t->timestamp_ms);
	rpc_sign_msg_add(&m, t->tokens, t->n * STORE_TOKEN_BYTES);
	if (rpc_sign_put(r->srv, &m, mine) != 0) {
		json_decref(mine);
		return NULL;
	}
	return rpc_sign_swarm(r->srv, mine, r->now_ms);
}

static void
on_changed(void *arg, const struct store_status *st, uint64_t count)
{
	struct rpc_req *r = arg;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0)
		rpc_call_failed(r, st->rc);
	else
		rpc_call_done(r, 200, change_result(r, rpc_call_current(r), count), NULL);
}

void
rpc_revoke_change(struct rpc_req *r, struct ctl_rpc_call *c)
{
	const struct ctl_rpc_tokens *t = &c->p.tokens;
	struct store *st = r->srv->store;

	/* An empty list changes nothing (the store refuses one). */
	if (t->n == 0)
		rpc_call_done(r, 200, change_result(r, c, 0), NULL);
	else if (c->method == CTL_RPC_REVOKE_SUBACCOUNT)
		rpc_call_op(r,
			    store_revoke_add(st, c->acct.pubkey, t->tokens, t->n, on_changed, r));
	else
		rpc_call_op(
			r, store_revoke_remove(st, c->acct.pubkey, t->tokens, t->n, on_changed, r));
}

static void
on_listed(void *arg, const struct store_status *st, const uint8_t *tokens, size_t n)
{
	struct rpc_req *r = arg;
	char b64[sodium_base64_ENCODED_LEN(STORE_TOKEN_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	json_t *list, *body = NULL;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0) {
		rpc_call_failed(r, st->rc);
		return;
	}
	list = json_array();
	for (size_t i = 0; list != NULL && i < n; i++) {
		sodium_bin2base64(b64, sizeof(b64), tokens + i * STORE_TOKEN_BYTES,
				  STORE_TOKEN_BYTES, sodium_base64_VARIANT_ORIGINAL);
		if (json_array_append_new(list, json_string(b64)) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	if (list != NULL)
		body = json_pack("{so}", "revoked_subaccounts", list);
	if (body != NULL && rpc_sign_misc(r->srv, body, r->now_ms) != 0) {
		json_decref(body);
		body = NULL;
	}
	rpc_call_done(r, 200, body, NULL);
}

void
rpc_revoke_list(struct rpc_req *r, struct ctl_rpc_call *c)
{
	rpc_call_op(r, store_revoke_list(r->srv->store, c->acct.pubkey, on_listed, r));
}
