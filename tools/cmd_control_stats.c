/* SPDX-License-Identifier: MIT */
/*
 * snode-tool control-stats: reads a running snode-control's counters from its
 * stats socket (control/stats_socket.h: one JSON line per connection) and
 * prints them as the tool's one JSON object.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tool.h"

enum {
	STATS_MAX = 1 << 20, /* far above any counters object */
	TIMEOUT_MS = 5000,
};

static const char cmd[] = "control-stats";

/* Reads until EOF into a malloc'd text; NULL with errno set. */
static char *
read_all(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1), *grown;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	while (buf != NULL) {
		if (len == cap) {
			if (cap >= STATS_MAX) {
				errno = EFBIG;
				break;
			}
			cap *= 2;
			if ((grown = realloc(buf, cap + 1)) == NULL)
				break;
			buf = grown;
		}
		if (poll(&p, 1, TIMEOUT_MS) != 1) {
			errno = ETIMEDOUT;
			break;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0)
			break;
		if (n == 0) {
			buf[len] = '\0';
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

static int
query(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	json_error_t jerr;
	json_t *o;
	char *text;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return tool_usage_error(cmd, "socket path longer than %zu bytes",
					sizeof(a.sun_path) - 1);
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return tool_fail(cmd, "%s: %s (is snode-control running with this data dir?)", path,
				 strerror(e));
	}
	text = read_all(fd);
	close(fd);
	if (text == NULL)
		return tool_fail(cmd, "%s: %s", path, strerror(errno));
	o = json_loads(text, 0, &jerr);
	free(text);
	if (!json_is_object(o)) {
		json_decref(o);
		return tool_fail(cmd, "%s: not a JSON object: %s", path, jerr.text);
	}
	return tool_print_json(o);
}

int
tool_cmd_control_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data-dir", required_argument, NULL, 'd'},
		{"socket", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = tool_default_data_dir(), *sock = NULL;
	char path[PATH_MAX];
	int o;

	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'd')
			dir = optarg;
		else if (o == 's')
			sock = optarg;
		else if (o == 'h') {
			printf("usage: snode-tool control-stats [--data-dir DIR | --socket "
			       "PATH]\n");
			return TOOL_EXIT_OK;
		} else
			return tool_usage_error(cmd, "unknown option or missing value: %s",
						argv[optind - 1]);
	}
	if (optind < argc)
		return tool_usage_error(cmd, "unexpected argument: %s", argv[optind]);
	if (sock == NULL) {
		if (snprintf(path, sizeof(path), "%s/control.sock", dir) >= (int)sizeof(path))
			return tool_usage_error(cmd, "data dir path too long");
		sock = path;
	}
	return query(sock);
}
