/* SPDX-License-Identifier: MIT */
/*
 * Store, retrieve and delete messages: argument checks, the script call and
 * the decoding of its answer into typed results. See msg.h.
 */
#include "msg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "msg_hash.h"
#include "quota.h"

static bool
is_outbox(int32_t ns)
{
	return ns < 0 && (-ns) % 20 == 1;
}

static bool
hash_ok(const char *h)
{
	return h != NULL && snc_msg_hash_is_valid(h, strnlen(h, STORE_HASH_BUF));
}

static void
put_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_put_cb *cb = (store_put_cb *)o->cb;
	struct store_put_result res = {0};
	struct store_status st = *status;
	int64_t code = 0, a = 0, b = 0;

	if (st.rc == 0) {
		if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
		    !store_reply_int(reply->element[0], &code) ||
		    !store_reply_int(reply->element[1], &a) ||
		    (code < 0 && (reply->elements < 3 || !store_reply_int(reply->element[2], &b))))
			store_status_proto(&st, STORE_SCRIPT_PUT);
		else if (code < 0)
			store_quota_full(o->st, &st, code == -1, (uint64_t)a, (uint64_t)b);
		else {
			res.already = code == 1;
			res.expiry_ms = a;
		}
	}
	cb(o->arg, &st, st.rc == 0 ? &res : NULL);
	free(o);
}

int
store_msg_put(struct store *st, const struct store_msg *m, store_put_cb *cb, void *arg)
{
	char acct[STORE_ACCOUNT_HEX + 1], ns[12], ts[24], exp[24], amax[24], tmax[24];
	const char *argv[10];
	size_t lens[10];
	int i, rc;

	if (st == NULL || m == NULL || cb == NULL || !hash_ok(m->hash) ||
	    (m->data == NULL && m->len > 0) || m->len > STORE_DATA_MAX)
		return -EINVAL;
	rc = store_ns_text(m->ns, false, ns);
	if (rc != 0)
		return rc;
	store_account_hex(m->pubkey, acct);
	snprintf(ts, sizeof(ts), "%" PRId64, m->timestamp_ms);
	snprintf(exp, sizeof(exp), "%" PRId64, m->expiry_ms);
	snprintf(amax, sizeof(amax), "%" PRIu64, st->account_bytes_max);
	snprintf(tmax, sizeof(tmax), "%" PRIu64, st->total_bytes_max);
	argv[0] = acct;
	argv[1] = ns;
	argv[2] = m->hash;
	argv[3] = ts;
	argv[4] = exp;
	argv[5] = m->len > 0 ? (const char *)m->data : "";
	argv[6] = is_outbox(m->ns) ? "1" : "0";
	argv[7] = amax;
	argv[8] = tmax;
	for (i = 0; i < 9; i++)
		lens[i] = i == 5 ? m->len : strlen(argv[i]);
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_PUT, 9, argv, lens,
			      put_done);
}

static bool
copy_hash(const redisReply *e, char out[STORE_HASH_BUF])
{
	if (e->type != REDIS_REPLY_STRING || e->len != STORE_HASH_LEN)
		return false;
	memcpy(out, e->str, STORE_HASH_LEN);
	out[STORE_HASH_LEN] = '\0';
	return true;
}

static void
get_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_get_cb *cb = (store_get_cb *)o->cb;
	struct store_get_result res = {0};
	struct store_status st = *status;
	struct store_msg_item *items = NULL;
	int64_t more = 0;
	size_t i, n = 0;

	if (st.rc == 0 &&
	    (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
	     (reply->elements - 1) % 4 != 0 || !store_reply_int(reply->element[0], &more)))
		store_status_proto(&st, STORE_SCRIPT_GET);
	if (st.rc == 0) {
		n = (reply->elements - 1) / 4;
		items = calloc(n > 0 ? n : 1, sizeof(*items));
		if (items == NULL) {
			st.rc = -ENOMEM;
			snprintf(st.text, sizeof(st.text), "store: out of memory for %zu messages",
				 n);
		}
	}
	for (i = 0; st.rc == 0 && i < n; i++) {
		redisReply **e = reply->element + 1 + 4 * i;

		if (!copy_hash(e[0], items[i].hash) ||
		    !store_reply_int(e[1], &items[i].timestamp_ms) ||
		    !store_reply_int(e[2], &items[i].expiry_ms) || e[3]->type != REDIS_REPLY_STRING)
			store_status_proto(&st, STORE_SCRIPT_GET);
		items[i].data = (const uint8_t *)e[3]->str;
		items[i].len = e[3]->len;
	}
	res.n = n;
	res.items = items;
	res.more = more != 0;
	cb(o->arg, &st, st.rc == 0 ? &res : NULL);
	free(items);
	free(o);
}

int
store_msg_get(struct store *st, const struct store_msg_query *q, store_get_cb *cb, void *arg)
{
	char acct[STORE_ACCOUNT_HEX + 1], ns[12], count[16], size[24], now[24];
	const char *argv[6];
	size_t lens[6];
	int i, rc;

	if (st == NULL || q == NULL || q->pubkey == NULL || cb == NULL ||
	    (q->last_hash != NULL && q->last_hash[0] != '\0' && !hash_ok(q->last_hash)))
		return -EINVAL;
	rc = store_ns_text(q->ns, false, ns);
	if (rc != 0)
		return rc;
	store_account_hex(q->pubkey, acct);
	snprintf(count, sizeof(count), "%" PRIu32, q->max_count);
	snprintf(size, sizeof(size), "%" PRIu64, q->max_size);
	snprintf(now, sizeof(now), "%" PRId64, q->now_ms);
	argv[0] = acct;
	argv[1] = ns;
	argv[2] = q->last_hash != NULL ? q->last_hash : "";
	argv[3] = count;
	argv[4] = size;
	argv[5] = now;
	for (i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_GET, 6, argv, lens,
			      get_done);
}

