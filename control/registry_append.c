/* SPDX-License-Identifier: MIT */
/* Appends to a registry log and its pending queue (see registry_append.h). */
#include "registry_append.h"

#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry_redis_conn.h"

/* ARGV[1] the expected length, ARGV[2..] the lines. {1, new length} or {0, length}. */
static const char APPEND[] = "local len = redis.call('LLEN', KEYS[1])\n"
			     "if len ~= tonumber(ARGV[1]) then return {0, len} end\n"
			     "for i = 2, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end\n"
			     "return {1, redis.call('LLEN', KEYS[1])}\n";

/* ARGV[1] how many: the head of the list, removed. */
static const char TAKE[] = "local t = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)\n"
			   "if #t > 0 then redis.call('LTRIM', KEYS[1], #t, -1) end\n"
			   "return t\n";

static const char PUT[] = "for i = 1, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end\n"
			  "return redis.call('LLEN', KEYS[1])\n";

uint64_t
ctl_registry_source_position(const struct ctl_registry_source *s)
{
	return s->kind == CTL_REGISTRY_SOURCE_REDIS ? s->u.redis.lines : s->u.file.bytes;
}

void
ctl_registry_lines_free(char **lines, size_t n)
{
	if (lines == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static int
check_lines(const char *const *lines, size_t n, char *err, size_t errlen)
{
	if (n > CTL_REGISTRY_APPEND_LINES_MAX) {
		snprintf(err, errlen, "more than %d lines at once", CTL_REGISTRY_APPEND_LINES_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (strchr(lines[i], '\n') != NULL ||
		    strlen(lines[i]) >= CTL_REGISTRY_RECORD_LINE_MAX) {
			snprintf(err, errlen, "line %zu: a newline inside, or longer than %d bytes",
				 i + 1, CTL_REGISTRY_RECORD_LINE_MAX - 1);
			return -EINVAL;
		}
	return 0;
}

/* The lines, each with its newline, in one buffer (one write). */
static char *
joined(const char *const *lines, size_t n, size_t *len)
{
	size_t total = 0, at = 0;
	char *buf;

	for (size_t i = 0; i < n; i++)
		total += strlen(lines[i]) + 1;
	buf = malloc(total + 1);
	if (buf == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(lines[i]);

		memcpy(buf + at, lines[i], l);
		buf[at + l] = '\n';
		at += l + 1;
	}
	*len = total;
	return buf;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EIO;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Opens path and takes its exclusive lock; -errno. */
static int
open_locked(const char *path, int flags, int *fd, char *err, size_t errlen)
{
	*fd = open(path, flags | O_CLOEXEC, 0644);
	if (*fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (flock(*fd, LOCK_EX) != 0) {
		int e = errno;

		snprintf(err, errlen, "%s: lock: %s", path, strerror(e));
		close(*fd);
		return -e;
	}
	return 0;
}

static int
append_file(const char *path, uint64_t position, const char *buf, size_t len, char *err,
	    size_t errlen)
{
	struct stat st;
	int fd, rc = open_locked(path, O_WRONLY | O_APPEND, &fd, err, errlen);

	if (rc != 0)
		return rc;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -EIO;
	} else if ((uint64_t)st.st_size != position) {
		snprintf(err, errlen,
			 "%s: %" PRIu64 " bytes, not %" PRIu64 ": another writer appended", path,
			 (uint64_t)st.st_size, position);
		rc = -EAGAIN;
	} else if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: write error", path);
		rc = -EIO;
	}
	close(fd); /* releases the lock */
	return rc;
}

/* One Lua call on the spec's Redis with key. */
static int
redis_call(const struct ctl_registry_spec *spec, const char *key, const char *script, int argc,
	   const char *const *argv, redisReply **out, char *err, size_t errlen)
{
	char why[300];
	redisContext *c = ctl_rr_connect(spec->addr, CTL_RR_TIMEOUT_MS, why, sizeof(why));
	int rc;

	*out = NULL;
	if (c == NULL) {
		snprintf(err, errlen, "%s", why);
		return -ECONNREFUSED;
	}
	rc = ctl_rr_eval(c, script, key, argc, argv, NULL, out, why, sizeof(why));
	if (rc != 0)
		snprintf(err, errlen, "redis:%s/%s: %s", spec->addr, key, why);
	redisFree(c);
	return rc;
}

static int
append_redis(const struct ctl_registry_spec *spec, uint64_t position, const char *const *lines,
	     size_t n, char *err, size_t errlen)
{
	const char **argv = calloc(n + 1, sizeof(*argv));
	char pos[24];
	redisReply *rep;
	int rc;

	if (argv == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(pos, sizeof(pos), "%" PRIu64, position);
	argv[0] = pos;
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = lines[i];
	rc = redis_call(spec, spec->key, APPEND, (int)n + 1, argv, &rep, err, errlen);
	free(argv);
	if (rc != 0)
		return rc;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[0]->type != REDIS_REPLY_INTEGER ||
	    rep->element[1]->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "redis:%s/%s: unexpected answer", spec->addr, spec->key);
		rc = -EIO;
	} else if (rep->element[0]->integer != 1) {
		snprintf(err, errlen,
			 "redis:%s/%s: %lld entries, not %" PRIu64 ": another writer appended",
			 spec->addr, spec->key, rep->element[1]->integer, position);
		rc = -EAGAIN;
	}
	freeReplyObject(rep);
	return rc;
}

int
ctl_registry_append(const struct ctl_registry_spec *spec, uint64_t position,
		    const char *const *lines, size_t n, char *err, size_t errlen)
{
	size_t len;
	char *buf;
	int rc;

	if ((rc = check_lines(lines, n, err, errlen)) != 0 || n == 0)
		return rc;
	if (spec->kind == CTL_REGISTRY_SOURCE_REDIS)
		return append_redis(spec, position, lines, n, err, errlen);
	if ((buf = joined(lines, n, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = append_file(spec->path, position, buf, len, err, errlen);
	free(buf);
	return rc;
}

/* ---- the pending queue ---------------------------------------------------- */

static int
pending_key(const struct ctl_registry_spec *spec, char *out, size_t cap)
{
	return snprintf(out, cap, "%s:pending", spec->key) < (int)cap ? 0 : -ENAMETOOLONG;
}

static int
pending_path(const struct ctl_registry_spec *spec, char *out, size_t cap)
{
	return snprintf(out, cap, "%s.pending", spec->path) < (int)cap ? 0 : -ENAMETOOLONG;
}

/* Copies up to max whole lines of buf[0..len) into a new array; *used: bytes consumed. */
static int
split_lines(const char *buf, size_t len, size_t max, char ***lines, size_t *n, size_t *used)
{
	size_t at = 0;

	*n = 0;
	*used = 0;
	*lines = calloc(max + 1, sizeof(**lines));
	if (*lines == NULL)
		return -ENOMEM;
	while (*n < max && at < len) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t l;

		if (nl == NULL)
			break; /* unfinished: left for later */
		l = (size_t)(nl - (buf + at));
		if (((*lines)[*n] = strndup(buf + at, l)) == NULL)
			return -ENOMEM;
		(*n)++;
		at += l + 1;
	}
	*used = at;
	return 0;
}

static int
take_file(const char *path, size_t max, char ***lines, size_t *n, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t used = 0;
	int fd, rc = open_locked(path, O_RDWR, &fd, err, errlen);

	*lines = NULL;
	*n = 0;
	if (rc == -ENOENT)
		return 0; /* nothing queued yet */
	if (rc != 0)
		return rc;
	if (fstat(fd, &st) != 0 || st.st_size > CTL_REGISTRY_PENDING_BYTES_MAX) {
		snprintf(err, errlen, "%s: cannot stat, or larger than %d bytes", path,
			 CTL_REGISTRY_PENDING_BYTES_MAX);
		rc = -EIO;
	} else if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = -ENOMEM;
	} else if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -EIO;
	} else if ((rc = split_lines(buf, (size_t)st.st_size, max, lines, n, &used)) == 0 &&
		   used > 0) {
		/* keep what was not taken, at the front; under the lock no writer interleaves */
		size_t rest = (size_t)st.st_size - used;

		if (ftruncate(fd, 0) != 0 || pwrite(fd, buf + used, rest, 0) != (ssize_t)rest ||
		    fsync(fd) != 0) {
			snprintf(err, errlen, "%s: write error", path);
			rc = -EIO;
		}
	}
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	if (rc != 0) {
		ctl_registry_lines_free(*lines, *n);
		*lines = NULL;
		*n = 0;
	}
	free(buf);
	close(fd);
	return rc;
}

static int
take_redis(const struct ctl_registry_spec *spec, size_t max, char ***lines, size_t *n, char *err,
	   size_t errlen)
{
	char key[CTL_REGISTRY_REDIS_KEY_MAX + 16], count[24];
	const char *argv[1] = {count};
	redisReply *rep;
	int rc;

	*lines = NULL;
	*n = 0;
	if (pending_key(spec, key, sizeof(key)) != 0)
		return -ENAMETOOLONG;
	snprintf(count, sizeof(count), "%zu", max);
	if ((rc = redis_call(spec, key, TAKE, 1, argv, &rep, err, errlen)) != 0)
		return rc;
	if (rep->type != REDIS_REPLY_ARRAY ||
	    (*lines = calloc(rep->elements + 1, sizeof(**lines))) == NULL) {
		snprintf(err, errlen, "redis:%s/%s: unexpected answer or out of memory", spec->addr,
			 key);
		freeReplyObject(rep);
		return -EIO;
	}
	for (size_t i = 0; i < rep->elements; i++) {
		const redisReply *e = rep->element[i];

		/* an entry with a NUL is cut there: the parser refuses what is left or not */
		(*lines)[(*n)++] = strndup(e->type == REDIS_REPLY_STRING ? e->str : "",
					   e->type == REDIS_REPLY_STRING ? e->len : 0);
		if ((*lines)[*n - 1] == NULL) {
			rc = -ENOMEM;
			break;
		}
	}
	freeReplyObject(rep);
	return rc;
}

int
ctl_registry_pending_take(const struct ctl_registry_spec *spec, size_t max, char ***lines,
			  size_t *n, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];

	if (max == 0 || max > CTL_REGISTRY_PENDING_TAKE_MAX)
		max = CTL_REGISTRY_PENDING_TAKE_MAX;
	if (spec->kind == CTL_REGISTRY_SOURCE_REDIS)
		return take_redis(spec, max, lines, n, err, errlen);
	if (pending_path(spec, path, sizeof(path)) != 0) {
		snprintf(err, errlen, "registry path too long for its .pending");
		return -ENAMETOOLONG;
	}
	return take_file(path, max, lines, n, err, errlen);
}

int
ctl_registry_pending_put(const struct ctl_registry_spec *spec, const char *const *lines, size_t n,
			 char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	size_t len;
	char *buf;
	int fd, rc;

	if ((rc = check_lines(lines, n, err, errlen)) != 0 || n == 0)
		return rc;
	if (spec->kind == CTL_REGISTRY_SOURCE_REDIS) {
		redisReply *rep;

		if (pending_key(spec, path, sizeof(path)) != 0)
			return -ENAMETOOLONG;
		rc = redis_call(spec, path, PUT, (int)n, lines, &rep, err, errlen);
		if (rc == 0)
			freeReplyObject(rep);
		return rc;
	}
	if (pending_path(spec, path, sizeof(path)) != 0)
		return -ENAMETOOLONG;
	if ((rc = open_locked(path, O_WRONLY | O_APPEND | O_CREAT, &fd, err, errlen)) != 0)
		return rc;
	if ((buf = joined(lines, n, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	} else if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: write error", path);
		rc = -EIO;
	}
	free(buf);
	close(fd);
	return rc;
}
