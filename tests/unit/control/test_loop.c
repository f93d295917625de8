/* SPDX-License-Identifier: MIT */
/* control/loop.c: SIGHUP is logged and ignored, SIGTERM/SIGINT stop the loop,
 * SIGPIPE is ignored, the watchdog timer sends WATCHDOG=1. */
#include "test_common_ctl.h"

#include <event2/event.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

static void
raise_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	raise(*(int *)arg);
}

/* Raises each signal of sigs from inside the running loop, 10 ms apart. */
static void
run_with(struct ctl_loop *l, int *sigs, size_t n)
{
	struct event *evs[4];

	for (size_t i = 0; i < n; i++) {
		struct timeval tv = {.tv_sec = 0, .tv_usec = (suseconds_t)(10000 * (i + 1))};
		evs[i] = evtimer_new(l->base, raise_cb, &sigs[i]);
		evtimer_add(evs[i], &tv);
	}
	assert_int_equal(ctl_loop_run(l), 0);
	for (size_t i = 0; i < n; i++)
		event_free(evs[i]);
}

static void
hup_then_term(void **state)
{
	struct ctl_loop l;
	int sigs[] = {SIGHUP, SIGPIPE, SIGTERM};

	(void)state;
	assert_int_equal(ctl_loop_init(&l, 0), 0);
	run_with(&l, sigs, 3);
	assert_int_equal(l.hups, 1);
	assert_int_equal(l.stop_signal, SIGTERM);
	ctl_loop_free(&l);
}

static void
int_stops(void **state)
{
	struct ctl_loop l;
	int sigs[] = {SIGINT};

	(void)state;
	assert_int_equal(ctl_loop_init(&l, 0), 0);
	run_with(&l, sigs, 1);
	assert_int_equal(l.stop_signal, SIGINT);
	ctl_loop_free(&l);
}

static void
watchdog_pings(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[64], got[64];
	struct ctl_loop l;
	int sigs[] = {SIGTERM, SIGTERM, SIGTERM, SIGTERM};
	int fd;

	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/n", dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	/* 10 ms watchdog: a ping every 5 ms; SIGTERM after 40 ms */
	assert_int_equal(ctl_loop_init(&l, 10000), 0);
	run_with(&l, sigs + 3, 1);
	(void)sigs;
	ssize_t n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, "WATCHDOG=1");
	ctl_loop_free(&l);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(sa.sun_path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hup_then_term),
		cmocka_unit_test(int_stops),
		cmocka_unit_test(watchdog_pings),
	};

	ctl_log_set_level(CTL_LOG_ERR); /* keep the TAP stream clean */
	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
