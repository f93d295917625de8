/* SPDX-License-Identifier: MIT */
/*
 * Registry list loading and reloading (see registry_redis.h). The two Lua
 * calls keep every read consistent without locks: the probe reads the length
 * and the last entry atomically, and each read of new entries checks, in the
 * same call, that the entries before them are the ones already replayed.
 */
#include "registry_redis.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_redis_conn.h"

enum {
	READ_RESTARTS = 3, /* the list changed under a read this often in a row: try later */
};

#define SHA1_EMPTY "da39a3ee5e6b4b0d3255bfef95601890afd80709"

/* ARGV[1] "1": also the SHA-1 of every entry (the deep check). */
static const char PROBE[] =
	"local len = redis.call('LLEN', KEYS[1])\n"
	"local tail = ''\n"
	"if len > 0 then tail = redis.call('LINDEX', KEYS[1], -1) end\n"
	"local d = ''\n"
	"if ARGV[1] == '1' then\n"
	"  local all = redis.call('LRANGE', KEYS[1], 0, -1)\n"
	"  if #all > 0 then d = redis.sha1hex(table.concat(all, '\\n') .. '\\n')\n"
	"  else d = redis.sha1hex('') end\n"
	"end\n"
	"return {len, tail, d}\n";

/* ARGV: start, SHA-1 of the entries before start, max entries. Returns {len, 0}
 * when those entries changed, else {len, 1, SHA-1 up to the last returned, entries...}. */
static const char READ[] =
	"local start, max = tonumber(ARGV[1]), tonumber(ARGV[3])\n"
	"local len = redis.call('LLEN', KEYS[1])\n"
	"local pre = ''\n"
	"if start > 0 then\n"
	"  if len < start then return {len, 0} end\n"
	"  pre = table.concat(redis.call('LRANGE', KEYS[1], 0, start - 1), '\\n') .. '\\n'\n"
	"end\n"
	"if redis.sha1hex(pre) ~= ARGV[2] then return {len, 0} end\n"
	"local new = {}\n"
	"if max > 0 and start < len then\n"
	"  new = redis.call('LRANGE', KEYS[1], start, start + max - 1)\n"
	"end\n"
	"local all = pre\n"
	"if #new > 0 then all = pre .. table.concat(new, '\\n') .. '\\n' end\n"
	"local out = {len, 1, redis.sha1hex(all)}\n"
	"for i = 1, #new do out[#out + 1] = new[i] end\n"
	"return out\n";

/* The outcome of one replay, moved into r on success. */
struct replay {
	struct ctl_registry reg;
	uint64_t lines, open_line;
	char digest[41];
	struct ctl_registry_redis_seen end; /* the list as read: length, last entry, digest */
	bool incremental;
};

static void
drop_conn(struct ctl_registry_redis *r)
{
	if (r->conn != NULL)
		redisFree(r->conn);
	r->conn = NULL;
}

/* One Lua call; -ECONNREFUSED (no connection, or it broke) or -EIO (an error reply). */
static int
call(struct ctl_registry_redis *r, const char *script, int argc, const char *const *argv,
     redisReply **out, char *err, size_t errlen)
{
	char why[300];
	int rc;

	*out = NULL;
	if (r->conn == NULL &&
	    (r->conn = ctl_rr_connect(r->addr, r->timeout_ms, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s: %s", r->name, why);
		return -ECONNREFUSED;
	}
	rc = ctl_rr_eval(r->conn, script, r->key, argc, argv, NULL, out, why, sizeof(why));
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "%s: %s", r->name, why);
	if (rc == -ECONNREFUSED)
		drop_conn(r);
	return rc == -E2BIG ? -EIO : rc;
}

static int
shape_error(struct ctl_registry_redis *r, redisReply *reply, char *err, size_t errlen)
{
	freeReplyObject(reply);
	snprintf(err, errlen, "%s: unexpected answer from Redis", r->name);
	return -EIO;
}

static void
set_tail(struct ctl_registry_redis_seen *s, const char *str, size_t len)
{
	size_t keep = len < sizeof(s->tail) - 1 ? len : sizeof(s->tail) - 1;

	memcpy(s->tail, str, keep);
	s->tail[keep] = '\0';
	s->tail_len = len;
}

static int
probe(struct ctl_registry_redis *r, bool deep, struct ctl_registry_redis_seen *now, char *err,
      size_t errlen)
{
	const char *argv[1] = {deep ? "1" : "0"};
	redisReply *rep;
	int rc = call(r, PROBE, 1, argv, &rep, err, errlen);

	if (rc != 0)
		return rc;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_INTEGER ||
	    rep->element[1]->type != REDIS_REPLY_STRING ||
	    rep->element[2]->type != REDIS_REPLY_STRING || rep->element[2]->len > 40)
		return shape_error(r, rep, err, errlen);
	memset(now, 0, sizeof(*now));
	now->valid = true;
	now->len = (uint64_t)rep->element[0]->integer;
	set_tail(now, rep->element[1]->str, rep->element[1]->len);
	memcpy(now->digest, rep->element[2]->str, rep->element[2]->len);
	freeReplyObject(rep);
	return 0;
}

