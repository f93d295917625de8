/* SPDX-License-Identifier: MIT */
/*
 * Where the registry log comes from, chosen by one configuration value
 * (`registry =`, `--registry`, snode-tool's `--registry`):
 *
 *   /abs/path  or  file:/abs/path   a file (registry_file.h)
 *   redis:ADDR/KEY                  a Redis list (registry_redis.h): ADDR an
 *                                   absolute unix socket path or host:port,
 *                                   KEY after the last '/' (so it has none)
 *
 * e.g. redis:/run/snode/registry.sock/snode:registry or
 * redis:10.0.0.1:6379/snode:registry. One interface over both for the swarm
 * view: load, reload (same contract for both), the state.
 */
#ifndef CTL_REGISTRY_SOURCE_H
#define CTL_REGISTRY_SOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "registry.h"
#include "registry_file.h"
#include "registry_redis.h"

enum ctl_registry_source_kind {
	CTL_REGISTRY_SOURCE_FILE = 1,
	CTL_REGISTRY_SOURCE_REDIS = 2,
};

struct ctl_registry_spec {
	enum ctl_registry_source_kind kind;
	char path[PATH_MAX];			/* FILE */
	char addr[CTL_REGISTRY_REDIS_ADDR_MAX]; /* REDIS */
	char key[CTL_REGISTRY_REDIS_KEY_MAX];	/* REDIS: [A-Za-z0-9:._{}-], no '/' */
};

/*
 * Parses a source value. Returns 0, or -EINVAL with a reason in err:
 * "registry must be an absolute path, file:PATH or redis:ADDR/KEY, not 'V'",
 * "registry redis:ADDR/KEY: ..." (no '/', a bad address, a bad or long key).
 */
int ctl_registry_spec_parse(const char *value, struct ctl_registry_spec *out, char *err,
			    size_t errlen);

struct ctl_registry_source {
	enum ctl_registry_source_kind kind;
	union {
		struct ctl_registry_file file;
		struct ctl_registry_redis redis;
	} u;
};

/* Loads (ctl_registry_file_load / ctl_registry_redis_load); free with
 * ctl_registry_source_free, also after an error. */
int ctl_registry_source_load(struct ctl_registry_source *s, const struct ctl_registry_spec *spec,
			     char *err, size_t errlen);

/* ctl_registry_file_reload / ctl_registry_redis_reload. */
int ctl_registry_source_reload(struct ctl_registry_source *s, bool *changed, char *err,
			       size_t errlen);

/* The state of the last good load. */
const struct ctl_registry *ctl_registry_source_state(const struct ctl_registry_source *s);

/* The name errors and logs use: the path, or redis:ADDR/KEY. */
const char *ctl_registry_source_name(const struct ctl_registry_source *s);

/* The next reload reads the source again even if it looks unchanged. */
void ctl_registry_source_forget(struct ctl_registry_source *s);

/* Redis sources: whether the last look failed to reach Redis (false for files). */
bool ctl_registry_source_down(const struct ctl_registry_source *s);

void ctl_registry_source_free(struct ctl_registry_source *s);

#endif
