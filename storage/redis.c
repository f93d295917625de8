/* SPDX-License-Identifier: MIT */
/*
 * hiredis async context on libevent: connect, load scripts, check the schema,
 * per-request deadlines, reconnect with backoff. See redis.h.
 */
#include "redis.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "keys.h"

enum {
	SHA_HEX = 40,	 /* characters of a script SHA1 */
	PATH_TEXT = 108, /* sun_path */
	HOST_TEXT = 256,
	WHERE_TEXT = HOST_TEXT + 16, /* "unix:" path, or host:port */
};

struct store_redis {
	struct event_base *base;
	char unix_path[PATH_TEXT];
	char host[HOST_TEXT];
	int port;
	char prefix[STORE_KEYS_PREFIX_MAX + 1];
	uint32_t timeout_ms;
	uint32_t backoff_min_ms, backoff_max_ms, backoff_ms;
	store_log_fn *log;
	void *log_arg;

	redisAsyncContext *ac; /* NULL while down */
	bool ready;	       /* scripts loaded, schema checked */
	int init_pending;      /* replies still awaited during connect */
	bool init_failed;
	bool was_ready; /* log "lost" once per outage, "back" once */
	bool failure_logged;
	char sha[STORE_SCRIPT_COUNT][SHA_HEX + 1];
	struct event *reconnect_ev;
	struct event *init_ev; /* deadline for connect + script load */
	char last_error[STORE_STATUS_TEXT_MAX];
};

/* One request in flight. argv/lens are owned copies, kept for the EVAL retry. */
struct req {
	struct store_redis *r;
	store_redis_cb *cb;
	void *arg;
	struct event *timer;
	enum store_script script;
	bool done; /* cb already called (timeout); waiting for hiredis to let go */
	bool retried;
	int argc;
	const char **argv;
	size_t *lens;
	char *buf;
};

static void start_connect(struct store_redis *r);

static void __attribute__((format(printf, 3, 4)))
log_line(struct store_redis *r, enum store_log_level level, const char *fmt, ...)
{
	char line[STORE_STATUS_TEXT_MAX + 64];
	va_list ap;

	if (r->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->log(r->log_arg, level, line);
}

static void
where(const struct store_redis *r, char *out, size_t cap)
{
	if (r->unix_path[0] != '\0')
		snprintf(out, cap, "unix:%s", r->unix_path);
	else
		snprintf(out, cap, "%s:%d", r->host, r->port);
}

/* Records why we are down; logs it once per outage (not per retry). */
static void __attribute__((format(printf, 2, 3)))
set_down(struct store_redis *r, const char *fmt, ...)
{
	char w[WHERE_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->last_error, sizeof(r->last_error), fmt, ap);
	va_end(ap);
	r->ready = false;
	if (!r->failure_logged) {
		where(r, w, sizeof(w));
		log_line(r, STORE_LOG_ERR, "redis %s: %s", w, r->last_error);
		r->failure_logged = true;
	}
}

static void
schedule_reconnect(struct store_redis *r)
{
	struct timeval tv;

	if (r->init_ev != NULL)
		evtimer_del(r->init_ev);
	if (evtimer_pending(r->reconnect_ev, NULL))
		return;
	tv.tv_sec = r->backoff_ms / 1000;
	tv.tv_usec = (r->backoff_ms % 1000) * 1000;
	evtimer_add(r->reconnect_ev, &tv);
	r->backoff_ms =
		r->backoff_ms * 2 > r->backoff_max_ms ? r->backoff_max_ms : r->backoff_ms * 2;
}

/* Drops the current context (if any) and retries later. */
static void
drop_connection(struct store_redis *r)
{
	redisAsyncContext *ac = r->ac;

	r->ac = NULL;
	r->ready = false;
	schedule_reconnect(r);
	if (ac != NULL)
		redisAsyncFree(ac);
}

static void
on_reconnect(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	start_connect(arg);
}

static void
on_init_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct store_redis *r = arg;

	(void)fd;
	(void)what;
	if (r->ready)
		return;
	set_down(r, "no answer to connect and script load within %u ms", r->timeout_ms);
	drop_connection(r);
}