int
store_msg_hash_list(const redisReply *reply, char (**out)[STORE_HASH_BUF], size_t *n)
{
	char(*list)[STORE_HASH_BUF];
	size_t i;

	*out = NULL;
	*n = 0;
	if (reply->type != REDIS_REPLY_ARRAY)
		return -EPROTO;
	list = calloc(reply->elements > 0 ? reply->elements : 1, sizeof(*list));
	if (list == NULL)
		return -ENOMEM;
	for (i = 0; i < reply->elements; i++) {
		if (!copy_hash(reply->element[i], list[i])) {
			free(list);
			return -EPROTO;
		}
	}
	*out = list;
	*n = reply->elements;
	return 0;
}

static void
delete_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_delete_cb *cb = (store_delete_cb *)o->cb;
	struct store_status st = *status;
	struct store_hash_list res = {0};
	char(*list)[STORE_HASH_BUF] = NULL;

	if (st.rc == 0 && store_msg_hash_list(reply, &list, &res.n) != 0)
		store_status_proto(&st, STORE_SCRIPT_DELETE);
	res.hashes = (const char(*)[STORE_HASH_BUF])list;
	cb(o->arg, &st, st.rc == 0 ? &res : NULL);
	free(list);
	free(o);
}

int
store_msg_delete(struct store *st, const uint8_t *pubkey, const char *const *hashes, size_t n,
		 store_delete_cb *cb, void *arg)
{
	char acct[STORE_ACCOUNT_HEX + 1];
	const char **argv;
	size_t *lens, i;
	int rc;

	if (st == NULL || pubkey == NULL || cb == NULL || hashes == NULL || n == 0 ||
	    n > INT32_MAX - 8)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!hash_ok(hashes[i]))
			return -EINVAL;
	argv = calloc(n + 1, sizeof(*argv));
	lens = calloc(n + 1, sizeof(*lens));
	if (argv == NULL || lens == NULL) {
		free(argv);
		free(lens);
		return -ENOMEM;
	}
	store_account_hex(pubkey, acct);
	argv[0] = acct;
	lens[0] = STORE_ACCOUNT_HEX;
	for (i = 0; i < n; i++) {
		argv[1 + i] = hashes[i];
		lens[1 + i] = STORE_HASH_LEN;
	}
	rc = store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_DELETE, (int)n + 1, argv,
			    lens, delete_done);
	free(argv);
	free(lens);
	return rc;
}

void
store_msg_ns_reply(const redisReply *reply, enum store_script s, const struct store_status *status,
		   store_ns_cb *cb, void *arg)
{
	struct store_status st = *status;
	struct store_ns_result res = {0};
	struct store_ns_hashes *nss = NULL;
	size_t i;

	if (st.rc == 0 && reply->type != REDIS_REPLY_ARRAY)
		store_status_proto(&st, s);
	if (st.rc == 0) {
		nss = calloc(reply->elements > 0 ? reply->elements : 1, sizeof(*nss));
		if (nss == NULL) {
			st.rc = -ENOMEM;
			snprintf(st.text, sizeof(st.text), "store: out of memory");
		}
	}
	for (i = 0; st.rc == 0 && i < reply->elements; i++) {
		const redisReply *e = reply->element[i];
		char(*list)[STORE_HASH_BUF] = NULL;
		int64_t ns;

		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    !store_reply_int(e->element[0], &ns) ||
		    store_msg_hash_list(e->element[1], &list, &nss[i].list.n) != 0) {
			store_status_proto(&st, s);
			break;
		}
		nss[i].ns = (int32_t)ns;
		nss[i].list.hashes = (const char(*)[STORE_HASH_BUF])list;
		res.total += nss[i].list.n;
		res.n_ns = i + 1;
	}
	res.ns = nss;
	cb(arg, &st, st.rc == 0 ? &res : NULL);
	for (i = 0; nss != NULL && i < reply->elements; i++)
		free((void *)(uintptr_t)nss[i].list.hashes);
	free(nss);
}

static void
ns_done(void *arg, const struct store_status *status, const redisReply *reply, enum store_script s)
{
	struct store_op *o = arg;

	store_msg_ns_reply(reply, s, status, (store_ns_cb *)o->cb, o->arg);
	free(o);
}

static void
delete_all_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	ns_done(arg, status, reply, STORE_SCRIPT_DELETE_ALL);
}

static void
delete_before_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	ns_done(arg, status, reply, STORE_SCRIPT_DELETE_BEFORE);
}

int
store_msg_delete_all(struct store *st, const uint8_t *pubkey, int32_t ns, store_ns_cb *cb,
		     void *arg)
{
	char acct[STORE_ACCOUNT_HEX + 1], nstext[12];
	const char *argv[2];
	size_t lens[2];
	int rc;

	if (st == NULL || pubkey == NULL || cb == NULL)
		return -EINVAL;
	rc = store_ns_text(ns, true, nstext);
	if (rc != 0)
		return rc;
	store_account_hex(pubkey, acct);
	argv[0] = acct;
	argv[1] = nstext;
	lens[0] = STORE_ACCOUNT_HEX;
	lens[1] = strlen(nstext);
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_DELETE_ALL, 2, argv, lens,
			      delete_all_done);
}

int
store_msg_delete_before(struct store *st, const uint8_t *pubkey, int32_t ns, int64_t before_ms,
			store_ns_cb *cb, void *arg)
{
	return store_op_start_ns_time(st, pubkey, ns, before_ms, STORE_SCRIPT_DELETE_BEFORE,
				      (store_any_fn *)cb, arg, delete_before_done);
}
