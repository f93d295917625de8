/* SPDX-License-Identifier: MIT */
/* Blocking Redis reachability check with hiredis (see redis_ping.h). */
#include "redis_ping.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
ctl_redis_ping(const char *addr, int timeout_ms, char *err, size_t errlen)
{
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	redisContext *rc;
	redisReply *reply;
	int ret = 0;

	if (addr == NULL || addr[0] == '\0') {
		snprintf(err, errlen, "redis address is empty");
		return -EINVAL;
	}
	if (addr[0] == '/') {
		rc = redisConnectUnixWithTimeout(addr, tv);
	} else {
		const char *colon = strrchr(addr, ':');
		char host[256];
		char *end;
		long port;

		if (colon == NULL || (size_t)(colon - addr) >= sizeof(host)) {
			snprintf(err, errlen, "redis at %s: expected a socket path or host:port",
				 addr);
			return -EINVAL;
		}
		port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end != '\0' || port <= 0 || port > 65535) {
			snprintf(err, errlen, "redis at %s: bad port", addr);
			return -EINVAL;
		}
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		rc = redisConnectWithTimeout(host, (int)port, tv);
	}
	if (rc == NULL) {
		snprintf(err, errlen, "redis at %s: out of memory", addr);
		return -ENOMEM;
	}
	if (rc->err != 0) {
		snprintf(err, errlen, "redis at %s unreachable: %s", addr, rc->errstr);
		redisFree(rc);
		return -ECONNREFUSED;
	}
	redisSetTimeout(rc, tv);
	reply = redisCommand(rc, "PING");
	if (reply == NULL) {
		snprintf(err, errlen, "redis at %s did not answer PING: %s", addr, rc->errstr);
		ret = -EPROTO;
	} else if (reply->type != REDIS_REPLY_STATUS || strcmp(reply->str, "PONG") != 0) {
		snprintf(err, errlen, "redis at %s answered PING with %.100s", addr,
			 reply->type == REDIS_REPLY_ERROR || reply->type == REDIS_REPLY_STATUS
				 ? reply->str
				 : "an unexpected reply");
		ret = -EPROTO;
	}
	if (reply != NULL)
		freeReplyObject(reply);
	redisFree(rc);
	return ret;
}