static void
on_connect(const redisAsyncContext *c, int status)
{
	struct store_redis *r = c->data;

	if (status == REDIS_OK || r == NULL || c != r->ac)
		return;
	/* hiredis frees c after this returns. */
	r->ac = NULL;
	set_down(r, "cannot connect: %s", c->errstr);
	schedule_reconnect(r);
}

static void
on_disconnect(const redisAsyncContext *c, int status)
{
	struct store_redis *r = c->data;

	if (r == NULL || c != r->ac)
		return;
	r->ac = NULL;
	set_down(r, "connection lost: %s", status == REDIS_OK ? "closed" : c->errstr);
	schedule_reconnect(r);
}

static void
on_init_reply(redisAsyncContext *c, void *reply_, void *priv)
{
	struct store_redis *r = c->data;
	redisReply *reply = reply_;
	size_t i = (size_t)(uintptr_t)priv;
	char w[WHERE_TEXT];

	if (r == NULL || c != r->ac || reply == NULL)
		return; /* stale context, or going down: on_disconnect handles it */
	if (reply->type == REDIS_REPLY_ERROR) {
		set_down(r, "script %s refused: %s",
			 i < STORE_SCRIPT_COUNT ? store_scripts_name((enum store_script)i)
						: "schema",
			 reply->str);
		r->init_failed = true;
	} else if (i < STORE_SCRIPT_COUNT) {
		if (reply->type != REDIS_REPLY_STRING || reply->len != SHA_HEX) {
			set_down(r, "unexpected SCRIPT LOAD answer");
			r->init_failed = true;
		} else {
			memcpy(r->sha[i], reply->str, SHA_HEX + 1);
		}
	} else if (reply->type != REDIS_REPLY_STRING ||
		   atoi(reply->str) != STORE_KEYS_SCHEMA_VERSION) {
		set_down(r, "schema version %s under prefix \"%s\", this build needs %d",
			 reply->type == REDIS_REPLY_STRING ? reply->str : "?", r->prefix,
			 STORE_KEYS_SCHEMA_VERSION);
		r->init_failed = true;
	}
	if (--r->init_pending > 0)
		return;
	if (r->init_failed) {
		drop_connection(r); /* hiredis defers the free until we return */
		return;
	}
	evtimer_del(r->init_ev);
	r->ready = true;
	r->last_error[0] = '\0';
	r->backoff_ms = r->backoff_min_ms;
	if (!r->was_ready || r->failure_logged) {
		where(r, w, sizeof(w));
		log_line(r, STORE_LOG_INFO, "redis %s: connected", w);
	}
	r->was_ready = true;
	r->failure_logged = false;
}

/* Queues SCRIPT LOAD for every script, then the schema check, in one go. */
static void
send_init(struct store_redis *r)
{
	const char *argv[5];
	size_t lens[5];
	char version[16];
	size_t i;

	r->init_pending = 0;
	r->init_failed = false;
	for (i = 0; i < STORE_SCRIPT_COUNT; i++) {
		argv[0] = "SCRIPT";
		argv[1] = "LOAD";
		argv[2] = store_scripts_source((enum store_script)i);
		lens[0] = 6;
		lens[1] = 4;
		lens[2] = strlen(argv[2]);
		if (redisAsyncCommandArgv(r->ac, on_init_reply, (void *)(uintptr_t)i, 3, argv,
					  lens) == REDIS_OK)
			r->init_pending++;
	}
	snprintf(version, sizeof(version), "%d", STORE_KEYS_SCHEMA_VERSION);
	argv[0] = "EVAL";
	argv[1] = store_scripts_source(STORE_SCRIPT_SCHEMA);
	argv[2] = "0";
	argv[3] = r->prefix;
	argv[4] = version;
	for (i = 0; i < 5; i++)
		lens[i] = strlen(argv[i]);
	if (redisAsyncCommandArgv(r->ac, on_init_reply, (void *)(uintptr_t)STORE_SCRIPT_COUNT, 5,
				  argv, lens) == REDIS_OK)
		r->init_pending++;
	if (r->init_pending != STORE_SCRIPT_COUNT + 1) {
		set_down(r, "cannot queue the script load");
		drop_connection(r);
	}
}

