/* SPDX-License-Identifier: MIT */
/*
 * A short-lived, blocking hiredis connection to the Redis that holds a
 * registry log (registry_redis.h) and the Lua calls its reader and writers
 * make. Blocking on purpose: the reader runs from snode-control's 1 s timer
 * and every call is bounded by the timeout (a unix socket answers at once;
 * a dead TCP peer costs at most the timeout per attempt, and the reader backs
 * off while Redis is down). The registry Redis may be another server than the
 * node's storage Redis.
 */
#ifndef CTL_REGISTRY_REDIS_CONN_H
#define CTL_REGISTRY_REDIS_CONN_H

#include <stddef.h>

struct redisContext;
struct redisReply;

enum {
	CTL_RR_TIMEOUT_MS = 500, /* connect and every command */
};

/*
 * Connects to addr (an absolute unix socket path, or host:port) with
 * timeout_ms for the connect and every later command. NULL with "redis at
 * ADDR: reason" in err.
 */
struct redisContext *ctl_rr_connect(const char *addr, int timeout_ms, char *err, size_t errlen);

/*
 * EVAL script with one key and argc binary-safe arguments (lens may be NULL
 * for NUL-terminated ones). Returns 0 with the reply in *out
 * (freeReplyObject it), or with *out NULL and a reason in err:
 *   -ECONNREFUSED  the connection failed (c->err set: drop it)
 *   -EIO           Redis answered an error (its text in err)
 *   -ENOMEM / -E2BIG  out of memory / more than 4104 arguments
 */
int ctl_rr_eval(struct redisContext *c, const char *script, const char *key, int argc,
		const char *const *argv, const size_t *lens, struct redisReply **out, char *err,
		size_t errlen);

#endif
