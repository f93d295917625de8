/* SPDX-License-Identifier: MIT */
/* Subaccount revocation list per account. See revoke.h. */
#include "revoke.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "keys.h"

_Static_assert(STORE_REVOKE_KEEP == STORE_KEYS_REVOKED_KEEP, "one revocation cap");

static void
count_done(void *arg, const struct store_status *status, const redisReply *reply,
	   enum store_script s)
{
	struct store_op *o = arg;
	store_revoke_cb *cb = (store_revoke_cb *)o->cb;
	struct store_status st = *status;
	int64_t n = 0;

	if (st.rc == 0 && (!store_reply_int(reply, &n) || n < 0))
		store_status_proto(&st, s);
	cb(o->arg, &st, st.rc == 0 ? (uint64_t)n : 0);
	free(o);
}

static void
add_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	count_done(arg, status, reply, STORE_SCRIPT_REVOKE);
}

static void
remove_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	count_done(arg, status, reply, STORE_SCRIPT_UNREVOKE);
}

/* ARGV = account, token... */
static int
run_tokens(struct store *st, const uint8_t *pubkey, const uint8_t *tokens, size_t n,
	   enum store_script s, store_any_fn *cb, void *arg, store_redis_cb *done)
{
	char acct[STORE_ACCOUNT_HEX + 1];
	const char **argv;
	size_t *lens, i;
	int rc = -ENOMEM;

	if (st == NULL || pubkey == NULL || cb == NULL || tokens == NULL || n == 0 ||
	    n > STORE_REVOKE_BATCH_MAX)
		return -EINVAL;
	argv = calloc(n + 1, sizeof(*argv));
	lens = calloc(n + 1, sizeof(*lens));
	if (argv != NULL && lens != NULL) {
		store_account_hex(pubkey, acct);
		argv[0] = acct;
		lens[0] = STORE_ACCOUNT_HEX;
		for (i = 0; i < n; i++) {
			argv[1 + i] = (const char *)tokens + i * STORE_TOKEN_BYTES;
			lens[1 + i] = STORE_TOKEN_BYTES;
		}
		rc = store_op_start(st, cb, arg, s, (int)n + 1, argv, lens, done);
	}
	free(argv);
	free(lens);
	return rc;
}

int
store_revoke_add(struct store *st, const uint8_t *pubkey, const uint8_t *tokens, size_t n,
		 store_revoke_cb *cb, void *arg)
{
	return run_tokens(st, pubkey, tokens, n, STORE_SCRIPT_REVOKE, (store_any_fn *)cb, arg,
			  add_done);
}

int
store_revoke_remove(struct store *st, const uint8_t *pubkey, const uint8_t *tokens, size_t n,
		    store_revoke_cb *cb, void *arg)
{
	return run_tokens(st, pubkey, tokens, n, STORE_SCRIPT_UNREVOKE, (store_any_fn *)cb, arg,
			  remove_done);
}

static void
list_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_revoked_cb *cb = (store_revoked_cb *)o->cb;
	struct store_status st = *status;
	uint8_t *tokens = NULL;
	size_t i, n = 0;

	if (st.rc == 0 && reply->type != REDIS_REPLY_ARRAY)
		store_status_proto(&st, STORE_SCRIPT_REVOKED);
	if (st.rc == 0) {
		n = reply->elements;
		tokens = malloc(n * STORE_TOKEN_BYTES + 1);
		if (tokens == NULL) {
			st.rc = -ENOMEM;
			snprintf(st.text, sizeof(st.text), "store: out of memory");
		}
	}
	for (i = 0; st.rc == 0 && i < n; i++) {
		const redisReply *e = reply->element[i];

		if (e->type != REDIS_REPLY_STRING || e->len != STORE_TOKEN_BYTES)
			store_status_proto(&st, STORE_SCRIPT_REVOKED);
		else
			memcpy(tokens + i * STORE_TOKEN_BYTES, e->str, STORE_TOKEN_BYTES);
	}
	cb(o->arg, &st, st.rc == 0 ? tokens : NULL, st.rc == 0 ? n : 0);
	free(tokens);
	free(o);
}

int
store_revoke_list(struct store *st, const uint8_t *pubkey, store_revoked_cb *cb, void *arg)
{
	char acct[STORE_ACCOUNT_HEX + 1];
	const char *argv[1] = {acct};
	size_t lens[1] = {STORE_ACCOUNT_HEX};

	if (st == NULL || pubkey == NULL || cb == NULL)
		return -EINVAL;
	store_account_hex(pubkey, acct);
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_REVOKED, 1, argv, lens,
			      list_done);
}

static void
check_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_revoke_check_cb *cb = (store_revoke_check_cb *)o->cb;
	struct store_status st = *status;
	int64_t v = 0;

	if (st.rc == 0 && !store_reply_int(reply, &v))
		store_status_proto(&st, STORE_SCRIPT_REVOKE_CHECK);
	cb(o->arg, &st, st.rc == 0 && v != 0);
	free(o);
}

int
store_revoke_check(struct store *st, const uint8_t *pubkey, const uint8_t *token,
		   store_revoke_check_cb *cb, void *arg)
{
	if (token == NULL)
		return -EINVAL;
	return run_tokens(st, pubkey, token, 1, STORE_SCRIPT_REVOKE_CHECK, (store_any_fn *)cb, arg,
			  check_done);
}