static void
start_connect(struct store_redis *r)
{
	redisAsyncContext *ac;
	struct timeval tv = {.tv_sec = r->timeout_ms / 1000,
			     .tv_usec = (r->timeout_ms % 1000) * 1000};

	if (r->unix_path[0] != '\0')
		ac = redisAsyncConnectUnix(r->unix_path);
	else
		ac = redisAsyncConnect(r->host, r->port);
	if (ac == NULL) {
		set_down(r, "cannot connect: out of memory");
		schedule_reconnect(r);
		return;
	}
	if (ac->err != 0) {
		set_down(r, "cannot connect: %s", ac->errstr);
		redisAsyncFree(ac);
		schedule_reconnect(r);
		return;
	}
	ac->data = r;
	if (redisLibeventAttach(ac, r->base) != REDIS_OK) {
		set_down(r, "cannot attach to the event loop");
		redisAsyncFree(ac);
		schedule_reconnect(r);
		return;
	}
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	r->ac = ac;
	evtimer_add(r->init_ev, &tv);
	send_init(r);
}

static int
copy_config(struct store_redis *r, const struct store_redis_config *cfg, char *err, size_t errlen)
{
	const char *prefix = cfg->prefix != NULL ? cfg->prefix : STORE_KEYS_PREFIX_DEFAULT;

	if (cfg->unix_path != NULL) {
		if (cfg->unix_path[0] == '\0' || strlen(cfg->unix_path) >= sizeof(r->unix_path)) {
			snprintf(err, errlen, "redis unix socket path \"%s\" is empty or too long",
				 cfg->unix_path);
			return -EINVAL;
		}
		snprintf(r->unix_path, sizeof(r->unix_path), "%s", cfg->unix_path);
	} else if (cfg->host == NULL || cfg->host[0] == '\0' ||
		   strlen(cfg->host) >= sizeof(r->host) || cfg->port <= 0 || cfg->port > 65535) {
		snprintf(err, errlen, "redis: neither a unix socket nor a valid host:port given");
		return -EINVAL;
	} else {
		snprintf(r->host, sizeof(r->host), "%s", cfg->host);
		r->port = cfg->port;
	}
	if (strlen(prefix) > STORE_KEYS_PREFIX_MAX) {
		snprintf(err, errlen, "redis key prefix \"%s\" is longer than %d characters",
			 prefix, STORE_KEYS_PREFIX_MAX);
		return -EINVAL;
	}
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	r->timeout_ms = cfg->timeout_ms != 0 ? cfg->timeout_ms : STORE_TIMEOUT_MS_DEFAULT;
	r->backoff_min_ms =
		cfg->reconnect_min_ms != 0 ? cfg->reconnect_min_ms : STORE_RECONNECT_MIN_MS;
	r->backoff_max_ms =
		cfg->reconnect_max_ms != 0 ? cfg->reconnect_max_ms : STORE_RECONNECT_MAX_MS;
	if (r->backoff_max_ms < r->backoff_min_ms)
		r->backoff_max_ms = r->backoff_min_ms;
	r->backoff_ms = r->backoff_min_ms;
	r->log = cfg->log;
	r->log_arg = cfg->log_arg;
	return 0;
}

struct store_redis *
store_redis_new(struct event_base *base, const struct store_redis_config *cfg, char *err,
		size_t errlen)
{
	struct store_redis *r;

	if (base == NULL || cfg == NULL) {
		snprintf(err, errlen, "redis: no event base or configuration");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		snprintf(err, errlen, "redis: out of memory");
		return NULL;
	}
	r->base = base;
	if (copy_config(r, cfg, err, errlen) != 0) {
		free(r);
		return NULL;
	}
	r->reconnect_ev = evtimer_new(base, on_reconnect, r);
	r->init_ev = evtimer_new(base, on_init_timeout, r);
	if (r->reconnect_ev == NULL || r->init_ev == NULL) {
		snprintf(err, errlen, "redis: out of memory");
		store_redis_free(r);
		return NULL;
	}
	snprintf(r->last_error, sizeof(r->last_error), "connecting");
	start_connect(r);
	return r;
}

