/* SPDX-License-Identifier: MIT */
/* "Store full" errors with throttled logging, and usage totals. See quota.h. */
#include "quota.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <hiredis/hiredis.h>

void
store_quota_full(struct store *st, struct store_status *out, bool account, uint64_t used,
		 uint64_t limit)
{
	char line[STORE_STATUS_TEXT_MAX + 64];

	out->rc = -ENOSPC;
	snprintf(out->text, sizeof(out->text),
		 "store full: %s holds %" PRIu64 " of %" PRIu64 " bytes",
		 account ? "the account" : "the node", used, limit);
	if (st->full_count++ % st->full_log_every != 0 || st->log == NULL)
		return;
	snprintf(line, sizeof(line),
		 "%s (%" PRIu64 " refused stores so far; logged 1 in %" PRIu32 ")", out->text,
		 st->full_count, st->full_log_every);
	st->log(st->log_arg, STORE_LOG_WARNING, line);
}

static void
usage_done(void *arg, const struct store_status *status, const redisReply *reply)
{
	struct store_op *o = arg;
	store_usage_cb *cb = (store_usage_cb *)o->cb;
	struct store_status st = *status;
	struct store_usage u = {0};
	int64_t v[5] = {0};

	if (st.rc == 0 && (reply->type != REDIS_REPLY_ARRAY || reply->elements != 5))
		store_status_proto(&st, STORE_SCRIPT_USAGE);
	for (int i = 0; st.rc == 0 && i < 5; i++)
		if (!store_reply_int(reply->element[i], &v[i]) || v[i] < 0)
			store_status_proto(&st, STORE_SCRIPT_USAGE);
	u.messages = (uint64_t)v[0];
	u.bytes = (uint64_t)v[1];
	u.accounts = (uint64_t)v[2];
	u.tombstones = (uint64_t)v[3];
	u.tombs_evicted = (uint64_t)v[4];
	cb(o->arg, &st, st.rc == 0 ? &u : NULL);
	free(o);
}

int
store_quota_usage(struct store *st, store_usage_cb *cb, void *arg)
{
	if (st == NULL || cb == NULL)
		return -EINVAL;
	return store_op_start(st, (store_any_fn *)cb, arg, STORE_SCRIPT_USAGE, 0, NULL, NULL,
			      usage_done);
}
