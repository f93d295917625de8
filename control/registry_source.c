/* SPDX-License-Identifier: MIT */
/* The registry's source: a file or a Redis list (see registry_source.h). */
#include "registry_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
key_ok(const char *k)
{
	if (k[0] == '\0')
		return false;
	for (; *k != '\0'; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || strchr(":._{}-", *k) != NULL))
			return false;
	return true;
}

/* An absolute socket path, or host:port with a port 1..65535. */
static bool
addr_ok(const char *a)
{
	const char *colon = strrchr(a, ':');
	char *end;
	long port;

	if (a[0] == '/')
		return a[1] != '\0';
	if (colon == NULL || colon == a)
		return false;
	port = strtol(colon + 1, &end, 10);
	return end != colon + 1 && *end == '\0' && port > 0 && port <= 65535;
}

static int
parse_redis(const char *v, struct ctl_registry_spec *out, char *err, size_t errlen)
{
	const char *slash = strrchr(v, '/');
	size_t alen;

	if (slash == NULL || slash == v) {
		snprintf(err, errlen, "registry redis:ADDR/KEY: no ADDR/ in 'redis:%.100s'", v);
		return -EINVAL;
	}
	alen = (size_t)(slash - v);
	if (alen >= sizeof(out->addr)) {
		snprintf(err, errlen, "registry redis:ADDR/KEY: address longer than %zu bytes",
			 sizeof(out->addr) - 1);
		return -EINVAL;
	}
	memcpy(out->addr, v, alen);
	out->addr[alen] = '\0';
	if (!addr_ok(out->addr)) {
		snprintf(err, errlen,
			 "registry redis:ADDR/KEY: ADDR must be an absolute unix socket path or "
			 "host:port, not '%.100s'",
			 out->addr);
		return -EINVAL;
	}
	if (strlen(slash + 1) >= sizeof(out->key) || !key_ok(slash + 1)) {
		snprintf(err, errlen,
			 "registry redis:ADDR/KEY: KEY must be 1-%zu of A-Z a-z 0-9 : . _ { } -, "
			 "not '%.100s'",
			 sizeof(out->key) - 1, slash + 1);
		return -EINVAL;
	}
	memcpy(out->key, slash + 1, strlen(slash + 1) + 1);
	out->kind = CTL_REGISTRY_SOURCE_REDIS;
	return 0;
}

int
ctl_registry_spec_parse(const char *value, struct ctl_registry_spec *out, char *err, size_t errlen)
{
	const char *path = value;

	memset(out, 0, sizeof(*out));
	if (strncmp(value, "redis:", 6) == 0)
		return parse_redis(value + 6, out, err, errlen);
	if (strncmp(value, "file:", 5) == 0)
		path = value + 5;
	if (path[0] != '/') {
		snprintf(err, errlen,
			 "registry must be an absolute path, file:PATH or redis:ADDR/KEY, not "
			 "'%.100s'",
			 value);
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(out->path)) {
		snprintf(err, errlen, "registry: path longer than %zu bytes",
			 sizeof(out->path) - 1);
		return -EINVAL;
	}
	memcpy(out->path, path, strlen(path) + 1);
	out->kind = CTL_REGISTRY_SOURCE_FILE;
	return 0;
}

int
ctl_registry_source_load(struct ctl_registry_source *s, const struct ctl_registry_spec *spec,
			 char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->kind = spec->kind;
	if (spec->kind == CTL_REGISTRY_SOURCE_REDIS)
		return ctl_registry_redis_load(&s->u.redis, spec->addr, spec->key, err, errlen);
	return ctl_registry_file_load(&s->u.file, spec->path, err, errlen);
}

int
ctl_registry_source_reload(struct ctl_registry_source *s, bool *changed, char *err, size_t errlen)
{
	if (s->kind == CTL_REGISTRY_SOURCE_REDIS)
		return ctl_registry_redis_reload(&s->u.redis, changed, err, errlen);
	return ctl_registry_file_reload(&s->u.file, changed, err, errlen);
}

const struct ctl_registry *
ctl_registry_source_state(const struct ctl_registry_source *s)
{
	return s->kind == CTL_REGISTRY_SOURCE_REDIS ? &s->u.redis.reg : &s->u.file.reg;
}

const char *
ctl_registry_source_name(const struct ctl_registry_source *s)
{
	return s->kind == CTL_REGISTRY_SOURCE_REDIS ? s->u.redis.name : s->u.file.path;
}

void
ctl_registry_source_forget(struct ctl_registry_source *s)
{
	if (s->kind == CTL_REGISTRY_SOURCE_REDIS)
		ctl_registry_redis_forget(&s->u.redis);
	else
		memset(&s->u.file.seen, 0, sizeof(s->u.file.seen));
}

bool
ctl_registry_source_down(const struct ctl_registry_source *s)
{
	return s->kind == CTL_REGISTRY_SOURCE_REDIS && s->u.redis.down;
}

void
ctl_registry_source_free(struct ctl_registry_source *s)
{
	if (s->kind == CTL_REGISTRY_SOURCE_REDIS)
		ctl_registry_redis_free(&s->u.redis);
	else if (s->kind == CTL_REGISTRY_SOURCE_FILE)
		ctl_registry_file_free(&s->u.file);
	memset(s, 0, sizeof(*s));
}