static bool
same_seen(const struct ctl_registry_redis_seen *a, const struct ctl_registry_redis_seen *b,
	  bool deep)
{
	return a->valid && b->valid && a->len == b->len && a->tail_len == b->tail_len &&
	       strcmp(a->tail, b->tail) == 0 && (!deep || strcmp(a->digest, b->digest) == 0);
}

/* One entry: checked as the file reader checks a line, then applied. */
static int
apply_entry(struct ctl_registry_redis *r, struct replay *out, const redisReply *e, char *err,
	    size_t errlen)
{
	char line[CTL_REGISTRY_RECORD_LINE_MAX], why[200];
	bool was_open = out->reg.open;
	int rc;

	out->lines++;
	if (e->type != REDIS_REPLY_STRING) {
		snprintf(why, sizeof(why), "not a string");
		rc = -EINVAL;
	} else if (e->len > CTL_REGISTRY_RECORD_LINE_MAX - 1) {
		snprintf(why, sizeof(why), "line longer than %d bytes",
			 CTL_REGISTRY_RECORD_LINE_MAX - 1);
		rc = -EINVAL;
	} else if (memchr(e->str, '\0', e->len) != NULL) {
		snprintf(why, sizeof(why), "NUL byte in the line");
		rc = -EINVAL;
	} else if (memchr(e->str, '\n', e->len) != NULL) {
		snprintf(why, sizeof(why), "newline in the entry (one line per entry)");
		rc = -EINVAL;
	} else {
		memcpy(line, e->str, e->len);
		line[e->len] = '\0';
		rc = ctl_registry_apply_line(&out->reg, line, why, sizeof(why));
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s:%" PRIu64 ": %s", r->name, out->lines, why);
		return rc;
	}
	if (!was_open && out->reg.open)
		out->open_line = out->lines;
	return 0;
}

/* Starts out from r's state (incremental) or from nothing. */
static int
begin(struct ctl_registry_redis *r, bool from_base, struct replay *out)
{
	ctl_registry_free(&out->reg);
	memset(out, 0, sizeof(*out));
	snprintf(out->digest, sizeof(out->digest), "%s", SHA1_EMPTY);
	if (!from_base)
		return 0;
	if (ctl_registry_copy(&out->reg, &r->reg) != 0)
		return -ENOMEM;
	out->lines = r->lines;
	out->open_line = 0;
	memcpy(out->digest, r->digest, sizeof(out->digest));
	out->end = r->seen;
	out->incremental = true;
	return 0;
}

/*
 * One READ call from out->lines: applies what it returns. *done when the
 * replay reached the end of the list; *restart when the entries already read
 * changed.
 */
static int
read_chunk(struct ctl_registry_redis *r, struct replay *out, bool *done, bool *restart, char *err,
	   size_t errlen)
{
	char start[24], max[24];
	const char *argv[3] = {start, out->digest, max};
	redisReply *rep;
	uint64_t len;
	int rc;

	snprintf(start, sizeof(start), "%" PRIu64, out->lines);
	snprintf(max, sizeof(max), "%u", r->chunk);
	if ((rc = call(r, READ, 3, argv, &rep, err, errlen)) != 0)
		return rc;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 2 ||
	    rep->element[0]->type != REDIS_REPLY_INTEGER ||
	    rep->element[1]->type != REDIS_REPLY_INTEGER)
		return shape_error(r, rep, err, errlen);
	len = (uint64_t)rep->element[0]->integer;
	*restart = rep->element[1]->integer == 0;
	*done = false;
	if (*restart) {
		freeReplyObject(rep);
		return 0;
	}
	if (rep->elements < 3 || rep->element[2]->type != REDIS_REPLY_STRING ||
	    rep->element[2]->len != 40)
		return shape_error(r, rep, err, errlen);
	if (out->lines + (rep->elements - 3) > CTL_REGISTRY_REDIS_LINES_MAX) {
		freeReplyObject(rep);
		snprintf(err, errlen, "%s: more than %d entries", r->name,
			 CTL_REGISTRY_REDIS_LINES_MAX);
		return -E2BIG;
	}
	for (size_t i = 3; i < rep->elements; i++)
		if ((rc = apply_entry(r, out, rep->element[i], err, errlen)) != 0) {
			freeReplyObject(rep);
			return rc;
		}
	memcpy(out->digest, rep->element[2]->str, 40);
	if (rep->elements > 3) {
		const redisReply *last = rep->element[rep->elements - 1];

		set_tail(&out->end, last->str, last->len);
	}
	*done = out->lines >= len || rep->elements == 3;
	freeReplyObject(rep);
	return 0;
}

