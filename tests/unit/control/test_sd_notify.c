/* SPDX-License-Identifier: MIT */
/* control/sd_notify.c against real AF_UNIX datagram sockets bound here. */
#include "test_common_ctl.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sd_notify.h"

static char dir[64], path[128];

/* Binds a datagram socket: a path, or an abstract name when name starts with '@'. */
static int
bind_dgram(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)),
			 0);
	return fd;
}

static void
expect_datagram(int fd, const char *want)
{
	char got[512];
	ssize_t n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	got[n] = '\0';
	assert_string_equal(got, want);
}

static void
path_socket(void **state)
{
	int fd;

	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = bind_dgram(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(ctl_sd_notify("READY=1"), 1);
	expect_datagram(fd, "READY=1");
	assert_int_equal(ctl_sd_notifyf("STATUS=%d messages", 42), 1);
	expect_datagram(fd, "STATUS=42 messages");
	assert_int_equal(ctl_sd_notify("STOPPING=1"), 1);
	expect_datagram(fd, "STOPPING=1");
	close(fd);
	unlink(path);
	/* the socket is gone: the errno comes back */
	assert_int_equal(ctl_sd_notify("WATCHDOG=1"), -ENOENT);
	rmdir(dir);
}

static void
abstract_socket(void **state)
{
	char name[64];
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@snode-ctl-test-%d", (int)getpid());
	fd = bind_dgram(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(ctl_sd_notify("WATCHDOG=1"), 1);
	expect_datagram(fd, "WATCHDOG=1");
	close(fd);
}

static void
not_under_systemd(void **state)
{
	char longname[200];

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(ctl_sd_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(ctl_sd_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(ctl_sd_notify("READY=1"), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(ctl_sd_notify("READY=1"), -EINVAL);
	unsetenv("NOTIFY_SOCKET");
}

static void
watchdog_usec(void **state)
{
	char pid[32];

	(void)state;
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	assert_int_equal(ctl_sd_notify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "300000000", 1);
	assert_int_equal(ctl_sd_notify_watchdog_usec(), 300000000);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(ctl_sd_notify_watchdog_usec(), 300000000);
	setenv("WATCHDOG_PID", "1", 1);
	assert_int_equal(ctl_sd_notify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "12x", 1);
	assert_int_equal(ctl_sd_notify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_USEC");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_socket),
		cmocka_unit_test(abstract_socket),
		cmocka_unit_test(not_under_systemd),
		cmocka_unit_test(watchdog_usec),
	};

	return cmocka_run_group_tests_name("sd_notify", tests, NULL, NULL);
}