void
store_redis_free(struct store_redis *r)
{
	redisAsyncContext *ac;

	if (r == NULL)
		return;
	ac = r->ac;
	r->ac = NULL;
	r->ready = false;
	snprintf(r->last_error, sizeof(r->last_error), "store closed");
	if (ac != NULL)
		redisAsyncFree(ac); /* pending requests fail with -ENOTCONN */
	if (r->reconnect_ev != NULL)
		event_free(r->reconnect_ev);
	if (r->init_ev != NULL)
		event_free(r->init_ev);
	free(r);
}

bool
store_redis_is_ready(const struct store_redis *r)
{
	return r != NULL && r->ready;
}

const char *
store_redis_last_error(const struct store_redis *r)
{
	return r->ready ? "" : r->last_error;
}

static void
free_req(struct req *q)
{
	if (q->timer != NULL)
		event_free(q->timer);
	free(q->argv);
	free(q->lens);
	free(q->buf);
	free(q);
}

static void __attribute__((format(printf, 4, 5)))
deliver(struct req *q, const redisReply *reply, int rc, const char *fmt, ...)
{
	struct store_status st = {.rc = rc};
	va_list ap;

	evtimer_del(q->timer);
	q->done = true;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(st.text, sizeof(st.text), fmt, ap);
		va_end(ap);
	}
	q->cb(q->arg, &st, rc == 0 ? reply : NULL);
}

static void
on_reply(redisAsyncContext *c, void *reply_, void *priv)
{
	struct req *q = priv;
	struct store_redis *r = q->r;
	redisReply *reply = reply_;
	const char *name = store_scripts_name(q->script);

	if (q->done) {
		free_req(q);
		return;
	}
	if (reply == NULL) {
		deliver(q, NULL, -ENOTCONN, "redis: connection lost before the %s answer (%s)",
			name, c->err != 0 ? c->errstr : r->last_error);
		free_req(q);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR && !q->retried &&
	    strncmp(reply->str, "NOSCRIPT", 8) == 0) {
		/* Script cache flushed behind our back: send the source this once. */
		q->retried = true;
		q->argv[0] = "EVAL";
		q->lens[0] = 4;
		q->argv[1] = store_scripts_source(q->script);
		q->lens[1] = strlen(q->argv[1]);
		if (redisAsyncCommandArgv(c, on_reply, q, q->argc, q->argv, q->lens) == REDIS_OK)
			return;
		deliver(q, NULL, -ENOTCONN, "redis: cannot resend %s", name);
		free_req(q);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR)
		deliver(q, NULL, -EIO, "redis: %s failed: %s", name, reply->str);
	else
		deliver(q, reply, 0, NULL);
	free_req(q);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct req *q = arg;
	struct store_redis *r = q->r;

	(void)fd;
	(void)what;
	deliver(q, NULL, -ETIMEDOUT, "redis: no answer to %s within %u ms",
		store_scripts_name(q->script), r->timeout_ms);
	/* Everything queued behind this request is stuck as well: start over. */
	set_down(r, "request timed out after %u ms", r->timeout_ms);
	drop_connection(r); /* hiredis now calls on_reply(NULL), which frees q */
}

int
store_redis_eval(struct store_redis *r, enum store_script s, int argc, const char *const *argv,
		 const size_t *lens, store_redis_cb *cb, void *arg)
{
	struct timeval tv;
	struct req *q;
	size_t total = 0, off = 0;
	int i, n = argc + 4;

	if (r == NULL || cb == NULL || (unsigned)s >= STORE_SCRIPT_COUNT || argc < 0 ||
	    (argc > 0 && (argv == NULL || lens == NULL)))
		return -EINVAL;
	if (!r->ready || r->ac == NULL)
		return -ENOTCONN;
	for (i = 0; i < argc; i++)
		total += lens[i];
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->argv = calloc((size_t)n, sizeof(*q->argv));
	q->lens = calloc((size_t)n, sizeof(*q->lens));
	q->buf = malloc(total + 1);
	q->timer = evtimer_new(r->base, on_timeout, q);
	if (q->argv == NULL || q->lens == NULL || q->buf == NULL || q->timer == NULL) {
		free_req(q);
		return -ENOMEM;
	}
	q->r = r;
	q->cb = cb;
	q->arg = arg;
	q->script = s;
	q->argc = n;
	q->argv[0] = "EVALSHA";
	q->argv[1] = r->sha[s];
	q->argv[2] = "0";
	q->argv[3] = r->prefix;
	q->lens[0] = 7;
	q->lens[1] = SHA_HEX;
	q->lens[2] = 1;
	q->lens[3] = strlen(r->prefix);
	for (i = 0; i < argc; i++) {
		if (lens[i] > 0)
			memcpy(q->buf + off, argv[i], lens[i]);
		q->argv[4 + i] = q->buf + off;
		q->lens[4 + i] = lens[i];
		off += lens[i];
	}
	if (redisAsyncCommandArgv(r->ac, on_reply, q, q->argc, q->argv, q->lens) != REDIS_OK) {
		free_req(q);
		return -ENOTCONN;
	}
	tv.tv_sec = r->timeout_ms / 1000;
	tv.tv_usec = (r->timeout_ms % 1000) * 1000;
	evtimer_add(q->timer, &tv);
	return 0;
}

