/* SPDX-License-Identifier: MIT */
/* store and retrieve handlers (see rpc_store.h). */
#include "rpc_store.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "msg_hash.h"
#include "rpc_sign.h"

/* ---- store ------------------------------------------------------------- */

/* This node's failed result: every member failed, so 500 (reply_or_fail). */
static void
put_full(struct rpc_req *r)
{
	json_t *mine =
		json_pack("{sbsbsI}", "failed", 1, "query_failure", 1, "t", (json_int_t)r->now_ms);

	r->srv->stats.store_full++;
	rpc_call_done(r, 500, rpc_sign_swarm(r->srv, mine, r->now_ms), NULL);
}

static json_t *
put_result(struct rpc_req *r, const struct store_put_result *res)
{
	struct rpc_sigmsg m;
	json_t *mine, *top;

	/* "t" inside the node's own result is the reference's deprecated copy. */
	mine = json_pack("{sssIsI}", "hash", r->hash, "expiry", (json_int_t)res->expiry_ms, "t",
			 (json_int_t)r->now_ms);
	if (mine == NULL)
		return NULL;
	if (res->already && json_object_set_new(mine, "already", json_true()) != 0) {
		json_decref(mine);
		return NULL;
	}
	rpc_sign_msg_init(&m);
	rpc_sign_msg_str(&m, r->hash);
	if (rpc_sign_put(r->srv, &m, mine) != 0) {
		json_decref(mine);
		return NULL;
	}
	top = rpc_sign_swarm(r->srv, mine, r->now_ms);
	if (top != NULL && json_object_set_new(top, "hash", json_string(r->hash)) != 0) {
		json_decref(top);
		top = NULL;
	}
	return top;
}

static void
on_put(void *arg, const struct store_status *st, const struct store_put_result *res)
{
	struct rpc_req *r = arg;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc == -ENOSPC)
		put_full(r);
	else if (st->rc != 0)
		rpc_call_failed(r, st->rc);
	else
		rpc_call_done(r, 200, put_result(r, res), NULL);
}

void
rpc_store_put(struct rpc_req *r, struct ctl_rpc_call *c)
{
	const struct ctl_rpc_store *p = &c->p.store;
	struct store_msg m = {
		.ns = p->ns,
		.timestamp_ms = p->timestamp_ms,
		.expiry_ms = p->expiry_ms,
		.data = p->data,
		.len = p->data_len,
	};

	memcpy(m.pubkey, c->acct.pubkey, sizeof(m.pubkey));
	if (snc_msg_hash_compute(c->acct.pubkey, p->ns, p->data, p->data_len, r->hash) != 0) {
		rpc_call_oom(r);
		return;
	}
	memcpy(m.hash, r->hash, sizeof(m.hash));
	rpc_call_op(r, store_msg_put(r->srv->store, &m, on_put, r));
}

/* ---- retrieve ---------------------------------------------------------- */

void
rpc_store_retrieve_limits(const struct ctl_rpc_retrieve *p, uint32_t *count, uint64_t *size)
{
	bool has_count = p->has_max_count && p->max_count != 0;
	bool has_size = p->has_max_size && p->max_size != 0;
	int64_t v = has_size ? p->max_size : -CTL_RPC_RETRIEVE_DEFAULT_DIV;

	/* A negative count has no meaning upstream either (it turns into a
	 * huge unsigned limit there): no count limit. */
	*count = 0;
	if (has_count && p->max_count > 0)
		*count = p->max_count > UINT32_MAX ? UINT32_MAX : (uint32_t)p->max_count;
	if (!has_size && has_count)
		v = CTL_RPC_RETRIEVE_MAX_SIZE;
	if (v < 0) {
		/* -k: 1/k of the maximum; INT64_MIN cannot be negated. */
		uint64_t k = v == INT64_MIN ? (uint64_t)INT64_MAX + 1 : (uint64_t)-v;
		*size = CTL_RPC_RETRIEVE_MAX_SIZE / k;
		if (*size == 0)
			*size = 1; /* the store reads 0 as "no limit" */
	} else {
		*size = v > CTL_RPC_RETRIEVE_MAX_SIZE ? CTL_RPC_RETRIEVE_MAX_SIZE : (uint64_t)v;
	}
}

static json_t *
message_json(const struct store_msg_item *it)
{
	size_t cap = sodium_base64_ENCODED_LEN(it->len, sodium_base64_VARIANT_ORIGINAL);
	char *data = malloc(cap);
	json_t *j;

	if (data == NULL)
		return NULL;
	sodium_bin2base64(data, cap, it->len > 0 ? it->data : (const uint8_t *)"", it->len,
			  sodium_base64_VARIANT_ORIGINAL);
	/* "expiration", not "expiry": what the code sends and clients read. */
	j = json_pack("{sssIsIss}", "hash", it->hash, "timestamp", (json_int_t)it->timestamp_ms,
		      "expiration", (json_int_t)it->expiry_ms, "data", data);
	free(data);
	return j;
}

static json_t *
get_result(struct rpc_req *r, const struct store_get_result *res)
{
	json_t *msgs = json_array(), *body;

	if (msgs == NULL)
		return NULL;
	for (size_t i = 0; i < res->n; i++)
		if (json_array_append_new(msgs, message_json(&res->items[i])) != 0) {
			json_decref(msgs);
			return NULL;
		}
	body = json_pack("{sosb}", "messages", msgs, "more", (int)res->more);
	if (body != NULL && rpc_sign_misc(r->srv, body, r->now_ms) != 0) {
		json_decref(body);
		body = NULL;
	}
	return body;
}

static void
on_get(void *arg, const struct store_status *st, const struct store_get_result *res)
{
	struct rpc_req *r = arg;

	if (!rpc_call_op_end(r))
		return;
	if (st->rc != 0)
		rpc_call_failed(r, st->rc);
	else
		rpc_call_done(r, 200, get_result(r, res), NULL);
}

void
rpc_store_retrieve(struct rpc_req *r, struct ctl_rpc_call *c)
{
	const struct ctl_rpc_retrieve *p = &c->p.retrieve;
	struct store_msg_query q = {
		.pubkey = c->acct.pubkey,
		.ns = p->ns,
		.last_hash = p->last_hash,
		.now_ms = (int64_t)r->now_ms,
	};

	rpc_store_retrieve_limits(p, &q.max_count, &q.max_size);
	rpc_call_op(r, store_msg_get(r->srv->store, &q, on_get, r));
}