/* Replays the list into out, incrementally from r's state when from_base. */
static int
replay(struct ctl_registry_redis *r, bool from_base, struct replay *out, char *err, size_t errlen)
{
	bool done = false, restart = false;
	int restarts = 0, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = begin(r, from_base, out)) != 0)
		goto nomem;
	while (!done) {
		if ((rc = read_chunk(r, out, &done, &restart, err, errlen)) != 0)
			goto fail;
		if (!restart)
			continue;
		if (++restarts > READ_RESTARTS) {
			snprintf(err, errlen, "%s: the list changed under %d reads in a row",
				 r->name, READ_RESTARTS);
			rc = -EAGAIN;
			goto fail;
		}
		if ((rc = begin(r, false, out)) != 0) /* rewritten: from the first entry */
			goto nomem;
	}
	if (out->reg.open) {
		snprintf(err, errlen,
			 "%s:%" PRIu64 ": events for height %" PRIu64 " have no block line",
			 r->name, out->open_line, out->reg.open_height);
		rc = -EINVAL;
		goto fail;
	}
	out->end.valid = true;
	out->end.len = out->lines;
	if (out->lines == 0)
		set_tail(&out->end, "", 0);
	memcpy(out->end.digest, out->digest, sizeof(out->digest));
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", r->name);
fail:
	ctl_registry_free(&out->reg);
	return rc;
}

static void
adopt(struct ctl_registry_redis *r, struct replay *out)
{
	ctl_registry_free(&r->reg);
	r->reg = out->reg;
	r->lines = out->lines;
	memcpy(r->digest, out->digest, sizeof(r->digest));
	r->seen = out->end;
}

int
ctl_registry_redis_load(struct ctl_registry_redis *r, const char *addr, const char *key, char *err,
			size_t errlen)
{
	struct replay out;
	int rc;

	memset(r, 0, sizeof(*r));
	if (strlen(addr) >= sizeof(r->addr) || strlen(key) >= sizeof(r->key) || addr[0] == '\0' ||
	    key[0] == '\0') {
		snprintf(err, errlen, "registry redis: address or key empty or too long");
		return -EINVAL;
	}
	snprintf(r->addr, sizeof(r->addr), "%s", addr);
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->name, sizeof(r->name), "redis:%s/%s", addr, key);
	r->chunk = CTL_REGISTRY_REDIS_CHUNK;
	r->timeout_ms = CTL_RR_TIMEOUT_MS;
	rc = replay(r, false, &out, err, errlen);
	if (rc == 0)
		adopt(r, &out);
	return rc;
}

/* Redis did not answer (or erred): counted always, reported once per outage. */
static int
went_down(struct ctl_registry_redis *r, int rc)
{
	bool first = !r->down;

	drop_conn(r);
	r->redis_errors++;
	r->backoff = r->backoff == 0 ? 1 : r->backoff * 2;
	if (r->backoff > CTL_REGISTRY_REDIS_BACKOFF_MAX)
		r->backoff = CTL_REGISTRY_REDIS_BACKOFF_MAX;
	r->skip = r->backoff;
	r->down = true;
	r->outages += first;
	return first ? rc : 0;
}

int
ctl_registry_redis_reload(struct ctl_registry_redis *r, bool *changed, char *err, size_t errlen)
{
	struct ctl_registry_redis_seen now;
	struct replay out;
	bool deep;
	int rc;

	*changed = false;
	if (r->skip > 0) { /* backing off while Redis is down */
		r->skip--;
		return 0;
	}
	deep = ++r->polls % CTL_REGISTRY_REDIS_DEEP_POLLS == 0;
	if ((rc = probe(r, deep, &now, err, errlen)) != 0)
		return rc == -ENOMEM ? rc : went_down(r, rc);
	r->down = false;
	r->backoff = 0;
	if (same_seen(&now, &r->seen, deep))
		return 0;
	rc = replay(r, true, &out, err, errlen);
	if (rc == -ECONNREFUSED || rc == -EIO)
		return went_down(r, rc);
	if (rc == -ENOMEM || rc == -EAGAIN)
		return rc; /* says nothing about the list: the next reload tries again */
	if (rc != 0) {
		/* a bad version is not read again until it changes: remember all of it */
		char scratch[300];

		if (probe(r, true, &now, scratch, sizeof(scratch)) == 0)
			r->seen = now;
		else
			r->seen = (struct ctl_registry_redis_seen){0};
		return rc;
	}
	if (out.incremental)
		r->incremental++;
	else
		r->full++;
	adopt(r, &out);
	*changed = true;
	return 0;
}

void
ctl_registry_redis_forget(struct ctl_registry_redis *r)
{
	memset(&r->seen, 0, sizeof(r->seen));
}

void
ctl_registry_redis_free(struct ctl_registry_redis *r)
{
	drop_conn(r);
	ctl_registry_free(&r->reg);
	memset(r, 0, sizeof(*r));
}
