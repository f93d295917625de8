/* SPDX-License-Identifier: MIT */
/* expire, expire_all, get_expiries, sweep. See expire.h. */
#include "expire.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "msg_hash.h"

static bool
hashes_ok(const char *const *hashes, size_t n)
{
	size_t i;

	if (hashes == NULL || n == 0 || n > 100000)
		return false;
	for (i = 0; i < n; i++)
		if (hashes[i] == NULL ||
		    !snc_msg_hash_is_valid(hashes[i], strnlen(hashes[i], STORE_HASH_BUF)))
			return false;
	return true;
}

/* {hash, expiry, ...} -> array; -EPROTO on a bad shape. */
static int
decode_pairs(const redisReply *reply, struct store_hash_expiry **out, size_t *n)
{
	struct store_hash_expiry *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 0)
		return -EPROTO;
	v = calloc(reply->elements / 2 + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < reply->elements / 2; i++) {
		const redisReply *h = reply->element[2 * i];

		if (h->type != REDIS_REPLY_STRING || h->len != STORE_HASH_LEN ||
		    !store_reply_int(reply->element[2 * i + 1], &v[i].expiry_ms)) {
			free(v);
			return -EPROTO;
		}
		memcpy(v[i].hash, h->str, STORE_HASH_LEN);
		v[i].hash[STORE_HASH_LEN] = '\0';
	}
	*out = v;
	*n = reply->elements / 2;
	return 0;
}

static void
set_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_expire_cb *cb = (store_expire_cb *)o->cb;
	struct store_status st = *status;
	struct store_expire_result res = {0};
	struct store_hash_expiry *upd = NULL, *unch = NULL;

	if (st.rc == 0 && (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
			   decode_pairs(reply->element[0], &upd, &res.n_updated) != 0 ||
			   decode_pairs(reply->element[1], &unch, &res.n_unchanged) != 0))
		store_status_proto(&st, STORE_SCRIPT_EXPIRE);
	res.updated = upd;
	res.unchanged = unch;
	cb(o->arg, &st, st.rc == 0 ? &res : NULL);
	free(upd);
	free(unch);
	free(o);
}

int
store_expire_set(struct store *st, const struct store_expire_req *req, store_expire_cb *cb,
		 void *arg)
{
	static const char *const modes[] = {"any", "shorten", "extend"};
	char acct[STORE_ACCOUNT_HEX + 1], now[24], ne[24], (*exps)[24] = NULL;
	const char **argv = NULL;
	size_t *lens = NULL, i, argc;
	int rc = -ENOMEM;

	if (st == NULL || req == NULL || req->pubkey == NULL || cb == NULL ||
	    (unsigned)req->mode > STORE_EXPIRE_EXTEND || !hashes_ok(req->hashes, req->n) ||
	    req->expiries_ms == NULL || (req->n_expiries != 1 && req->n_expiries != req->n))
		return -EINVAL;
	argc = 4 + req->n_expiries + req->n;
	argv = calloc(argc, sizeof(*argv));
	lens = calloc(argc, sizeof(*lens));
	exps = calloc(req->n_expiries, sizeof(*exps));
	if (argv == NULL || lens == NULL || exps == NULL)
		goto out;
	store_account_hex(req->pubkey, acct);
	snprintf(now, sizeof(now), "%" PRId64, req->now_ms);
	snprintf(ne, sizeof(ne), "%zu", req->n_expiries);
	argv[0] = acct;
	argv[1] = modes[req->mode];
	argv[2] = now;
	argv[3] = ne;
	for (i = 0; i < req->n_expiries; i++) {
		snprintf(exps[i], sizeof(exps[i]), "%" PRId64, req->expiries_ms[i]);
		argv[4 + i] = exps[i];
	}
	for (i = 0; i < req->n; i++)
		argv[4 + req->n_expiries + i] = req->hashes[i];
	for (i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	rc = store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_EXPIRE, (int)argc, argv, lens,
			    set_done);
out:
	free(argv);
	free(lens);
	free(exps);
	return rc;
}

static void
all_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;

	store_msg_ns_reply(reply, STORE_SCRIPT_EXPIRE_ALL, status, (store_ns_cb *)o->cb, o->arg);
	free(o);
}

int
store_expire_all(struct store *st, const uint8_t *pubkey, int32_t ns, int64_t expiry_ms,
		 store_ns_cb *cb, void *arg)
{
	return store_op_start_ns_time(st, pubkey, ns, expiry_ms, STORE_SCRIPT_EXPIRE_ALL,
				      (store_any_fn *)cb, arg, all_done);
}

static void
get_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_expiries_cb *cb = (store_expiries_cb *)o->cb;
	struct store_status st = *status;
	struct store_hash_expiry *v = NULL;
	size_t n = 0;

	if (st.rc == 0 && decode_pairs(reply, &v, &n) != 0)
		store_status_proto(&st, STORE_SCRIPT_GET_EXPIRIES);
	cb(o->arg, &st, st.rc == 0 ? n : 0, st.rc == 0 ? v : NULL);
	free(v);
	free(o);
}

int
store_expire_get(struct store *st, const uint8_t *pubkey, const char *const *hashes, size_t n,
		 int64_t now_ms, store_expiries_cb *cb, void *arg)
{
	char acct[STORE_ACCOUNT_HEX + 1], now[24];
	const char **argv;
	size_t *lens, i;
	int rc = -ENOMEM;

	if (st == NULL || pubkey == NULL || cb == NULL || !hashes_ok(hashes, n))
		return -EINVAL;
	argv = calloc(n + 2, sizeof(*argv));
	lens = calloc(n + 2, sizeof(*lens));
	if (argv != NULL && lens != NULL) {
		store_account_hex(pubkey, acct);
		snprintf(now, sizeof(now), "%" PRId64, now_ms);
		argv[0] = acct;
		argv[1] = now;
		for (i = 0; i < n; i++)
			argv[2 + i] = hashes[i];
		for (i = 0; i < n + 2; i++)
			lens[i] = strlen(argv[i]);
		rc = store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_GET_EXPIRIES,
				    (int)n + 2, argv, lens, get_done);
	}
	free(argv);
	free(lens);
	return rc;
}

static void
sweep_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_sweep_cb *cb = (store_sweep_cb *)o->cb;
	struct store_status st = *status;
	int64_t removed = 0, more = 0;

	if (st.rc == 0 && (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
			   !store_reply_int(reply->element[0], &removed) ||
			   !store_reply_int(reply->element[1], &more) || removed < 0))
		store_status_proto(&st, STORE_SCRIPT_SWEEP);
	cb(o->arg, &st, st.rc == 0 ? (uint64_t)removed : 0, st.rc == 0 && more != 0);
	free(o);
}

int
store_expire_sweep(struct store *st, int64_t now_ms, uint32_t limit, store_sweep_cb *cb, void *arg)
{
	char now[24], lim[16];
	const char *argv[2] = {now, lim};
	size_t lens[2];

	if (st == NULL || cb == NULL || limit == 0 || limit > STORE_SWEEP_MAX)
		return -EINVAL;
	snprintf(now, sizeof(now), "%" PRId64, now_ms);
	snprintf(lim, sizeof(lim), "%" PRIu32, limit);
	lens[0] = strlen(now);
	lens[1] = strlen(lim);
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_SWEEP, 2, argv, lens,
			      sweep_done);
}
