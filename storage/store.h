/* SPDX-License-Identifier: MIT */
/*
 * libsnstore: message storage for snode-control on Redis (schema in keys.h).
 * A struct store is one connection (redis.h) plus the quota configuration.
 * The operations live in msg.h (store/retrieve/delete), expire.h (expiries,
 * sweep), revoke.h (subaccount revocations) and quota.h (usage, "store full").
 *
 * Every operation is asynchronous on the caller's libevent base: it returns 0
 * and later calls its callback exactly once (never from inside the call), or
 * returns a negative errno (-EINVAL bad argument, -ENOTCONN Redis not ready,
 * -ENOMEM) and never calls it. A write is acknowledged (callback with rc 0)
 * only after Redis executed it; with appendfsync always that is after the
 * fsync of the AOF. Results passed to callbacks live only during the call.
 * Do not call store_free() from inside a callback.
 *
 * The process must ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)): hiredis 0.14
 * writes to the socket with write(), so a Redis that dies mid-request would
 * otherwise kill the caller. A library does not change signal dispositions.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redis.h"

struct event_base;

enum {
	STORE_PUBKEY_BYTES = 33,	     /* netid || key */
	STORE_ACCOUNT_HEX = 66,		     /* hex characters of a pubkey */
	STORE_HASH_LEN = 43,		     /* characters of a message hash */
	STORE_HASH_BUF = 44,		     /* + NUL */
	STORE_TOKEN_BYTES = 36,		     /* subaccount token */
	STORE_NS_MIN = -32768,		     /* namespaces are int16 */
	STORE_NS_MAX = 32767,		     /* */
	STORE_NS_ALL = 0x10000,		     /* "all" for delete_all/delete_before/expire_all */
	STORE_DATA_MAX = 76800,		     /* bytes of one message (MAX_MESSAGE_BODY) */
	STORE_FULL_LOG_EVERY_DEFAULT = 1000, /* "store full" failures per log line */
};

struct store_config {
	struct store_redis_config redis;
	uint64_t account_bytes_max; /* data bytes per account; 0: no limit */
	uint64_t total_bytes_max;   /* data bytes over all accounts; 0: no limit */
	uint32_t full_log_every;    /* log 1 in N "store full" failures; 0: default */
};

/* Read by the operation files (msg.c, quota.c...); callers treat it as opaque. */
struct store {
	struct store_redis *redis;
	uint64_t account_bytes_max;
	uint64_t total_bytes_max;
	uint32_t full_log_every;
	uint64_t full_count; /* "store full" failures since start */
	store_log_fn *log;
	void *log_arg;
};

/* Starts connecting; NULL with one line in err on a bad configuration. */
struct store *store_new(struct event_base *base, const struct store_config *cfg, char *err,
			size_t errlen);
void store_free(struct store *st);

/* True once connected, scripts loaded and the schema checked. */
bool store_is_ready(const struct store *st);

/* Why not ready ("" when ready). */
const char *store_last_error(const struct store *st);

/* Synchronous startup check (store_redis_check on cfg->redis). */
int store_check(const struct store_config *cfg, char *err, size_t errlen);

/* --- for the operation files --- */

/* pubkey (33 bytes) as 66 lower-case hex characters and a NUL. */
void store_account_hex(const uint8_t pubkey[STORE_PUBKEY_BYTES], char out[STORE_ACCOUNT_HEX + 1]);

/* Namespace (or STORE_NS_ALL when allow_all) as Redis sees it; -ERANGE outside. */
int store_ns_text(int32_t ns, bool allow_all, char out[12]);

/* An integer reply, or a string reply holding a decimal integer. */
bool store_reply_int(const struct redisReply *reply, int64_t *out);

/* Callback and argument of one operation, kept until Redis answers. */
typedef void store_any_fn(void);
struct store_op {
	struct store *st;
	store_any_fn *cb; /* the operation's typed callback */
	void *arg;
};

/*
 * Allocates a store_op and runs script s with done(op, ...); done must free(op).
 * Returns what store_redis_eval returns (the op is freed when refused).
 */
int store_op_start(struct store *st, store_any_fn *cb, void *arg, enum store_script s, int argc,
		   const char *const *argv, const size_t *lens, store_redis_cb *done);

/*
 * store_op_start of script s over (account hex, namespace text with "all"
 * allowed, decimal t_ms): the shape of the whole-namespace operations
 * (delete_before, expire_all). -EINVAL without st, pubkey or cb.
 */
int store_op_start_ns_time(struct store *st, const uint8_t *pubkey, int32_t ns, int64_t t_ms,
			   enum store_script s, store_any_fn *cb, void *arg, store_redis_cb *done);

/* Fills st with -EPROTO for an answer of an unexpected shape to script s. */
void store_status_proto(struct store_status *st, enum store_script s);

#endif
