/* SPDX-License-Identifier: MIT */
/* struct store: one Redis connection and the quota settings. See store.h. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

struct store *
store_new(struct event_base *base, const struct store_config *cfg, char *err, size_t errlen)
{
	struct store *st;

	if (cfg == NULL) {
		snprintf(err, errlen, "store: no configuration");
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "store: out of memory");
		return NULL;
	}
	st->account_bytes_max = cfg->account_bytes_max;
	st->total_bytes_max = cfg->total_bytes_max;
	st->full_log_every =
		cfg->full_log_every != 0 ? cfg->full_log_every : STORE_FULL_LOG_EVERY_DEFAULT;
	st->log = cfg->redis.log;
	st->log_arg = cfg->redis.log_arg;
	st->redis = store_redis_new(base, &cfg->redis, err, errlen);
	if (st->redis == NULL) {
		free(st);
		return NULL;
	}
	return st;
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	store_redis_free(st->redis);
	free(st);
}

bool
store_is_ready(const struct store *st)
{
	return st != NULL && store_redis_is_ready(st->redis);
}

const char *
store_last_error(const struct store *st)
{
	return store_redis_last_error(st->redis);
}

int
store_check(const struct store_config *cfg, char *err, size_t errlen)
{
	if (cfg == NULL) {
		snprintf(err, errlen, "store: no configuration");
		return -EINVAL;
	}
	return store_redis_check(&cfg->redis, err, errlen);
}

void
store_account_hex(const uint8_t pubkey[STORE_PUBKEY_BYTES], char out[STORE_ACCOUNT_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < STORE_PUBKEY_BYTES; i++) {
		out[2 * i] = digits[pubkey[i] >> 4];
		out[2 * i + 1] = digits[pubkey[i] & 0xf];
	}
	out[STORE_ACCOUNT_HEX] = '\0';
}

int
store_ns_text(int32_t ns, bool allow_all, char out[12])
{
	if (allow_all && ns == STORE_NS_ALL) {
		memcpy(out, "all", 4);
		return 0;
	}
	if (ns < STORE_NS_MIN || ns > STORE_NS_MAX)
		return -ERANGE;
	snprintf(out, 12, "%d", (int)ns);
	return 0;
}

bool
store_reply_int(const struct redisReply *reply, int64_t *out)
{
	char *end;
	long long v;

	if (reply == NULL)
		return false;
	if (reply->type == REDIS_REPLY_INTEGER) {
		*out = reply->integer;
		return true;
	}
	if (reply->type != REDIS_REPLY_STRING || reply->len == 0 || reply->len > 20)
		return false;
	errno = 0;
	v = strtoll(reply->str, &end, 10);
	if (errno != 0 || end != reply->str + reply->len)
		return false;
	*out = v;
	return true;
}

void
store_status_proto(struct store_status *st, enum store_script s)
{
	st->rc = -EPROTO;
	snprintf(st->text, sizeof(st->text), "redis: unexpected answer to %s",
		 store_scripts_name(s));
}

int
store_op_start(struct store *st, store_any_fn *cb, void *arg, enum store_script s, int argc,
	       const char *const *argv, const size_t *lens, store_redis_cb *done)
{
	struct store_op *o = malloc(sizeof(*o));
	int rc;

	if (o == NULL)
		return -ENOMEM;
	o->st = st;
	o->cb = cb;
	o->arg = arg;
	rc = store_redis_eval(st->redis, s, argc, argv, lens, done, o);
	if (rc != 0)
		free(o);
	return rc;
}

int
store_op_start_ns_time(struct store *st, const uint8_t *pubkey, int32_t ns, int64_t t_ms,
		       enum store_script s, store_any_fn *cb, void *arg, store_redis_cb *done)
{
	char acct[STORE_ACCOUNT_HEX + 1], nstext[12], t[24];
	const char *argv[3] = {acct, nstext, t};
	size_t lens[3];
	int rc;

	if (st == NULL || pubkey == NULL || cb == NULL)
		return -EINVAL;
	rc = store_ns_text(ns, true, nstext);
	if (rc != 0)
		return rc;
	store_account_hex(pubkey, acct);
	snprintf(t, sizeof(t), "%" PRId64, t_ms);
	lens[0] = STORE_ACCOUNT_HEX;
	lens[1] = strlen(nstext);
	lens[2] = strlen(t);
	return store_op_start(st, cb, arg, s, 3, argv, lens, done);
}
