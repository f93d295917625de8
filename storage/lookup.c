/* SPDX-License-Identifier: MIT */
/* Messages by (account, hash) for storage-proof tests. See lookup.h. */
#include "lookup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "msg_hash.h"

/* The reply: (ns|"", data|"") per key; false on any other shape. */
static bool
decode(const redisReply *reply, struct store_lookup_item *items, size_t n)
{
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const redisReply *ns = reply->element[2 * i], *d = reply->element[2 * i + 1];
		int64_t v;

		if (ns->type != REDIS_REPLY_STRING || d->type != REDIS_REPLY_STRING)
			return false;
		if (ns->len == 0) {
			items[i] = (struct store_lookup_item){0};
			continue;
		}
		if (!store_reply_int(ns, &v) || v < STORE_NS_MIN || v > STORE_NS_MAX ||
		    d->len > STORE_DATA_MAX)
			return false;
		items[i] = (struct store_lookup_item){.found = true,
						      .ns = (int32_t)v,
						      .data = (const uint8_t *)d->str,
						      .len = d->len};
	}
	/* all or nothing (the script read no data): one absent key, none found */
	for (size_t i = 0; i < n; i++)
		if (!items[i].found) {
			memset(items, 0, n * sizeof(*items));
			break;
		}
	return true;
}

static void
lookup_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_lookup_cb *cb = (store_lookup_cb *)o->cb;
	struct store_status st = *status;
	struct store_lookup_item items[STORE_LOOKUP_MAX];
	size_t n = 0;

	if (st.rc == 0) {
		n = reply->type == REDIS_REPLY_ARRAY ? reply->elements / 2 : 0;
		if (n == 0 || n > STORE_LOOKUP_MAX || !decode(reply, items, n))
			store_status_proto(&st, STORE_SCRIPT_LOOKUP);
	}
	cb(o->arg, &st, st.rc == 0 ? items : NULL, st.rc == 0 ? n : 0);
	free(o);
}

int
store_msg_lookup(struct store *st, const struct store_lookup_key *keys, size_t n, int64_t now_ms,
		 store_lookup_cb *cb, void *arg)
{
	const char *argv[1 + 2 * STORE_LOOKUP_MAX];
	size_t lens[1 + 2 * STORE_LOOKUP_MAX];
	char now[24], acct[STORE_LOOKUP_MAX][STORE_ACCOUNT_HEX + 1];

	if (st == NULL || keys == NULL || cb == NULL || n == 0 || n > STORE_LOOKUP_MAX)
		return -EINVAL;
	snprintf(now, sizeof(now), "%" PRId64, now_ms);
	argv[0] = now;
	lens[0] = strlen(now);
	for (size_t i = 0; i < n; i++) {
		if (!snc_msg_hash_is_valid(keys[i].hash, strnlen(keys[i].hash, STORE_HASH_BUF)))
			return -EINVAL;
		store_account_hex(keys[i].pubkey, acct[i]);
		argv[1 + 2 * i] = acct[i];
		lens[1 + 2 * i] = STORE_ACCOUNT_HEX;
		argv[2 + 2 * i] = keys[i].hash;
		lens[2 + 2 * i] = STORE_HASH_LEN;
	}
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_LOOKUP, (int)(1 + 2 * n),
			      argv, lens, lookup_done);
}
