/* SPDX-License-Identifier: MIT */
/*
 * Startup check that Redis answers: a blocking connect and PING with a
 * timeout, before snode-control tells systemd it is ready. The storage
 * library (storage/) owns the real, asynchronous connection.
 */
#ifndef CTL_REDIS_PING_H
#define CTL_REDIS_PING_H

#include <stddef.h>

/* addr: an absolute unix socket path or host:port. Returns 0 when Redis
 * answered PONG; -EINVAL for an unusable address; -ECONNREFUSED (cannot
 * connect) or -EPROTO (no PONG) with "redis at ADDR: reason" in err. */
int ctl_redis_ping(const char *addr, int timeout_ms, char *err, size_t errlen);

#endif
