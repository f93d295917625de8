/* SPDX-License-Identifier: MIT */
/* Blocking hiredis calls for the registry in Redis (see registry_redis_conn.h). */
#include "registry_redis_conn.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	EVAL_ARGS_MAX = 4096 + 8, /* a block of appended lines and the fixed arguments */
};

struct redisContext *
ctl_rr_connect(const char *addr, int timeout_ms, char *err, size_t errlen)
{
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	redisContext *c;

	if (addr[0] == '/') {
		c = redisConnectUnixWithTimeout(addr, tv);
	} else {
		const char *colon = strrchr(addr, ':');
		char host[256], *end;
		long port;

		if (colon == NULL || colon == addr || (size_t)(colon - addr) >= sizeof(host)) {
			snprintf(err, errlen, "redis at %s: expected a socket path or host:port",
				 addr);
			return NULL;
		}
		port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end != '\0' || port <= 0 || port > 65535) {
			snprintf(err, errlen, "redis at %s: bad port", addr);
			return NULL;
		}
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		c = redisConnectWithTimeout(host, (int)port, tv);
	}
	if (c == NULL) {
		snprintf(err, errlen, "redis at %s: out of memory", addr);
		return NULL;
	}
	if (c->err != 0) {
		snprintf(err, errlen, "redis at %s unreachable: %s", addr, c->errstr);
		redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, tv);
	return c;
}

int
ctl_rr_eval(struct redisContext *c, const char *script, const char *key, int argc,
	    const char *const *argv, const size_t *lens, struct redisReply **out, char *err,
	    size_t errlen)
{
	const char **av;
	size_t *al;
	int rc = 0;

	*out = NULL;
	if (argc < 0 || argc > EVAL_ARGS_MAX) {
		snprintf(err, errlen, "too many arguments for one call (%d)", argc);
		return -E2BIG;
	}
	av = calloc((size_t)argc + 4, sizeof(*av));
	al = calloc((size_t)argc + 4, sizeof(*al));
	if (av == NULL || al == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	av[0] = "EVAL";
	av[1] = script;
	av[2] = "1";
	av[3] = key;
	for (int i = 0; i < 4; i++)
		al[i] = strlen(av[i]);
	for (int i = 0; i < argc; i++) {
		av[4 + i] = argv[i];
		al[4 + i] = lens != NULL ? lens[i] : strlen(argv[i]);
	}
	*out = redisCommandArgv(c, argc + 4, av, al);
	if (*out == NULL) {
		snprintf(err, errlen, "%s", c->errstr[0] != '\0' ? c->errstr : "no answer");
		rc = -ECONNREFUSED;
	} else if ((*out)->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "%.200s", (*out)->str);
		freeReplyObject(*out);
		*out = NULL;
		rc = -EIO;
	}
out:
	free(av);
	free(al);
	return rc;
}
