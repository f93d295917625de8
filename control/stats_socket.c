/* SPDX-License-Identifier: MIT */
#include "stats_socket.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

enum {
	WRITE_TIMEOUT_S = 2, /* a reader that does not read is dropped */
};

struct conn {
	struct ctl_stats_socket *s;
	struct bufferevent *bev;
	struct conn *prev, *next;
};

struct ctl_stats_socket {
	struct evconnlistener *listener;
	ctl_stats_text_fn *text;
	void *arg;
	struct conn *conns;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void
conn_free(struct conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		c->s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	bufferevent_free(c->bev);
	free(c);
}

static void
on_written(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_free(arg); /* the whole answer is out */
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what; /* error, EOF or timeout: nothing more to do */
	conn_free(arg);
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *a, int alen, void *arg)
{
	struct ctl_stats_socket *s = arg;
	struct conn *c = calloc(1, sizeof(*c));
	struct timeval tv = {WRITE_TIMEOUT_S, 0};
	char *text = s->text(s->arg);

	(void)a;
	(void)alen;
	if (c == NULL || text == NULL ||
	    (c->bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
					     BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		evutil_closesocket(fd);
		free(c);
		free(text);
		return;
	}
	c->s = s;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	bufferevent_setcb(c->bev, NULL, on_written, on_event, c);
	bufferevent_set_timeouts(c->bev, NULL, &tv);
	bufferevent_write(c->bev, text, strlen(text));
	bufferevent_write(c->bev, "\n", 1);
	bufferevent_enable(c->bev, EV_WRITE);
	free(text);
}

/* A socket file nobody answers on is a crashed process's leftover. */
static int
clear_stale(const char *path, const struct sockaddr_un *a, char *err, size_t errlen)
{
	struct stat st;
	int fd, live;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "stats-socket %s: exists and is not a socket", path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	live = fd >= 0 && connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0;
	if (fd >= 0)
		close(fd);
	if (live) {
		snprintf(err, errlen, "stats-socket %s: another process serves it", path);
		return -EADDRINUSE;
	}
	unlink(path);
	return 0;
}

struct ctl_stats_socket *
ctl_stats_socket_new(struct event_base *base, const char *path, ctl_stats_text_fn *text, void *arg,
		     char *err, size_t errlen)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct ctl_stats_socket *s;
	mode_t old;

	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "stats-socket %s: longer than %zu bytes", path,
			 sizeof(a.sun_path) - 1);
		return NULL;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	if (clear_stale(path, &a, err, errlen) != 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "stats-socket: out of memory");
		return NULL;
	}
	s->text = text;
	s->arg = arg;
	memcpy(s->path, a.sun_path, sizeof(s->path));
	old = umask(0177); /* the file is created 0600 */
	s->listener = evconnlistener_new_bind(base, on_accept, s,
					      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
					      (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (s->listener == NULL) {
		snprintf(err, errlen, "stats-socket %s: cannot listen: %s", path, strerror(errno));
		free(s);
		return NULL;
	}
	return s;
}

void
ctl_stats_socket_free(struct ctl_stats_socket *s)
{
	if (s == NULL)
		return;
	while (s->conns != NULL)
		conn_free(s->conns);
	evconnlistener_free(s->listener);
	unlink(s->path);
	free(s);
}
