/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* nftw */
#include "redis_test.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#ifndef REDIS_TEST_CONF
#error "REDIS_TEST_CONF (path of deploy/redis.conf) must be defined"
#endif

enum {
	WAIT_MS = 5000, /* ms: start and stop deadlines */
	POLL_MS = 10,
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static bool
answers(const char *sock)
{
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
	redisContext *c = redisConnectUnixWithTimeout(sock, tv);
	redisReply *r;
	bool ok = false;

	if (c != NULL && c->err == 0) {
		r = redisCommand(c, "PING");
		ok = r != NULL && r->type == REDIS_REPLY_STATUS;
		if (r != NULL)
			freeReplyObject(r);
	}
	redisFree(c);
	return ok;
}

static int
spawn(struct redis_test *rt)
{
	char log[320];
	long long deadline;
	pid_t pid;
	int status;

	snprintf(log, sizeof(log), "%s/redis.log", rt->dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		/* A crashed test must not leave its redis-server behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		execlp("redis-server", "redis-server", REDIS_TEST_CONF, "--dir", rt->dir,
		       "--unixsocket", rt->sock, "--appendfsync", rt->appendfsync, "--logfile", log,
		       "--pidfile", "", (char *)NULL);
		_exit(127);
	}
	rt->pid = pid;
	deadline = now_ms() + WAIT_MS;
	while (now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "# redis-server exited at start (see %s)\n", log);
			rt->pid = 0;
			return -1;
		}
		if (answers(rt->sock))
			return 0;
		sleep_ms(POLL_MS);
	}
	fprintf(stderr, "# redis-server did not answer within %d ms\n", WAIT_MS);
	redis_test_kill(rt, SIGKILL);
	return -1;
}

int
redis_test_start(struct redis_test *rt, const char *appendfsync)
{
	memset(rt, 0, sizeof(*rt));
	snprintf(rt->dir, sizeof(rt->dir), "/tmp/snode-redis-test-XXXXXX");
	if (mkdtemp(rt->dir) == NULL)
		return -1;
	snprintf(rt->sock, sizeof(rt->sock), "%s/redis.sock", rt->dir);
	snprintf(rt->appendfsync, sizeof(rt->appendfsync), "%s",
		 appendfsync != NULL ? appendfsync : "always");
	if (spawn(rt) != 0) {
		redis_test_stop(rt);
		return -1;
	}
	return 0;
}

int
redis_test_restart(struct redis_test *rt)
{
	if (rt->pid != 0)
		return -1;
	return spawn(rt);
}

int
redis_test_kill(struct redis_test *rt, int sig)
{
	if (rt->pid <= 0)
		return -1;
	if (kill(rt->pid, sig) != 0)
		return -1;
	if (sig == SIGSTOP || sig == SIGCONT)
		return 0;
	while (waitpid(rt->pid, NULL, 0) < 0 && errno == EINTR)
		;
	rt->pid = 0;
	return 0;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
redis_test_stop(struct redis_test *rt)
{
	long long deadline = now_ms() + WAIT_MS;

	if (rt->pid > 0) {
		kill(rt->pid, SIGCONT);
		kill(rt->pid, SIGTERM);
		while (waitpid(rt->pid, NULL, WNOHANG) == 0) {
			if (now_ms() > deadline) {
				kill(rt->pid, SIGKILL);
				waitpid(rt->pid, NULL, 0);
				break;
			}
			sleep_ms(POLL_MS);
		}
		rt->pid = 0;
	}
	if (rt->dir[0] != '\0')
		nftw(rt->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	rt->dir[0] = '\0';
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

bool
redis_test_loop_until(struct event_base *base, const bool *flag, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct timeval tv = {.tv_sec = 0, .tv_usec = 5000};
	struct event *tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);

	/* The tick bounds each EVLOOP_ONCE so that the deadline is honoured. */
	event_add(tick, &tv);
	while (!*flag && now_ms() < deadline)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(tick);
	return *flag;
}

void
redis_test_loop_for(struct event_base *base, int ms)
{
	bool never = false;

	redis_test_loop_until(base, &never, ms);
}
