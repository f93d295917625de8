/* SPDX-License-Identifier: MIT */
/*
 * Starts a private redis-server for a C test: deploy/redis.conf with a unix
 * socket in a fresh mkdtemp directory, no TCP (port 0), AOF on with the given
 * appendfsync, and its data in that directory. The test stops it by PID and the
 * directory is removed. Also a bounded event-loop wait for async tests.
 */
#ifndef REDIS_TEST_H
#define REDIS_TEST_H

#include <stdbool.h>
#include <sys/types.h>

struct event_base;

struct redis_test {
	char dir[256];
	char sock[300];
	char appendfsync[16];
	pid_t pid; /* 0 when not running */
};

/* mkdtemp + start + wait until it answers PING (5 s at most). Returns 0 or -1. */
int redis_test_start(struct redis_test *rt, const char *appendfsync);

/* Starts redis-server again on the same directory and socket (after a kill). */
int redis_test_restart(struct redis_test *rt);

/* Sends sig to our redis-server and reaps it (SIGSTOP/SIGCONT are not reaped). */
int redis_test_kill(struct redis_test *rt, int sig);

/* SIGTERM (SIGKILL after 5 s), reap, remove the directory. */
void redis_test_stop(struct redis_test *rt);

/* Runs base until *flag is true or timeout_ms passed. Returns *flag. */
bool redis_test_loop_until(struct event_base *base, const bool *flag, int timeout_ms);

/* Runs base for ms milliseconds. */
void redis_test_loop_for(struct event_base *base, int ms);

#endif
