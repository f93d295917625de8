/* SPDX-License-Identifier: MIT */
/*
 * The connection to redis-server: a hiredis asynchronous context on the
 * caller's libevent base, over a unix socket (or host:port). It loads the
 * scripts and checks the schema version on every connect, reconnects with
 * exponential backoff when Redis goes away, and gives every request a deadline
 * of its own (hiredis 0.14 has none for async contexts). A request that misses
 * its deadline tears the connection down: Redis answers in order, so everything
 * queued behind it is stuck too. The operator sees one log line when the
 * connection is lost and one when it is back (through store_log_fn), never one
 * per failed request.
 *
 * store_redis_check() is the synchronous startup check: Redis reachable,
 * schema version ours, no eviction, AOF on.
 */
#ifndef STORE_REDIS_H
#define STORE_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scripts.h"

struct event_base;
struct redisReply;

enum {
	STORE_STATUS_TEXT_MAX = 192,	 /* bytes of a status line, NUL included */
	STORE_TIMEOUT_MS_DEFAULT = 5000, /* ms: per request, and per connect + script load */
	STORE_RECONNECT_MIN_MS = 100,	 /* ms: first retry after a failure */
	STORE_RECONNECT_MAX_MS = 5000,	 /* ms: backoff doubles up to this */
};

enum store_log_level {
	STORE_LOG_ERR,
	STORE_LOG_WARNING,
	STORE_LOG_INFO,
};

/* Where the library's few operator-facing lines go (it never prints). */
typedef void store_log_fn(void *arg, enum store_log_level level, const char *line);

/*
 * The outcome of one request. rc is 0 or a negative errno:
 *   -ENOTCONN  not connected, or the connection was lost before the answer
 *   -ETIMEDOUT no answer within the timeout (the connection is then reset)
 *   -EIO       Redis answered with an error (text carries it)
 *   -EPROTO    an answer of an unexpected shape
 *   -ENOSPC    store full (account or total quota); text says which
 * text is one line for an operator; empty when rc is 0.
 */
struct store_status {
	int rc;
	char text[STORE_STATUS_TEXT_MAX];
};

struct store_redis_config {
	const char *unix_path; /* unix socket; when NULL, host:port */
	const char *host;
	int port;
	const char *prefix;	   /* key prefix; NULL: STORE_KEYS_PREFIX_DEFAULT */
	uint32_t timeout_ms;	   /* 0: STORE_TIMEOUT_MS_DEFAULT */
	uint32_t reconnect_min_ms; /* 0: STORE_RECONNECT_MIN_MS */
	uint32_t reconnect_max_ms; /* 0: STORE_RECONNECT_MAX_MS */
	store_log_fn *log;	   /* may be NULL */
	void *log_arg;
};

/*
 * Called exactly once per accepted request, never from inside the call that
 * made it. reply is valid only during the call, and NULL unless st->rc is 0.
 */
typedef void store_redis_cb(void *arg, const struct store_status *st,
			    const struct redisReply *reply);

struct store_redis;

/*
 * Starts connecting (asynchronously; store_redis_is_ready() says when scripts
 * are loaded). Returns NULL with a line in err on a bad configuration or
 * out of memory.
 */
struct store_redis *store_redis_new(struct event_base *base, const struct store_redis_config *cfg,
				    char *err, size_t errlen);

/* Fails every pending request with -ENOTCONN. Not to be called from a callback. */
void store_redis_free(struct store_redis *r);

bool store_redis_is_ready(const struct store_redis *r);

/* Why the connection is not ready (or "" when it is). */
const char *store_redis_last_error(const struct store_redis *r);

/*
 * Runs script s with ARGV = prefix, argv[0..argc). Returns 0 (cb will be
 * called), -ENOTCONN when not ready, -EINVAL or -ENOMEM; cb is not called
 * when the return is negative.
 */
int store_redis_eval(struct store_redis *r, enum store_script s, int argc, const char *const *argv,
		     const size_t *lens, store_redis_cb *cb, void *arg);

/*
 * Synchronous startup check with the configured timeout: Redis answers PING,
 * the schema version under the prefix is ours or absent, maxmemory-policy is
 * noeviction and appendonly is yes (skipped when CONFIG is disabled). Returns
 * 0, -ECONNREFUSED (unreachable), -EPROTO (schema version), -EINVAL (Redis
 * configuration), with one line in err.
 */
int store_redis_check(const struct store_redis_config *cfg, char *err, size_t errlen);

#endif