/* One synchronous command; returns the reply or NULL with err filled. */
static redisReply *__attribute__((format(printf, 4, 5)))
sync_command(redisContext *c, char *err, size_t errlen, const char *fmt, ...)
{
	redisReply *reply;
	va_list ap;

	va_start(ap, fmt);
	reply = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (reply == NULL)
		snprintf(err, errlen, "redis: no answer: %s", c->errstr);
	return reply;
}

/* CONFIG GET name -> value, or "" when CONFIG is refused (renamed away). */
static int
config_get(redisContext *c, const char *name, char *out, size_t cap, char *err, size_t errlen)
{
	redisReply *reply = sync_command(c, err, errlen, "CONFIG GET %s", name);

	if (reply == NULL)
		return -ECONNREFUSED;
	out[0] = '\0';
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
	    reply->element[1]->type == REDIS_REPLY_STRING)
		snprintf(out, cap, "%s", reply->element[1]->str);
	freeReplyObject(reply);
	return 0;
}

int
store_redis_check(const struct store_redis_config *cfg, char *err, size_t errlen)
{
	struct store_redis r = {0};
	struct timeval tv;
	redisContext *c;
	redisReply *reply;
	char w[WHERE_TEXT], value[64];
	int rc = 0;

	if (cfg == NULL || copy_config(&r, cfg, err, errlen) != 0)
		return -EINVAL;
	where(&r, w, sizeof(w));
	tv.tv_sec = r.timeout_ms / 1000;
	tv.tv_usec = (r.timeout_ms % 1000) * 1000;
	c = r.unix_path[0] != '\0' ? redisConnectUnixWithTimeout(r.unix_path, tv)
				   : redisConnectWithTimeout(r.host, r.port, tv);
	if (c == NULL || c->err != 0) {
		snprintf(err, errlen, "redis %s: cannot connect: %s", w,
			 c != NULL ? c->errstr : "out of memory");
		redisFree(c);
		return -ECONNREFUSED;
	}
	redisSetTimeout(c, tv);
	reply = sync_command(c, err, errlen, "GET %s%s", r.prefix, STORE_KEYS_SCHEMA);
	if (reply == NULL) {
		rc = -ECONNREFUSED;
	} else if (reply->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "redis %s: %s", w, reply->str);
		rc = -ECONNREFUSED;
	} else if (reply->type == REDIS_REPLY_STRING &&
		   atoi(reply->str) != STORE_KEYS_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "redis %s: schema version %s under prefix \"%s\", this build needs %d", w,
			 reply->str, r.prefix, STORE_KEYS_SCHEMA_VERSION);
		rc = -EPROTO;
	}
	freeReplyObject(reply);
	if (rc == 0)
		rc = config_get(c, "maxmemory-policy", value, sizeof(value), err, errlen);
	if (rc == 0 && value[0] != '\0' && strcmp(value, "noeviction") != 0) {
		snprintf(err, errlen,
			 "redis %s: maxmemory-policy is %s; it must be noeviction so that Redis "
			 "never drops a stored message",
			 w, value);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = config_get(c, "appendonly", value, sizeof(value), err, errlen);
	if (rc == 0 && strcmp(value, "no") == 0) {
		snprintf(err, errlen,
			 "redis %s: appendonly is off; acknowledged messages would not survive a "
			 "Redis restart",
			 w);
		rc = -EINVAL;
	}
	redisFree(c);
	return rc;
}
