/* SPDX-License-Identifier: MIT */
/*
 * control/stats_socket.c: one JSON line per connection on a real unix socket,
 * mode 0600, a crashed process's file replaced, a live one or a non-socket
 * file refused, the path limit at its edge, the file removed at free.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "stats_socket.h"
#include "test_common_ctl.h"

static char *
text(void *arg)
{
	(*(int *)arg)++;
	return strdup("{\"x\":1}");
}

static int
connect_to(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Serves until the answer is out, then reads it all. */
static void
read_answer(struct event_base *base, int fd, char *out, size_t cap)
{
	struct timeval tv = {0, 200000};
	size_t len = 0;
	ssize_t n;

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	while ((n = read(fd, out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fd);
}

static void
each_connection_gets_one_line_and_eof(void **state)
{
	char dir[64], path[96], got[64];
	struct event_base *base = event_base_new();
	int calls = 0, fd;
	struct ctl_stats_socket *s;
	struct stat st;
	char err[200];

	(void)state;
	make_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/control.sock", dir);
	s = ctl_stats_socket_new(base, path, text, &calls, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	for (int i = 0; i < 2; i++) {
		fd = connect_to(path);
		read_answer(base, fd, got, sizeof(got));
		assert_string_equal(got, "{\"x\":1}\n");
	}
	assert_int_equal(calls, 2);
	ctl_stats_socket_free(s);
	assert_int_not_equal(access(path, F_OK), 0); /* removed */
	event_base_free(base);
	rmdir(dir);
}

static void
stale_live_and_foreign_files(void **state)
{
	char dir[64], path[96], file[96], err[200];
	struct event_base *base = event_base_new();
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct ctl_stats_socket *s, *t;
	int calls = 0, fd;

	(void)state;
	make_tmpdir(dir, sizeof(dir));
	/* a socket file nobody listens on (a crashed snode-control): replaced */
	snprintf(path, sizeof(path), "%s/control.sock", dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);
	s = ctl_stats_socket_new(base, path, text, &calls, err, sizeof(err));
	assert_non_null(s);
	/* a second process on the same path: refused, the first keeps serving */
	t = ctl_stats_socket_new(base, path, text, &calls, err, sizeof(err));
	assert_null(t);
	assert_non_null(strstr(err, "another process serves it"));
	ctl_stats_socket_free(s);
	/* a regular file: never removed */
	snprintf(file, sizeof(file), "%s/not-a-socket", dir);
	write_file(file, "data");
	assert_null(ctl_stats_socket_new(base, file, text, &calls, err, sizeof(err)));
	assert_non_null(strstr(err, "exists and is not a socket"));
	assert_int_equal(access(file, F_OK), 0);
	unlink(file);
	event_base_free(base);
	rmdir(dir);
}

static void
path_length_at_its_edge(void **state)
{
	struct sockaddr_un a;
	char dir[64], path[sizeof(a.sun_path) + 1], err[300];
	struct event_base *base = event_base_new();
	struct ctl_stats_socket *s;
	int calls = 0;
	size_t n;

	(void)state;
	make_tmpdir(dir, sizeof(dir));
	n = (size_t)snprintf(path, sizeof(path), "%s/", dir);
	memset(path + n, 's', sizeof(a.sun_path) - n); /* one byte too many */
	path[sizeof(a.sun_path)] = '\0';
	assert_null(ctl_stats_socket_new(base, path, text, &calls, err, sizeof(err)));
	assert_non_null(strstr(err, "longer than 107 bytes"));
	path[sizeof(a.sun_path) - 1] = '\0'; /* exactly the limit */
	s = ctl_stats_socket_new(base, path, text, &calls, err, sizeof(err));
	assert_non_null(s);
	ctl_stats_socket_free(s);
	event_base_free(base);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_connection_gets_one_line_and_eof),
		cmocka_unit_test(stale_live_and_foreign_files),
		cmocka_unit_test(path_length_at_its_edge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
